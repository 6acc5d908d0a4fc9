//! A vendor's whole journey against a running portal, as an Altinn integration does it:
//!
//! 1. register a system in the system register (client secret),
//! 2. register the public key of its client and get a vendor token with an assertion
//!    signed by its own key (jwt-bearer, like Maskinporten),
//! 3. send a request for system access and print the confirmUrl,
//! 4. poll until the business approves it in the portal,
//! 5. get a system user token,
//! 6. ask the PDP in XACML, as a service owner would, whether it may act, and
//! 7. call the demo's Skatteetaten service with the system user token and show the
//!    total claims, as the guide's SmartCloud does.
//!
//! Run the portal (`cargo run --release`), then:
//!
//! ```sh
//! cargo run --example vendor -- [BASE_URL] [PARTY_ORG_NO]
//! ```
//!
//! and open the printed confirmUrl as STADIG KONSERT.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

const VENDOR: &str = "310000035";
const ADMIN_CLIENT: &str = "demo-smartcloud";
const CLIENT: &str = "demo-smartcloud-example";
const SECRET: &str = "demo-smartcloud-secret";

type Failure = Box<dyn std::error::Error>;

struct Portal {
    base: String,
    http: reqwest::Client,
}

impl Portal {
    /// Sends a request and returns the JSON body, or an error naming status and body.
    async fn call(&self, request: reqwest::RequestBuilder) -> Result<Value, Failure> {
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(format!("{status}: {text}").into());
        }
        Ok(if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? })
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<String, Failure> {
        let body = self.call(self.http.post(format!("{}/token", self.base)).form(form)).await?;
        Ok(body["access_token"].as_str().ok_or("no access_token")?.to_owned())
    }

    fn url(&self, path: &str) -> String {
        format!("{}/authentication/api/v1{path}", self.base)
    }
}

/// A fresh P-256 key pair: the private key (PKCS#8) and the public key as a JWK.
fn key_pair() -> Result<(Vec<u8>, Value), Failure> {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)?.as_ref().to_vec();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng)?;
    let point = pair.public_key().as_ref();
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": "example-1", "alg": "ES256", "use": "sig",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
    });
    Ok((pkcs8, jwk))
}

