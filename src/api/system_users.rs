//! `/systemuser/vendor/bysystem/{systemId}`: a vendor lists the live system users of one
//! of its systems.

use actix_web::{HttpResponse, web};

use super::auth::Vendor;
use super::dto::{PageQuery, Paginated, SystemUserResponse};
use crate::domain::system_users;
use crate::domain::vendor_clients::SCOPE_REQUEST_READ;
use crate::error::ApiError;
use crate::startup::AppState;

pub async fn by_system(
    state: web::Data<AppState>,
    vendor: Vendor,
    system_id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    vendor.require(SCOPE_REQUEST_READ)?;
    let system_id = system_id.into_inner();
    let base = format!("{}/authentication/api/v1/systemuser/vendor/bysystem/{system_id}", state.public_url);
    let size = state.page_size;
    let (system, users) = state
        .db(move |conn| {
            system_users::page_for_vendor(conn, &vendor.org_no, &system_id, query.token.as_deref(), size + 1)
        })
        .await?;
    let page = Paginated::from_items(users, size, &base, |u| &u.id, |u| SystemUserResponse::new(u, &system));
    Ok(HttpResponse::Ok().json(page))
}
