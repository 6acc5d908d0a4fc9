//! Vendors authenticate with assertions signed by their own key (jwt-bearer).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

on_both_backends!(
    signed_assertions_get_tokens_and_bad_ones_are_refused,
    only_public_keys_of_own_clients_are_registered
);

/// A vendor key pair: the PKCS#8 private key and its public JWK.
fn key_pair(kid: &str) -> (Vec<u8>, Value) {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap().as_ref().to_vec();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).unwrap();
    let point = pair.public_key().as_ref();
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": kid, "alg": "ES256", "use": "sig",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
    });
    (pkcs8, jwk)
}

fn sign(pkcs8: &[u8], kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ec_der(pkcs8)).unwrap()
}

fn claims(app: &TestApp, age: i64, lifetime: i64) -> Value {
    let iat = chrono::Utc::now().timestamp() - age;
    json!({
        "iss": "demo-smartcloud", "aud": app.address, "iat": iat, "exp": iat + lifetime,
        "jti": uuid::Uuid::new_v4().to_string(), "scope": "altinn:authentication/systemuser.request.read",
    })
}

async fn exchange(app: &TestApp, assertion: &str) -> (u16, Value) {
    let response = app
        .http
        .post(app.url("/token"))
        .form(&[("grant_type", JWT_BEARER), ("assertion", assertion)])
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn register(app: &TestApp, client: &str, jwks: &Value) -> u16 {
    let token = app.vendor_token(None).await;
    let url = app.url(&format!("/authentication/api/v1/vendor/clients/{client}/jwks"));
    app.http.put(url).bearer_auth(token).json(jwks).send().await.unwrap().status().as_u16()
}

async fn signed_assertions_get_tokens_and_bad_ones_are_refused(app: TestApp) {
    let (pkcs8, jwk) = key_pair("k1");
    assert_eq!(register(&app, "demo-smartcloud", &json!({"keys": [jwk]})).await, 204);

    let good = sign(&pkcs8, "k1", &claims(&app, 0, 60));
    let (status, body) = exchange(&app, &good).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "altinn:authentication/systemuser.request.read");
    let token = body["access_token"].as_str().unwrap();
    let (status, _) =
        app.api_get(token, &format!("/authentication/api/v1/systemuser/request/vendor/bysystem/{SMARTCLOUD}")).await;
    assert_eq!(status, 200, "the token works on the API");

    let (other_key, _) = key_pair("k1");
    let mut wrong_audience = claims(&app, 0, 60);
    wrong_audience["aud"] = json!("https://maskinporten.example/");
    let mut not_yet = claims(&app, 0, 60);
    not_yet["nbf"] = json!(chrono::Utc::now().timestamp() + 50);
    let mut beyond_scope = claims(&app, 0, 60);
    beyond_scope["scope"] = json!("altinn:authorization/pdp");
    let payload = URL_SAFE_NO_PAD.encode(claims(&app, 0, 60).to_string());
    let alg_none = format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#));
    let hs256 = jsonwebtoken::encode(
        &Header { kid: Some("k1".into()), ..Header::new(Algorithm::HS256) },
        &claims(&app, 0, 60),
        &EncodingKey::from_secret(b"demo-smartcloud-secret"),
    )
    .unwrap();
    for (what, assertion, error) in [
        ("replayed", good.clone(), "invalid_grant"),
        ("wrong key", sign(&other_key, "k1", &claims(&app, 0, 60)), "invalid_grant"),
        ("expired", sign(&pkcs8, "k1", &claims(&app, 300, 60)), "invalid_grant"),
        ("too long-lived", sign(&pkcs8, "k1", &claims(&app, 0, 600)), "invalid_grant"),
        ("dated ten years ahead", sign(&pkcs8, "k1", &claims(&app, -315_360_000, 60)), "invalid_grant"),
        ("not valid yet", sign(&pkcs8, "k1", &not_yet), "invalid_grant"),
        ("wrong audience", sign(&pkcs8, "k1", &wrong_audience), "invalid_grant"),
        ("alg none", alg_none, "invalid_grant"),
        ("symmetric", hs256, "invalid_grant"),
        ("scope not allowed", sign(&pkcs8, "k1", &beyond_scope), "invalid_scope"),
    ] {
        let (status, body) = exchange(&app, &assertion).await;
        assert_eq!((status, body["error"].as_str()), (400, Some(error)), "{what}: {body}");
    }

    // An assertion can carry authorization_details for a system user token.
    let request = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let id = request["id"].as_str().unwrap();
    app.logged_in(KONSERT)
        .await
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={id}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    let mut with_details = claims(&app, 0, 60);
    with_details["authorization_details"] = json!([{
        "type": "urn:altinn:systemuser",
        "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": "0192:310000019"},
    }]);
    let (status, body) = exchange(&app, &sign(&pkcs8, "k1", &with_details)).await;
    assert_eq!(status, 200, "{body}");
    let payload = body["access_token"].as_str().unwrap().split('.').nth(1).unwrap().to_owned();
    let token_claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(token_claims["authorization_details"][0]["systemuser_id"], json!([id]));
}

async fn only_public_keys_of_own_clients_are_registered(app: TestApp) {
    let (_, jwk) = key_pair("k1");
    assert_eq!(register(&app, "demo-skatteetaten", &json!({"keys": [jwk]})).await, 404, "another org's client");
    assert_eq!(register(&app, "demo-smartcloud", &json!({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})).await, 400);
    assert_eq!(register(&app, "demo-smartcloud", &json!({"keys": []})).await, 400);
    assert_eq!(register(&app, "demo-smartcloud", &json!({"nothing": 1})).await, 400);
}
