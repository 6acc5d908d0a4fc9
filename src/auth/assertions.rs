//! Vendor authentication like Maskinporten: a JWT the vendor signs with its own key
//! (RFC 7523), checked against the public keys registered for its client.

use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::db::vendor_clients::{self, VendorClient};
use crate::db::{self, DbConnection};
use crate::error::AppError;

/// The longest an assertion may live, as in Maskinporten.
pub const MAX_LIFETIME_SECS: i64 = 120;
/// How far the vendor's clock may be off ours.
const CLOCK_SKEW_SECS: i64 = 10;

#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    exp: i64,
    iat: i64,
    jti: String,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    authorization_details: Option<serde_json::Value>,
}

/// A verified assertion: the client it proves, and what it asks for.
#[derive(Debug, Clone)]
pub struct Verified {
    pub client: VendorClient,
    pub scope: Option<String>,
    pub authorization_details: Option<serde_json::Value>,
}

/// Why an assertion was refused, for the OAuth2 error description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub &'static str);

/// Checks signature (with the client's registered key, asymmetric algorithms only),
/// issuer, audience, expiry, lifetime and that the `jti` was not used before.
pub fn verify(
    conn: &mut DbConnection,
    assertion: &str,
    audiences: &[String],
) -> Result<Result<Verified, Refused>, AppError> {
    let Ok(header) = jsonwebtoken::decode_header(assertion) else {
        return Ok(Err(Refused("the assertion is not a signed JWT")));
    };
    let Some(client_id) = crate::support::unverified_issuer(assertion) else {
        return Ok(Err(Refused("the assertion names no issuer")));
    };
    let Some(client) = vendor_clients::find(conn, &client_id)? else {
        return Ok(Err(Refused("unknown client")));
    };
    let Ok(keys) = serde_json::from_str::<JwkSet>(&client.jwks) else {
        return Ok(Err(Refused("the client has no registered keys")));
    };
    let jwk = match header.kid.as_deref() {
        Some(kid) => keys.find(kid),
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    };
    let Some(jwk) = jwk else {
        return Ok(Err(Refused("no registered key matches the assertion")));
    };
    let family_matches = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => matches!(
            header.alg,
            Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512
        ),
        AlgorithmParameters::EllipticCurve(_) => matches!(header.alg, Algorithm::ES256 | Algorithm::ES384),
        _ => false,
    };
    let Some(key) = family_matches.then(|| DecodingKey::from_jwk(jwk).ok()).flatten() else {
        return Ok(Err(Refused("the assertion's algorithm does not fit the registered key")));
    };
    let mut validation = Validation::new(header.alg);
    validation.set_audience(audiences);
    validation.set_issuer(&[&client_id]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "jti"]);
    validation.validate_nbf = true;
    validation.leeway = CLOCK_SKEW_SECS as u64;
    let claims = match jsonwebtoken::decode::<Claims>(assertion, &key, &validation) {
        Ok(data) => data.claims,
        Err(e) => {
            return Ok(Err(Refused(match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => "the assertion has expired",
                jsonwebtoken::errors::ErrorKind::InvalidAudience => "the assertion is for another audience",
                jsonwebtoken::errors::ErrorKind::InvalidSignature => "the assertion's signature is wrong",
                jsonwebtoken::errors::ErrorKind::ImmatureSignature => "the assertion is not valid yet (nbf)",
                _ => "the assertion is not valid",
            })));
        }
    };
    if claims.iss != client.client_id || claims.exp - claims.iat > MAX_LIFETIME_SECS {
        return Ok(Err(Refused("the assertion may live at most 120 seconds")));
    }
    let now = db::now();
    // Made now, not dated ahead: with its lifetime capped, an assertion is only good
    // for two minutes from when it was really signed.
    if claims.iat > now.and_utc().timestamp() + CLOCK_SKEW_SECS {
        return Ok(Err(Refused("the assertion is issued in the future")));
    }
    let expires = chrono::DateTime::from_timestamp(claims.exp + 10, 0).map(|t| t.naive_utc()).unwrap_or(now);
    if !db::assertions::remember(conn, &format!("{}:{}", client.client_id, claims.jti), expires, now)? {
        return Ok(Err(Refused("the assertion was used before")));
    }
    Ok(Ok(Verified { client, scope: claims.scope, authorization_details: claims.authorization_details }))
}

/// Registers the public keys (a JWK set) a client signs its assertions with. Only
/// asymmetric keys are accepted.
pub fn register_keys(conn: &mut DbConnection, owner_org_no: &str, client_id: &str, jwks: &str) -> Result<(), AppError> {
    let client =
        vendor_clients::find(conn, client_id)?.filter(|c| c.org_no == owner_org_no).ok_or(AppError::NotFound)?;
    usable_keys(jwks)?;
    Ok(vendor_clients::set_jwks(conn, &client.client_id, jwks)?)
}

/// Refuses a text that is no JWK set of public RSA or EC keys.
pub fn usable_keys(jwks: &str) -> Result<(), AppError> {
    let keys: JwkSet = serde_json::from_str(jwks).map_err(|e| AppError::BadRequest(format!("not a JWK set: {e}")))?;
    let usable = !keys.keys.is_empty()
        && keys.keys.iter().all(|k| {
            matches!(k.algorithm, AlgorithmParameters::RSA(_) | AlgorithmParameters::EllipticCurve(_))
                && DecodingKey::from_jwk(k).is_ok()
        });
    match usable {
        true => Ok(()),
        false => Err(AppError::BadRequest("the JWK set must hold public RSA or EC keys".into())),
    }
}
