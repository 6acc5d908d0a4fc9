//! `/systemregister/vendor`: vendors register and keep their systems, in Altinn's shapes
//! (docs/altinn-wire.md §3.4 and §4): a registration answers with the system's GUID, changes
//! with `{"succeeded":true}`.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::body::Body;
use super::dto::{AccessPackageDto, AttributePair, Problem, RightDto, packages, rights, timestamp};
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::auth::scopes;
use crate::auth::tokens::OrgClaim;
use crate::domain::system_register::{self, Registered, Registrar, RightSpec, SystemChange, SystemSpec};

/// A system as a vendor registers or changes it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemBody {
    /// `<vendor orgno>_…`, without spaces.
    #[schema(pattern = "^[0-9]{9}_[^\\s]+$", max_length = 255)]
    pub id: String,
    /// The vendor, `{"authority":"iso6523-actorid-upis","ID":"0192:<orgno>"}` (the authority may be left out).
    pub vendor: OrgClaim,
    /// The system's name by language (`nb`, `nn`, `en`, …).
    #[serde(default)]
    pub name: BTreeMap<String, String>,
    #[serde(default)]
    pub description: BTreeMap<String, String>,
    #[serde(default)]
    pub rights: Vec<RightDto>,
    #[serde(default)]
    pub access_packages: Vec<AccessPackageDto>,
    #[serde(default, rename = "clientId")]
    pub client_id: Vec<String>,
    #[serde(default = "visible_by_default")]
    pub is_visible: bool,
    /// Absolute https URLs the system may send users back to.
    #[serde(default)]
    pub allowed_redirect_urls: Vec<String>,
}

fn visible_by_default() -> bool {
    true
}

fn right_specs(rights: Vec<RightDto>) -> Vec<RightSpec> {
    rights
        .into_iter()
        .flat_map(|r| r.resource)
        .map(|AttributePair { id, value }| RightSpec { attribute: id, value })
        .collect()
}

impl SystemBody {
    fn into_spec(self) -> SystemSpec {
        SystemSpec {
            vendor: self.vendor.id,
            names: self.name,
            descriptions: self.description,
            rights: right_specs(self.rights),
            packages: self.access_packages.into_iter().map(|p| p.urn).collect(),
            client_ids: self.client_id,
            redirect_urls: self.allowed_redirect_urls,
            visible: self.is_visible,
            id: self.id,
        }
    }
}

/// The vendor of a registered system: only its `ID`, as Altinn answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VendorId {
    #[serde(rename = "ID")]
    pub id: String,
}

/// A registered system as Altinn answers it (`RegisteredSystemResponse`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemResponse {
    pub id: String,
    pub vendor: VendorId,
    pub name: BTreeMap<String, String>,
    pub description: BTreeMap<String, String>,
    pub rights: Vec<RightDto>,
    pub access_packages: Vec<AccessPackageDto>,
    pub is_deleted: bool,
    #[serde(rename = "clientId")]
    pub client_id: Vec<String>,
    pub is_visible: bool,
    pub allowed_redirect_urls: Vec<String>,
}

/// A system in the vendor's list (`RegisteredSystemDTO`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemListItem {
    pub system_id: String,
    pub system_vendor_org_number: String,
    /// Always empty, as in Altinn.
    pub system_vendor_org_name: String,
    pub name: BTreeMap<String, String>,
    pub description: BTreeMap<String, String>,
    pub rights: Vec<RightDto>,
    pub access_packages: Vec<AccessPackageDto>,
    pub is_visible: bool,
}

fn resource_rights(specs: Vec<RightSpec>) -> Vec<RightDto> {
    rights(specs.into_iter().map(|r| r.value))
}

impl SystemResponse {
    fn new(r: Registered) -> Self {
        let s = r.spec;
        Self {
            vendor: VendorId { id: s.vendor },
            name: s.names,
            description: s.descriptions,
            rights: resource_rights(s.rights),
            access_packages: packages(s.packages),
            is_deleted: r.deleted,
            client_id: s.client_ids,
            is_visible: s.visible,
            allowed_redirect_urls: s.redirect_urls,
            id: s.id,
        }
    }
}

impl SystemListItem {
    fn new(r: Registered) -> Self {
        let s = r.spec;
        Self {
            system_id: s.id,
            system_vendor_org_number: r.vendor_org_no,
            system_vendor_org_name: String::new(),
            name: s.names,
            description: s.descriptions,
            rights: resource_rights(s.rights),
            access_packages: packages(s.packages),
            is_visible: s.visible,
        }
    }
}

/// What changes to the register answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Succeeded {
    pub succeeded: bool,
}

fn succeeded() -> HttpResponse {
    HttpResponse::Ok().json(Succeeded { succeeded: true })
}

/// One change of a system.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeLogEntry {
    pub system_internal_id: String,
    pub changed_by_org_number: String,
    /// `create`, `update`, `rightsupdate`, `accesspackageupdate` or `delete`.
    pub change_type: &'static str,
    /// The document the vendor sent (none for a deletion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_data: Option<serde_json::Value>,
    /// The OAuth2 client of the change.
    pub client_id: String,
    pub created: String,
}

