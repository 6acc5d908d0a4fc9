//! `/systemregister/vendor`: vendors register and keep their systems (Altinn's fields).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::body::Body;
use super::dto::{AccessPackageDto, Problem, RightDto, resource_ids, timestamp};
use super::problem::ApiError;
use crate::domain::system_register::{self, Registrar, SystemSpec};
use crate::error::AppError;
use crate::scopes;
use crate::state::AppState;
use crate::tokens::OrgClaim;

const LANGUAGES: [&str; 3] = ["nb", "nn", "en"];

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemDto {
    pub id: String,
    pub vendor: OrgClaim,
    pub name: BTreeMap<String, String>,
    pub description: BTreeMap<String, String>,
    #[serde(default)]
    pub rights: Vec<RightDto>,
    #[serde(default)]
    pub access_packages: Vec<AccessPackageDto>,
    #[serde(default, rename = "clientId")]
    pub client_id: Vec<String>,
    #[serde(default)]
    pub allowed_redirect_urls: Vec<String>,
    #[serde(default = "visible_by_default")]
    pub is_visible: bool,
    #[serde(default)]
    pub is_deleted: bool,
}

fn visible_by_default() -> bool {
    true
}

fn texts(map: &BTreeMap<String, String>) -> [String; 3] {
    LANGUAGES.map(|lang| map.get(lang).cloned().unwrap_or_default())
}

fn text_map(texts: &[String; 3]) -> BTreeMap<String, String> {
    LANGUAGES.iter().map(|l| l.to_string()).zip(texts.iter().cloned()).collect()
}

impl SystemDto {
    fn into_spec(self) -> Result<SystemSpec, AppError> {
        let vendor_org_no = self
            .vendor
            .org_no()
            .ok_or_else(|| {
                AppError::BadRequest(
                    "vendor must be {\"authority\":\"iso6523-actorid-upis\",\"ID\":\"0192:<orgno>\"}".into(),
                )
            })?
            .to_owned();
        Ok(SystemSpec {
            names: texts(&self.name),
            descriptions: texts(&self.description),
            rights: resource_ids(&self.rights)?,
            packages: self.access_packages.into_iter().map(|p| p.urn).collect(),
            client_ids: self.client_id,
            redirect_urls: self.allowed_redirect_urls,
            visible: self.is_visible,
            deleted: false,
            id: self.id,
            vendor_org_no,
        })
    }

    fn from_spec(spec: SystemSpec) -> Self {
        Self {
            vendor: OrgClaim::for_org(&spec.vendor_org_no),
            name: text_map(&spec.names),
            description: text_map(&spec.descriptions),
            rights: spec.rights.into_iter().map(RightDto::resource).collect(),
            access_packages: spec.packages.into_iter().map(|urn| AccessPackageDto { urn }).collect(),
            client_id: spec.client_ids,
            allowed_redirect_urls: spec.redirect_urls,
            is_visible: spec.visible,
            is_deleted: spec.deleted,
            id: spec.id,
        }
    }
}

/// One change of a system.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeLogEntry {
    change_type: String,
    changed_by: String,
    changed_at: String,
    changed_data: serde_json::Value,
}

/// The caller as a registrar, if its token may change the register.
fn registrar(caller: &Caller) -> Result<Registrar, ApiError> {
    let admin = caller.require(scopes::REGISTER_ADMIN).is_ok();
    if !admin {
        caller.require(scopes::REGISTER_WRITE)?;
    }
    Ok(Registrar { org_no: caller.org_no.clone(), client_id: caller.client_id.clone(), admin })
}

fn system(spec: SystemSpec) -> HttpResponse {
    HttpResponse::Ok().json(SystemDto::from_spec(spec))
}

#[utoipa::path(post, path = "/authentication/api/v1/systemregister/vendor", tag = "system register", request_body = SystemDto,
    responses((status = 201, body = SystemDto), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn register_system(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<SystemDto>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let spec = body.decode()?.into_spec()?;
    let created = state.db(move |conn| system_register::create(conn, &by, spec)).await?;
    Ok(HttpResponse::Created().json(SystemDto::from_spec(created)))
}

#[utoipa::path(get, path = "/authentication/api/v1/systemregister/vendor", tag = "system register", 
    responses((status = 200, body = Vec<SystemDto>), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn list_systems(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let systems = state.db(move |conn| system_register::list(conn, &by)).await?;
    Ok(HttpResponse::Ok().json(systems.into_iter().map(SystemDto::from_spec).collect::<Vec<_>>()))
}

#[utoipa::path(get, path = "/authentication/api/v1/systemregister/vendor/{system_id}", tag = "system register", params(("system_id" = String, Path)),
    responses((status = 200, body = SystemDto), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn get_system(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    Ok(system(state.db(move |conn| system_register::get(conn, &by, &id)).await?))
}

#[utoipa::path(put, path = "/authentication/api/v1/systemregister/vendor/{system_id}", tag = "system register", params(("system_id" = String, Path)), request_body = SystemDto,
    responses((status = 200, body = SystemDto), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn update_system(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Body<SystemDto>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let spec = body.decode()?.into_spec()?;
    Ok(system(state.db(move |conn| system_register::update(conn, &by, &id, spec)).await?))
}

#[utoipa::path(put, path = "/authentication/api/v1/systemregister/vendor/{system_id}/rights", tag = "system register", params(("system_id" = String, Path)), request_body = Vec<RightDto>,
    responses((status = 200, body = SystemDto), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn update_system_rights(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Body<Vec<RightDto>>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let rights = resource_ids(&body.decode()?)?;
    Ok(system(state.db(move |conn| system_register::set_rights(conn, &by, &id, rights)).await?))
}

#[utoipa::path(put, path = "/authentication/api/v1/systemregister/vendor/{system_id}/accesspackages", tag = "system register", params(("system_id" = String, Path)), request_body = Vec<AccessPackageDto>,
    responses((status = 200, body = SystemDto), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn update_system_packages(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Body<Vec<AccessPackageDto>>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let urns = body.decode()?.into_iter().map(|p| p.urn).collect();
    Ok(system(state.db(move |conn| system_register::set_packages(conn, &by, &id, urns)).await?))
}

#[utoipa::path(delete, path = "/authentication/api/v1/systemregister/vendor/{system_id}", tag = "system register", params(("system_id" = String, Path)),
    responses((status = 200, description = "Deleted"), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn delete_system(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    state.db(move |conn| system_register::delete(conn, &by, &id)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!(true)))
}

#[utoipa::path(get, path = "/authentication/api/v1/systemregister/vendor/{system_id}/changelog", tag = "system register", params(("system_id" = String, Path)),
    responses((status = 200, body = Vec<ChangeLogEntry>), (status = "4XX", body = Problem)), security(("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn system_changelog(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let by = registrar(&caller)?;
    let events = state.db(move |conn| system_register::changelog(conn, &by, &id)).await?;
    let entries: Vec<ChangeLogEntry> = events
        .into_iter()
        .map(|e| ChangeLogEntry {
            change_type: e.action.trim_start_matches("system.").to_owned(),
            changed_by: e.actor,
            changed_at: timestamp(e.at),
            changed_data: serde_json::from_str(&e.detail).unwrap_or_default(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}
