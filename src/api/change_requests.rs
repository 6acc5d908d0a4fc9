//! `/systemuser/changerequest/vendor`: vendors ask to add or remove rights and access
//! packages on a system user, and follow what became of it.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::body::Body;
use super::dto::{AccessPackageDto, PageQuery, Paginated, Problem, RightDto, resource_ids, timestamp};
use super::problem::ApiError;
use crate::domain::change_requests::{self, ChangeDetails, Created, NewChange};
use crate::scopes;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRequestBody {
    pub id: Option<String>,
    pub system_user_id: Option<String>,
    pub external_ref: Option<String>,
    pub system_id: String,
    pub party_org_no: String,
    #[serde(default)]
    pub required_rights: Vec<RightDto>,
    #[serde(default)]
    pub unwanted_rights: Vec<RightDto>,
    #[serde(default)]
    pub required_access_packages: Vec<AccessPackageDto>,
    #[serde(default)]
    pub unwanted_access_packages: Vec<AccessPackageDto>,
    pub redirect_url: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeResponse {
    pub id: String,
    pub system_user_id: String,
    pub external_ref: String,
    pub system_id: String,
    pub party_org_no: String,
    pub required_rights: Vec<RightDto>,
    pub unwanted_rights: Vec<RightDto>,
    pub required_access_packages: Vec<AccessPackageDto>,
    pub unwanted_access_packages: Vec<AccessPackageDto>,
    pub status: String,
    pub redirect_url: Option<String>,
    pub confirm_url: String,
    pub created: String,
    pub timed_out: bool,
}

impl ChangeResponse {
    fn new(d: ChangeDetails, public_url: &str) -> Self {
        let rights =
            |rs: Vec<crate::db::resources::Resource>| rs.into_iter().map(|r| RightDto::resource(r.id)).collect();
        let packages = |ps: Vec<crate::db::packages::AccessPackage>| {
            ps.into_iter().map(|p| AccessPackageDto { urn: p.urn }).collect()
        };
        let r = d.request;
        Self {
            confirm_url: format!("{public_url}/accessmanagement/ui/systemuser/changerequest?id={}", r.id),
            required_rights: rights(d.add_rights),
            unwanted_rights: rights(d.remove_rights),
            required_access_packages: packages(d.add_packages),
            unwanted_access_packages: packages(d.remove_packages),
            status: if d.timed_out { "Timedout".into() } else { r.status.as_str().into() },
            created: timestamp(r.created),
            timed_out: d.timed_out,
            id: r.id,
            system_user_id: r.system_user_id,
            external_ref: r.external_ref,
            system_id: r.system_id,
            party_org_no: r.party_org_no,
            redirect_url: r.redirect_url,
        }
    }
}

/// Asks to add or remove rights and packages on a system user; `{"status":"NoChangeNeeded"}` when nothing differs.
#[utoipa::path(post, path = "/authentication/api/v1/systemuser/changerequest/vendor", tag = "change requests",
    request_body = ChangeRequestBody, responses((status = 201, body = ChangeResponse), (status = 200, description = "The pending change request, or NoChangeNeeded", body = ChangeResponse), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn create_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<ChangeRequestBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_WRITE)?;
    let b = body.decode()?;
    let input = NewChange {
        required_rights: resource_ids(&b.required_rights)?,
        unwanted_rights: resource_ids(&b.unwanted_rights)?,
        required_packages: b.required_access_packages.into_iter().map(|p| p.urn).collect(),
        unwanted_packages: b.unwanted_access_packages.into_iter().map(|p| p.urn).collect(),
        id: b.id,
        system_user_id: b.system_user_id,
        system_id: b.system_id,
        party_org_no: b.party_org_no,
        external_ref: b.external_ref,
        redirect_url: b.redirect_url.filter(|u| !u.trim().is_empty()),
    };
    let extra = state.demo_receipt_url();
    let created = state.db(move |conn| change_requests::create(conn, &caller.org_no, input, extra.as_deref())).await?;
    Ok(match created {
        Created::New(d) => HttpResponse::Created().json(ChangeResponse::new(d, &state.public_url)),
        Created::Existing(d) => HttpResponse::Ok().json(ChangeResponse::new(d, &state.public_url)),
        Created::NoChangeNeeded => HttpResponse::Ok().json(serde_json::json!({"status": "NoChangeNeeded"})),
    })
}

#[utoipa::path(get, path = "/authentication/api/v1/systemuser/changerequest/vendor/{id}", tag = "change requests",
    params(("id" = String, Path)), responses((status = 200, body = ChangeResponse), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn get_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_READ)?;
    let expiry = state.request_expiry;
    let found = state.db(move |conn| change_requests::get_for_vendor(conn, &caller.org_no, &id, expiry)).await?;
    Ok(HttpResponse::Ok().json(ChangeResponse::new(found, &state.public_url)))
}

#[utoipa::path(get, path = "/authentication/api/v1/systemuser/changerequest/vendor/byexternalref/{system_id}/{org_no}/{external_ref}", tag = "change requests",
    params(("system_id" = String, Path), ("org_no" = String, Path), ("external_ref" = String, Path)), responses((status = 200, body = ChangeResponse), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn change_request_by_external_ref(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_READ)?;
    let (system_id, org_no, external_ref) = path.into_inner();
    let expiry = state.request_expiry;
    let found = state
        .db(move |conn| {
            change_requests::get_by_external_ref(conn, &caller.org_no, &system_id, &org_no, &external_ref, expiry)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ChangeResponse::new(found, &state.public_url)))
}

#[utoipa::path(get, path = "/authentication/api/v1/systemuser/changerequest/vendor/bysystem/{system_id}", tag = "change requests",
    params(("system_id" = String, Path), PageQuery), responses((status = 200, body = Paginated<ChangeResponse>), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn change_requests_by_system(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    system_id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_READ)?;
    let base = format!("{}{}", state.public_url, req.path());
    let (expiry, size) = (state.request_expiry, state.page_size);
    let items = state
        .db(move |conn| {
            change_requests::page_by_system(conn, &caller.org_no, &system_id, query.token.as_deref(), size + 1, expiry)
        })
        .await?;
    let page =
        Paginated::from_items(items, size, &base, |d| &d.request.id, |d| ChangeResponse::new(d, &state.public_url));
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(delete, path = "/authentication/api/v1/systemuser/changerequest/vendor/{id}", tag = "change requests",
    params(("id" = String, Path)), responses((status = 200, description = "Withdrawn"), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn delete_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_WRITE)?;
    state.db(move |conn| change_requests::delete_for_vendor(conn, &caller.org_no, &id)).await?;
    Ok(HttpResponse::Ok().finish())
}
