//! `/systemuser/changerequest/vendor`: vendors ask to add or remove rights and access
//! packages on a system user, and follow what became of it (docs/altinn-wire.md §3.2). Altinn's
//! form names the system user and the correlation id in the query; the older form of
//! ours, with everything in the body, still works.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::body::Body;
use super::dto::{
    AccessPackageDto, PageQuery, Paginated, Problem, RightDto, Shown, packages, page, resource_ids, rights,
};
use super::dto::{confirm_url, timestamp};
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::db::system_users::SystemUser;
use crate::domain::change_requests::{self, ChangeDetails, ChangeTarget, Created, NewChange};
use crate::error::AppError;
use crate::paths;

/// What to change; in the older form also which system user and the vendor's id.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRequestBody {
    #[serde(default)]
    pub required_rights: Vec<RightDto>,
    #[serde(default)]
    pub unwanted_rights: Vec<RightDto>,
    #[serde(default)]
    pub required_access_packages: Vec<AccessPackageDto>,
    #[serde(default)]
    pub unwanted_access_packages: Vec<AccessPackageDto>,
    #[schema(max_length = 2048)]
    pub redirect_url: Option<String>,
    /// Older form: the vendor's id for the change request.
    pub id: Option<String>,
    /// Older form: the system user, or else `systemId`, `partyOrgNo` and `externalRef`.
    pub system_user_id: Option<String>,
    pub system_id: Option<String>,
    pub party_org_no: Option<String>,
    pub external_ref: Option<String>,
}

/// Altinn's form: which system user, and the vendor's id for the change request.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// The id the change request gets (a UUID of the vendor's choosing).
    #[serde(rename = "correlation-id")]
    #[param(rename = "correlation-id", pattern = "^[0-9a-fA-F-]{36}$")]
    pub correlation_id: Option<String>,
    /// The system user to change.
    #[serde(rename = "system-user-id")]
    #[param(rename = "system-user-id", pattern = "^[0-9a-fA-F-]{36}$")]
    pub system_user_id: Option<String>,
}

/// A change request as Altinn answers it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeResponse {
    pub id: String,
    pub external_ref: String,
    pub system_id: String,
    pub system_user_id: String,
    pub party_org_no: String,
    pub required_rights: Vec<RightDto>,
    pub unwanted_rights: Vec<RightDto>,
    pub required_access_packages: Vec<AccessPackageDto>,
    pub unwanted_access_packages: Vec<AccessPackageDto>,
    /// `New`, `Accepted`, `Rejected`, `Denied`, or `NoChangeNeeded` when there is nothing to change.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Empty for `NoChangeNeeded`; left out of list items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm_url: Option<String>,
    pub created: String,
    pub timed_out: bool,
}

