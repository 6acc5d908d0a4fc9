//! A vendor's view of system users (docs/altinn-wire.md §3.3): the live ones of a system, one
//! found by party and external reference, and (ours) an agent system user's clients.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::auth::Caller;
use super::dto::{ClientResponse, PageQuery, Paginated, Problem, SystemUserResponse, page};
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::domain::{self, system_users};
use crate::error::AppError;

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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ByExternalIdQuery {
    pub client_id: Option<String>,
    pub system_provider_org_no: Option<String>,
    pub system_user_owner_org_no: Option<String>,
    /// Defaults to `systemUserOwnerOrgNo`.
    pub external_ref: Option<String>,
}

/// The lookup Maskinporten makes before it issues a system user token (docs/altinn-wire.md §7):
/// the live system user owned by `systemUserOwnerOrgNo` of the system whose `clientId` holds
/// `clientId`, when that system is `systemProviderOrgNo`'s. 400 when one of the three is
/// missing, 404 when nothing matches.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/byExternalId", tag = "system users",
    params(ByExternalIdQuery),
    responses((status = 200, body = SystemUserResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:maskinporten/systemuser.read"])))]
pub async fn system_user_by_external_id(
    state: web::Data<AppState>,
    query: web::Query<ByExternalIdQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let given = |v: Option<String>| v.filter(|v| !v.is_empty());
    let (Some(client_id), Some(vendor), Some(owner)) =
        (given(q.client_id), given(q.system_provider_org_no), given(q.system_user_owner_org_no))
    else {
        return Err(
            AppError::BadRequest("clientId, systemProviderOrgNo and systemUserOwnerOrgNo are required".into()).into()
        );
    };
    let supplier = vendor.clone();
    let found = state
        .db(move |conn| {
            system_users::find_by_client(conn, &client_id, &vendor, &owner, given(q.external_ref).as_deref())
        })
        .await?;
    let (user, packages) = found.map_err(|_| AppError::SystemUserNotFound)?;
    let mut body = SystemUserResponse::new(user, &supplier, packages);
    // Maskinporten reads the system's id from here, as Altinn writes it.
    body.product_name = body.system_id.clone();
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(body))
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
