//! What vendors send is bounded and stored in a clean form: over-long strings get a clear
//! 400, and redirect URLs are kept as parsed, so what goes back in a `Location` header is
//! well-formed.

use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

const REQUESTS: &str = "/authentication/api/v1/systemuser/request/vendor";

on_both_backends!(
    redirect_urls_are_stored_as_parsed,
    over_long_strings_are_refused_clearly,
    nul_characters_are_bad_input_not_a_server_error,
    names_that_hide_or_turn_their_text_are_refused_wherever_they_come_in,
);

async fn redirect_urls_are_stored_as_parsed(app: TestApp) {
    let token = app.vendor_token(None).await;
    let body = request_body(SMARTCLOUD, APE, &[KRAV], Some("  HTTPS://SmartCloud.Example/kvittering?order=1 "));
    let (status, created) = app.api_post(&token, REQUESTS, &body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["redirectUrl"], "https://smartcloud.example/kvittering?order=1");
    let id = created["id"].as_str().unwrap();
    let done = app
        .logged_in(KONSERT)
        .await
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={id}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    assert_eq!(done.location.as_deref(), Some("https://smartcloud.example/kvittering?order=1"));
}

async fn over_long_strings_are_refused_clearly(app: TestApp) {
    let token = app.vendor_token(None).await;
    let long = |n: usize| "x".repeat(n);
    let with = |field: &str, value: Value| {
        let mut body = request_body(SMARTCLOUD, APE, &[KRAV], None);
        body[field] = value;
        body
    };
    for (what, body, mentions) in [
        ("externalRef", with("externalRef", json!(long(300))), "externalRef"),
        ("integrationTitle", with("integrationTitle", json!(long(1000))), "integrationTitle"),
        (
            "redirectUrl",
            with("redirectUrl", json!(format!("https://smartcloud.example/kvittering?q={}", long(3000)))),
            "redirectUrl",
        ),
        ("a megabyte", with("externalRef", json!(long(1_000_000))), ""),
    ] {
        let (status, problem) = app.api_post(&token, REQUESTS, &body).await;
        assert_eq!(status, 400, "{what}: {problem}");
        assert_eq!(problem["status"], 400, "{what}: problem details");
        assert!(problem["detail"].as_str().unwrap().contains(mentions), "{what}: {problem}");
    }
    let (status, _) = app.api_post(&token, REQUESTS, &request_body(SMARTCLOUD, APE, &[KRAV], None)).await;
    assert_eq!(status, 201, "nothing of the refused ones was stored");
}

/// PostgreSQL refuses text holding a NUL character; a vendor or a person sending one gets
/// a client error on both backends, never a 500.
async fn nul_characters_are_bad_input_not_a_server_error(app: TestApp) {
    let token = app.vendor_token(None).await;
    let query = format!("/authentication/api/v1/systemuser/vendor/byquery?system-id={SMARTCLOUD}&orgno=3100%00019");
    let (status, problem) = app.api_get(&token, &query).await;
    assert!((400..500).contains(&status), "{status} {problem}");
    let mut body = request_body(SMARTCLOUD, APE, &[KRAV], None);
    body["externalRef"] = Value::String("ref\u{0}".into());
    let (status, problem) = app.api_post(&token, REQUESTS, &body).await;
    assert_eq!(status, 400, "{problem}");
    let page = app.logged_in(DRESS).await.get("/accessmanagement/ui/systemuser/create?q=smart%00cloud").await;
    assert!((200..500).contains(&page.status), "{}", page.status);
}

/// A right-to-left override or a zero-width space makes one organisation or system look
/// like another on an approval page: refused in register records, system names and a
/// request's title alike.
async fn names_that_hide_or_turn_their_text_are_refused_wherever_they_come_in(app: TestApp) {
    let vendor = app.vendor_token(None).await;
    for title in ["Lønn \u{202e}mieh", "Krav\u{200b}og betalinger", "A\u{2028}B"] {
        let mut body = request_body(SMARTCLOUD, APE, &[KRAV], None);
        body["integrationTitle"] = json!(title);
        let (status, problem) = app.api_post(&vendor, REQUESTS, &body).await;
        assert_eq!(status, 400, "{title:?}: {problem}");
        assert!(problem["detail"].as_str().unwrap().contains("integrationTitle"), "{problem}");
    }
    let system = json!({
        "id": "310000035_speil", "vendor": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
        "name": {"nb": "SMART\u{200b}CLOUD"}, "description": {"nb": "x"}, "rights": [], "clientId": [],
        "allowedRedirectUrls": [],
    });
    let (status, problem) = app.api_post(&vendor, "/authentication/api/v1/systemregister/vendor", &system).await;
    assert_eq!(status, 400, "{problem}");
    app.add_vendor_client("operator", "310000035", "systemtilgang:register.import");
    let operator = app.token_for("operator", None).await;
    for record in [
        json!({"type": "organisation", "orgNo": "310000264", "name": "AS \u{202e}KOOBECAF", "orgForm": "AS"}),
        json!({"type": "organisation", "orgNo": "310000264", "name": "TIGER\u{200b}AS", "orgForm": "AS"}),
        json!({"type": "person", "pid": SKILPADDE, "name": "SMIDIG\u{2066} TAPPER"}),
        json!({"type": "resource", "id": "ske-krav", "title": {"nb": "Krav\u{feff}"}}),
        json!({"type": "package", "urn": "urn:altinn:accesspackage:x", "name": {"nb": "Pakke\u{200d}"},
               "assignable": true, "delegable": true}),
    ] {
        let (status, problem) = app.api_post(&operator, "/systemtilgang/api/v1/register/records", &record).await;
        assert_eq!(status, 400, "{record}: {problem}");
    }
}
