//! Login sessions end: at logout (on every node), after 30 idle minutes and 12 hours
//! after the login. A copy of the cookie is worth no more than the session.

use chrono::Duration;
use diesel::{ExpressionMethods, RunQueryDsl};
use systemtilgang::db::schema::sessions;

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    a_copied_cookie_is_worthless_after_logout_on_any_node,
    a_session_ends_after_it_has_been_idle,
    one_idle_minute_is_said_in_the_singular,
    a_one_hour_login_is_said_in_the_singular,
    a_session_ends_at_the_end_of_its_lifetime_however_busy,
    a_form_posted_after_the_session_ended_waits_on_its_page_for_the_login,
);

const OVERVIEW: &str = "/accessmanagement/ui/systemuser/overview";

/// Logs in as KONSERT and returns the browser and a copy of its session cookie.
async fn logged_in_with_copy(app: &TestApp) -> (Browser, String) {
    let browser = app.browser();
    let done = browser.login(KONSERT).await;
    let cookie = done.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    (browser, cookie)
}

/// The overview as someone holding only the copied cookie sees it.
async fn with_copy(app: &TestApp, base: &str, cookie: &str) -> (u16, Option<String>) {
    let response = app.http.get(format!("{base}{OVERVIEW}")).header("cookie", cookie).send().await.unwrap();
    (response.status().as_u16(), response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()))
}

fn is_login(seen: &(u16, Option<String>)) -> bool {
    seen.0 == 303 && seen.1.as_deref().is_some_and(|l| l.starts_with("/login?next="))
}

async fn a_copied_cookie_is_worthless_after_logout_on_any_node(app: TestApp) {
    let (browser, cookie) = logged_in_with_copy(&app).await;
    let other_node = app.restart().await;
    assert_eq!(with_copy(&app, &app.address, &cookie).await.0, 200);
    assert_eq!(with_copy(&app, &other_node.address, &cookie).await.0, 200, "any node takes the session");
    let csrf = browser.get(OVERVIEW).await.csrf();
    assert_eq!(browser.post("/logout", &[("csrf", &csrf)]).await.status, 303);
    for node in [&app.address, &other_node.address] {
        let seen = with_copy(&app, node, &cookie).await;
        assert!(is_login(&seen), "{node}: {seen:?}");
    }
}

async fn a_session_ends_after_it_has_been_idle(app: TestApp) {
    let (browser, cookie) = logged_in_with_copy(&app).await;
    app.leave_sessions_idle();
    assert!(is_login(&with_copy(&app, &app.address, &cookie).await));
    assert_eq!(browser.get(OVERVIEW).await.status, 303, "the browser itself is logged out too");
}

async fn one_idle_minute_is_said_in_the_singular(app: TestApp) {
    let Some(app) = TestApp::spawn_with(app.backend, |config| config.sessions.idle = Duration::minutes(1)).await else {
        return;
    };
    let browser = app.logged_in(KONSERT).await;
    app.leave_sessions_idle();
    let login = browser.follow(&browser.get(OVERVIEW).await).await;
    let said = login.texts("[role=status], [role=alert]").join(" ");
    assert!(said.contains("Du ble logget ut etter 1 minutt uten aktivitet."), "{said}");
}

async fn a_one_hour_login_is_said_in_the_singular(app: TestApp) {
    let Some(app) = TestApp::spawn_with(app.backend, |config| config.sessions.lifetime = Duration::hours(1)).await
    else {
        return;
    };
    let browser = app.logged_in(KONSERT).await;
    let two_hours_ago = systemtilgang::db::now() - Duration::hours(2);
    diesel::update(sessions::table).set(sessions::started_at.eq(two_hours_ago)).execute(&mut app.db()).unwrap();
    let login = browser.follow(&browser.get(OVERVIEW).await).await;
    let said = login.texts("[role=status], [role=alert]").join(" ");
    assert!(said.contains("fordi innloggingen varer i høyst 1 time."), "{said}");
}

