//! The portal as an OAuth2 authorization server for vendors: ES256-signed JWT access
//! tokens, with the signing key kept in the database so every node issues and accepts
//! the same tokens, and published as a JWKS.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use quick_cache::sync::Cache;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde::{Deserialize, Serialize};

use crate::db::{DbConnection, secrets};
use crate::error::AppError;

/// How long an access token is valid, in seconds.
pub const TOKEN_LIFETIME_SECS: i64 = 3600;

/// Clock difference between nodes that a token's expiry allows for, in seconds.
const LEEWAY_SECS: u64 = 30;

/// Altinn's way of naming an organisation in tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrgClaim {
    /// Always `iso6523-actorid-upis` (taken as such when left out, as Altinn does).
    #[serde(default = "iso6523")]
    pub authority: String,
    /// `0192:` and the organisation number.
    #[serde(rename = "ID", alias = "id")]
    pub id: String,
}

fn iso6523() -> String {
    "iso6523-actorid-upis".into()
}

impl OrgClaim {
    pub fn for_org(org_no: &str) -> Self {
        Self { authority: iso6523(), id: format!("0192:{org_no}") }
    }

    /// The organisation number, when the claim is in the expected form.
    pub fn org_no(&self) -> Option<&str> {
        (self.authority == "iso6523-actorid-upis").then_some(())?;
        self.id.strip_prefix("0192:")
    }
}

/// Claims of an access token: a vendor's (naming its organisation as `consumer`, and
/// the system user it acts as, if any), or a person's (naming them by `pid`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VendorClaims {
    pub iss: String,
    pub sub: String,
    pub client_id: String,
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer: Option<OrgClaim>,
    /// The national identity number of the person the token acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<String>,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// Present on system user tokens: the system user the token acts as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_details: Option<Vec<SystemUserDetail>>,
}

/// The `authorization_details` entry of a system user token (Altinn's field names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemUserDetail {
    #[serde(rename = "type")]
    pub kind: String,
    pub systemuser_id: Vec<String>,
    pub systemuser_org: OrgClaim,
    pub system_id: String,
}

impl SystemUserDetail {
    pub fn new(system_user_id: &str, org_no: &str, system_id: &str) -> Self {
        Self {
            kind: SYSTEM_USER_DETAIL_TYPE.into(),
            systemuser_id: vec![system_user_id.to_owned()],
            systemuser_org: OrgClaim::for_org(org_no),
            system_id: system_id.to_owned(),
        }
    }
}

/// The `authorization_details` type that asks for a system user token.
pub const SYSTEM_USER_DETAIL_TYPE: &str = "urn:altinn:systemuser";

/// Tokens verified lately, by their SHA-256: a vendor or a service sends the same
/// token for an hour, and checking its signature again each time costs more than the
/// decision it asks for. Bounded, so strangers' tokens cannot fill the memory.
const VERIFIED_TOKENS: usize = 4096;

pub struct TokenService {
    issuer: String,
    kid: String,
    /// The parsed signing key, held so each signature does not parse it again.
    signer: EcdsaKeyPair,
    rng: SystemRandom,
    decoding: DecodingKey,
    x: String,
    y: String,
    verified: Cache<[u8; 32], Arc<VendorClaims>>,
}

