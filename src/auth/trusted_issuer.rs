//! Trust in an outside token issuer (Maskinporten, or any OAuth2 server) whose public
//! keys are published at a JWKS URL: vendors may call the API with its tokens.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use serde::Deserialize;

use crate::auth::tokens::{OrgClaim, SYSTEM_USER_DETAIL_TYPE};

/// An outside token issuer the vendor API trusts too.
#[derive(Debug, Clone)]
pub struct TrustedIssuerSettings {
    pub issuer: String,
    pub jwks_url: String,
    /// The audience its tokens must name; None means the portal's public URL.
    pub audience: Option<String>,
}

/// Keys are fetched again after this long, or sooner for an unknown key id.
const KEYS_FRESH_FOR: Duration = Duration::from_secs(600);
/// Unknown key ids make a new fetch at most this often.
const REFETCH_AT_MOST_EVERY: Duration = Duration::from_secs(30);

/// What the API needs from an outside token.
#[derive(Debug, Clone, Deserialize)]
pub struct OutsideClaims {
    #[serde(default)]
    pub scope: String,
    /// The organisation the token was issued to; a token without one cannot act as a vendor.
    #[serde(default)]
    pub consumer: Option<OrgClaim>,
    #[serde(default)]
    pub client_id: String,
    /// The person a token from an ID-porten login acts for.
    #[serde(default)]
    pub pid: Option<String>,
    /// Maskinporten's `authorization_details`, of any type (read leniently: a kind we
    /// do not know must not make the token unreadable).
    #[serde(default)]
    pub authorization_details: Option<serde_json::Value>,
}

impl OutsideClaims {
    /// The system user a Maskinporten system user token acts as, if it is one.
    pub fn system_user(&self) -> Option<String> {
        self.authorization_details
            .as_ref()?
            .as_array()?
            .iter()
            .find(|d| d["type"] == SYSTEM_USER_DETAIL_TYPE)?
            .get("systemuser_id")?
            .get(0)?
            .as_str()
            .map(str::to_owned)
    }
}

struct Fetched {
    at: Instant,
    keys: JwkSet,
}

pub struct TrustedIssuer {
    issuer: String,
    /// What the tokens' `aud` must name; None for an issuer whose tokens name none (ours).
    audience: Option<String>,
    jwks_url: String,
    agent: ureq::Agent,
    keys: RwLock<Option<Fetched>>,
}

impl TrustedIssuer {
    pub fn new(issuer: String, jwks_url: String, audience: Option<String>) -> Self {
        let agent = ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(5))).build().into();
        Self { issuer, audience, jwks_url, agent, keys: RwLock::new(None) }
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    fn fetch(&self) -> Option<JwkSet> {
        let mut response =
            self.agent.get(&self.jwks_url).call().map_err(|e| log::warn!("JWKS fetch failed: {e}")).ok()?;
        let body = response.body_mut().read_to_string().ok()?;
        serde_json::from_str(&body).map_err(|e| log::warn!("JWKS at {} is not a key set: {e}", self.jwks_url)).ok()
    }

    /// The key for `kid`, fetching the key set when it is stale or lacks the key.
    fn key(&self, kid: Option<&str>) -> Option<jsonwebtoken::jwk::Jwk> {
        let pick = |keys: &JwkSet| match kid {
            Some(kid) => keys.find(kid).cloned(),
            None => keys.keys.first().cloned(),
        };
        let (found, may_refetch) = match &*self.keys.read().ok()? {
            Some(f) => (
                (f.at.elapsed() < KEYS_FRESH_FOR).then(|| pick(&f.keys)).flatten(),
                f.at.elapsed() >= REFETCH_AT_MOST_EVERY,
            ),
            None => (None, true),
        };
        if found.is_some() || !may_refetch {
            return found;
        }
        let keys = self.fetch()?;
        let found = pick(&keys);
        *self.keys.write().ok()? = Some(Fetched { at: Instant::now(), keys });
        found
    }

    /// The claims of a valid token from this issuer for our audience, in its time
    /// (expiry and not-before); blocking, as it may fetch keys.
    pub fn verify(&self, token: &str) -> Option<OutsideClaims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        let jwk = self.key(header.kid.as_deref())?;
        let key = DecodingKey::from_jwk(&jwk).ok()?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                validation.set_required_spec_claims(&["exp", "iss", "aud"]);
            }
            None => {
                validation.validate_aud = false;
                validation.set_required_spec_claims(&["exp", "iss"]);
            }
        }
        validation.validate_nbf = true;
        validation.leeway = 30;
        // Only the issuer's public-key algorithms; a symmetric "key" could be forged.
        if matches!(
            header.alg,
            jsonwebtoken::Algorithm::HS256 | jsonwebtoken::Algorithm::HS384 | jsonwebtoken::Algorithm::HS512
        ) {
            return None;
        }
        jsonwebtoken::decode::<OutsideClaims>(token, &key, &validation).ok().map(|d| d.claims)
    }
}
