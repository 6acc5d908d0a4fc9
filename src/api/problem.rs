//! Errors as the API answers them: RFC 9457 problem details (`application/problem+json`)
//! with a stable `code`. The body is the documented [`Problem`] type itself, so the API
//! description and the real body cannot drift apart.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};

use crate::error::AppError;

/// RFC 9457 problem details: how the API answers every error.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// A stable code (see the API description's list of codes).
    pub code: &'static str,
    /// Every failed check, for a document that failed several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemError>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ProblemError {
    pub code: &'static str,
    pub detail: String,
}

impl Problem {
    fn of(error: &AppError) -> Self {
        let status = error.status();
        let detail = match error {
            AppError::Internal(_) | AppError::LoginFailed(_) => "An unexpected error occurred.".to_owned(),
            other => other.to_string(),
        };
        let errors = match error {
            AppError::Invalid(errors) => {
                errors.iter().map(|e| ProblemError { code: e.code, detail: e.detail.clone() }).collect()
            }
            _ => Vec::new(),
        };
        Problem {
            kind: format!("urn:systemtilgang:problem:{}", error.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: error.code(),
            errors,
        }
    }
}

/// Every code the API answers with, and what it means, for the API description.
pub const PROBLEM_CODES: &[(&str, &str)] = &[
    ("AUTH-00000", "The party organisation number is malformed or unknown."),
    ("AUTH-00001", "The rights asked for are not all among the system's rights."),
    ("AUTH-00004", "A system user already exists for the party, system and external reference."),
    ("AUTH-00010", "The request does not exist (or belongs to another vendor's system)."),
    ("AUTH-00011", "The system does not exist or belongs to another vendor."),
    ("AUTH-00013", "The request is no longer New."),
    ("AUTH-00021", "The redirect URL is not among the system's allowed redirect URLs."),
    ("AUTH-00058", "An agent request asks for no access package."),
    ("AUTH-00063", "An access package asked for is not among the system's packages."),
    ("AUTH.VLD-00001", "The system id does not start with the vendor's org number and _, or holds spaces."),
    ("AUTH.VLD-00002", "The system id is taken."),
    ("AUTH.VLD-00003", "A right names an unknown resource."),
    ("AUTH.VLD-00004", "A client id is listed twice or belongs to another system."),
    ("AUTH.VLD-00005", "A redirect URL is not absolute https (http only for localhost)."),
    ("AUTH.VLD-00006", "A right is listed more than once."),
    ("AUTH.VLD-00007", "An access package is listed more than once."),
    ("AUTH.VLD-00008", "A name or description lacks nb, nn or en."),
    ("AUTH.VLD-00009", "An access package is unknown."),
    ("AUTH.VLD-00010", "The vendor is not the caller's organisation (without the admin scope) or is unknown."),
    ("STG-00008", "The system user does not exist."),
    ("STG-00012", "The request has expired."),
    ("STG-00020", "Only an access manager of the party may do this."),
    ("STG-00021", "The user cannot delegate every right asked for."),
    ("STG-00022", "The user cannot act for the party."),
    ("STG-00026", "An access manager handles the request and need not forward it (portal only)."),
    ("STG-00023", "Only a client administrator may approve an agent request or add or remove clients."),
    ("STG-00024", "The organisation is not a client of the facilitator."),
    ("STG-00025", "The client has not given the facilitator every access package."),
    ("STG-00400", "The request is malformed (body, path or query)."),
    ("STG-00401", "The bearer token is missing or invalid."),
    ("STG-00403", "The token lacks the scope the endpoint needs."),
    ("STG-00404", "No such endpoint or item."),
    ("STG-00409", "Someone else made the same change at the same moment; try again."),
    ("STG-00429", "Too many failed attempts from this address; wait as long as Retry-After says."),
    ("STG-00419", "The form has expired (portal only)."),
    ("STG-00440", "The person cancelled the login at the OpenID provider (portal only)."),
    ("STG-00441", "The login with the OpenID provider failed; the cause is logged (portal only)."),
    ("STG-00442", "The person who logged in is not known to the portal (portal only)."),
    ("STG-00500", "An unexpected error; the cause is logged."),
];

/// An [`AppError`] answered as problem+json (API routes).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log_if_internal();
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        if self.status_code() == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let AppError::TooManyAttempts(secs) = self.0 {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.body(serde_json::to_string(&Problem::of(&self.0)).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_listed_code() {
        for error in crate::error::every_kind() {
            assert!(PROBLEM_CODES.iter().any(|(c, _)| *c == error.code()), "{} is not listed", error.code());
        }
    }
}
