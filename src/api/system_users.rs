//! A vendor's view of system users: the live ones of a system, and an agent system
//! user's clients.

use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::Caller;
use super::dto::{ClientResponse, PageQuery, Paginated, Problem, SystemUserResponse};
use super::problem::ApiError;
use crate::domain::{self, system_users};
use crate::scopes;
use crate::state::AppState;

#[utoipa::path(get, path = "/authentication/api/v1/systemuser/vendor/bysystem/{system_id}", tag = "system users",
    params(("system_id" = String, Path), PageQuery), responses((status = 200, body = Paginated<SystemUserResponse>), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn system_users_by_system(
    state: web::Data<AppState>,
    vendor: Caller,
    system_id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    vendor.require(scopes::REQUEST_READ)?;
    let system_id = system_id.into_inner();
    let base = format!("{}/authentication/api/v1/systemuser/vendor/bysystem/{system_id}", state.public_url);
    let size = state.page_size;
    let (system, users) = state
        .db(move |conn| {
            system_users::page_for_vendor(conn, &vendor.org_no, &system_id, query.token.as_deref(), size + 1)
        })
        .await?;
    let page = Paginated::from_items(
        users,
        size,
        &base,
        |(u, _)| &u.id,
        |(u, packages)| SystemUserResponse::new(u, &system, packages),
    );
    Ok(HttpResponse::Ok().json(page))
}

/// `GET /systemuser/vendor/agent/{systemUserId}/clients`: the clients attached to one of
/// the vendor's agent system users.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/vendor/agent/{system_user_id}/clients", tag = "system users",
    params(("system_user_id" = String, Path), PageQuery), responses((status = 200, body = Paginated<ClientResponse>), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn agent_clients(
    req: HttpRequest,
    state: web::Data<AppState>,
    vendor: Caller,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    vendor.require(scopes::REQUEST_READ)?;
    let base = format!("{}{}", state.public_url, req.path());
    let size = state.page_size;
    let rows = state
        .db(move |conn| domain::clients::page_for_vendor(conn, &vendor.org_no, &id, query.token.as_deref(), size + 1))
        .await?;
    let page = Paginated::from_items(rows, size, &base, |(d, _)| &d.id, |(d, org)| ClientResponse::new(d, org));
    Ok(HttpResponse::Ok().json(page))
}
