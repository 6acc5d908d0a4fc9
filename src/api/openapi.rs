//! The API description: OpenAPI 3.1, generated from the handlers' annotations and the
//! wire types, served at `/authentication/api/v1/openapi.json`.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{change_requests, client_keys, decisions, requests, system_register, system_users, token};
use crate::error::PROBLEM_CODES;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Systemtilgang vendor API",
        description = "Altinn-compatible API for system access: the system register, requests for system users \
            (standard and agent), change requests, system user tokens and decisions. Errors are RFC 9457 problem \
            details with a stable `code`; the codes are listed under `x-problem-codes`.",
    ),
    paths(
        token::issue,
        token::jwks,
        document,
        decisions::decide,
        requests::create_standard,
        requests::get_standard,
        requests::by_external_ref_standard,
        requests::by_system_standard,
        requests::delete_standard,
        requests::create_agent,
        requests::get_agent,
        requests::by_external_ref_agent,
        requests::by_system_agent,
        requests::delete_agent,
        change_requests::create,
        change_requests::get,
        change_requests::by_external_ref,
        change_requests::by_system,
        change_requests::delete,
        system_users::by_system,
        system_users::clients,
        client_keys::put,
        system_register::create,
        system_register::list,
        system_register::get,
        system_register::update,
        system_register::update_rights,
        system_register::update_packages,
        system_register::delete,
        system_register::changelog,
    ),
    modifiers(&Security, &ProblemCodes)
)]
pub struct ApiDoc;

/// Bearer tokens from `/token` (or the trusted outside issuer).
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "vendor",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// Every problem code and its meaning, from the one list the error type keeps.
struct ProblemCodes;

impl Modify for ProblemCodes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let codes: serde_json::Map<String, serde_json::Value> =
            PROBLEM_CODES.iter().map(|(code, meaning)| (code.to_string(), serde_json::Value::from(*meaning))).collect();
        let mut extensions = utoipa::openapi::extensions::Extensions::default();
        extensions.insert("x-problem-codes".into(), serde_json::Value::Object(codes));
        openapi.info.extensions.get_or_insert_with(Default::default).merge(extensions);
    }
}

/// This description.
#[utoipa::path(get, path = "/authentication/api/v1/openapi.json", tag = "authentication",
    responses((status = 200, description = "The OpenAPI 3.1 document")))]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_is_described_and_nothing_else() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let mut described: Vec<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
            .collect();
        let mut served = super::super::endpoint_list();
        described.sort();
        served.sort();
        assert_eq!(described, served);
    }

    #[test]
    fn every_problem_code_is_listed_once() {
        let mut codes: Vec<&str> = PROBLEM_CODES.iter().map(|(c, _)| *c).collect();
        let count = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), count);
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert_eq!(doc["info"]["x-problem-codes"].as_object().unwrap().len(), count);
    }
}
