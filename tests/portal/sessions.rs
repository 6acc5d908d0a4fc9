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
    a_session_ends_at_the_end_of_its_lifetime_however_busy,
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
    let half_an_hour_ago = systemtilgang::db::now() - Duration::minutes(31);
    diesel::update(sessions::table).set(sessions::last_seen_at.eq(half_an_hour_ago)).execute(&mut app.db()).unwrap();
    assert!(is_login(&with_copy(&app, &app.address, &cookie).await));
    assert_eq!(browser.get(OVERVIEW).await.status, 303, "the browser itself is logged out too");
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
