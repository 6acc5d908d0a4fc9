//! `/systemtilgang/api/v1/clients`: the operator's own tooling onboards the API's clients
//! (vendors', service owners') as `systemtilgang client` does, with the scope
//! `systemtilgang:clients.admin`. A secret is in the answer that makes it, only then.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::body::Body;
use super::dto::timestamp;
use super::problem::{ApiError, Problem};
use crate::app::state::AppState;
use crate::auth::vendor_clients::{self, NewClient, Proof};
use crate::db::vendor_clients::VendorClient;

/// An API client as the operator sees it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiClient {
    client_id: String,
    org_no: String,
    name: String,
    scopes: Vec<String>,
    /// `secret`, `keys`, `secret and keys` or `nothing`.
    authenticates_with: &'static str,
    created: String,
    /// When it last got a token (to the minute); absent if never.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_used: Option<String>,
    /// The secret, in the answer that made it only.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl ApiClient {
    fn new(client: VendorClient, secret: Option<String>) -> Self {
        ApiClient {
            authenticates_with: Proof::of(&client).as_str(),
            scopes: client.scopes.split_whitespace().map(str::to_owned).collect(),
            client_id: client.client_id,
            org_no: client.org_no,
            name: client.name,
            created: timestamp(client.created),
            last_used: client.last_used.map(timestamp),
            secret,
        }
    }
}

/// A client to add.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewApiClient {
    org_no: String,
    client_id: String,
    scopes: Vec<String>,
    #[serde(default)]
    name: String,
    /// A JWK set of the public keys it signs assertions with; without one it gets a secret.
    #[schema(value_type = Option<Object>)]
    jwks: Option<serde_json::Value>,
}

/// A new secret.
#[derive(Serialize, ToSchema)]
pub struct Secret {
    secret: String,
}

/// Every API client.
#[utoipa::path(get, path = "/systemtilgang/api/v1/clients", tag = "clients",
    responses((status = 200, body = Vec<ApiClient>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["systemtilgang:clients.admin"])))]
pub async fn list_api_clients(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let clients = state.db(vendor_clients::list).await?;
    Ok(HttpResponse::Ok().json(clients.into_iter().map(|c| ApiClient::new(c, None)).collect::<Vec<_>>()))
}

/// Adds a client for an organisation of the register; 201 with its secret (shown only now).
#[utoipa::path(post, path = "/systemtilgang/api/v1/clients", tag = "clients", request_body = NewApiClient,
    responses((status = 201, body = ApiClient), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["systemtilgang:clients.admin"])))]
pub async fn add_api_client(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewApiClient>,
) -> Result<HttpResponse, ApiError> {
    let NewApiClient { org_no, client_id, scopes, name, jwks } = body.decode_trimmed()?;
    let new = NewClient { org_no, client_id, name, scopes, jwks: jwks.map(|j| j.to_string()) };
    let (client, secret) = state.db(move |conn| vendor_clients::add(conn, &caller.client_id, new)).await?;
    Ok(HttpResponse::Created().json(ApiClient::new(client, secret)))
}

/// Removes a client: its secret and keys stop working at once (tokens already given
/// live out their hour).
#[utoipa::path(delete, path = "/systemtilgang/api/v1/clients/{client_id}", tag = "clients",
    params(("client_id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["systemtilgang:clients.admin"])))]
pub async fn remove_api_client(
    state: web::Data<AppState>,
    caller: Caller,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.db(move |conn| vendor_clients::remove(conn, &caller.client_id, &client_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives the client a new secret; the old one stops working at once.
#[utoipa::path(post, path = "/systemtilgang/api/v1/clients/{client_id}/secret", tag = "clients",
    params(("client_id" = String, Path)),
    responses((status = 200, body = Secret), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["systemtilgang:clients.admin"])))]
pub async fn rotate_api_client_secret(
    state: web::Data<AppState>,
    caller: Caller,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let secret = state.db(move |conn| vendor_clients::rotate_secret(conn, &caller.client_id, &client_id)).await?;
    Ok(HttpResponse::Ok().json(Secret { secret }))
}

/// Replaces the scopes the client may ask for.
#[utoipa::path(put, path = "/systemtilgang/api/v1/clients/{client_id}/scopes", tag = "clients",
    params(("client_id" = String, Path)), request_body = Vec<String>,
    responses((status = 200, body = ApiClient), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["systemtilgang:clients.admin"])))]
pub async fn set_api_client_scopes(
    state: web::Data<AppState>,
    caller: Caller,
    client_id: web::Path<String>,
    body: Body<Vec<String>>,
) -> Result<HttpResponse, ApiError> {
    let scopes = body.decode_trimmed()?;
    let client = state.db(move |conn| vendor_clients::set_scopes(conn, &caller.client_id, &client_id, &scopes)).await?;
    Ok(HttpResponse::Ok().json(ApiClient::new(client, None)))
}

/// Replaces the public keys (a JWK set) the client signs assertions with.
#[utoipa::path(put, path = "/systemtilgang/api/v1/clients/{client_id}/jwks", tag = "clients",
    params(("client_id" = String, Path)), request_body(content = Object, description = "A JWK set of public RSA or EC keys"),
    responses((status = 200, body = ApiClient), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["systemtilgang:clients.admin"])))]
pub async fn set_api_client_keys(
    state: web::Data<AppState>,
    caller: Caller,
    client_id: web::Path<String>,
    body: Body<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let jwks = body.decode()?.to_string();
    let client = state.db(move |conn| vendor_clients::set_jwks(conn, &caller.client_id, &client_id, &jwks)).await?;
    Ok(HttpResponse::Ok().json(ApiClient::new(client, None)))
}
