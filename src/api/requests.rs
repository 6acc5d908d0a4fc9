//! `/systemuser/request/vendor` and `/systemuser/request/vendor/agent`: vendors create,
//! read, list and delete requests (docs/altinn-wire.md §3.1). Each endpoint states its kind.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::Caller;
use super::body::Body;
use super::dto::{
    AgentRequestResponse, CreateAgentRequestBody, CreateRequestBody, PageQuery, Paginated, Problem, RequestResponse,
    Shown, page, request_location,
};
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::domain::requests::{self, NewRequest, RequestDetails, UserType};

/// A request as its kind is answered.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Answer {
    Standard(RequestResponse),
    Agent(AgentRequestResponse),
}

fn answer(details: RequestDetails, shown: Shown) -> Answer {
    match details.user_type() {
        UserType::Standard => Answer::Standard(RequestResponse::new(details, shown)),
        UserType::Agent => Answer::Agent(AgentRequestResponse::new(details, shown)),
    }
}

/// 201 with `Location` for a new request, 200 with the live one for the same triple.
async fn create(state: web::Data<AppState>, vendor: String, input: NewRequest) -> Result<HttpResponse, ApiError> {
    let extra = state.demo_receipt_url();
    let (details, created) = state.db(move |conn| requests::create(conn, &vendor, input, extra.as_deref())).await?;
    let location = request_location(&state.public_url, &details.request.id);
    let body = answer(details, Shown::Alone { public_url: &state.public_url });
    Ok(if created {
        HttpResponse::Created().insert_header((header::LOCATION, location)).json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

async fn get(state: web::Data<AppState>, kind: UserType, caller: Caller, id: String) -> Result<HttpResponse, ApiError> {
    let (vendor, expiry) = (caller.vendor()?, state.request_expiry);
    let details = state.db(move |conn| requests::get_for_vendor(conn, &vendor, &id, kind, expiry)).await?;
    Ok(HttpResponse::Ok().json(answer(details, Shown::Alone { public_url: &state.public_url })))
}

async fn by_external_ref(
    state: web::Data<AppState>,
    kind: UserType,
    caller: Caller,
    (system_id, org_no, external_ref): (String, String, String),
) -> Result<HttpResponse, ApiError> {
    let (vendor, expiry) = (caller.vendor()?, state.request_expiry);
    let details = state
        .db(move |conn| requests::get_by_external_ref(conn, &vendor, &system_id, &org_no, &external_ref, kind, expiry))
        .await?;
    Ok(HttpResponse::Ok().json(answer(details, Shown::Alone { public_url: &state.public_url })))
}

async fn by_system(
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: UserType,
    caller: Caller,
    system_id: String,
    query: PageQuery,
) -> Result<HttpResponse, ApiError> {
    let (vendor, expiry) = (caller.vendor()?, state.request_expiry);
    let fetch = move |conn: &mut _, from: Option<&str>, limit| {
        requests::page_by_system(conn, &vendor, &system_id, from, limit, kind, expiry)
    };
    page(&req, &state, &query, fetch, |d| &d.request.id, |d| answer(d, Shown::Listed)).await
}

/// Deletes a request whatever its status (202, no body), so that the triple is free to
/// ask again; `only` limits it to one kind.
async fn delete(
    state: web::Data<AppState>,
    only: Option<UserType>,
    caller: Caller,
    id: String,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    state.db(move |conn| requests::delete_for_vendor(conn, &vendor, &id, only)).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Creates a request for a standard system user (201), or answers with the live request
/// for the same party, system and external reference, whatever its status (200). To ask
/// again after a rejection, delete the request first.
#[utoipa::path(post, path = "/authentication/api/v1/systemuser/request/vendor", tag = "requests",
    request_body = CreateRequestBody,
    responses((status = 201, body = RequestResponse, headers(("Location" = String))),
        (status = 200, description = "The live request for the same triple", body = RequestResponse),
        (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn create_request(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<CreateRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let input = body.decode_trimmed()?.into_domain()?;
    create(state, vendor, input).await
}

/// Creates an agent (client) request with access packages for an accounting firm.
#[utoipa::path(post, path = "/authentication/api/v1/systemuser/request/vendor/agent", tag = "requests",
    request_body = CreateAgentRequestBody,
    responses((status = 201, body = AgentRequestResponse, headers(("Location" = String))),
        (status = 200, description = "The live request for the same triple", body = AgentRequestResponse),
        (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn create_agent_request(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<CreateAgentRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let input = body.decode_trimmed()?.into_domain();
    create(state, vendor, input).await
}

/// One standard request.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/{id}", tag = "requests",
    params(("id" = String, Path)),
    responses((status = 200, body = RequestResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn get_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    get(state, UserType::Standard, caller, id.into_inner()).await
}

/// One agent request.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/agent/{id}", tag = "requests",
    params(("id" = String, Path)),
    responses((status = 200, body = AgentRequestResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn get_agent_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    get(state, UserType::Agent, caller, id.into_inner()).await
}

/// The live standard request for a party, system and external reference.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/byexternalref/{system_id}/{org_no}/{external_ref}", tag = "requests",
    params(("system_id" = String, Path), ("org_no" = String, Path), ("external_ref" = String, Path)),
    responses((status = 200, body = RequestResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn request_by_external_ref(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    by_external_ref(state, UserType::Standard, caller, path.into_inner()).await
}

/// The live agent request for a party, system and external reference.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/agent/byexternalref/{system_id}/{org_no}/{external_ref}", tag = "requests",
    params(("system_id" = String, Path), ("org_no" = String, Path), ("external_ref" = String, Path)),
    responses((status = 200, body = AgentRequestResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn agent_request_by_external_ref(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    by_external_ref(state, UserType::Agent, caller, path.into_inner()).await
}

/// A page (50) of a system's live standard requests; follow `links.next` for more.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/bysystem/{system_id}", tag = "requests",
    params(("system_id" = String, Path), PageQuery),
    responses((status = 200, body = Paginated<RequestResponse>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn requests_by_system(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    system_id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    by_system(req, state, UserType::Standard, caller, system_id.into_inner(), query.into_inner()).await
}

/// A page (50) of a system's live agent requests; follow `links.next` for more.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/agent/bysystem/{system_id}", tag = "requests",
    params(("system_id" = String, Path), PageQuery),
    responses((status = 200, body = Paginated<AgentRequestResponse>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn agent_requests_by_system(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    system_id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    by_system(req, state, UserType::Agent, caller, system_id.into_inner(), query.into_inner()).await
}

/// Deletes a request of either kind, whatever its status; the system user it made stays.
#[utoipa::path(delete, path = "/authentication/api/v1/systemuser/request/vendor/{id}", tag = "requests",
    params(("id" = String, Path)),
    responses((status = 202, description = "Deleted"), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn delete_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    delete(state, None, caller, id.into_inner()).await
}

/// Deletes an agent request, whatever its status (ours; Altinn deletes agent requests
/// through the path above).
#[utoipa::path(delete, path = "/authentication/api/v1/systemuser/request/vendor/agent/{id}", tag = "requests",
    params(("id" = String, Path)),
    responses((status = 202, description = "Deleted"), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn delete_agent_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    delete(state, Some(UserType::Agent), caller, id.into_inner()).await
}