impl ChangeResponse {
    fn new(d: ChangeDetails, shown: Shown) -> Self {
        let r = d.request;
        Self {
            confirm_url: match shown {
                Shown::Alone { public_url } => Some(confirm_url(public_url, paths::CHANGE_REQUEST, &r.id)),
                Shown::Listed => None,
            },
            required_rights: rights(d.add_rights.into_iter().map(|r| r.id)),
            unwanted_rights: rights(d.remove_rights.into_iter().map(|r| r.id)),
            required_access_packages: packages(d.add_packages.into_iter().map(|p| p.urn)),
            unwanted_access_packages: packages(d.remove_packages.into_iter().map(|p| p.urn)),
            status: r.status.as_str().into(),
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

    /// Altinn's whole answer when there is nothing to change: empty lists, no confirm URL
    /// and the year 1 as the time.
    fn no_change_needed(id: Option<String>, user: SystemUser) -> Self {
        Self {
            id: id.unwrap_or_else(|| uuid::Uuid::nil().to_string()),
            external_ref: user.external_ref,
            system_id: user.system_id,
            system_user_id: user.id,
            party_org_no: user.party_org_no,
            required_rights: Vec::new(),
            unwanted_rights: Vec::new(),
            required_access_packages: Vec::new(),
            unwanted_access_packages: Vec::new(),
            status: "NoChangeNeeded".into(),
            redirect_url: None,
            confirm_url: Some(String::new()),
            created: "0001-01-01T00:00:00".into(),
            timed_out: false,
        }
    }
}

/// A UUID as Altinn binds one, or a 400 naming the parameter.
fn uuid(name: &str, value: &str) -> Result<String, AppError> {
    uuid::Uuid::parse_str(value.trim())
        .map(|id| id.to_string())
        .map_err(|_| AppError::BadRequest(format!("{name} must be a UUID")))
}

/// Which system user and which id: from the query (Altinn's form) or the body (older form).
fn target(query: ChangeQuery, body: &ChangeRequestBody) -> Result<(Option<String>, ChangeTarget), AppError> {
    if query.correlation_id.is_some() || query.system_user_id.is_some() {
        let correlation = query.correlation_id.ok_or(AppError::BadRequest("correlation-id is missing".into()))?;
        let user = query.system_user_id.ok_or(AppError::BadRequest("system-user-id is missing".into()))?;
        let (correlation, user) = (uuid("correlation-id", &correlation)?, uuid("system-user-id", &user)?);
        if correlation == user {
            return Err(AppError::BadRequest("correlation-id must differ from system-user-id".into()));
        }
        return Ok((Some(correlation), ChangeTarget::SystemUser { id: user, system_id: None, party_org_no: None }));
    }
    let target = match (&body.system_user_id, &body.system_id, &body.party_org_no) {
        (Some(user), system_id, party_org_no) => ChangeTarget::SystemUser {
            id: user.clone(),
            system_id: system_id.clone(),
            party_org_no: party_org_no.clone(),
        },
        (None, Some(system_id), Some(party_org_no)) => ChangeTarget::Triple {
            system_id: system_id.clone(),
            party_org_no: party_org_no.clone(),
            external_ref: body.external_ref.clone(),
        },
        _ => {
            return Err(AppError::BadRequest(
                "name the system user with ?system-user-id= and ?correlation-id=, or with systemUserId or \
                 systemId and partyOrgNo in the body"
                    .into(),
            ));
        }
    };
    Ok((body.id.clone(), target))
}

/// Asks to add or remove rights and packages on a system user. 201 with `Location` for a
/// new change request; 200 with the change request the correlation id already names
/// (whatever its status); 200 `NoChangeNeeded` when nothing would change.
#[utoipa::path(post, path = "/authentication/api/v1/systemuser/changerequest/vendor", tag = "change requests",
    params(ChangeQuery), request_body = ChangeRequestBody,
    responses((status = 201, body = ChangeResponse, headers(("Location" = String))),
        (status = 200, description = "The change request with this correlation id, or NoChangeNeeded", body = ChangeResponse),
        (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn create_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ChangeQuery>,
    body: Body<ChangeRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let b = body.decode_trimmed()?;
    let (id, target) = target(query.into_inner(), &b)?;
    let input = NewChange {
        required_rights: resource_ids(&b.required_rights)?,
        unwanted_rights: resource_ids(&b.unwanted_rights)?,
        required_packages: b.required_access_packages.into_iter().map(|p| p.urn).collect(),
        unwanted_packages: b.unwanted_access_packages.into_iter().map(|p| p.urn).collect(),
        id,
        target,
        redirect_url: b.redirect_url,
    };
    let extra = state.demo_receipt_url();
    let created = state.db(move |conn| change_requests::create(conn, &vendor, input, extra.as_deref())).await?;
    let shown = Shown::Alone { public_url: &state.public_url };
    Ok(match created {
        Created::New(d) => {
            let location =
                format!("{}/authentication/api/v1/systemuser/changerequest/{}", state.public_url, d.request.id);
            HttpResponse::Created().insert_header((header::LOCATION, location)).json(ChangeResponse::new(d, shown))
        }
        Created::Existing(d) => HttpResponse::Ok().json(ChangeResponse::new(d, shown)),
        Created::NoChangeNeeded { id, user } => HttpResponse::Ok().json(ChangeResponse::no_change_needed(id, *user)),
    })
}

/// One change request.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/changerequest/vendor/{id}", tag = "change requests",
    params(("id" = String, Path)),
    responses((status = 200, body = ChangeResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn get_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (vendor, expiry) = (caller.vendor()?, state.request_expiry);
    let found = state.db(move |conn| change_requests::get_for_vendor(conn, &vendor, &id, expiry)).await?;
    Ok(HttpResponse::Ok().json(ChangeResponse::new(found, Shown::Alone { public_url: &state.public_url })))
}

/// The newest change request for a party, system and external reference.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/changerequest/vendor/byexternalref/{system_id}/{org_no}/{external_ref}", tag = "change requests",
    params(("system_id" = String, Path), ("org_no" = String, Path), ("external_ref" = String, Path)),
    responses((status = 200, body = ChangeResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn change_request_by_external_ref(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (system_id, org_no, external_ref) = path.into_inner();
    let (vendor, expiry) = (caller.vendor()?, state.request_expiry);
    let found = state
        .db(move |conn| change_requests::get_by_external_ref(conn, &vendor, &system_id, &org_no, &external_ref, expiry))
        .await?;
    Ok(HttpResponse::Ok().json(ChangeResponse::new(found, Shown::Alone { public_url: &state.public_url })))
}

/// A page (50) of a system's change requests; follow `links.next` for more.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/changerequest/vendor/bysystem/{system_id}", tag = "change requests",
    params(("system_id" = String, Path), PageQuery),
    responses((status = 200, body = Paginated<ChangeResponse>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn change_requests_by_system(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    system_id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (vendor, expiry) = (caller.vendor()?, state.request_expiry);
    let fetch = move |conn: &mut _, from: Option<&str>, limit| {
        change_requests::page_by_system(conn, &vendor, &system_id, from, limit, expiry)
    };
    page(&req, &state, &query, fetch, |d| &d.request.id, |d| ChangeResponse::new(d, Shown::Listed)).await
}

/// Deletes a change request, whatever its status (202, no body).
#[utoipa::path(delete, path = "/authentication/api/v1/systemuser/changerequest/vendor/{id}", tag = "change requests",
    params(("id" = String, Path)),
    responses((status = 202, description = "Deleted"), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn delete_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    state.db(move |conn| change_requests::delete_for_vendor(conn, &vendor, &id)).await?;
    Ok(HttpResponse::Accepted().finish())
}
