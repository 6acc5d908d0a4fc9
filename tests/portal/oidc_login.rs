//! Logging in with OpenID Connect against a real, independent provider (oidc-provider
//! on loopback), the way a browser goes: to the provider's login and consent pages and
//! back with a code.

use crate::common::*;
use crate::on_both_backends;
use crate::provider;

on_both_backends!(
    a_person_logs_in_at_the_provider_and_comes_back_where_they_were_going,
    a_replayed_or_forged_callback_is_refused,
    cancelling_at_the_provider_is_explained,
    a_person_the_portal_does_not_know_is_told_so,
    logout_ends_the_session_at_the_provider_too,
    production_mode_has_only_the_real_login_and_no_demo,
    without_a_provider_there_is_only_the_test_login,
    an_answer_naming_another_issuer_is_refused,
    a_decision_on_the_vendors_link_logs_out_at_the_provider_too,
);

/// With the logout after a vendor's request set (production's default), approving a
/// request opened from the vendor's link ends the login here and at the provider, and the
/// provider's return to the login page goes on to the vendor.
async fn a_decision_on_the_vendors_link_logs_out_at_the_provider_too(app: TestApp) {
    let Some(issuer) = provider::issuer() else { return };
    let app = app
        .node_with(|c| {
            c.oidc = Some(provider::settings(issuer));
            c.logout_after_vendor_decision = true;
        })
        .await;
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let link = request["confirmUrl"].as_str().unwrap();
    let link = &link[link.find("/accessmanagement").unwrap()..];
    let browser = app.browser();
    login_at_provider(&browser, KONSERT, link).await;
    let approved = browser.submit(link, "/accessmanagement/ui/systemuser/request/approve").await;
    assert_eq!(app.request_status(request["id"].as_str().unwrap()).await, "Accepted");
    let end_session = approved.location.unwrap();
    assert!(end_session.starts_with(issuer) && end_session.contains("id_token_hint="), "{end_session}");
    assert_eq!(browser.get("/accessmanagement/ui/systemuser/overview").await.status, 303, "logged out here");
    let login_page = app.url("/login");
    let (at, confirm) = follow(&browser, end_session, &login_page).await;
    let (back, onward) = provider_form(&browser, &at, &confirm, &[("logout", "yes")], &login_page).await;
    assert!(back.starts_with(&login_page), "{back}");
    assert_eq!(onward.location.as_deref(), Some(RECEIPT), "on to the vendor");
    assert_eq!(browser.get(&back).await.status, 200, "then the login page as ever");
}

async fn an_answer_naming_another_issuer_is_refused(app: TestApp) {
    let Some(app) = with_oidc(&app).await else { return };
    let browser = app.browser();
    let url = callback_from_provider(&browser, KONSERT, "/").await;
    let ours = url::Url::parse(&url).unwrap();
    assert_eq!(ours.query_pairs().find(|(k, _)| k == "iss").unwrap().1, provider::issuer().unwrap());
    // The same code and state, said to come from another provider (a mix-up attack).
    let mut mixed = ours.clone();
    let pairs: Vec<(String, String)> = ours.query_pairs().into_owned().collect();
    mixed.query_pairs_mut().clear();
    for (k, v) in &pairs {
        mixed.query_pairs_mut().append_pair(k, if k == "iss" { "https://evil.example" } else { v });
    }
    let refused = browser.get(mixed.as_str()).await;
    assert_eq!(refused.status, 400);
    assert_eq!(browser.get("/accessmanagement/ui/systemuser/overview").await.status, 303);
    // The genuine answer still works: the refusal came from the issuer alone.
    assert_eq!(browser.get(&url).await.status, 303);
    assert_eq!(browser.get("/accessmanagement/ui/systemuser/overview").await.status, 200);
}

async fn without_a_provider_there_is_only_the_test_login(app: TestApp) {
    let browser = app.browser();
    let login = browser.get("/login").await;
    assert!(login.texts("form[action=\"/login/oidc\"]").is_empty());
    assert_eq!(login.texts("ul.cards button").len(), 5);
    assert_eq!(browser.get("/login/oidc").await.status, 404);
    assert_eq!(browser.get("/login/oidc/callback?code=x&state=y").await.status, 404);
}

/// Another node on the app's database that logs people in at the test provider.
async fn with_oidc(app: &TestApp) -> Option<TestApp> {
    let issuer = provider::issuer()?;
    Some(app.node_with(|c| c.oidc = Some(provider::settings(issuer))).await)
}

/// Where a redirect from `from` leads.
fn resolve(from: &str, location: &str) -> String {
    url::Url::parse(from).unwrap().join(location).unwrap().to_string()
}

/// Follows redirects from `url` until a page answers, or the next stop is the portal's
/// login callback (returned unvisited, so a test can look at it).
async fn follow(browser: &Browser, mut url: String, callback: &str) -> (String, Page) {
    loop {
        let page = browser.get(&url).await;
        match &page.location {
            Some(location) if (300..400).contains(&page.status) => {
                let next = resolve(&url, location);
                if next.starts_with(callback) {
                    return (next, page);
                }
                url = next;
            }
            _ => return (url, page),
        }
    }
}