impl TokenService {
    /// Uses the stored signing key, creating it on first start.
    pub fn load_or_create(conn: &mut DbConnection, issuer: &str) -> Result<Self, AppError> {
        let rng = SystemRandom::new();
        let stored = secrets::get_or_insert_with(conn, "token_signing_key_es256", || {
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .expect("cannot generate a P-256 key");
            STANDARD.encode(pkcs8.as_ref())
        })?;
        let broken = |what: &str| AppError::Internal(format!("stored token signing key: {what}"));
        let pkcs8 = STANDARD.decode(stored).map_err(|_| broken("not base64"))?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng)
            .map_err(|_| broken("not a P-256 PKCS#8 key"))?;
        // An uncompressed point: 0x04, then x and y of 32 bytes each.
        let point = pair.public_key().as_ref();
        let (x, y) = (URL_SAFE_NO_PAD.encode(&point[1..33]), URL_SAFE_NO_PAD.encode(&point[33..65]));
        let digest = ring::digest::digest(&ring::digest::SHA256, point);
        let kid = URL_SAFE_NO_PAD.encode(&digest.as_ref()[..12]);
        let decoding = DecodingKey::from_ec_components(&x, &y).map_err(|_| broken("bad public key"))?;
        Ok(Self {
            issuer: issuer.to_owned(),
            kid,
            signer: pair,
            rng,
            decoding,
            x,
            y,
            verified: Cache::new(VERIFIED_TOKENS),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// A signed access token for the vendor client, acting as `system_user` when given.
    pub fn issue(
        &self,
        client_id: &str,
        org_no: &str,
        scopes: &[String],
        system_user: Option<SystemUserDetail>,
    ) -> Result<String, AppError> {
        let now = chrono::Utc::now().timestamp();
        let claims = VendorClaims {
            iss: self.issuer.clone(),
            sub: client_id.to_owned(),
            client_id: client_id.to_owned(),
            scope: scopes.join(" "),
            consumer: Some(OrgClaim::for_org(org_no)),
            pid: None,
            iat: now,
            exp: now + TOKEN_LIFETIME_SECS,
            jti: uuid::Uuid::new_v4().to_string(),
            authorization_details: system_user.map(|detail| vec![detail]),
        };
        self.sign(&claims)
    }

    /// A signed access token for a person using an end-user system (as Altinn gives in
    /// exchange for an ID-porten token): for trying the client delegation API and for
    /// tests.
    pub fn issue_person(&self, pid: &str, client_id: &str, scopes: &[&str]) -> Result<String, AppError> {
        let now = chrono::Utc::now().timestamp();
        let claims = VendorClaims {
            iss: self.issuer.clone(),
            sub: pid.to_owned(),
            client_id: client_id.to_owned(),
            scope: scopes.join(" "),
            consumer: None,
            pid: Some(pid.to_owned()),
            iat: now,
            exp: now + TOKEN_LIFETIME_SECS,
            jti: uuid::Uuid::new_v4().to_string(),
            authorization_details: None,
        };
        self.sign(&claims)
    }

    /// A JWS in compact form: header and claims in base64url, signed with ES256.
    fn sign(&self, claims: &VendorClaims) -> Result<String, AppError> {
        let header = serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": self.kid});
        let payload = serde_json::to_vec(claims).map_err(|e| AppError::Internal(format!("token claims: {e}")))?;
        let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(payload));
        let signature = self
            .signer
            .sign(&self.rng, input.as_bytes())
            .map_err(|_| AppError::Internal("signing a token failed".into()))?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref())))
    }

    /// The claims of a token this portal signed that has not expired; None otherwise.
    pub fn verify(&self, token: &str) -> Option<Arc<VendorClaims>> {
        let key = remembered_as(token);
        let claims = match self.verified.get(&key) {
            Some(claims) => claims,
            None => {
                let claims = Arc::new(self.verify_signed(token)?);
                self.verified.insert(key, claims.clone());
                claims
            }
        };
        // Remembered tokens expire like the others.
        (chrono::Utc::now().timestamp() <= claims.exp + LEEWAY_SECS as i64).then_some(claims)
    }

    fn verify_signed(&self, token: &str) -> Option<VendorClaims> {
        let mut validation = Validation::new(Algorithm::ES256);
        validation.set_issuer(&[&self.issuer]);
        validation.validate_aud = false;
        validation.leeway = LEEWAY_SECS;
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        jsonwebtoken::decode::<VendorClaims>(token, &self.decoding, &validation).ok().map(|d| d.claims)
    }

    /// The public key set served at `/.well-known/jwks.json`.
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({
            "keys": [{
                "kty": "EC",
                "crv": "P-256",
                "x": self.x,
                "y": self.y,
                "kid": self.kid,
                "use": "sig",
                "alg": "ES256",
            }]
        })
    }
}

/// The key a verified token is remembered by: its SHA-256.
fn remembered_as(token: &str) -> [u8; 32] {
    let mut key = [0; 32];
    key.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, token.as_bytes()).as_ref());
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    #[test]
    fn tokens_verify_with_the_same_key_and_issuer_only() {
        let mut conn = demo_db();
        let service = TokenService::load_or_create(&mut conn, "http://a").unwrap();
        let token = service.issue("demo-smartcloud", "310000035", &["s1".into(), "s2".into()], None).unwrap();
        let claims = service.verify(&token).expect("valid token");
        assert_eq!(claims.scope, "s1 s2");
        assert_eq!(claims.consumer.as_ref().unwrap().org_no(), Some("310000035"));
        let person = service.verify(&service.issue_person("03868120095", "app", &["s3"]).unwrap()).unwrap();
        assert_eq!(
            (person.pid.as_deref(), person.consumer.as_ref(), person.scope.as_str()),
            (Some("03868120095"), None, "s3")
        );
        // A second node on the same database accepts it; another issuer does not.
        assert!(TokenService::load_or_create(&mut conn, "http://a").unwrap().verify(&token).is_some());
        assert!(TokenService::load_or_create(&mut conn, "http://b").unwrap().verify(&token).is_none());
        let mut other_db = demo_db();
        assert!(TokenService::load_or_create(&mut other_db, "http://a").unwrap().verify(&token).is_none());
        assert!(service.verify(&format!("{token}x")).is_none());
    }

    #[test]
    fn a_remembered_token_still_expires() {
        let mut conn = demo_db();
        let service = TokenService::load_or_create(&mut conn, "http://a").unwrap();
        let token = service.issue("demo-smartcloud", "310000035", &["s1".into()], None).unwrap();
        let mut claims = (*service.verify(&token).unwrap()).clone();
        assert!(service.verify(&token).is_some(), "remembered");
        // The same token, remembered as it will be once its hour has passed.
        claims.exp = chrono::Utc::now().timestamp() - LEEWAY_SECS as i64 - 1;
        service.verified.insert(remembered_as(&token), Arc::new(claims.clone()));
        assert!(service.verify(&token).is_none());
        // A token signed expired is refused and not remembered.
        let expired = service.sign(&claims).unwrap();
        assert!(service.verify(&expired).is_none());
        assert!(service.verify(&expired).is_none());
    }
}
