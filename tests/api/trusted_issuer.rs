//! The vendor API trusts an outside issuer configured by its JWKS URL.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::common::*;

const ISSUER: &str = "https://maskinporten.test/";
/// What the outside issuer's tokens must be meant for.
const AUDIENCE: &str = "https://systemtilgang.test/";

fn trusting(url: String) -> impl FnOnce(&mut systemtilgang::app::config::Config) {
    move |c| {
        c.trusted_issuer = Some(systemtilgang::auth::trusted_issuer::TrustedIssuerSettings {
            issuer: ISSUER.into(),
            jwks_url: url,
            audience: Some(AUDIENCE.into()),
        })
    }
}

fn outside_token(pkcs8: &[u8], kid: &str, issuer: &str) -> String {
    outside_token_with(pkcs8, kid, |claims| claims["iss"] = json!(issuer))
}

/// A token of the outside issuer with its claims changed by `change`.
fn outside_token_with(pkcs8: &[u8], kid: &str, change: impl FnOnce(&mut Value)) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 120, "client_id": "maskinporten-client",
        "scope": "altinn:authentication/systemuser.request.read",
        "consumer": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
    });
    change(&mut claims);
    let header = Header { kid: Some(kid.into()), ..Header::new(Algorithm::ES256) };
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(pkcs8)).unwrap()
}

async fn check(backend: Backend) {
    let (pkcs8, jwk) = outside_key_pair();
    let url = serve_jwks(json!({"keys": [jwk]}));
    let Some(app) = TestApp::spawn_with(backend, trusting(url)).await else {
        return;
    };
    let path = format!("/authentication/api/v1/systemuser/request/vendor/bysystem/{SMARTCLOUD}");
    let (status, body) = app.api_get(&outside_token(&pkcs8, "mp-1", ISSUER), &path).await;
    assert_eq!(status, 200, "{body}");
    let (other, _) = outside_key_pair();
    for (what, token) in [
        ("wrong key", outside_token(&other, "mp-1", ISSUER)),
        ("unknown key id", outside_token(&pkcs8, "mp-2", ISSUER)),
        ("another issuer", outside_token(&pkcs8, "mp-1", "https://evil.example/")),
        ("another audience", outside_token_with(&pkcs8, "mp-1", |c| c["aud"] = json!("https://elsewhere.example/"))),
        ("no audience", outside_token_with(&pkcs8, "mp-1", |c| drop(c.as_object_mut().unwrap().remove("aud")))),
        (
            "not valid yet",
            outside_token_with(&pkcs8, "mp-1", |c| c["nbf"] = json!(chrono::Utc::now().timestamp() + 600)),
        ),
        ("expired", outside_token_with(&pkcs8, "mp-1", |c| c["exp"] = json!(chrono::Utc::now().timestamp() - 600))),
    ] {
        let (status, _) = app.api_get(&token, &path).await;
        assert_eq!(status, 401, "{what}");
    }
    // A valid token naming no organisation cannot act as a vendor (Altinn's AUTH-00023).
    let anonymous = outside_token_with(&pkcs8, "mp-1", |c| drop(c.as_object_mut().unwrap().remove("consumer")));
    let (status, problem) = app.api_get(&anonymous, &path).await;
    assert_eq!((status, problem["code"].as_str()), (401, Some("AUTH-00023")), "{problem}");
    assert_eq!(problem["title"], "Can't resolve the Organisation Number for the Vendor from the Token.");
    // The scope still counts: a read token cannot write.
    let (status, _) = app
        .api_post(
            &outside_token(&pkcs8, "mp-1", ISSUER),
            "/authentication/api/v1/systemuser/request/vendor",
            &request_body(SMARTCLOUD, APE, &[KRAV], None),
        )
        .await;
    assert_eq!(status, 403);
    // A vendor names its own Maskinporten client in the register, which the portal has
    // never seen; another organisation's client, or one another system holds, stays out
    // of reach.
    let writer =
        outside_token_with(&pkcs8, "mp-1", |c| c["scope"] = json!("altinn:authentication/systemregister.write"));
    let mut system = json!({
        "id": "310000035_maskinporten", "vendor": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
        "name": {"nb": "MP", "nn": "MP", "en": "MP"}, "description": {"nb": "d", "nn": "d", "en": "d"},
        "rights": [], "clientId": ["maskinporten-client"], "allowedRedirectUrls": [],
    });
    let (status, body) = app.api_post(&writer, "/authentication/api/v1/systemregister/vendor", &system).await;
    assert_eq!(status, 200, "{body}");
    system["id"] = json!("310000035_maskinporten2");
    for taken in ["demo-skatteetaten", "maskinporten-client"] {
        system["clientId"] = json!([taken]);
        let (status, body) = app.api_post(&writer, "/authentication/api/v1/systemregister/vendor", &system).await;
        assert_eq!((status, &body["validationErrors"][0]["code"]), (400, &json!("AUTH.VLD-00004")), "{taken}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_of_the_trusted_issuer_are_accepted_sqlite() {
    check(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_of_the_trusted_issuer_are_accepted_postgres() {
    check(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_key_set_refuses_instead_of_failing() {
    let (pkcs8, _) = outside_key_pair();
    let dead = "http://127.0.0.1:9/jwks.json".to_owned();
    let app = TestApp::spawn_with(Backend::Sqlite, trusting(dead)).await.unwrap();
    let path = format!("/authentication/api/v1/systemuser/request/vendor/bysystem/{SMARTCLOUD}");
    let (status, body) = app.api_get(&outside_token(&pkcs8, "mp-1", ISSUER), &path).await;
    assert_eq!(status, 401, "{body}");
}
