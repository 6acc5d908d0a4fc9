//! The vendor JSON API under `/authentication/api/v1`, Altinn-compatible, and the OAuth2
//! token endpoint vendors authenticate with.

mod auth;
mod change_requests;
mod client_keys;
mod decisions;
mod dto;
mod requests;
mod system_register;
mod system_users;
mod token;

use actix_web::{HttpResponse, web};

use crate::domain::requests::UserType;
use crate::error::{ApiError, AppError};

pub use auth::Caller;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/token")
            .app_data(web::FormConfig::default().error_handler(|e, _| token::invalid_request(&e.to_string()).into()))
            .route(web::post().to(token::issue)),
    )
    .route("/.well-known/jwks.json", web::get().to(token::jwks))
    .service(
        web::scope("/authorization/api/v1")
            .app_data(web::JsonConfig::default().error_handler(|e, _| bad_request(e.to_string())))
            .route("/decision", web::post().to(decisions::decide))
            .default_service(web::to(not_found)),
    )
    .service(
        web::scope("/authentication/api/v1")
            .app_data(web::JsonConfig::default().error_handler(|e, _| bad_request(e.to_string())))
            .app_data(web::PathConfig::default().error_handler(|e, _| bad_request(e.to_string())))
            .app_data(web::QueryConfig::default().error_handler(|e, _| bad_request(e.to_string())))
            // The agent scope first: the standard one's prefix would take its paths.
            .service(request_scope("/systemuser/request/vendor/agent", UserType::Agent))
            .service(request_scope("/systemuser/request/vendor", UserType::Standard))
            .route("/systemuser/vendor/agent/{system_user_id}/clients", web::get().to(system_users::clients))
            .route("/vendor/clients/{client_id}/jwks", web::put().to(client_keys::put))
            .service(
                web::scope("/systemuser/changerequest/vendor")
                    .route("", web::post().to(change_requests::create))
                    .route(
                        "/byexternalref/{system_id}/{org_no}/{external_ref}",
                        web::get().to(change_requests::by_external_ref),
                    )
                    .route("/bysystem/{system_id}", web::get().to(change_requests::by_system))
                    .route("/{id}", web::get().to(change_requests::get))
                    .route("/{id}", web::delete().to(change_requests::delete)),
            )
            .service(
                web::scope("/systemregister/vendor")
                    .route("", web::post().to(system_register::create))
                    .route("", web::get().to(system_register::list))
                    .route("/{system_id}", web::get().to(system_register::get))
                    .route("/{system_id}", web::put().to(system_register::update))
                    .route("/{system_id}", web::delete().to(system_register::delete))
                    .route("/{system_id}/rights", web::put().to(system_register::update_rights))
                    .route("/{system_id}/accesspackages", web::put().to(system_register::update_packages))
                    .route("/{system_id}/changelog", web::get().to(system_register::changelog)),
            )
            .route("/systemuser/vendor/bysystem/{system_id}", web::get().to(system_users::by_system))
            .default_service(web::to(not_found)),
    );
}

/// The request endpoints for one kind of request.
fn request_scope(path: &str, kind: UserType) -> actix_web::Scope {
    web::scope(path)
        .app_data(web::Data::new(kind))
        .route("", web::post().to(requests::create))
        .route("/byexternalref/{system_id}/{org_no}/{external_ref}", web::get().to(requests::by_external_ref))
        .route("/bysystem/{system_id}", web::get().to(requests::by_system))
        .route("/{id}", web::get().to(requests::get))
        .route("/{id}", web::delete().to(requests::delete))
}

fn bad_request(detail: String) -> actix_web::Error {
    ApiError(AppError::BadRequest(detail)).into()
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(AppError::NotFound.into())
}
