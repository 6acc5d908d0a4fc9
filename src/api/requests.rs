//! `/systemuser/request/vendor` and `/systemuser/request/vendor/agent`: vendors create,
//! read, list and withdraw requests. Each endpoint states which kind it serves.

use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::Caller;
use super::body::Body;
use super::dto::{CreateRequestBody, PageQuery, Paginated, Problem, RequestResponse};
use super::problem::ApiError;
use crate::domain::requests::{self, UserType};
use crate::scopes;
use crate::state::AppState;

async fn create(
    state: web::Data<AppState>,
    kind: UserType,
    caller: Caller,
    body: Body<CreateRequestBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_WRITE)?;
    let input = body.decode()?.into_domain(kind)?;
    let extra = state.demo_receipt_url();
    let (details, created) =
        state.db(move |conn| requests::create(conn, &caller.org_no, input, extra.as_deref())).await?;
    let body = RequestResponse::new(details, &state.public_url);
    Ok(if created { HttpResponse::Created().json(body) } else { HttpResponse::Ok().json(body) })
}

async fn get(state: web::Data<AppState>, kind: UserType, caller: Caller, id: String) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_READ)?;
    let expiry = state.request_expiry;
    let details = state.db(move |conn| requests::get_for_vendor(conn, &caller.org_no, &id, kind, expiry)).await?;
    Ok(HttpResponse::Ok().json(RequestResponse::new(details, &state.public_url)))
}

async fn by_external_ref(
    state: web::Data<AppState>,
    kind: UserType,
    caller: Caller,
    (system_id, org_no, external_ref): (String, String, String),
) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_READ)?;
    let expiry = state.request_expiry;
    let details = state
        .db(move |conn| {
            requests::get_by_external_ref(conn, &caller.org_no, &system_id, &org_no, &external_ref, kind, expiry)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RequestResponse::new(details, &state.public_url)))
}

async fn by_system(
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: UserType,
    caller: Caller,
    system_id: String,
    query: PageQuery,
) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_READ)?;
    let base = format!("{}{}", state.public_url, req.path());
    let (expiry, size) = (state.request_expiry, state.page_size);
    let items = state
        .db(move |conn| {
            requests::page_by_system(conn, &caller.org_no, &system_id, query.token.as_deref(), size + 1, kind, expiry)
        })
        .await?;
    let page =
        Paginated::from_items(items, size, &base, |d| &d.request.id, |d| RequestResponse::new(d, &state.public_url));
    Ok(HttpResponse::Ok().json(page))
}

async fn delete(
    state: web::Data<AppState>,
    kind: UserType,
    caller: Caller,
    id: String,
) -> Result<HttpResponse, ApiError> {
    caller.require(scopes::REQUEST_WRITE)?;
    state.db(move |conn| requests::delete_for_vendor(conn, &caller.org_no, &id, kind)).await?;
    Ok(HttpResponse::Ok().finish())
}

/// Creates a request for a standard system user, or returns the pending one for the same
/// party, system and external reference.
#[utoipa::path(post, path = "/authentication/api/v1/systemuser/request/vendor", tag = "requests",
    request_body = CreateRequestBody,
    responses((status = 201, body = RequestResponse), (status = 200, description = "The pending request for the same triple", body = RequestResponse),
        (status = "4XX", body = Problem)),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn create_request(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<CreateRequestBody>,
) -> Result<HttpResponse, ApiError> {
    create(state, UserType::Standard, caller, body).await
}

/// Creates an agent (client) request with access packages for an accounting firm.
#[utoipa::path(post, path = "/authentication/api/v1/systemuser/request/vendor/agent", tag = "requests",
    request_body = CreateRequestBody,
    responses((status = 201, body = RequestResponse), (status = 200, description = "The pending request for the same triple", body = RequestResponse),
        (status = "4XX", body = Problem)),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn create_agent_request(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<CreateRequestBody>,
) -> Result<HttpResponse, ApiError> {
    create(state, UserType::Agent, caller, body).await
}

/// One standard request.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/{id}", tag = "requests",
    params(("id" = String, Path)), responses((status = 200, body = RequestResponse), (status = "4XX", body = Problem)),
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
    params(("id" = String, Path)), responses((status = 200, body = RequestResponse), (status = "4XX", body = Problem)),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn get_agent_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    get(state, UserType::Agent, caller, id.into_inner()).await
}

/// The newest standard request for a party, system and external reference.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/byexternalref/{system_id}/{org_no}/{external_ref}", tag = "requests",
    params(("system_id" = String, Path), ("org_no" = String, Path), ("external_ref" = String, Path)),
    responses((status = 200, body = RequestResponse), (status = "4XX", body = Problem)),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn request_by_external_ref(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    by_external_ref(state, UserType::Standard, caller, path.into_inner()).await
}

/// The newest agent request for a party, system and external reference.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/agent/byexternalref/{system_id}/{org_no}/{external_ref}", tag = "requests",
    params(("system_id" = String, Path), ("org_no" = String, Path), ("external_ref" = String, Path)),
    responses((status = 200, body = RequestResponse), (status = "4XX", body = Problem)),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"])))]
pub async fn agent_request_by_external_ref(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    by_external_ref(state, UserType::Agent, caller, path.into_inner()).await
}

/// A page of a system's standard requests; follow `links.next` for more.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/bysystem/{system_id}", tag = "requests",
    params(("system_id" = String, Path), PageQuery), responses((status = 200, body = Paginated<RequestResponse>), (status = "4XX", body = Problem)),
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

/// A page of a system's agent requests; follow `links.next` for more.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/request/vendor/agent/bysystem/{system_id}", tag = "requests",
    params(("system_id" = String, Path), PageQuery), responses((status = 200, body = Paginated<RequestResponse>), (status = "4XX", body = Problem)),
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

/// Withdraws a pending standard request.
#[utoipa::path(delete, path = "/authentication/api/v1/systemuser/request/vendor/{id}", tag = "requests",
    params(("id" = String, Path)), responses((status = 200, description = "Withdrawn"), (status = "4XX", body = Problem)),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn delete_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    delete(state, UserType::Standard, caller, id.into_inner()).await
}

/// Withdraws a pending agent request.
#[utoipa::path(delete, path = "/authentication/api/v1/systemuser/request/vendor/agent/{id}", tag = "requests",
    params(("id" = String, Path)), responses((status = 200, description = "Withdrawn"), (status = "4XX", body = Problem)),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn delete_agent_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    delete(state, UserType::Agent, caller, id.into_inner()).await
}
