//! `POST /token` (OAuth2 client credentials) and the public keys at
//! `/.well-known/jwks.json`. Errors here use RFC 6749's JSON, as OAuth2 clients expect.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use crate::domain::assertions;
use crate::domain::system_user_tokens::{self, Refusal, SystemUserGrant};
use crate::domain::vendor_clients;
use crate::error::AppError;
use crate::state::AppState;
use crate::tokens::{OrgClaim, SYSTEM_USER_DETAIL_TYPE, SystemUserDetail, TOKEN_LIFETIME_SECS};

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
        response
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(OAuthErrorBody { error: self.error, error_description: self.description.clone() })
    }
}

fn invalid_client(description: &str) -> OAuthError {
    OAuthError {
        status: actix_web::http::StatusCode::UNAUTHORIZED,
        error: "invalid_client",
        description: description.into(),
    }
}

pub fn invalid_request(description: &str) -> OAuthError {
    OAuthError {
        status: actix_web::http::StatusCode::BAD_REQUEST,
        error: "invalid_request",
        description: description.into(),
    }
}

impl From<AppError> for OAuthError {
    fn from(e: AppError) -> Self {
        log::error!("token endpoint: {e}");
        OAuthError {
            status: actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            error: "server_error",
            description: "An unexpected error occurred.".into(),
        }
    }
}

/// Client id and secret from HTTP Basic (client_secret_basic) or the form (client_secret_post).
fn client_credentials(req: &HttpRequest, form: &TokenForm) -> Option<(String, String)> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(id, secret)| (id.to_owned(), secret.to_owned())));
    basic.or_else(|| Some((form.client_id.clone()?, form.client_secret.clone()?)))
}

/// OAuth2 token endpoint: `client_credentials` (client secret, HTTP Basic or form) or
/// `urn:ietf:params:oauth:grant-type:jwt-bearer` (an assertion signed with the client's
/// registered key). With `authorization_details` of type `urn:altinn:systemuser` the
/// token acts as a system user.
#[utoipa::path(post, path = "/token", tag = "authentication",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = TokenResponse), (status = "4XX", description = "RFC 6749 error", body = OAuthErrorBody)))]
pub async fn issue_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, OAuthError> {
    let form = form.into_inner();
    // Who the client is, and the scope and details it asks for (an assertion carries its own).
    let (client, scope, details) = match form.grant_type.as_deref() {
        Some("client_credentials") => {
            let (client_id, secret) =
                client_credentials(&req, &form).ok_or_else(|| invalid_request("client credentials are missing"))?;
            let client = state
                .db(move |conn| vendor_clients::authenticate(conn, &client_id, &secret))
                .await?
                .ok_or_else(|| invalid_client("unknown client or wrong secret"))?;
            (client, form.scope, form.authorization_details)
        }
        Some(JWT_BEARER) => {
            let assertion = form.assertion.ok_or_else(|| invalid_request("the assertion is missing"))?;
            let base = state.public_url.clone();
            let audiences = vec![base.clone(), format!("{base}/"), format!("{base}/token")];
            let verified =
                state.db(move |conn| assertions::verify(conn, &assertion, &audiences)).await?.map_err(|refused| {
                    OAuthError {
                        status: actix_web::http::StatusCode::BAD_REQUEST,
                        error: "invalid_grant",
                        description: refused.0.into(),
                    }
                })?;
            let details = verified.authorization_details.map(|d| d.to_string()).or(form.authorization_details);
            (verified.client, verified.scope.or(form.scope), details)
        }
        Some(_) => {
            return Err(OAuthError {
                status: actix_web::http::StatusCode::BAD_REQUEST,
                error: "unsupported_grant_type",
                description: format!("supported: client_credentials, {JWT_BEARER}"),
            });
        }
        None => return Err(invalid_request("grant_type is missing")),
    };
    let scopes = vendor_clients::grant_scopes(&client, scope.as_deref()).ok_or_else(|| OAuthError {
        status: actix_web::http::StatusCode::BAD_REQUEST,
        error: "invalid_scope",
        description: "a scope asked for is not allowed for this client".into(),
    })?;
    let grant = match details.as_deref() {
        Some(details) => Some(system_user_grant(&state, &client.client_id, details).await?),
        None => None,
    };
    let system_user = grant.map(|g| SystemUserDetail::new(&g.system_user_id, &g.org_no, &g.system_id));
    let token = state.tokens.issue(&client.client_id, &client.org_no, &scopes, system_user)?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME_SECS,
        scope: scopes.join(" "),
    }))
}

fn invalid_details(description: &str) -> OAuthError {
    OAuthError {
        status: actix_web::http::StatusCode::BAD_REQUEST,
        error: "invalid_authorization_details",
        description: description.into(),
    }
}

/// The system user a system user token may act as, from `authorization_details`.
async fn system_user_grant(state: &AppState, client_id: &str, details: &str) -> Result<SystemUserGrant, OAuthError> {
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
    let (client, org, external_ref) = (client_id.to_owned(), org_no.to_owned(), detail.external_ref.clone());
    match state.db(move |conn| system_user_tokens::authorize(conn, &client, &org, external_ref.as_deref())).await? {
        Ok(grant) => Ok(grant),
        Err(Refusal::ClientIsNoSystem) => Err(invalid_details("the client is not a client of any registered system")),
        Err(Refusal::NoSystemUser) => Err(invalid_details("no system user exists for this organisation and system")),
    }
}

/// The public keys the portal signs its tokens with.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "authentication", responses((status = 200, description = "A JWK set")))]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(state.tokens.jwks())
}
