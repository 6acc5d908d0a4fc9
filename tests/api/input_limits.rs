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
    nul_characters_are_bad_input_not_a_server_error
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
