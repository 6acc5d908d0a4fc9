//! The vendor JSON API under `/authentication/api/v1` (Altinn-compatible), the PDP for
//! service owners (XACML), and the OAuth2 token endpoint.
//!
//! Each endpoint is written once: its handler's `#[utoipa::path]` states the method and
//! path, [`endpoints!`] lists the handler once, and both the server's routes and the API
//! description are made from that.

mod activity_log;
mod api_clients;
mod auth;
mod authorized_parties;
mod body;
mod change_requests;
mod client_delegation;
mod client_keys;
mod decisions;
mod dto;
mod health;
mod metrics;
mod openapi;
mod problem;
mod register;
mod requests;
mod system_register;
mod system_users;
mod token;
mod vendor_events;
mod xacml;

use std::collections::HashMap;

use actix_web::http::Method;
use actix_web::{HttpResponse, Route, web};
use utoipa::OpenApi;

use crate::error::AppError;
use auth::Needs;
use openapi::{ProblemCodes, Security};
use problem::ApiError;

pub use auth::Caller;

/// Lists every endpoint's handler once: it becomes the API description's paths and the
/// handler table the routes are made from.
macro_rules! endpoints {
    ($($module:ident :: $handler:ident),* $(,)?) => {
        /// The API description: OpenAPI 3.1, generated from the handlers' annotations and
        /// the wire types.
        #[derive(OpenApi)]
        #[openapi(
            info(
                title = "Systemtilgang vendor API",
                description = "Altinn-compatible API for system access: the system register, requests for \
                    system users (standard and agent), change requests, system user tokens and decisions. \
                    Errors are RFC 9457 problem details with a stable `code`; the codes are listed under \
                    `x-problem-codes`.",
            ),
            paths($($module::$handler),*),
            modifiers(&Security, &ProblemCodes)
        )]
        pub struct ApiDoc;

        /// Each handler by its operation id (its name).
        fn handlers() -> Vec<(&'static str, Route)> {
            vec![$((stringify!($handler), web::route().to($module::$handler))),*]
        }
    };
}

endpoints![
    token::issue_token,
    token::jwks,
    openapi::openapi_document,
    decisions::authorize,
    decisions::decide,
    requests::create_request,
    requests::get_request,
    requests::request_by_external_ref,
    requests::requests_by_system,
    requests::delete_request,
    requests::create_agent_request,
    requests::get_agent_request,
    requests::agent_request_by_external_ref,
    requests::agent_requests_by_system,
    requests::delete_agent_request,
    change_requests::create_change_request,
    change_requests::get_change_request,
    change_requests::change_request_by_external_ref,
    change_requests::change_requests_by_system,
    change_requests::delete_change_request,
    system_users::system_users_by_system,
    system_users::system_user_by_query,
    system_users::system_user_by_external_id,
    system_users::agent_clients,
    authorized_parties::authorized_parties,
    client_delegation::list_agents,
    client_delegation::available_clients,
    client_delegation::attached_clients,
    client_delegation::add_client,
    client_delegation::remove_client,
    client_keys::put_client_keys,
    system_register::register_system,
    system_register::list_systems,
    system_register::get_system,
    system_register::update_system,
    system_register::update_system_rights,
    system_register::update_system_packages,
    system_register::delete_system,
    system_register::system_changelog,
    register::apply_record,
    api_clients::list_api_clients,
    api_clients::add_api_client,
    api_clients::remove_api_client,
    api_clients::rotate_api_client_secret,
    api_clients::set_api_client_scopes,
    api_clients::set_api_client_keys,
    vendor_events::vendor_events,
    vendor_events::delete_system_user,
    vendor_events::add_webhook,
    vendor_events::list_webhooks,
    vendor_events::delete_webhook,
    vendor_events::webhook_deliveries,
    activity_log::activity_log,
];

