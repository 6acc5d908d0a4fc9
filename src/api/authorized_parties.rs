//! `GET /accessmanagement/api/v1/enduser/authorizedparties`: what a system user may see
//! of itself — the parties it may act for, in Altinn's AuthorizedParty shape. An agent
//! system user gets its attached clients, a standard one its own party.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::Caller;
use super::dto::Problem;
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::domain::decisions::{self, AuthorizedParty};

/// A party the system user may act for (Altinn's AuthorizedPartyExternal).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizedPartyResponse {
    pub party_uuid: String,
    pub name: String,
    pub organization_number: String,
    /// Altinn's numeric party id; we have none, so always 0.
    pub party_id: i64,
    /// Always `Organization`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The form of organisation (AS, ESEK, BRL, …).
    pub unit_type: String,
    pub is_deleted: bool,
    pub only_hierarchy_element_with_no_access: bool,
    pub authorized_access_packages: Vec<String>,
    /// Resources held through single rights or the packages.
    pub authorized_resources: Vec<String>,
    pub authorized_roles: Vec<String>,
    pub authorized_instances: Vec<serde_json::Value>,
    pub subunits: Vec<serde_json::Value>,
}

impl From<AuthorizedParty> for AuthorizedPartyResponse {
    fn from(party: AuthorizedParty) -> Self {
        let org = party.organisation;
        Self {
            party_uuid: org.party_uuid,
            name: org.name,
            organization_number: org.org_no,
            party_id: 0,
            kind: "Organization",
            unit_type: org.org_form,
            is_deleted: false,
            only_hierarchy_element_with_no_access: false,
            authorized_access_packages: party.packages,
            authorized_resources: party.resources,
            authorized_roles: Vec::new(),
            authorized_instances: Vec::new(),
            subunits: Vec::new(),
        }
    }
}

/// The parties the calling system user may act for; the token must be a system user
/// token (403 otherwise).
#[utoipa::path(get, path = "/accessmanagement/api/v1/enduser/authorizedparties", tag = "system users",
    responses((status = 200, body = Vec<AuthorizedPartyResponse>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = [])))]
pub async fn authorized_parties(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let id = caller.system_user()?;
    let parties = state.db(move |conn| decisions::authorized_parties(conn, &id)).await?;
    Ok(HttpResponse::Ok().json(parties.into_iter().map(AuthorizedPartyResponse::from).collect::<Vec<_>>()))
}
