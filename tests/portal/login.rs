//! Logging in and out, and acting for a party.

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    anonymous_users_are_sent_to_login_and_back,
    logout_ends_the_session,
    an_unknown_person_gets_a_clear_message,
    the_header_shows_person_and_party_and_switches_party,
    pages_follow_the_chosen_language_then_the_browsers,
    many_parties_are_found_by_searching,
    failed_logins_from_one_address_are_slowed_down,
    the_demo_login_offers_the_cast_and_takes_anyone_else_by_number,
    pages_answer_head_and_the_icon_is_served,
    the_typeface_the_stylesheet_names_is_served_by_the_portal,
);

/// HEAD gets a page's status and headers without its body (link checkers, monitors),
/// and the icon is where pages name it and where browsers look unasked.
async fn pages_answer_head_and_the_icon_is_served(app: TestApp) {
    let browser = app.logged_in(KONSERT).await;
    for (path, status) in [("/login", 200), ("/accessmanagement/ui/systemuser/overview", 200), ("/", 303)] {
        let answer = browser.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), status, "{path}");
        assert!(answer.text().await.unwrap().is_empty(), "{path}");
    }
    let anonymous =
        app.browser().client.head(app.url("/accessmanagement/ui/systemuser/overview")).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 303, "HEAD asks for the login like GET");
    let page = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(page.body.contains(r#"<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">"#));
    for path in ["/static/favicon.svg", "/favicon.ico"] {
        let icon = browser.get(path).await;
        assert_eq!(icon.status, 200, "{path}");
        assert_eq!(icon.headers["content-type"], "image/svg+xml");
        assert!(icon.body.starts_with("<svg"));
    }
}

/// Every font file the stylesheet names comes from the portal itself, as WOFF2, and the
/// font's licence goes with it.
async fn the_typeface_the_stylesheet_names_is_served_by_the_portal(app: TestApp) {
    let browser = app.browser();
    let css = browser.get("/static/app.css").await.body;
    let fonts: Vec<&str> = css.split("url(").skip(1).filter_map(|rest| rest.split(')').next()).collect();
    assert_eq!(fonts.len(), 2, "Latin and Latin Extended: {fonts:?}");
    for path in fonts {
        assert!(path.starts_with("/static/fonts/"), "no outside host: {path}");
        let answer = browser.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{path}");
        assert_eq!(answer.headers()["content-type"], "font/woff2", "{path}");
        assert!(answer.bytes().await.unwrap().starts_with(b"wOF2"), "{path}");
    }
    let licence = browser.get("/static/fonts/LICENSE-Inter.txt").await;
    assert!(licence.body.contains("SIL Open Font License"), "{}", licence.body);
    assert_eq!(browser.get("/static/fonts/other.woff2").await.status, 404);
}

async fn anonymous_users_are_sent_to_login_and_back(app: TestApp) {
    let browser = app.browser();
    for path in [
        "/accessmanagement/ui/systemuser/overview",
        "/accessmanagement/ui/systemuser/create?q=smart",
        "/accessmanagement/ui/systemuser/request?id=abc",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        let location = page.location.unwrap();
        assert!(location.starts_with("/login?next="), "{location}");
        let login = browser.get(&location).await;
        let fields = login.form_fields("/login/test").unwrap();
        let next = fields.iter().find(|(k, _)| k == "next").unwrap();
        assert_eq!(next.1, path);
    }
    let login = browser.get("/login?next=%2Faccessmanagement%2Fui%2Fsystemuser%2Fcreate").await;
    let csrf = login.csrf();
    let done = browser
        .post("/login/test", &[("pid", KONSERT), ("csrf", &csrf), ("next", "/accessmanagement/ui/systemuser/create")])
        .await;
    assert_eq!(done.location.as_deref(), Some("/accessmanagement/ui/systemuser/create"));
    assert_eq!(browser.get("/accessmanagement/ui/systemuser/create").await.status, 200);
    // A next pointing off-site is ignored.
    let other = app.browser();
    let csrf = other.get("/login").await.csrf();
    let done = other.post("/login/test", &[("pid", KONSERT), ("csrf", &csrf), ("next", "//evil.example/")]).await;
    assert_eq!(done.location.as_deref(), Some("/accessmanagement/ui/systemuser/overview"));
}

async fn logout_ends_the_session(app: TestApp) {
    let browser = app.logged_in(LOVE).await;
    let overview = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(overview.status, 200);
    let out = browser.submit("/accessmanagement/ui/systemuser/overview", "/logout").await;
    assert_eq!(out.location.as_deref(), Some("/login"));
    let login = browser.get("/login").await;
    assert_eq!(login.texts("[role=status]"), ["Du er logget ut."], "said once, on the page logout leads to");
    assert!(browser.get("/login").await.texts("[role=status]").is_empty());
    assert_eq!(browser.get("/accessmanagement/ui/systemuser/overview").await.status, 303);
}

async fn an_unknown_person_gets_a_clear_message(app: TestApp) {
    let browser = app.browser();
    let csrf = browser.get("/login").await.csrf();
    for pid in ["01010100000", "12345", "17827510026"] {
        let page = browser.post("/login/test", &[("pid", pid), ("csrf", &csrf)]).await;
        assert_eq!(page.status, 400);
        assert!(page.texts("[role=alert]")[0].contains("Vi finner ingen person"));
    }
    assert_eq!(browser.get("/accessmanagement/ui/systemuser/overview").await.status, 303);
}

async fn the_header_shows_person_and_party_and_switches_party(app: TestApp) {
    app.grant_role(KONSERT, TIGER, "UTINN");
    let browser = app.logged_in(KONSERT).await;
    let overview = browser.get("/accessmanagement/ui/systemuser/overview").await;
    let header = overview.texts("header")[0].clone();
    assert!(header.contains("STADIG KONSERT"), "{header}");
    assert!(
        header.contains("TILBAKEHOLDEN USYMMETRISK TIGER AS") || header.contains("TILFELDIG SUBTIL APE"),
        "{header}"
    );
    assert_eq!(overview.texts("#party-switch option").len(), 2);

    let csrf = overview.csrf();
    let switched = browser.post("/accessmanagement/ui/party", &[("org_no", TIGER), ("csrf", &csrf)]).await;
    assert_eq!(switched.status, 303);
    let tiger = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(tiger.texts(".account__party")[0].contains("TILBAKEHOLDEN USYMMETRISK TIGER AS"));
    // As a mere utfyller/innsender there, he may not create system accesses.
    assert!(tiger.texts("a.button").iter().all(|t| t != "Lag ny systemtilgang"));
    browser.post("/accessmanagement/ui/party", &[("org_no", APE), ("csrf", &csrf)]).await;
    let ape = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(ape.texts(".account__party")[0].contains("TILFELDIG SUBTIL APE"));
    assert!(ape.texts("a.button").iter().any(|t| t == "Lag ny systemtilgang"));

    // A party the person holds no role for cannot be chosen.
    let refused = browser.post("/accessmanagement/ui/party", &[("org_no", "310000132"), ("csrf", &csrf)]).await;
    assert_eq!(refused.status, 403);
    let still = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(still.texts(".account__party")[0].contains("TILFELDIG SUBTIL APE"));
}

async fn pages_follow_the_chosen_language_then_the_browsers(app: TestApp) {
    let english = app.http.get(app.url("/login")).header("Accept-Language", "en-GB,en;q=0.9").send().await.unwrap();
    let body = english.text().await.unwrap();
    assert!(body.contains("<html lang=\"en\">"), "{body}");
    assert!(body.contains("<h1>Log in</h1>"));
    let missing = app.http.get(app.url("/finnes/ikke")).header("Accept-Language", "en").send().await.unwrap();
    assert!(missing.text().await.unwrap().contains("Something went wrong"), "error pages too");

    let browser = app.logged_in(KONSERT).await;
    assert_eq!(
        browser.get("/accessmanagement/ui/systemuser/overview").await.texts("h1"),
        ["Systemtilganger for TILFELDIG SUBTIL APE"]
    );
    let chosen = browser
        .client
        .get(app.url("/language?lang=nn"))
        .header("Referer", app.url("/accessmanagement/ui/systemuser/create?q=smart"))
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), 303);
    assert_eq!(chosen.headers()["location"], "/accessmanagement/ui/systemuser/create?q=smart", "back to the page");
    let overview = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(overview.texts("h1"), ["Systemtilgangar for TILFELDIG SUBTIL APE"]);
    assert_eq!(overview.texts(".language a[aria-current]"), ["Nynorsk"]);
    // An unknown language changes nothing; a foreign referer is not followed.
    let odd = browser
        .client
        .get(app.url("/language?lang=xx"))
        .header("Referer", "https://evil.example/x")
        .send()
        .await
        .unwrap();
    assert_eq!(odd.headers()["location"], "/accessmanagement/ui/systemuser/overview");
    assert_eq!(
        browser.get("/accessmanagement/ui/systemuser/overview").await.texts("h1"),
        ["Systemtilgangar for TILFELDIG SUBTIL APE"]
    );
}

