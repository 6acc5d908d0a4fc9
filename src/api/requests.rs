//! `/systemuser/request/vendor` and `/systemuser/request/vendor/agent`: vendors create,
//! read, list and withdraw requests. Each scope tells its handlers which kind it serves.

use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::Caller;
use super::dto::{CreateRequestBody, PageQuery, Paginated, RequestResponse};
use crate::domain::requests::{self, UserType};
use crate::domain::vendor_clients::{SCOPE_REQUEST_READ, SCOPE_REQUEST_WRITE};
use crate::error::ApiError;
use crate::startup::AppState;

pub async fn create(
    state: web::Data<AppState>,
    kind: web::Data<UserType>,
    vendor: Caller,
    body: web::Json<CreateRequestBody>,
) -> Result<HttpResponse, ApiError> {
    vendor.require(SCOPE_REQUEST_WRITE)?;
    let input = body.into_inner().into_domain(**kind)?;
    let extra = state.demo_receipt_url();
    let (details, created) = state.db(move |conn| requests::create(conn, &vendor.org_no, input, Some(&extra))).await?;
    let body = RequestResponse::new(details, &state.public_url);
    Ok(if created { HttpResponse::Created().json(body) } else { HttpResponse::Ok().json(body) })
}

pub async fn get(
    state: web::Data<AppState>,
    kind: web::Data<UserType>,
    vendor: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    vendor.require(SCOPE_REQUEST_READ)?;
    let (kind, expiry) = (**kind, state.request_expiry);
    let details = state.db(move |conn| requests::get_for_vendor(conn, &vendor.org_no, &id, kind, expiry)).await?;
    Ok(HttpResponse::Ok().json(RequestResponse::new(details, &state.public_url)))
}

pub async fn by_external_ref(
    state: web::Data<AppState>,
    kind: web::Data<UserType>,
    vendor: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    vendor.require(SCOPE_REQUEST_READ)?;
    let (system_id, org_no, external_ref) = path.into_inner();
    let (kind, expiry) = (**kind, state.request_expiry);
    let details = state
        .db(move |conn| {
            requests::get_by_external_ref(conn, &vendor.org_no, &system_id, &org_no, &external_ref, kind, expiry)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RequestResponse::new(details, &state.public_url)))
}

pub async fn by_system(
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: web::Data<UserType>,
    vendor: Caller,
    system_id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    vendor.require(SCOPE_REQUEST_READ)?;
    let system_id = system_id.into_inner();
    let base = format!("{}{}", state.public_url, req.path());
    let (kind, expiry, size) = (**kind, state.request_expiry, state.page_size);
    let items = state
        .db(move |conn| {
            requests::page_by_system(conn, &vendor.org_no, &system_id, query.token.as_deref(), size + 1, kind, expiry)
        })
        .await?;
    let page =
        Paginated::from_items(items, size, &base, |d| &d.request.id, |d| RequestResponse::new(d, &state.public_url));
    Ok(HttpResponse::Ok().json(page))
}

pub async fn delete(
    state: web::Data<AppState>,
    kind: web::Data<UserType>,
    vendor: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    vendor.require(SCOPE_REQUEST_WRITE)?;
    let kind = **kind;
    state.db(move |conn| requests::delete_for_vendor(conn, &vendor.org_no, &id, kind)).await?;
    Ok(HttpResponse::Ok().finish())
}