/// Submits the provider's form on `page` (login, consent or logout) with its hidden
/// fields and `extra`, and follows on from there.
async fn provider_form(
    browser: &Browser,
    at: &str,
    page: &Page,
    extra: &[(&str, &str)],
    callback: &str,
) -> (String, Page) {
    let html = page.html();
    let selector = scraper::Selector::parse("form[method=post]").unwrap();
    let form = html.select(&selector).next().unwrap_or_else(|| panic!("no form:\n{}", page.text()));
    let action = resolve(at, form.value().attr("action").unwrap());
    let mut fields = page.form_fields(form.value().attr("action").unwrap()).unwrap_or_default();
    fields.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let posted = browser.client.post(&action).form(&fields).send().await.unwrap();
    let location = posted.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    let next = resolve(&action, &location.expect("the provider redirects after a form"));
    if next.starts_with(callback) {
        let page = browser.get(&next).await;
        return (next, page);
    }
    follow(browser, next, callback).await
}

/// Starts a login for `next` and logs in at the provider as `login`, giving consent.
/// Returns the callback URL the provider sends the browser to, not yet visited.
async fn callback_from_provider(browser: &Browser, login: &str, next: &str) -> String {
    let callback = format!("{}/login/oidc/callback", browser.base);
    let start = format!("{}/login/oidc?next={}", browser.base, systemtilgang::support::urlencode(next));
    let (at, page) = follow(browser, start, &callback).await;
    assert_eq!(page.status, 200, "{at}: {}", page.text());
    let (at, consent) = provider_form(browser, &at, &page, &[("login", login), ("password", "x")], &callback).await;
    provider_form(browser, &at, &consent, &[], &callback).await.0
}

/// Logs in at the provider as `login` and comes back: the callback URL and the portal's
/// answer to it.
pub(crate) async fn login_at_provider(browser: &Browser, login: &str, next: &str) -> (String, Page) {
    let url = callback_from_provider(browser, login, next).await;
    let answer = browser.get(&url).await;
    (url, answer)
}

async fn a_person_logs_in_at_the_provider_and_comes_back_where_they_were_going(app: TestApp) {
    let Some(app) = with_oidc(&app).await else { return };
    let browser = app.browser();
    let login = browser.get("/login?next=%2Faccessmanagement%2Fui%2Fsystemuser%2Fcreate").await;
    assert_eq!(login.texts("form[action=\"/login/oidc\"] button"), ["Logg inn med Testporten"]);
    assert_eq!(login.texts(".demo-badge").len(), 1, "demo mode says so");

    // The provider is asked for a code with PKCE, state, nonce and the person's language.
    let start = browser.get("/login/oidc?next=%2Faccessmanagement%2Fui%2Fsystemuser%2Fcreate").await;
    let auth = url::Url::parse(start.location.as_deref().unwrap()).unwrap();
    let query: std::collections::HashMap<_, _> = auth.query_pairs().into_owned().collect();
    assert!(auth.as_str().starts_with(provider::issuer().unwrap()));
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["ui_locales"], "nb");
    assert!(query["scope"].contains("openid"));
    assert!(query["state"].len() >= 16 && query["nonce"].len() >= 16);

    let (_, answer) = login_at_provider(&browser, KONSERT, "/accessmanagement/ui/systemuser/create").await;
    assert_eq!(answer.status, 303, "{}", answer.text());
    assert_eq!(answer.location.as_deref(), Some("/accessmanagement/ui/systemuser/create"));
    let overview = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(overview.status, 200);
    assert!(overview.texts("header")[0].contains("STADIG KONSERT"));
}

async fn a_replayed_or_forged_callback_is_refused(app: TestApp) {
    let Some(app) = with_oidc(&app).await else { return };
    let browser = app.browser();
    let (callback, answer) = login_at_provider(&browser, LOVE, "/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(answer.status, 303);
    // The same code and state a second time (a replay, or the back button).
    let again = app.browser();
    let replay = again.get(&callback).await;
    assert_eq!(replay.status, 400);
    assert_eq!(replay.texts("h1"), ["Innloggingen mislyktes"]);
    assert!(replay.texts("[role=alert]")[0].contains("Innloggingen kunne ikke fullføres"));
    assert_eq!(replay.texts("a.button"), ["Logg inn på nytt"]);
    assert_eq!(again.get("/accessmanagement/ui/systemuser/overview").await.status, 303);

    // A login under way, but a made-up code: the provider refuses it, and so do we.
    let fresh = app.browser();
    let start = fresh.get("/login/oidc").await;
    let auth = url::Url::parse(start.location.as_deref().unwrap()).unwrap();
    let state = auth.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let forged = fresh.get(&format!("/login/oidc/callback?code=made-up&state={state}")).await;
    assert_eq!(forged.status, 400);
    assert!(forged.text().contains("STG-00441"));
    // A callback whose state is not the one under way.
    let start = fresh.get("/login/oidc").await;
    assert_eq!(start.status, 303);
    let wrong = fresh.get("/login/oidc/callback?code=x&state=someone-elses").await;
    assert_eq!(wrong.status, 400);
    assert_eq!(fresh.get("/accessmanagement/ui/systemuser/overview").await.status, 303);
}

async fn cancelling_at_the_provider_is_explained(app: TestApp) {
    let Some(app) = with_oidc(&app).await else { return };
    let browser = app.browser();
    let callback = app.url("/login/oidc/callback");
    let (at, page) = follow(&browser, app.url("/login/oidc"), &callback).await;
    let (at, consent) = provider_form(&browser, &at, &page, &[("login", KONSERT), ("password", "x")], &callback).await;
    // The consent page's "Cancel" link ends the interaction with access_denied.
    let html = consent.html();
    let abort = scraper::Selector::parse("a[href*=\"/abort\"]").unwrap();
    let href = html.select(&abort).next().expect("a cancel link").value().attr("href").unwrap().to_owned();
    let (url, _) = follow(&browser, resolve(&at, &href), &callback).await;
    assert!(url.contains("error=access_denied"), "{url}");
    let answer = browser.get(&url).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.texts("h1"), ["Innloggingen ble avbrutt"]);
    assert!(answer.texts("[role=alert]")[0].contains("Du avbrøt innloggingen"));
    assert!(answer.texts(".alert--danger").is_empty(), "the person's own choice is not shown in red");
}

