//! CSRF, cookies, framing and ids edited in the URL.

use crate::common::*;
use crate::on_both_backends;

const APPROVE: &str = "/accessmanagement/ui/systemuser/request/approve";

on_both_backends!(
    forms_without_the_sessions_csrf_token_are_refused,
    the_session_cookie_is_http_only_and_same_site,
    approval_pages_cannot_be_framed,
    another_partys_system_access_cannot_be_seen_or_deleted_by_id,
    unknown_pages_and_bad_input_get_friendly_pages,
    over_https_browsers_are_told_to_keep_to_it,
    error_pages_keep_the_menu_and_give_a_reference,
);

/// An error page for someone logged in has their menu, as every page does, and the code
/// in small print for support; for a visitor, only the language menu.
async fn error_pages_keep_the_menu_and_give_a_reference(app: TestApp) {
    let konsert = app.logged_in(KONSERT).await;
    for path in [
        "/accessmanagement/ui/systemuser/request?id=00000000-0000-0000-0000-000000000000",
        "/accessmanagement/ui/systemuser/00000000-0000-0000-0000-000000000000",
        "/accessmanagement/ui/no-such-page",
        "/no-such-page",
    ] {
        let page = konsert.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.texts(".menu__who")[0].contains("STADIG KONSERT"), "{path}: the person's menu");
        assert!(page.has_form("/logout"), "{path}: logging out is there");
        let reference = page.texts("p.small");
        assert!(reference[0].starts_with("Feilkode 404 / ") && reference[0].contains("brukerstøtte"), "{reference:?}");
    }
    let visitor = app.browser().get("/no-such-page").await;
    assert_eq!(visitor.status, 404);
    assert!(visitor.texts(".menu__who").is_empty() && !visitor.has_form("/logout"));
}

async fn forms_without_the_sessions_csrf_token_are_refused(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let id = request["id"].as_str().unwrap();
    let browser = app.logged_in(KONSERT).await;
    // A stale form goes back to the page it came from, which says nothing was done;
    // without a page to go back to (no Referer), to the overview.
    let page = confirm_path(&request);
    for (csrf, referer) in [("", Some(page.as_str())), ("forged-token", None)] {
        let mut post = browser.client.post(app.url(APPROVE)).form(&[("id", id), ("csrf", csrf)]);
        if let Some(referer) = referer {
            post = post.header("referer", app.url(referer));
        }
        let answer = post.send().await.unwrap();
        let back = format!("{}#notice", referer.unwrap_or("/accessmanagement/ui/systemuser/overview"));
        assert_eq!(answer.status(), 303);
        assert_eq!(answer.headers()["location"].to_str().unwrap(), back);
        let shown = browser.get(back.split('#').next().unwrap()).await;
        let said = shown.texts("#notice[role=alert]");
        assert_eq!(said, ["Skjemaet var utløpt, så ingenting ble gjort. Prøv igjen."], "{csrf:?}");
        assert!(shown.texts("#notice").len() == 1, "once");
        assert!(browser.get(back.split('#').next().unwrap()).await.texts("#notice[role=alert]").is_empty(), "once");
    }
    let missing = browser.post(APPROVE, &[("id", id)]).await;
    assert_eq!(missing.status, 400);
    // Another session's token does not work either.
    let other = app.logged_in(LOVE).await;
    let other_csrf = other.get("/accessmanagement/ui/systemuser/overview").await.csrf();
    let page = browser.post(APPROVE, &[("id", id), ("csrf", &other_csrf)]).await;
    assert_eq!(page.status, 303);
    assert_eq!(app.request_status(id).await, "New");
    // Login itself needs the token: the login page says why it did not happen.
    let fresh = app.browser();
    fresh.get("/login").await;
    let refused = fresh.post("/login/test", &[("pid", KONSERT), ("csrf", "x")]).await;
    assert_eq!(refused.status, 303);
    let login = fresh.get("/login").await;
    assert!(login.texts("[role=alert]").iter().any(|t| t.contains("Skjemaet var utløpt")), "{}", login.text());
    assert_eq!(fresh.get("/accessmanagement/ui/systemuser/overview").await.status, 303, "not logged in");
}

async fn the_session_cookie_is_http_only_and_same_site(app: TestApp) {
    let browser = app.browser();
    let login = browser.get("/login").await;
    let csrf = login.csrf();
    let done = browser.post("/login/test", &[("pid", KONSERT), ("csrf", &csrf)]).await;
    let cookie = done.headers.get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.starts_with("systemtilgang="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains(KONSERT), "the cookie is encrypted: {cookie}");
}

async fn approval_pages_cannot_be_framed(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let browser = app.logged_in(KONSERT).await;
    let page =
        browser.get(&format!("/accessmanagement/ui/systemuser/request?id={}", request["id"].as_str().unwrap())).await;
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers["x-frame-options"], "DENY");
}

async fn another_partys_system_access_cannot_be_seen_or_deleted_by_id(app: TestApp) {
    let konsert = app.logged_in(KONSERT).await;
    let created = konsert
        .submit(
            &format!("/accessmanagement/ui/systemuser/create?system={SMARTCLOUD}"),
            "/accessmanagement/ui/systemuser/create",
        )
        .await;
    let details = created.location.unwrap().trim_end_matches("?created=1").to_owned();
    let dress = app.logged_in(DRESS).await;
    let page = dress.get(&details).await;
    assert_eq!(page.status, 404);
    assert!(!page.text().contains("SmartCloud"));
    let csrf = dress.get("/accessmanagement/ui/systemuser/overview").await.csrf();
    let delete = dress.post(&format!("{details}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(delete.status, 404);
    assert_eq!(app.vendor_system_users(SMARTCLOUD).await.len(), 1);
}

async fn unknown_pages_and_bad_input_get_friendly_pages(app: TestApp) {
    let browser = app.logged_in(KONSERT).await;
    for (path, status) in [
        ("/finnes/ikke", 404),
        ("/accessmanagement/ui/systemuser/request?id=finnes-ikke", 404),
        ("/accessmanagement/ui/systemuser/request", 404),
        ("/accessmanagement/ui/systemuser/finnes-ikke", 404),
        ("/accessmanagement/ui/systemuser/create?system=finnes-ikke", 404),
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, status, "{path}");
        assert!(page.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        assert_eq!(page.texts("h1"), ["Noe gikk galt"], "{path}");
        assert!(page.body.contains("lang=\"nb\""));
    }
}

async fn over_https_browsers_are_told_to_keep_to_it(app: TestApp) {
    let plain = app.browser().get("/login").await;
    assert!(!plain.headers.contains_key("strict-transport-security"), "not over plain http");
    let https = app.node_with(|c| c.public_url = Some("https://systemtilgang.test".into())).await;
    let browser = https.browser();
    let login = browser.get("/login").await;
    let hsts = login.headers["strict-transport-security"].to_str().unwrap();
    assert!(hsts.starts_with("max-age=31536000"), "{hsts}");
    let chosen = browser.get("/language?lang=en").await;
    let cookie = chosen.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=en") && cookie.contains("Secure"), "{cookie}");
    let session = login.headers["set-cookie"].to_str().unwrap();
    assert!(session.contains("Secure"), "{session}");
}
