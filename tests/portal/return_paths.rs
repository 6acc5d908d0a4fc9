//! Where the portal sends people back to after a form, a language choice or a login:
//! only to its own pages, never to another site, and never a 500 for a strange `next`.

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    the_language_menu_returns_only_to_local_pages,
    login_and_party_switch_return_only_to_local_pages,
    the_openid_login_returns_only_to_local_pages,
);

const OVERVIEW: &str = "/accessmanagement/ui/systemuser/overview";

/// Values of `next` (as sent in a query) that a browser would read as another site, or
/// that hold control characters (which must never reach a header). The dot segments
/// resolve to `//evil.example`; each also percent-encoded, once and twice.
const BAD: &[&str] = &[
    "/.//evil.example",
    "/%2e//evil.example",
    "/%252e//evil.example",
    "/%252E//evil.example",
    "/a/..//evil.example",
    "/a/%2e%2e//evil.example",
    "/a/%252e%252e//evil.example",
    "/x/../..//evil.example/p%3Fq%3D1",
    "%2F.%2F%2Fevil.example",
    "%2Fx%2F..%2F..%2F%2Fevil.example%2Fp%3Fq%3D1",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0aSet-Cookie:%20x=y",
    "/%00",
    "//evil.example",
    "/%5Cevil.example",
    "https://evil.example/",
    "%2F%2Fevil.example",
];

async fn the_language_menu_returns_only_to_local_pages(app: TestApp) {
    let browser = app.browser();
    for next in BAD {
        let page = browser.get(&format!("/language?lang=nn&next={next}")).await;
        assert_eq!(page.status, 303, "{next}: {}", page.body);
        assert_eq!(page.location.as_deref(), Some(OVERVIEW), "{next}");
    }
    let page = browser.get("/language?lang=en&next=/accessmanagement/ui/systemuser/create%3Fq%3Dl%C3%B8nn").await;
    assert_eq!(page.location.as_deref(), Some("/accessmanagement/ui/systemuser/create?q=l%C3%B8nn"));
}

async fn login_and_party_switch_return_only_to_local_pages(app: TestApp) {
    for next in BAD {
        let browser = app.browser();
        let login = browser.get(&format!("/login?next={next}")).await;
        assert_eq!(login.status, 200, "{next}");
        let fields = login.form_fields("/login/test").unwrap();
        let carried = fields.iter().find(|(k, _)| k == "next").map(|(_, v)| v.as_str());
        assert_eq!(carried, Some(OVERVIEW), "{next}");
        // A forged login form with the bad value goes to the overview as well.
        let decoded: String = url::form_urlencoded::parse(format!("n={next}").as_bytes()).map(|(_, v)| v).collect();
        let page = browser.post("/login/test", &[("pid", KONSERT), ("csrf", &login.csrf()), ("next", &decoded)]).await;
        assert_eq!(page.status, 303, "{next}");
        assert_eq!(page.location.as_deref(), Some(OVERVIEW), "{next}");
        let csrf = browser.get(OVERVIEW).await.csrf();
        let switch =
            browser.post("/accessmanagement/ui/party", &[("org_no", APE), ("csrf", &csrf), ("next", &decoded)]).await;
        assert_eq!(switch.status, 303, "{next}");
        assert_eq!(switch.location.as_deref(), Some(OVERVIEW), "{next}");
    }
}

async fn the_openid_login_returns_only_to_local_pages(app: TestApp) {
    let Some(issuer) = crate::provider::issuer() else { return };
    let app = app.node_with(|c| c.oidc = Some(crate::provider::settings(issuer))).await;
    for next in ["/.//evil.example", "/%2e//evil.example", "/a/..//evil.example", "/x/../..//evil.example/p?q=1"] {
        let browser = app.browser();
        let (_, answer) = crate::oidc_login::login_at_provider(&browser, KONSERT, next).await;
        assert_eq!(answer.status, 303, "{next}: {}", answer.text());
        assert_eq!(answer.location.as_deref(), Some(OVERVIEW), "{next}");
    }
}
