//! The register one record at a time, for the operator's own systems: the records
//! `systemtilgang import` reads from files (`import::Line`), applied whole or not at all.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::body::Body;
use super::problem::{ApiError, Problem};
use crate::app::state::AppState;
use crate::domain::register::{self, Summary};
use crate::import::Line;

/// What the record changed.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// Organisations, persons, services or packages new, changed, or as stored.
    created: u64,
    updated: u64,
    unchanged: u64,
    roles_added: u64,
    roles_removed: u64,
    /// Clients taken off agent system users because a relation ended.
    clients_detached: u64,
    /// Roles of kinds not kept (deputies, contact persons, …).
    roles_ignored: u64,
}

impl From<Summary> for Applied {
    fn from(s: Summary) -> Self {
        Self {
            created: s.created,
            updated: s.updated,
            unchanged: s.unchanged,
            roles_added: s.roles_added,
            roles_removed: s.roles_removed,
            clients_detached: s.clients_detached,
            roles_ignored: s.roles_ignored,
        }
    }
}

/// Applies one register record: an organisation (with all its persons' Enhetsregister roles
/// when `personRoles` is given, and all other organisations' roles for it when
/// `organisationRoles` is), a person, a service or an access package. Sending it again changes
/// nothing.
#[utoipa::path(post, path = "/systemtilgang/api/v1/register/records", tag = "register", request_body = Line,
    responses((status = 200, body = Applied), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["systemtilgang:register.import"])))]
pub async fn apply_record(state: web::Data<AppState>, body: Body<Line>) -> Result<HttpResponse, ApiError> {
    let records = body.decode()?.records();
    let summary = state.db(move |conn| register::apply_all(conn, &records)).await?;
    Ok(HttpResponse::Ok().json(Applied::from(summary)))
}