impl ChangeLogEntry {
    fn new(change: SystemChange) -> Self {
        Self {
            change_type: match change.action.as_str() {
                "system.create" => "create",
                "system.update" => "update",
                "system.rights" => "rightsupdate",
                "system.packages" => "accesspackageupdate",
                "system.delete" => "delete",
                _ => "unknown",
            },
            system_internal_id: change.internal_id,
            changed_by_org_number: change.by_org_no,
            changed_data: change.data,
            client_id: change.client_id,
            created: timestamp(change.at),
        }
    }
}

/// The caller as a registrar (its scope checked by the route): an admin changes any
/// vendor's systems.
fn registrar(caller: &Caller) -> Result<Registrar, ApiError> {
    let admin = caller.has(scopes::REGISTER_ADMIN);
    Ok(Registrar { org_no: caller.vendor()?, client_id: caller.client_id.clone(), admin })
}

/// Registers a system; answers with its internal GUID.
#[utoipa::path(post, path = "/authentication/api/v1/systemregister/vendor", tag = "system register", request_body = SystemBody,
    responses((status = 200, description = "The system's internal GUID", body = String),
        (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemregister.write"]), ("vendor" = ["altinn:authentication/systemregister.admin"])))]
pub async fn register_system(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<SystemBody>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let sent = body.document();
    let spec = body.decode_trimmed()?.into_spec();
    let internal_id = state.db(move |conn| system_register::create(conn, &by, spec, &sent)).await?;
    Ok(HttpResponse::Ok().json(internal_id))
}

/// The caller's systems that are not deleted, all at once.
#[utoipa::path(get, path = "/authentication/api/v1/systemregister/vendor", tag = "system register",
    responses((status = 200, body = Vec<SystemListItem>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemregister.write"]), ("vendor" = ["altinn:authentication/systemregister.admin"])))]
pub async fn list_systems(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let systems = state.db(move |conn| system_register::list(conn, &by)).await?;
    Ok(HttpResponse::Ok().json(systems.into_iter().map(SystemListItem::new).collect::<Vec<_>>()))
}

/// One system, deleted ones included.
#[utoipa::path(get, path = "/authentication/api/v1/systemregister/vendor/{system_id}", tag = "system register", params(("system_id" = String, Path)),
    responses((status = 200, body = SystemResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemregister.write"]), ("vendor" = ["altinn:authentication/systemregister.admin"])))]
pub async fn get_system(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let system = state.db(move |conn| system_register::get(conn, &by, &id)).await?;
    Ok(HttpResponse::Ok().json(SystemResponse::new(system)))
}

/// Replaces what the vendor states about a system (not its id or vendor).
#[utoipa::path(put, path = "/authentication/api/v1/systemregister/vendor/{system_id}", tag = "system register", params(("system_id" = String, Path)), request_body = SystemBody,
    responses((status = 200, body = Succeeded), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemregister.write"]), ("vendor" = ["altinn:authentication/systemregister.admin"])))]
pub async fn update_system(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Body<SystemBody>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let sent = body.document();
    let spec = body.decode_trimmed()?.into_spec();
    state.db(move |conn| system_register::update(conn, &by, &id, spec, &sent)).await?;
    Ok(succeeded())
}

/// Replaces a system's rights.
#[utoipa::path(put, path = "/authentication/api/v1/systemregister/vendor/{system_id}/rights", tag = "system register", params(("system_id" = String, Path)), request_body = Vec<RightDto>,
    responses((status = 200, body = Succeeded), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemregister.write"]), ("vendor" = ["altinn:authentication/systemregister.admin"])))]
pub async fn update_system_rights(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Body<Vec<RightDto>>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let sent = body.document();
    let rights = right_specs(body.decode()?);
    state.db(move |conn| system_register::set_rights(conn, &by, &id, rights, &sent)).await?;
    Ok(succeeded())
}

/// Replaces a system's access packages.
#[utoipa::path(put, path = "/authentication/api/v1/systemregister/vendor/{system_id}/accesspackages", tag = "system register", params(("system_id" = String, Path)), request_body = Vec<AccessPackageDto>,
    responses((status = 200, body = Succeeded), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemregister.write"]), ("vendor" = ["altinn:authentication/systemregister.admin"])))]
pub async fn update_system_packages(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Body<Vec<AccessPackageDto>>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let sent = body.document();
    let urns = body.decode()?.into_iter().map(|p| p.urn).collect();
    state.db(move |conn| system_register::set_packages(conn, &by, &id, urns, &sent)).await?;
    Ok(succeeded())
}

/// Deletes a system (softly: it stays readable, and frees its client ids).
#[utoipa::path(delete, path = "/authentication/api/v1/systemregister/vendor/{system_id}", tag = "system register", params(("system_id" = String, Path)),
    responses((status = 200, body = Succeeded), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemregister.write"]), ("vendor" = ["altinn:authentication/systemregister.admin"])))]
pub async fn delete_system(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    state.db(move |conn| system_register::delete(conn, &by, &id)).await?;
    Ok(succeeded())
}

/// Every change of a system, newest first.
#[utoipa::path(get, path = "/authentication/api/v1/systemregister/vendor/{system_id}/changelog", tag = "system register", params(("system_id" = String, Path)),
    responses((status = 200, body = Vec<ChangeLogEntry>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemregister.write"]), ("vendor" = ["altinn:authentication/systemregister.admin"])))]
pub async fn system_changelog(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let changes = state.db(move |conn| system_register::changelog(conn, &by, &id)).await?;
    Ok(HttpResponse::Ok().json(changes.into_iter().map(ChangeLogEntry::new).collect::<Vec<_>>()))
}
