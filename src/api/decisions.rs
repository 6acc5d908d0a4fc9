//! `POST /authorization/api/v1/decision`: public services ask whether a system user may
//! act on a resource for a party.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::body::Body;
use super::dto::Problem;
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::domain::decisions;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    pub system_user_id: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRequest {
    pub subject: Subject,
    /// The resource identifier, e.g. `ske-krav-og-betalinger`.
    pub resource: String,
    /// The action asked for (read, write, …); rights cover every action on their resource.
    pub action: String,
    pub party_org_no: String,
}

/// Permit or Deny, with what was asked.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionResponse {
    pub decision: &'static str,
    pub resource: String,
    pub action: String,
    pub party_org_no: String,
}

#[utoipa::path(post, path = "/authorization/api/v1/decision", tag = "decisions",
    request_body = DecisionRequest, responses((status = 200, body = DecisionResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authorization/pdp"])))]
pub async fn decide(state: web::Data<AppState>, body: Body<DecisionRequest>) -> Result<HttpResponse, ApiError> {
    let body = body.decode()?;
    let (user, resource, party) = (body.subject.system_user_id, body.resource.clone(), body.party_org_no.clone());
    let decision = state.db(move |conn| decisions::decide(conn, &user, &resource, &party)).await?;
    crate::ops::metrics::decided(decision.as_str());
    Ok(HttpResponse::Ok().json(DecisionResponse {
        decision: decision.as_str(),
        resource: body.resource,
        action: body.action,
        party_org_no: body.party_org_no,
    }))
}