async fn a_session_ends_at_the_end_of_its_lifetime_however_busy(app: TestApp) {
    let (_, cookie) = logged_in_with_copy(&app).await;
    let eleven_hours_ago = systemtilgang::db::now() - Duration::hours(11);
    diesel::update(sessions::table).set(sessions::started_at.eq(eleven_hours_ago)).execute(&mut app.db()).unwrap();
    assert_eq!(with_copy(&app, &app.address, &cookie).await.0, 200, "still within its twelve hours");
    let thirteen_hours_ago = systemtilgang::db::now() - Duration::hours(13);
    diesel::update(sessions::table).set(sessions::started_at.eq(thirteen_hours_ago)).execute(&mut app.db()).unwrap();
    assert!(is_login(&with_copy(&app, &app.address, &cookie).await));
}

/// Godkjenn, Avvis, Legg til and giving a role, posted after 30 idle minutes: nothing is
/// done, the login says why, and after it the person is back on the page the form came
/// from, with its buttons, to decide again.
async fn a_form_posted_after_the_session_ended_waits_on_its_page_for_the_login(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let request_page = confirm_path(&request);
    let package = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";
    let agent = app.approved_agent("310000035_smartcloud_klient", &[package], DRESS).await;
    let clients_page = format!("/accessmanagement/ui/systemuser/{agent}/agentdelegation");
    let konsert = app.logged_in(KONSERT).await;
    let csrf = konsert.get(OVERVIEW).await.csrf();
    let found = konsert
        .post("/accessmanagement/ui/users/find", &[("csrf", &csrf), ("pid", PINGVIN), ("surname", "Pingvin")])
        .await;
    let person_page = found.location.expect("found");
    let roles_before = app.db_roles(PINGVIN);
    let cases = [
        (KONSERT, request_page.clone(), "/accessmanagement/ui/systemuser/request/approve".to_owned()),
        (KONSERT, request_page.clone(), "/accessmanagement/ui/systemuser/request/reject".to_owned()),
        (DRESS, clients_page.clone(), format!("{clients_page}/add")),
        (KONSERT, person_page.clone(), format!("{person_page}/give")),
    ];
    for (who, page, action) in cases {
        let browser = app.logged_in(who).await;
        let fields = browser.get(&page).await.form_fields(&action).unwrap_or_else(|| panic!("{action} on {page}"));
        app.leave_sessions_idle();
        // As a browser posts a form: to the action, naming the page it is on.
        let answer = browser
            .client
            .post(format!("{}{action}", browser.base))
            .header("referer", format!("{}{page}", browser.base))
            .form(&fields)
            .send()
            .await
            .unwrap();
        let to_login = answer.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        let wanted = format!("/login?next={}", systemtilgang::support::urlencode(&page));
        assert_eq!((answer.status().as_u16(), to_login.as_deref()), (303, Some(wanted.as_str())), "{action}");
        let login = browser.get(&wanted).await;
        assert!(
            login.text().contains("Du ble logget ut etter 30 minutter uten aktivitet. Logg inn for å fortsette."),
            "{}",
            login.text()
        );
        let csrf = login.csrf();
        let again = browser.post("/login/test", &[("pid", who), ("csrf", &csrf), ("next", &page)]).await;
        assert_eq!(again.location.as_deref(), Some(page.as_str()), "{action}");
        assert!(browser.get(&page).await.has_form(&action), "{action}: the buttons are there again");
    }
    assert_eq!(app.request_status(request["id"].as_str().unwrap()).await, "New", "nothing was decided");
    assert_eq!(app.db_roles(PINGVIN), roles_before, "no role was given");
    let vendor = app.vendor_token(None).await;
    let (_, added) =
        app.api_get(&vendor, &format!("/authentication/api/v1/systemuser/vendor/agent/{agent}/clients")).await;
    assert_eq!(added["data"], serde_json::json!([]), "no client was added");

    // A form posted without naming its page (a browser that sends no Referer) comes
    // back to the overview, never to the form's own address.
    let browser = app.logged_in(KONSERT).await;
    let fields =
        browser.get(&request_page).await.form_fields("/accessmanagement/ui/systemuser/request/approve").unwrap();
    app.leave_sessions_idle();
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let answer = browser.post("/accessmanagement/ui/systemuser/request/approve", &fields).await;
    assert_eq!(answer.location, Some(format!("/login?next={}", systemtilgang::support::urlencode(OVERVIEW))));
}
