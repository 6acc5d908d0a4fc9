//! The PDP: service owners ask whether a system user or a person may perform an action
//! on a service for a party, in XACML 3.0's JSON profile, at Altinn's external
//! (`authorize`) and internal (`decision`) paths. Every decision is HTTP 200, bad input
//! included (Indeterminate with the reason), as Altinn answers.

use actix_web::{HttpResponse, web};

use super::body::Body;
use super::dto::Problem;
use super::problem::ApiError;
use super::xacml::{self, Unreadable, XacmlResponse, XacmlRoot};
use crate::app::state::AppState;
use crate::domain::decisions;

#[utoipa::path(post, path = "/authorization/api/v1/authorize", tag = "decisions",
    request_body = XacmlRoot,
    responses((status = 200, description = "The decisions, one a request (Indeterminate for bad input)", body = XacmlResponse),
        (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authorization/authorize"]), ("vendor" = ["altinn:authorization/authorize.admin"])))]
pub async fn authorize(state: web::Data<AppState>, body: Body<XacmlRoot>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(answer(state, body, true).await))
}

#[utoipa::path(post, path = "/authorization/api/v1/decision", tag = "decisions",
    request_body = XacmlRoot,
    responses((status = 200, description = "The decisions, one a request (Indeterminate for bad input)", body = XacmlResponse),
        (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authorization/pdp"]), ("vendor" = ["altinn:authorization/authorize"]),
        ("vendor" = ["altinn:authorization/authorize.admin"])))]
pub async fn decide(state: web::Data<AppState>, body: Body<XacmlRoot>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(answer(state, body, false).await))
}

/// The answer to the call: a result a request, or one Indeterminate.
async fn answer(state: web::Data<AppState>, body: Body<XacmlRoot>, external: bool) -> XacmlResponse {
    let Some(request) = xacml::read(body) else { return xacml::indeterminate(Unreadable::Syntax) };
    let parts = match xacml::parts(&request, external) {
        Ok(parts) => parts,
        Err(why) => return xacml::indeterminate(why),
    };
    let (questions, echoes): (Vec<decisions::Question>, Vec<_>) =
        parts.into_iter().map(|part| (part.question, part.echoed)).unzip();
    match state.db(move |conn| decisions::decide_all(conn, &questions)).await {
        Ok(Ok(decided)) => XacmlResponse {
            response: decided
                .into_iter()
                .zip(echoes)
                .map(|(decision, echoed)| {
                    crate::ops::metrics::decided(decision.as_str());
                    xacml::decided(decision, echoed)
                })
                .collect(),
        },
        Ok(Err(refusal)) => xacml::indeterminate(Unreadable::Processing(refusal.reason().to_owned())),
        Err(e) => {
            log::error!("a decision could not be read: {e}");
            xacml::indeterminate(Unreadable::Syntax)
        }
    }
}
