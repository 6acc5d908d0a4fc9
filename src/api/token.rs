//! `POST /token` (OAuth2 client credentials) and the public keys at
//! `/.well-known/jwks.json`. Errors here use RFC 6749's JSON, as OAuth2 clients expect.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use crate::app::state::AppState;
use crate::auth::assertions;
use crate::auth::system_user_tokens::{self, SystemUserGrant};
use crate::auth::throttle::retry_after_secs;
use crate::auth::tokens::{OrgClaim, SYSTEM_USER_DETAIL_TYPE, SystemUserDetail, TOKEN_LIFETIME_SECS};
use crate::auth::vendor_clients;
use crate::db::vendor_clients::VendorClient;
use crate::domain::system_users::Unmatched;
use crate::error::AppError;
use crate::support::unverified_issuer;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
    /// RFC 9396 details as JSON; `urn:altinn:systemuser` asks for a system user token.
    authorization_details: Option<String>,
    /// The signed client assertion of the jwt-bearer grant.
    assertion: Option<String>,
}

/// RFC 7523's grant type for a signed JWT.
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// A token, as RFC 6749 answers.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    scope: String,
}

/// An RFC 6749 error.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OAuthErrorBody {
    error: &'static str,
    error_description: String,
}

/// One entry of `authorization_details` as vendors send it.
#[derive(Debug, Deserialize)]
struct RequestedDetail {
    #[serde(rename = "type")]
    kind: String,
    systemuser_org: OrgClaim,
    #[serde(default, rename = "externalRef")]
    external_ref: Option<String>,
}

/// An OAuth2 error response.
#[derive(Debug, thiserror::Error)]
#[error("{error}: {description}")]
pub struct OAuthError {
    status: actix_web::http::StatusCode,
    error: &'static str,
    description: String,
    /// Seconds to wait before trying again (429).
    retry_after: Option<u64>,
}

impl OAuthError {
    fn new(status: actix_web::http::StatusCode, error: &'static str, description: &str) -> Self {
        Self { status, error, description: description.into(), retry_after: None }
    }
}

impl ResponseError for OAuthError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == actix_web::http::StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"token\""));
        }
        if let Some(secs) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(OAuthErrorBody { error: self.error, error_description: self.description.clone() })
    }
}

fn invalid_client(description: &str) -> OAuthError {
    OAuthError::new(actix_web::http::StatusCode::UNAUTHORIZED, "invalid_client", description)
}

pub fn invalid_request(description: &str) -> OAuthError {
    OAuthError::new(actix_web::http::StatusCode::BAD_REQUEST, "invalid_request", description)
}

impl From<AppError> for OAuthError {
    fn from(e: AppError) -> Self {
        log::error!("token endpoint: {e}");
        OAuthError::new(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "An unexpected error occurred.",
        )
    }
}

/// Client id and secret from HTTP Basic (client_secret_basic) or the form
/// (client_secret_post). Both at once is refused (RFC 6749 §2.3: one method only).
fn client_credentials(req: &HttpRequest, form: &TokenForm) -> Result<(String, String), OAuthError> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .map(|b| {
            STANDARD
                .decode(b.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.split_once(':').map(|(id, secret)| (id.to_owned(), secret.to_owned())))
                .ok_or_else(|| invalid_request("the Basic credentials are malformed"))
        });
    let posted = form.client_id.is_some() || form.client_secret.is_some();
    match (basic, posted) {
        (Some(_), true) => Err(invalid_request("send the client credentials either with HTTP Basic or in the form")),
        (Some(basic), false) => basic,
        (None, _) => match (&form.client_id, &form.client_secret) {
            (Some(id), Some(secret)) => Ok((id.clone(), secret.clone())),
            _ => Err(invalid_request("client credentials are missing")),
        },
    }
}

/// 429 for a caller that failed to authenticate too often.
fn too_many_attempts(wait: Duration) -> OAuthError {
    let secs = retry_after_secs(wait);
    OAuthError {
        status: actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        error: "temporarily_unavailable",
        description: format!("too many failed attempts; try again in {secs} seconds"),
        retry_after: Some(secs),
    }
}

