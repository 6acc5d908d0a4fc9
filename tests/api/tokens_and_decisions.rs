//! System user tokens and decisions for public services.

use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    system_user_tokens_need_the_systems_client_and_a_live_system_user,
    decisions_follow_rights_and_revocation,
    the_demo_service_lets_the_system_in_as_the_pdp_says,
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

async fn decisions_follow_rights_and_revocation(app: TestApp) {
    let (id, konsert) = approved_smartcloud(&app).await;
    let service = app.token_for("demo-skatteetaten", None).await;
    assert_eq!(app.decision(&service, &id, KRAV, "read", APE).await, "Permit");
    assert_eq!(app.decision(&service, &id, A_MELDING, "read", APE).await, "NotApplicable");
    assert_eq!(app.decision(&service, &id, KRAV, "read", TIGER).await, "NotApplicable");
    // A vendor token lacks the PDP's scopes.
    let vendor = app.vendor_token(None).await;
    let asked = xacml_for_system_user(&id, KRAV, "read", APE);
    let (status, _) = app.api_post(&vendor, "/authorization/api/v1/authorize", &asked).await;
    assert_eq!(status, 403);

    let details = format!("/accessmanagement/ui/systemuser/{id}");
    konsert.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    assert_eq!(app.decision(&service, &id, KRAV, "read", APE).await, "NotApplicable", "revocation counts at once");
}

/// The whole chain as the guide tells it: SmartCloud's request approved in the portal, its
/// system user token, and Skatteetaten's service (the demo's), which checks the token
/// against the published keys and asks the PDP; the access deleted, the door shuts at once.
async fn the_demo_service_lets_the_system_in_as_the_pdp_says(app: TestApp) {
    let claims_at = |token: Option<String>| {
        let mut request = app.http.get(app.url("/demo/skatteetaten/krav"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(claims_at(None).await.0, 401);
    let (id, konsert) = approved_smartcloud(&app).await;
    let token = app.system_user_token("demo-smartcloud", APE).await;
    let (status, claims) = claims_at(Some(token.clone())).await;
    assert_eq!((status, &claims["organisasjonsnummer"]), (200, &json!(APE)), "{claims}");
    assert_eq!(claims["krav"].as_array().map(Vec::len), Some(2), "{claims}");
    // A token with a signature not the portal's, and a vendor's own token, are refused.
    let signed_at = token.rfind('.').unwrap() + 1;
    let other = if token[signed_at..].starts_with('A') { "B" } else { "A" };
    let forged = format!("{}{other}{}", &token[..signed_at], &token[signed_at + 1..]);
    assert_eq!(claims_at(Some(forged)).await.0, 401);
    assert_eq!(claims_at(Some(app.vendor_token(None).await)).await.0, 403);

    let details = format!("/accessmanagement/ui/systemuser/{id}");
    konsert.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    let (status, refused) = claims_at(Some(token)).await;
    assert_eq!(status, 403, "the same token, the access deleted: {refused}");
}
