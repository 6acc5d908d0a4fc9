//! Login with OpenID Connect (ID-porten or any provider): the authorization code flow
//! with PKCE, `state` and `nonce`. The person is the ID token's `pid` claim, as
//! ID-porten sends it; signature, issuer, audience, expiry and nonce are checked.

use std::time::Duration;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndSessionUrl, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, IdToken, IssuerUrl, LanguageTag, LogoutRequest, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
    TokenResponse,
};
use serde::{Deserialize, Serialize};

use crate::domain::ids::Pid;

/// Where people log in: an OpenID provider and the portal's client there.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Shown on the login button.
    pub name: String,
}

/// Where the provider sends the person back to, under the portal's public URL.
pub const CALLBACK_PATH: &str = "/login/oidc/callback";

type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// The ID token's claims beyond the standard ones: ID-porten's national identity number.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PidClaim {
    pid: Option<String>,
}

impl AdditionalClaims for PidClaim {}

type PidIdToken = IdToken<PidClaim, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// The portal as a client of one OpenID provider, set up from its discovery document.
pub struct OidcLogin {
    client: Client,
    issuer: String,
    end_session: Option<EndSessionUrl>,
    http: ureq::Agent,
    /// The provider's name for the login button.
    pub name: String,
}

/// What the session keeps between sending the person to the provider and their return.
#[derive(Debug, Serialize, Deserialize)]
pub struct PendingLogin {
    pub state: String,
    nonce: String,
    verifier: String,
    /// The portal page to go on to afterwards.
    pub next: String,
}

/// A person the provider vouched for.
pub struct LoggedIn {
    pub pid: Pid,
    /// Kept to end the provider's session at logout.
    pub id_token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginFailure {
    #[error("the provider could not be asked: {0}")]
    Provider(String),
    #[error("the ID token was refused: {0}")]
    IdToken(String),
    #[error("the ID token has no valid pid claim")]
    NoPid,
}

/// One HTTP exchange with the provider. Redirects are not followed, so a provider
/// answer cannot send the portal to another host.
fn send(agent: &ureq::Agent, request: HttpRequest) -> Result<HttpResponse, ureq::Error> {
    let (parts, body) = request.into_parts();
    let response = if body.is_empty() {
        agent.run(openidconnect::http::Request::from_parts(parts, ()))?
    } else {
        agent.run(openidconnect::http::Request::from_parts(parts, body))?
    };
    let (parts, mut body) = response.into_parts();
    Ok(openidconnect::http::Response::from_parts(parts, body.read_to_vec()?))
}

impl OidcLogin {
    /// Reads the provider's discovery document and keys (blocking).
    pub fn discover(settings: &OidcSettings, public_url: &str) -> Result<Self, String> {
        let http: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into();
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| format!("the OpenID issuer `{}` is not a URL: {e}", settings.issuer))?;
        let metadata = ProviderMetadataWithLogout::discover(&issuer, &|r| send(&http, r))
            .map_err(|e| format!("cannot read the OpenID provider's configuration at {}: {e}", settings.issuer))?;
        Self::from_metadata(metadata, settings, public_url, http)
    }