/// Authenticates the client (by secret or assertion) unless it or its address has failed
/// too often; counts a failure. Gives the client and the scope and details it asks for
/// (an assertion carries its own).
async fn authenticate(
    req: &HttpRequest,
    state: &AppState,
    form: TokenForm,
) -> Result<(VendorClient, Option<String>, Option<String>), OAuthError> {
    let address = state.source_address(req);
    let (client_id, secret) = match form.grant_type.as_deref() {
        Some("client_credentials") => {
            let (id, secret) = client_credentials(req, &form)?;
            (id, Some(secret))
        }
        Some(JWT_BEARER) => {
            let assertion = form.assertion.as_deref().ok_or_else(|| invalid_request("the assertion is missing"))?;
            (unverified_issuer(assertion).unwrap_or_default(), None)
        }
        Some(_) => {
            return Err(OAuthError::new(
                actix_web::http::StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("supported: client_credentials, {JWT_BEARER}"),
            ));
        }
        None => return Err(invalid_request("grant_type is missing")),
    };
    let keys = [vec![address.clone()], vec![format!("{client_id} from {address}")]];
    let throttles = [&state.throttles.address, &state.throttles.client];
    if let Some(wait) = throttles.iter().zip(&keys).filter_map(|(t, k)| t.wait(k)).max() {
        return Err(too_many_attempts(wait));
    }
    let outcome = match secret {
        Some(secret) => state
            .db(move |conn| vendor_clients::authenticate(conn, &client_id, &secret))
            .await?
            .map(|client| (client, form.scope, form.authorization_details))
            .ok_or_else(|| invalid_client("unknown client or wrong secret")),
        None => {
            let assertion = form.assertion.unwrap_or_default();
            let base = state.public_url.clone();
            let audiences = vec![base.clone(), format!("{base}/"), format!("{base}/token")];
            state.db(move |conn| assertions::verify(conn, &assertion, &audiences)).await?.map_or_else(
                |refused| Err(OAuthError::new(actix_web::http::StatusCode::BAD_REQUEST, "invalid_grant", refused.0)),
                |verified| {
                    let details = verified.authorization_details.map(|d| d.to_string()).or(form.authorization_details);
                    Ok((verified.client, verified.scope.or(form.scope), details))
                },
            )
        }
    };
    if outcome.is_err()
        && let Some(wait) = throttles.iter().zip(&keys).filter_map(|(t, k)| t.failed(k)).max()
    {
        return Err(too_many_attempts(wait));
    }
    outcome
}

/// OAuth2 token endpoint: `client_credentials` (client secret, HTTP Basic or form) or
/// `urn:ietf:params:oauth:grant-type:jwt-bearer` (an assertion signed with the client's
/// registered key). With `authorization_details` of type `urn:altinn:systemuser` the
/// token acts as a system user. Failed attempts are limited per address and per client.
#[utoipa::path(post, path = "/token", tag = "authentication",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = TokenResponse), (status = "4XX", description = "RFC 6749 error", body = OAuthErrorBody)))]
pub async fn issue_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, OAuthError> {
    let (client, scope, details) = authenticate(&req, &state, form.into_inner()).await?;
    let scopes = vendor_clients::grant_scopes(&client, scope.as_deref()).ok_or_else(|| {
        OAuthError::new(
            actix_web::http::StatusCode::BAD_REQUEST,
            "invalid_scope",
            "a scope asked for is not allowed for this client",
        )
    })?;
    let grant = match details.as_deref() {
        Some(details) => Some(system_user_grant(&state, &client, details).await?),
        None => None,
    };
    let system_user = grant.map(|g| SystemUserDetail::new(&g.system_user_id, &g.org_no, &g.system_id));
    let kind = if system_user.is_some() { "system_user" } else { "vendor" };
    let token = state.tokens.issue(&client.client_id, &client.org_no, &scopes, system_user)?;
    if vendor_clients::use_to_note(&client) {
        let used = client.client_id.clone();
        state.db(move |conn| vendor_clients::used(conn, &used)).await?;
    }
    crate::ops::metrics::token_issued(kind);
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME_SECS,
        scope: scopes.join(" "),
    }))
}

fn invalid_details(description: &str) -> OAuthError {
    OAuthError::new(actix_web::http::StatusCode::BAD_REQUEST, "invalid_authorization_details", description)
}

/// The system user a system user token may act as, from `authorization_details`.
async fn system_user_grant(
    state: &AppState,
    client: &VendorClient,
    details: &str,
) -> Result<SystemUserGrant, OAuthError> {
    let parsed: Vec<RequestedDetail> =
        serde_json::from_str(details).map_err(|e| invalid_details(&format!("not a list of details: {e}")))?;
    let [detail] = parsed.as_slice() else {
        return Err(invalid_details("exactly one authorization detail is expected"));
    };
    if detail.kind != SYSTEM_USER_DETAIL_TYPE {
        return Err(invalid_details("the type must be urn:altinn:systemuser"));
    }
    let org_no =
        detail.systemuser_org.org_no().ok_or_else(|| invalid_details("systemuser_org must be 0192:<orgno>"))?;
    let (id, vendor, org) = (client.client_id.clone(), client.org_no.clone(), org_no.to_owned());
    let external_ref = detail.external_ref.clone();
    match state.db(move |conn| system_user_tokens::authorize(conn, &id, &vendor, &org, external_ref.as_deref())).await?
    {
        Ok(grant) => Ok(grant),
        Err(Unmatched::ClientOfNoSystem) => Err(invalid_details("the client is not a client of any registered system")),
        Err(Unmatched::SystemOfAnotherVendor) => {
            Err(invalid_details("the system that lists this client belongs to another organisation"))
        }
        Err(Unmatched::NoSystemUser) => Err(invalid_details("no system user exists for this organisation and system")),
    }
}

/// The public keys the portal signs its tokens with.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "authentication", responses((status = 200, description = "A JWK set")))]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(state.tokens.jwks())
}
