//! System user tokens and decisions for public services.

use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    system_user_tokens_need_the_systems_client_and_a_live_system_user,
    decisions_follow_rights_and_revocation
);

/// Approves a SmartCloud request for the demo company; returns the system user's id.
async fn approved_smartcloud(app: &TestApp) -> (String, Browser) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let id = request["id"].as_str().unwrap().to_owned();
    let konsert = app.logged_in(KONSERT).await;
    konsert
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={id}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    (id, konsert)
}

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    use base64::Engine;
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn system_user_tokens_need_the_systems_client_and_a_live_system_user(app: TestApp) {
    let (status, body) = app.ask_system_user_token("demo-smartcloud", APE).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_authorization_details")), "no system user yet");

    let (id, konsert) = approved_smartcloud(&app).await;
    let (status, body) = app.ask_system_user_token("demo-smartcloud", APE).await;
    assert_eq!(status, 200, "{body}");
    let claims = claims(body["access_token"].as_str().unwrap());
    assert_eq!(
        claims["authorization_details"],
        json!([{
            "type": "urn:altinn:systemuser",
            "systemuser_id": [id],
            "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": "0192:310000019"},
            "system_id": SMARTCLOUD,
        }])
    );
    // Another system's client gets nothing for this system user.
    let (status, _) = app.ask_system_user_token("demo-smartcloud-lonn", APE).await;
    assert_eq!(status, 400);
    // Malformed details are refused.
    let response = app
        .http
        .post(app.url("/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-smartcloud"),
            ("client_secret", "demo-smartcloud-secret"),
            ("authorization_details", "[{\"type\":\"other\"}]"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    // Once deleted, no more tokens.
    let details = format!("/accessmanagement/ui/systemuser/{id}");
    konsert.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    let (status, _) = app.ask_system_user_token("demo-smartcloud", APE).await;
    assert_eq!(status, 400);
}

async fn decide(app: &TestApp, token: &str, user: &str, resource: &str, party: &str) -> (u16, Value) {
    let body = json!({"subject": {"systemUserId": user}, "resource": resource, "action": "read", "partyOrgNo": party});
    app.api_post(token, "/authorization/api/v1/decision", &body).await
}

async fn decisions_follow_rights_and_revocation(app: TestApp) {
    let (id, konsert) = approved_smartcloud(&app).await;
    let service = app.token_for("demo-skatteetaten", None).await;
    let verdict = |r: (u16, Value)| r.1["decision"].as_str().unwrap_or("none").to_owned();
    assert_eq!(verdict(decide(&app, &service, &id, KRAV, APE).await), "Permit");
    assert_eq!(verdict(decide(&app, &service, &id, A_MELDING, APE).await), "Deny");
    assert_eq!(verdict(decide(&app, &service, &id, KRAV, TIGER).await), "Deny");
    // A vendor token lacks the decision scope.
    let vendor = app.vendor_token(None).await;
    let (status, _) = decide(&app, &vendor, &id, KRAV, APE).await;
    assert_eq!(status, 403);
    let (status, _) = app.api_post(&service, "/authorization/api/v1/decision", &json!({"resource": KRAV})).await;
    assert_eq!(status, 400);

    let details = format!("/accessmanagement/ui/systemuser/{id}");
    konsert.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    assert_eq!(verdict(decide(&app, &service, &id, KRAV, APE).await), "Deny", "revocation counts at once");
}