/// The described operations: (path, method, operation id, what it needs of the caller),
/// in matching order. Paths are sorted, so a literal segment comes before a `{param}` in
/// the same place (`…/vendor/agent` before `…/vendor/{id}`: `{` sorts after every letter).
fn operations() -> Vec<(String, Method, String, Needs)> {
    let doc = ApiDoc::openapi();
    let mut operations = Vec::new();
    for (path, item) in doc.paths.paths {
        let methods = [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::DELETE, &item.delete),
            (Method::PATCH, &item.patch),
        ];
        for (method, operation) in methods {
            if let Some(operation) = operation {
                let needs = Needs::of(operation.security.as_ref().and_then(|s| serde_json::to_value(s).ok()));
                operations.push((path.clone(), method, operation.operation_id.clone().unwrap_or_default(), needs));
            }
        }
    }
    operations
}

/// Every served endpoint: (path, method, what it needs, route), in matching order. Each
/// described operation is its handler's (the operation id is the handler's name, and
/// [`endpoints!`] lists each handler once for both), so every one has its route.
fn served() -> Vec<(String, Method, Needs, Route)> {
    let mut handlers: HashMap<&str, Route> = handlers().into_iter().collect();
    operations()
        .into_iter()
        .map(|(path, method, id, needs)| match handlers.remove(id.as_str()) {
            Some(route) => (path, method, needs, route),
            None => unreachable!("the operation {id} has an id of its own, not its handler's name"),
        })
        .collect()
}

/// The prefixes the API's paths live under. Each is one scope, so a request is matched
/// against the endpoints of its own prefix only; anything else under it is a
/// problem+json 404, not the portal's page.
const PREFIXES: [&str; 4] =
    ["/authentication/api/v1", "/authorization/api/v1", "/accessmanagement/api/v1", "/systemtilgang/api/v1"];

/// One method of a path: what it needs of the caller, and its route.
type Endpoint = (Method, Needs, Route);

pub fn routes(cfg: &mut web::ServiceConfig) {
    // Load balancers probe with HEAD as well as GET.
    let probe = || web::route().guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()));
    cfg.route("/health/live", probe().to(health::live));
    cfg.route("/health/ready", probe().to(health::ready));
    cfg.route("/metrics", web::get().to(metrics::scrape));
    // One resource per path with a route per method, so other methods answer 405; each
    // method's scope is checked before its handler reads the request.
    let mut resources: Vec<(String, Vec<Endpoint>)> = Vec::new();
    for (path, method, needs, route) in served() {
        match resources.iter_mut().find(|(p, _)| *p == path) {
            Some((_, endpoints)) => endpoints.push((method, needs, route)),
            None => resources.push((path, vec![(method, needs, route)])),
        }
    }
    let mut scoped = PREFIXES.map(|_| Vec::new());
    for (path, endpoints) in resources {
        let place = PREFIXES.iter().position(|prefix| path.starts_with(&format!("{prefix}/")));
        let local = match place {
            Some(n) => path[PREFIXES[n].len()..].to_owned(),
            None => path,
        };
        let mut resource = web::resource(local)
            .app_data(web::PayloadConfig::new(body::LIMIT))
            .app_data(web::PathConfig::default().error_handler(|e, _| bad_request(e.to_string())))
            .app_data(web::QueryConfig::default().error_handler(|e, _| bad_request(e.to_string())))
            .app_data(web::FormConfig::default().error_handler(|e, _| token::invalid_request(&e.to_string()).into()));
        let mut needs = Vec::new();
        for (method, need, route) in endpoints {
            resource = resource.route(route.method(method.clone()));
            needs.push((method, need));
        }
        let needs = std::rc::Rc::new(needs);
        let resource = resource.wrap(actix_web::middleware::from_fn(move |req, next| {
            let needs = needs.clone();
            async move { auth::guard(&needs, req, next).await }
        }));
        match place {
            Some(n) => scoped[n].push(resource),
            None => {
                cfg.service(resource);
            }
        }
    }
    for (prefix, resources) in PREFIXES.into_iter().zip(scoped) {
        let scope = resources.into_iter().fold(web::scope(prefix), |scope, resource| scope.service(resource));
        cfg.service(scope.default_service(web::to(not_found)));
    }
}

fn bad_request(detail: String) -> actix_web::Error {
    ApiError(AppError::BadRequest(detail)).into()
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(AppError::NotFound.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handlers_have_names_of_their_own() {
        let mut names: Vec<&str> = handlers().into_iter().map(|(id, _)| id).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "two handlers share a name, so one operation id would serve both");
    }
}
