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
);

async fn forms_without_the_sessions_csrf_token_are_refused(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let id = request["id"].as_str().unwrap();
    let browser = app.logged_in(KONSERT).await;
    for csrf in ["", "forged-token"] {
        let page = browser.post(APPROVE, &[("id", id), ("csrf", csrf)]).await;
        assert_eq!(page.status, 403);
        assert!(page.text().contains("Skjemaet er utløpt"));
    }
    let missing = browser.post(APPROVE, &[("id", id)]).await;
    assert_eq!(missing.status, 400);
    // Another session's token does not work either.
    let other = app.logged_in(LOVE).await;
    let other_csrf = other.get("/accessmanagement/ui/systemuser/overview").await.csrf();
    let page = browser.post(APPROVE, &[("id", id), ("csrf", &other_csrf)]).await;
    assert_eq!(page.status, 403);
    assert_eq!(app.request_status(id).await, "New");
    // Login itself needs the token.
    let fresh = app.browser();
    fresh.get("/login").await;
    assert_eq!(fresh.post("/login/test", &[("pid", KONSERT), ("csrf", "x")]).await.status, 403);
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
