//! A vendor's view of system users (docs/altinn-wire.md §3.3): the live ones of a system, one
//! found by party and external reference, and (ours) an agent system user's clients.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::auth::Caller;
use super::dto::{ClientResponse, PageQuery, Paginated, Problem, SystemUserResponse, page};
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::domain::{self, system_users};

/// A page (50) of a system's live system users, of both kinds; follow `links.next`.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/vendor/bysystem/{system_id}", tag = "system users",
    params(("system_id" = String, Path), PageQuery),
    responses((status = 200, body = Paginated<SystemUserResponse>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemregister.write"]), ("vendor" = ["altinn:authentication/systemregister.admin"]),
        ("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn system_users_by_system(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    system_id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let supplier = vendor.clone();
    let fetch = move |conn: &mut _, from: Option<&str>, limit| {
        system_users::page_for_vendor(conn, &vendor, &system_id, from, limit)
    };
    page(&req, &state, &query, fetch, |(u, _)| &u.id, |(u, p)| SystemUserResponse::new(u, &supplier, p)).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ByQuery {
    #[serde(rename = "system-id")]
    #[param(rename = "system-id")]
    pub system_id: String,
    pub orgno: String,
    /// Defaults to `orgno`.
    #[serde(rename = "external-ref")]
    #[param(rename = "external-ref")]
    pub external_ref: Option<String>,
}

/// The live system user of a system for a party and external reference.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/vendor/byquery", tag = "system users",
    params(ByQuery),
    responses((status = 200, body = SystemUserResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn system_user_by_query(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ByQuery>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let q = query.into_inner();
    let supplier = vendor.clone();
    let (user, packages) = state
        .db(move |conn| system_users::find_for_vendor(conn, &vendor, &q.system_id, &q.orgno, q.external_ref.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(SystemUserResponse::new(user, &supplier, packages)))
}

/// The clients attached to one of the vendor's agent system users (ours: Altinn has no
/// vendor view of them).
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/vendor/agent/{system_user_id}/clients", tag = "system users",
    params(("system_user_id" = String, Path), PageQuery),
    responses((status = 200, body = Paginated<ClientResponse>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn agent_clients(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let fetch = move |conn: &mut _, from: Option<&str>, limit| {
        domain::clients::page_for_vendor(conn, &vendor, &id, from, limit)
    };
    page(&req, &state, &query, fetch, |(d, _)| &d.id, |(_, org)| ClientResponse::from(org)).await
}