async fn many_parties_are_found_by_searching(app: TestApp) {
    // STADIG KONSERT acts for the demo company and for every demo client of the firm.
    let clients = [
        "310000043",
        "310000051",
        "310000078",
        "310000086",
        "310000094",
        "310000108",
        "310000116",
        "310000140",
        "310000159",
    ];
    for org in clients {
        app.grant_role(KONSERT, org, "UTINN");
    }
    let browser = app.logged_in(KONSERT).await;
    let overview = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(overview.texts("#party-switch option").is_empty(), "no long select");
    assert!(overview.body.contains("href=\"/accessmanagement/ui/party\""));
    let all = browser.get("/accessmanagement/ui/party").await;
    assert_eq!(all.texts("#parties strong").len(), 10);
    let found = browser.get("/accessmanagement/ui/party?q=hare").await;
    assert_eq!(found.texts("#parties strong"), ["FREDELIG BLÅ HARE AS"]);
    let chosen = browser.submit("/accessmanagement/ui/party?q=310+000+051", "/accessmanagement/ui/party").await;
    assert_eq!(chosen.location.as_deref(), Some("/accessmanagement/ui/systemuser/overview"));
    let now = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(now.texts(".account__party")[0].contains("FREDELIG BLÅ HARE AS"));
}

async fn failed_logins_from_one_address_are_slowed_down(app: TestApp) {
    let browser = app.browser();
    let csrf = browser.get("/login").await.csrf();
    let mut refused = None;
    for attempt in 0..45 {
        let page = browser.post("/login/test", &[("pid", "17827510026"), ("csrf", &csrf)]).await;
        match page.status {
            400 => assert!(page.text().contains("Vi finner ingen person med dette fødselsnummeret")),
            429 => {
                assert!(page.text().contains("For mange mislykkede forsøk"), "{}", page.text());
                assert!(page.headers.contains_key("retry-after"));
                refused.get_or_insert(attempt);
            }
            other => panic!("attempt {attempt}: {other}"),
        }
    }
    let first = refused.expect("guessing is refused");
    assert!((25..=35).contains(&first), "refused from attempt {first}");
}

async fn the_demo_login_offers_the_cast_and_takes_anyone_else_by_number(app: TestApp) {
    // A thousand generated system users bring a hundred organisations and their managers.
    assert!(systemtilgang::seed::scale::generate(&mut app.db(), 1000).unwrap());
    let browser = app.browser();
    let login = browser.get("/login").await;
    let offered = login.texts(".cards button");
    assert_eq!(offered.len(), 5, "the guide's cast only: {offered:?}");
    assert!(offered.iter().any(|b| b.contains("STADIG KONSERT")), "{offered:?}");
    let generated = systemtilgang::domain::ids::synthetic_pids(40).next().unwrap();
    let done = browser.post("/login/test", &[("pid", generated.as_str()), ("csrf", &login.csrf())]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let overview = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert!(overview.text().contains("DAGLIG LEDER 1"), "{}", overview.text());
}