    fn from_metadata(
        metadata: ProviderMetadataWithLogout,
        settings: &OidcSettings,
        public_url: &str,
        http: ureq::Agent,
    ) -> Result<Self, String> {
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let issuer = metadata.issuer().to_string();
        let redirect = RedirectUrl::new(format!("{public_url}{CALLBACK_PATH}")).map_err(|e| e.to_string())?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(settings.client_id.clone()),
            Some(ClientSecret::new(settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        Ok(Self { client, issuer, end_session, http, name: settings.name.clone() })
    }

    /// Where to send the person to log in, in their language, and what to remember meanwhile.
    pub fn start(&self, next: String, lang: &str) -> (String, PendingLogin) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("profile".into()))
            .add_ui_locale(LanguageTag::new(lang.into()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingLogin {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            next,
        };
        (url.into(), pending)
    }

    /// Whether the `iss` of an authorization response (RFC 9207), when the provider sends
    /// one, is this provider: a code from another provider must not be sent here.
    pub fn answered_by_us(&self, iss: Option<&str>) -> bool {
        iss.is_none_or(|iss| iss.trim_end_matches('/') == self.issuer.trim_end_matches('/'))
    }

    /// Trades the code for tokens and checks the ID token (blocking).
    pub fn finish(&self, code: String, pending: PendingLogin) -> Result<LoggedIn, LoginFailure> {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| LoginFailure::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request(&|r| send(&self.http, r))
            .map_err(|e| LoginFailure::Provider(e.to_string()))?;
        let raw = response.id_token().ok_or_else(|| LoginFailure::IdToken("no ID token".into()))?.to_string();
        let pid = self.verify(&raw, pending.nonce)?;
        Ok(LoggedIn { pid, id_token: raw })
    }

    /// The person an ID token names, once its signature (by the provider's published
    /// keys), issuer, audience, expiry and nonce are right.
    fn verify(&self, raw: &str, nonce: String) -> Result<Pid, LoginFailure> {
        let token: PidIdToken = raw.parse().map_err(|e| LoginFailure::IdToken(format!("{e}")))?;
        let claims = token
            .claims(&self.client.id_token_verifier(), &Nonce::new(nonce))
            .map_err(|e| LoginFailure::IdToken(e.to_string()))?;
        claims.additional_claims().pid.as_deref().and_then(Pid::parse).ok_or(LoginFailure::NoPid)
    }

    /// Where to end the person's session at the provider too, when it offers that.
    pub fn logout_url(&self, id_token: &str, back_to: &str) -> Option<String> {
        let token: PidIdToken = id_token.parse().ok()?;
        let back = PostLogoutRedirectUrl::new(back_to.to_owned()).ok()?;
        let request =
            LogoutRequest::from(self.end_session.clone()?).set_id_token_hint(&token).set_post_logout_redirect_uri(back);
        Some(request.http_get_url().into())
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use openidconnect::core::{CoreJsonWebKey, CoreJwsSigningAlgorithm, CoreResponseType, CoreSubjectIdentifierType};
    use openidconnect::{
        AuthUrl, EmptyAdditionalProviderMetadata, JsonWebKeySet, JsonWebKeySetUrl, LogoutProviderMetadata,
        ResponseTypes, TokenUrl,
    };
    use ring::rand::SystemRandom;
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
    use serde_json::json;

    use super::*;

    const ISSUER: &str = "https://login.example";

    /// A provider signing key: what it signs with, and the public key it publishes.
    fn key(kid: &str) -> (EncodingKey, CoreJsonWebKey) {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new()).unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &SystemRandom::new()).unwrap();
        let point = pair.public_key().as_ref();
        let jwk = json!({"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..])});
        (EncodingKey::from_ec_der(pkcs8.as_ref()), serde_json::from_value(jwk).unwrap())
    }

    fn login_with(published: CoreJsonWebKey) -> OidcLogin {
        let metadata = ProviderMetadataWithLogout::new(
            IssuerUrl::new(ISSUER.into()).unwrap(),
            AuthUrl::new(format!("{ISSUER}/authorize")).unwrap(),
            JsonWebKeySetUrl::new(format!("{ISSUER}/jwks")).unwrap(),
            vec![ResponseTypes::new(vec![CoreResponseType::Code])],
            vec![CoreSubjectIdentifierType::Pairwise],
            vec![CoreJwsSigningAlgorithm::EcdsaP256Sha256],
            LogoutProviderMetadata {
                end_session_endpoint: None,
                additional_metadata: EmptyAdditionalProviderMetadata {},
            },
        )
        .set_token_endpoint(Some(TokenUrl::new(format!("{ISSUER}/token")).unwrap()))
        .set_jwks(JsonWebKeySet::new(vec![published]));
        let settings = OidcSettings {
            issuer: ISSUER.into(),
            client_id: "portal".into(),
            client_secret: "secret".into(),
            name: "ID-porten".into(),
        };
        OidcLogin::from_metadata(metadata, &settings, "https://portal.example", ureq::Agent::new_with_defaults())
            .unwrap()
    }

    fn claims() -> serde_json::Value {
        let now = chrono::Utc::now().timestamp();
        json!({"iss": ISSUER, "aud": "portal", "sub": "pseudonym", "iat": now, "exp": now + 120,
               "nonce": "n-1", "pid": "17827510025"})
    }

    fn sign(key: &EncodingKey, claims: &serde_json::Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some("k1".into());
        jsonwebtoken::encode(&header, claims, key).unwrap()
    }

    #[test]
    fn only_a_right_id_token_names_the_person() {
        let (signing, published) = key("k1");
        let login = login_with(published);
        let good = sign(&signing, &claims());
        assert_eq!(login.verify(&good, "n-1".into()).unwrap().as_str(), "17827510025");
        assert!(matches!(login.verify(&good, "another".into()), Err(LoginFailure::IdToken(_))), "nonce");

        let changed = |field: &str, value: serde_json::Value| {
            let mut c = claims();
            c[field] = value;
            sign(&signing, &c)
        };
        let past = chrono::Utc::now().timestamp() - 3600;
        for (what, token) in [
            ("issuer", changed("iss", json!("https://other.example"))),
            ("audience", changed("aud", json!("someone-else"))),
            ("expiry", changed("exp", json!(past))),
            ("signature", sign(&key("k1").0, &claims())),
            ("no signature", format!("{}.", good.rsplit_once('.').unwrap().0)),
        ] {
            assert!(matches!(login.verify(&token, "n-1".into()), Err(LoginFailure::IdToken(_))), "{what}");
        }
        for pid in [json!(null), json!("12345678901"), json!(17827510025u64)] {
            let result = login.verify(&changed("pid", pid.clone()), "n-1".into());
            assert!(result.is_err(), "pid {pid}");
        }
    }
}
