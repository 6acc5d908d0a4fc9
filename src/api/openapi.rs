//! The API description: OpenAPI 3.1, generated from the handlers' annotations and the
//! wire types, served at `/authentication/api/v1/openapi.json`.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::ApiDoc;
use super::problem::PROBLEM_CODES;

/// Bearer tokens from `/token` (or the trusted outside issuer).
pub(super) struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "vendor",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components.add_security_scheme(
            "person",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A person's token (with a `pid` claim) from the trusted issuer"))
                    .build(),
            ),
        );
    }
}

/// Every problem code and its meaning, from the one list the error type keeps.
pub(super) struct ProblemCodes;

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
pub async fn openapi_document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

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
