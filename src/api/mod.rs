//! The vendor JSON API under `/authentication/api/v1` (Altinn-compatible), the decision
//! endpoint for public services, and the OAuth2 token endpoint. Every endpoint is listed
//! once, in [`endpoints`]; the server and the API description's test both read that list.

mod auth;
mod change_requests;
mod client_keys;
mod decisions;
mod dto;
mod openapi;
mod requests;
mod system_register;
mod system_users;
mod token;

use actix_web::http::Method;
use actix_web::{HttpResponse, Route, web};

use crate::error::{ApiError, AppError};

pub use auth::Caller;
pub use openapi::ApiDoc;

/// Somewhere endpoints go: the HTTP server, or a plain list.
trait Endpoints {
    fn add(&mut self, method: Method, path: &'static str, route: Route);
}

/// Every endpoint, in matching order: a literal segment must come before a `{param}` in
/// the same place (…/vendor/agent before …/vendor/{id}).
fn endpoints(e: &mut impl Endpoints) {
    use Method as M;
    e.add(M::POST, "/token", web::route().to(token::issue));
    e.add(M::GET, "/.well-known/jwks.json", web::route().to(token::jwks));
    e.add(M::GET, "/authentication/api/v1/openapi.json", web::route().to(openapi::document));
    e.add(M::POST, "/authorization/api/v1/decision", web::route().to(decisions::decide));

    e.add(M::POST, "/authentication/api/v1/systemuser/request/vendor/agent", web::route().to(requests::create_agent));
    e.add(
        M::GET,
        "/authentication/api/v1/systemuser/request/vendor/agent/byexternalref/{system_id}/{org_no}/{external_ref}",
        web::route().to(requests::by_external_ref_agent),
    );
    e.add(
        M::GET,
        "/authentication/api/v1/systemuser/request/vendor/agent/bysystem/{system_id}",
        web::route().to(requests::by_system_agent),
    );
    e.add(M::GET, "/authentication/api/v1/systemuser/request/vendor/agent/{id}", web::route().to(requests::get_agent));
    e.add(
        M::DELETE,
        "/authentication/api/v1/systemuser/request/vendor/agent/{id}",
        web::route().to(requests::delete_agent),
    );
    e.add(M::POST, "/authentication/api/v1/systemuser/request/vendor", web::route().to(requests::create_standard));
    e.add(
        M::GET,
        "/authentication/api/v1/systemuser/request/vendor/byexternalref/{system_id}/{org_no}/{external_ref}",
        web::route().to(requests::by_external_ref_standard),
    );
    e.add(
        M::GET,
        "/authentication/api/v1/systemuser/request/vendor/bysystem/{system_id}",
        web::route().to(requests::by_system_standard),
    );
    e.add(M::GET, "/authentication/api/v1/systemuser/request/vendor/{id}", web::route().to(requests::get_standard));
    e.add(
        M::DELETE,
        "/authentication/api/v1/systemuser/request/vendor/{id}",
        web::route().to(requests::delete_standard),
    );

    e.add(M::POST, "/authentication/api/v1/systemuser/changerequest/vendor", web::route().to(change_requests::create));
    e.add(
        M::GET,
        "/authentication/api/v1/systemuser/changerequest/vendor/byexternalref/{system_id}/{org_no}/{external_ref}",
        web::route().to(change_requests::by_external_ref),
    );
    e.add(
        M::GET,
        "/authentication/api/v1/systemuser/changerequest/vendor/bysystem/{system_id}",
        web::route().to(change_requests::by_system),
    );
    e.add(M::GET, "/authentication/api/v1/systemuser/changerequest/vendor/{id}", web::route().to(change_requests::get));
    e.add(
        M::DELETE,
        "/authentication/api/v1/systemuser/changerequest/vendor/{id}",
        web::route().to(change_requests::delete),
    );

    e.add(
        M::GET,
        "/authentication/api/v1/systemuser/vendor/bysystem/{system_id}",
        web::route().to(system_users::by_system),
    );
    e.add(
        M::GET,
        "/authentication/api/v1/systemuser/vendor/agent/{system_user_id}/clients",
        web::route().to(system_users::clients),
    );
    e.add(M::PUT, "/authentication/api/v1/vendor/clients/{client_id}/jwks", web::route().to(client_keys::put));

    e.add(M::POST, "/authentication/api/v1/systemregister/vendor", web::route().to(system_register::create));
    e.add(M::GET, "/authentication/api/v1/systemregister/vendor", web::route().to(system_register::list));
    e.add(M::GET, "/authentication/api/v1/systemregister/vendor/{system_id}", web::route().to(system_register::get));
    e.add(M::PUT, "/authentication/api/v1/systemregister/vendor/{system_id}", web::route().to(system_register::update));
    e.add(
        M::DELETE,
        "/authentication/api/v1/systemregister/vendor/{system_id}",
        web::route().to(system_register::delete),
    );
    e.add(
        M::PUT,
        "/authentication/api/v1/systemregister/vendor/{system_id}/rights",
        web::route().to(system_register::update_rights),
    );
    e.add(
        M::PUT,
        "/authentication/api/v1/systemregister/vendor/{system_id}/accesspackages",
        web::route().to(system_register::update_packages),
    );
    e.add(
        M::GET,
        "/authentication/api/v1/systemregister/vendor/{system_id}/changelog",
        web::route().to(system_register::changelog),
    );
}

/// Collects the routes of each path into one resource, so a path with several methods
/// answers 405 (not 404) for the others.
#[derive(Default)]
struct Server {
    resources: Vec<(&'static str, Vec<Route>)>,
}

impl Endpoints for Server {
    fn add(&mut self, method: Method, path: &'static str, route: Route) {
        let route = route.method(method);
        match self.resources.iter_mut().find(|(p, _)| *p == path) {
            Some((_, routes)) => routes.push(route),
            None => self.resources.push((path, vec![route])),
        }
    }
}

/// The (method, path) of every endpoint, for checking the API description.
pub fn endpoint_list() -> Vec<(String, String)> {
    struct List(Vec<(String, String)>);
    impl Endpoints for List {
        fn add(&mut self, method: Method, path: &'static str, _: Route) {
            self.0.push((method.as_str().to_lowercase(), path.to_owned()));
        }
    }
    let mut list = List(Vec::new());
    endpoints(&mut list);
    list.0
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    let mut server = Server::default();
    endpoints(&mut server);
    for (path, routes) in server.resources {
        let mut resource = web::resource(path)
            .app_data(web::JsonConfig::default().error_handler(|e, _| bad_request(e.to_string())))
            .app_data(web::PathConfig::default().error_handler(|e, _| bad_request(e.to_string())))
            .app_data(web::QueryConfig::default().error_handler(|e, _| bad_request(e.to_string())))
            .app_data(web::FormConfig::default().error_handler(|e, _| token::invalid_request(&e.to_string()).into()));
        for route in routes {
            resource = resource.route(route);
        }
        cfg.service(resource);
    }
    // Anything else under the API prefixes is a problem+json 404, not the portal's page.
    for prefix in ["/authentication/api/v1", "/authorization/api/v1"] {
        cfg.service(web::scope(prefix).default_service(web::to(not_found)));
    }
}

fn bad_request(detail: String) -> actix_web::Error {
    ApiError(AppError::BadRequest(detail)).into()
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(AppError::NotFound.into())
}