/// A client assertion signed with the vendor's own key.
fn assertion(pkcs8: &[u8], audience: &str, extra: Value) -> Result<String, Failure> {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": CLIENT, "aud": audience, "iat": now, "exp": now + 60, "jti": uuid::Uuid::new_v4().to_string(),
    });
    for (key, value) in extra.as_object().into_iter().flatten() {
        claims[key] = value.clone();
    }
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some("example-1".into());
    Ok(jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(pkcs8))?)
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let base = args.next().unwrap_or_else(|| "http://127.0.0.1:8080".into()).trim_end_matches('/').to_owned();
    let party = args.next().unwrap_or_else(|| "310000019".into());
    let portal = Portal { base: base.clone(), http: reqwest::Client::new() };

    // 1. Register a system, with the example client as the one that acts as it.
    let admin = portal
        .token(&[("grant_type", "client_credentials"), ("client_id", ADMIN_CLIENT), ("client_secret", SECRET)])
        .await?;
    let registered = portal.call(portal.http.get(portal.url("/systemregister/vendor")).bearer_auth(&admin)).await?;
    for listed in registered.as_array().into_iter().flatten() {
        let id = listed["systemId"].as_str().unwrap_or_default();
        let one = portal.url(&format!("/systemregister/vendor/{id}"));
        let old = portal.call(portal.http.get(one).bearer_auth(&admin)).await?;
        if old["clientId"].as_array().is_some_and(|ids| ids.iter().any(|client| client == CLIENT)) {
            portal
                .call(portal.http.delete(portal.url(&format!("/systemregister/vendor/{id}"))).bearer_auth(&admin))
                .await?;
            println!("removed the earlier example system {id}");
        }
    }
    let system_id = format!("{VENDOR}_example_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let receipt = format!("{base}/demo/kvittering");
    let system = json!({
        "id": system_id,
        "vendor": {"authority": "iso6523-actorid-upis", "ID": format!("0192:{VENDOR}")},
        "name": {"nb": "Eksempelsystem", "nn": "Eksempelsystem", "en": "Example system"},
        "description": {"nb": "Viser krav og betalinger.", "nn": "Viser krav og betalingar.", "en": "Shows claims and payments."},
        "rights": [{"resource": [{"id": "urn:altinn:resource", "value": "ske-krav-og-betalinger"}]}],
        "clientId": [CLIENT],
        "allowedRedirectUrls": [receipt],
        "isVisible": false,
    });
    let internal_id =
        portal.call(portal.http.post(portal.url("/systemregister/vendor")).bearer_auth(&admin).json(&system)).await?;
    println!("1. registered the system {system_id} (internal id {})", internal_id.as_str().unwrap_or_default());

    // 2. Register our public key, then authenticate with a signed assertion.
    let (pkcs8, jwk) = key_pair()?;
    let keys_url = portal.url(&format!("/vendor/clients/{CLIENT}/jwks"));
    portal.call(portal.http.put(keys_url).bearer_auth(&admin).json(&json!({"keys": [jwk]}))).await?;
    let signed = assertion(
        &pkcs8,
        &base,
        json!({"scope": "altinn:authentication/systemuser.request.read altinn:authentication/systemuser.request.write"}),
    )?;
    let vendor =
        portal.token(&[("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", &signed)]).await?;
    println!("2. got a vendor token with an assertion signed by our own key");

    // 3. Ask the business for system access.
    let body = json!({
        "systemId": system_id,
        "partyOrgNo": party,
        "rights": [{"resource": [{"id": "urn:altinn:resource", "value": "ske-krav-og-betalinger"}]}],
        "redirectUrl": receipt,
    });
    let request = portal
        .call(portal.http.post(portal.url("/systemuser/request/vendor")).bearer_auth(&vendor).json(&body))
        .await?;
    let request_id = request["id"].as_str().ok_or("no request id")?.to_owned();
    println!(
        "3. sent request {request_id}; approve it at\n\n   {}\n",
        request["confirmUrl"].as_str().unwrap_or_default()
    );

    // 4. Poll until it is handled.
    let status = loop {
        let current = portal
            .call(portal.http.get(portal.url(&format!("/systemuser/request/vendor/{request_id}"))).bearer_auth(&vendor))
            .await?;
        match current["status"].as_str() {
            Some("New") => tokio::time::sleep(Duration::from_secs(2)).await,
            Some(other) => break other.to_owned(),
            None => return Err("the request has no status".into()),
        }
    };
    println!("4. the request is {status}");
    if status != "Accepted" {
        return Ok(());
    }

    // 5. A token that acts as the new system user.
    let details = json!([{
        "type": "urn:altinn:systemuser",
        "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": format!("0192:{party}")},
    }]);
    let signed = assertion(&pkcs8, &base, json!({"authorization_details": details}))?;
    let system_user_token =
        portal.token(&[("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", &signed)]).await?;
    let payload = system_user_token.split('.').nth(1).ok_or("not a JWT")?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload)?)?;
    println!("5. system user token: {}", claims["authorization_details"]);

    // 6. A service owner asks Altinn's PDP (XACML 3.0, JSON profile) whether the system
    //    user may read the service for the party.
    let service = portal
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-skatteetaten"),
            ("client_secret", "demo-skatteetaten-secret"),
            ("scope", "altinn:authorization/authorize"),
        ])
        .await?;
    let system_user = claims["authorization_details"][0]["systemuser_id"][0].as_str().ok_or("no system user id")?;
    let question = json!({"Request": {
        "AccessSubject": [{"Attribute": [{"AttributeId": "urn:altinn:systemuser:uuid", "Value": system_user}]}],
        "Action": [{"Attribute": [{"AttributeId": "urn:oasis:names:tc:xacml:1.0:action:action-id", "Value": "read"}]}],
        "Resource": [{"Attribute": [{"AttributeId": "urn:altinn:resource", "Value": "ske-krav-og-betalinger"},
                                    {"AttributeId": "urn:altinn:organization:identifier-no", "Value": party}]}],
    }});
    let answer = portal
        .call(portal.http.post(format!("{base}/authorization/api/v1/authorize")).bearer_auth(&service).json(&question))
        .await?;
    println!(
        "6. the PDP's decision for ske-krav-og-betalinger on behalf of {party}: {}",
        answer["response"][0]["decision"]
    );

    // 7. SmartCloud shows the total claims: it calls Skatteetaten's service (the demo's)
    //    with its system user token, and the service asks the PDP before it answers.
    let claims =
        portal.call(portal.http.get(format!("{base}/demo/skatteetaten/krav")).bearer_auth(&system_user_token)).await?;
    println!("7. Skatteetaten's claims on {party}: {} kr in all", claims["sumKrav"]);
    Ok(())
}