async fn a_person_the_portal_does_not_know_is_told_so(app: TestApp) {
    let Some(app) = with_oidc(&app).await else { return };
    let browser = app.browser();
    let (_, unknown) = login_at_provider(&browser, "15058045656", "/").await;
    assert_eq!(unknown.status, 403);
    assert!(unknown.texts(".alert--danger[role=alert]")[0].contains("fødselsnummeret ditt er ikke registrert"));
    assert_eq!(browser.get("/accessmanagement/ui/systemuser/overview").await.status, 303);
    // A provider sending something that is no national identity number is refused too.
    let (_, invalid) = login_at_provider(&app.browser(), "not-a-number", "/").await;
    assert_eq!(invalid.status, 400);
}

async fn logout_ends_the_session_at_the_provider_too(app: TestApp) {
    let Some(app) = with_oidc(&app).await else { return };
    let browser = app.browser();
    login_at_provider(&browser, KONSERT, "/").await;
    let out = browser.submit("/accessmanagement/ui/systemuser/overview", "/logout").await;
    let end_session = out.location.unwrap();
    assert!(end_session.starts_with(provider::issuer().unwrap()), "{end_session}");
    assert!(end_session.contains("id_token_hint="));
    assert_eq!(browser.get("/accessmanagement/ui/systemuser/overview").await.status, 303);
    // The provider asks to confirm, then sends the person back to the portal's login page.
    let login_page = app.url("/login");
    let (at, confirm) = follow(&browser, end_session, &login_page).await;
    let (back, _) = provider_form(&browser, &at, &confirm, &[("logout", "yes")], &login_page).await;
    assert!(back.starts_with(&login_page), "{back}");
    // Logging in again means the provider's login page again, not a silent return.
    let (_, page) = follow(&browser, app.url("/login/oidc"), &app.url("/login/oidc/callback")).await;
    assert!(page.html().select(&scraper::Selector::parse("input[name=login]").unwrap()).next().is_some());
}

async fn production_mode_has_only_the_real_login_and_no_demo(app: TestApp) {
    let Some(issuer) = provider::issuer() else { return };
    let production = |c: &mut systemtilgang::app::config::Config| {
        c.mode = systemtilgang::app::config::Mode::Production;
        c.cookie_key = Some(vec![9; 64]);
        c.oidc = Some(provider::settings(issuer));
    };
    // The demo data's vendor secret is public: production refuses a database holding it.
    let mut refused = crate::common::test_config(&app.database_url);
    production(&mut refused);
    let error = systemtilgang::server::Application::build(refused).await.err().expect("production refuses demo data");
    assert!(error.contains("demo data"), "{error}");

    // A database without the demo data.
    let Some(empty) = TestApp::spawn_with(app.backend, production).await else { return };
    let login = empty.browser().get("/login").await;
    assert_eq!(login.status, 200);
    assert_eq!(login.texts("main button"), ["Logg inn med Testporten"]);
    assert!(login.texts(".demo-badge").is_empty());
    let browser = empty.browser();
    // The test login does not exist.
    assert_eq!(browser.post("/login/test", &[("pid", KONSERT), ("csrf", "x")]).await.status, 404);
    assert_eq!(browser.get(systemtilgang::seed::demo::DEMO_RECEIPT_PATH).await.status, 404);

    // Someone the portal knows logs in at the provider.
    let mut conn = empty.db();
    systemtilgang::db::parties::insert_person(
        &mut conn,
        &systemtilgang::db::parties::Person::new(KONSERT, "STADIG KONSERT"),
    )
    .unwrap();
    let (_, answer) = login_at_provider(&browser, KONSERT, "/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(answer.status, 303, "{}", answer.text());
    let overview = browser.get("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(overview.status, 200, "{}", overview.text());
    assert!(overview.texts("header")[0].contains("STADIG KONSERT"));
    assert!(overview.texts(".demo-badge").is_empty());
}
