//! `PUT /authentication/api/v1/vendor/clients/{clientId}/jwks`: a vendor registers the
//! public keys its client signs assertions with (as one registers keys in Maskinporten).

use actix_web::{HttpResponse, web};

use super::auth::Caller;
use super::body::Body;
use super::dto::Problem;
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::auth::assertions;

#[utoipa::path(put, path = "/authentication/api/v1/vendor/clients/{client_id}/jwks", tag = "authentication",
    params(("client_id" = String, Path)), request_body(content = Object, description = "A JWK set of public RSA or EC keys"),
    responses((status = 204, description = "Registered"), (status = "4XX", body = Problem, content_type = "application/problem+json")), security(("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn put_client_keys(
    state: web::Data<AppState>,
    caller: Caller,
    client_id: web::Path<String>,
    jwks: Body<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let jwks = jwks.decode()?.to_string();
    let vendor = caller.vendor()?;
    state.db(move |conn| assertions::register_keys(conn, &vendor, &client_id, &jwks)).await?;
    Ok(HttpResponse::NoContent().finish())
}
