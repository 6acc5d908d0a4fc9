//! Errors as the API answers them: problem details (`application/problem+json`) in
//! Altinn's shape, with a stable `code`, Altinn's `title` for each of its codes, a
//! `traceId` and the `statusDescription`. Failed checks of a document come as
//! `STD-00000` with `validationErrors`. The body is the documented [`Problem`] type itself,
//! so the API description and the real body cannot drift apart.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::error::AppError;
use crate::support::random_bytes;

/// Problem details as Altinn sends them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// `urn:altinn:error:<code>` (ours: `urn:systemtilgang:error:<code>`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Altinn's text for the code.
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A stable code (see the API description's list of codes); left out only where
    /// Altinn gives none (an unknown party in the client API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// W3C trace context of this answer, to quote when asking about it.
    pub trace_id: String,
    /// The HTTP reason phrase.
    pub status_description: &'static str,
    /// Every failed check of a document (`STD-00000`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_errors: Option<Vec<ValidationError>>,
    /// What could not be read, by member (`$` for the document as a whole), as ASP.NET
    /// answers a body it cannot bind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    /// The access packages not on the system (AUTH-00063), ", "-joined.
    #[serde(rename = "NotFoundPackages", skip_serializing_if = "Option::is_none")]
    pub not_found_packages: Option<String>,
    /// The access packages that cannot be given this way (AUTH-00064, AUTH-00065).
    #[serde(rename = "NotDelegablePackages", skip_serializing_if = "Option::is_none")]
    pub not_delegable_packages: Option<String>,
}

/// One failed check.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ValidationError {
    pub code: &'static str,
    pub title: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<&'static str>,
    pub detail: String,
}

/// A W3C `traceparent`-style id, fresh for each answer.
fn trace_id() -> String {
    let (trace, span) = (random_bytes::<16>(), random_bytes::<8>());
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    format!("00-{}-{}-01", hex(&trace), hex(&span))
}

/// The title of a code: Altinn's text for its codes, ours for the others.
pub fn title(code: &str) -> &'static str {
    PROBLEM_CODES.iter().find(|(c, _)| *c == code).map_or("An error occurred.", |(_, t)| t)
}

impl Problem {
    pub fn of(error: &AppError) -> Self {
        let status = error.status();
        let code = error.code();
        let mut problem = Problem {
            kind: if code.starts_with("STG") {
                format!("urn:systemtilgang:error:{code}")
            } else {
                format!("urn:altinn:error:{code}")
            },
            title: title(code).to_owned(),
            status: status.as_u16(),
            detail: match error {
                AppError::Internal(_) | AppError::LoginFailed(_) => None,
                AppError::Invalid(_) => None,
                other => Some(other.to_string()),
            },
            code: Some(code),
            trace_id: trace_id(),
            status_description: status.canonical_reason().unwrap_or("Error"),
            validation_errors: None,
            errors: None,
            not_found_packages: None,
            not_delegable_packages: None,
        };
        match error {
            AppError::Invalid(errors) => {
                problem.validation_errors = Some(
                    errors
                        .iter()
                        .map(|e| ValidationError {
                            code: e.code,
                            title: e.title.unwrap_or_else(|| title(e.code)),
                            paths: if e.path.is_empty() { Vec::new() } else { vec![e.path] },
                            detail: e.detail.clone(),
                        })
                        .collect(),
                );
            }
            // A body that cannot be read gets ASP.NET's shape, as in Altinn.
            AppError::BadRequest(message) => {
                problem.kind = "https://tools.ietf.org/html/rfc9110#section-15.5.1".into();
                problem.errors = Some(BTreeMap::from([("$".to_owned(), vec![message.clone()])]));
            }
            AppError::PackageNotOnSystem(urns) => problem.not_found_packages = Some(urns.join(", ")),
            AppError::PackageNotAssignable(urns) | AppError::PackageNotDelegable(urns) => {
                problem.not_delegable_packages = Some(urns.join(", "))
            }
            // Altinn's own words for an unknown party, as ASP.NET's plain 404 (no code).
            AppError::PartyNotFound => {
                problem.kind = "https://tools.ietf.org/html/rfc9110#section-15.5.5".into();
                problem.title = "Party not found".into();
                problem.code = None;
            }
            _ => {}
        }
        problem
    }
}

/// Every code the API answers with and its title: Altinn's texts (docs/altinn-wire.md §5) for
/// Altinn's codes, ours for the `STG-` ones. The API description lists them all.
pub const PROBLEM_CODES: &[(&str, &str)] = &[
    ("STD-00000", "One or more validation errors occurred."),
    ("AUTH-00000", "Can't resolve the Organisation Number from the logged in Reportee PartyId."),
    ("AUTH-00001", "One or more Right not found or not delegable."),
    ("AUTH-00004", "Failed to create new SystemUser, existing SystemUser tied to the given System-Id."),
    ("AUTH-00010", "The Id does not refer to a Request in our system."),
    ("AUTH-00011", "The Id does not refer to a Registered System."),
    ("AUTH-00013", "The Status of the Request is not New."),
    ("AUTH-00015", "The SystemUser was not found."),
    ("AUTH-00021", "The RedirectUri was not found or not valid."),
    ("AUTH-00023", "Can't resolve the Organisation Number for the Vendor from the Token."),
    ("AUTH-00026", "No redirect uris are set for the system"),
    ("AUTH-00043", "Unauthorized"),
    ("AUTH-00044", "Forbidden"),
    ("AUTH-00058", "No AccessPackages found, an Agent SystemUser must have at least one"),
    ("AUTH-00059", "No AccessPackages or Single Rights found, a SystemUser must have at least one"),
    (
        "AUTH-00061",
        "The Status of the Request is not New. Please generate a new CorrellationId for a new Change Request",
    ),
    ("AUTH-00063", "One or more accesspackage is not found in the referenced system in the System Register."),
    (
        "AUTH-00064",
        "One or more access packages cannot be delegated. Either they are intended for clients or they cannot be delegated further.",
    ),
    (
        "AUTH-00065",
        "One or more access packages cannot be delegated because they are not intended for client relationships",
    ),
    ("AUTH-00079", "Client not found."),
    ("AUTH-00080", "Client does not have the accesspackages the agent system user requires"),
    ("AUTH.VLD-00000", "the org number identifier is not valid ISO6523 identifier"),
    ("AUTH.VLD-00001", "The system id does not match the format orgnumber_xxxx..."),
    ("AUTH.VLD-00002", "The system id already exists"),
    ("AUTH.VLD-00003", "One or more resources specified in rights were not found in Altinn's resource register."),
    ("AUTH.VLD-00004", "One of the client id is already tagged with an existing system"),
    ("AUTH.VLD-00005", "One or more of the redirect urls format is not valid. The valid format is https://xxx.xx"),
    ("AUTH.VLD-00006", "One or more duplicate rights found"),
    ("AUTH.VLD-00007", "One or more duplicate access package(s) found"),
    ("AUTH.VLD-00008", "One or all the accesspackage(s) is not found in altinn's access packages or is not delegable"),
    ("AUTH.VLD-00009", "One or more resource id is in wrong format. The valid format is urn:altinn:resource"),
    ("AUTH.VLD-00011", "Request contains duplicate client ids"),
    ("AUTH.VLD-00012", "The system ID in the request body does not match the system ID in the URL"),
    ("AUTH.VLD-00013", "System ID cannot have spaces in id (leading, trailing or in between the id)"),
    ("AUTH.VLD-00014", "The agent query parameter is missing or invalid"),
    ("AUTH.VLD-00015", "SystemUser is not a valid system user of type agent"),
    ("AUTH.VLD-00016", "The client query parameter is missing or invalid"),
    (
        "AUTH.VLD-00018",
        "Access packages meant for system user for client relations can't be used in combination with the flag isVisible: true",
    ),
    ("STG-00012", "The request has expired."),
    ("STG-00020", "Only an access manager of the party may do this."),
    ("STG-00021", "The user cannot delegate every right asked for."),
    ("STG-00022", "The user cannot act for the party."),
    ("STG-00023", "Only a client administrator of the facilitator may add or remove clients."),
    ("STG-00026", "An access manager handles the request and need not forward it (portal only)."),
    ("STG-00030", "No person has this national identity number and surname."),
    ("STG-00031", "The national identity number is not a valid one."),
    ("STG-00032", "The role is not one this person may give or remove (portal only)."),
    ("STG-00033", "Nobody removes their own roles (portal only)."),
    ("STG-00034", "The organisation is not in the register."),
    ("STG-00035", "A scope is not one the API knows."),
    ("STG-00036", "There is no such API client."),
    ("STG-00037", "The API client exists already."),
    ("STG-00038", "The client id is on another vendor's system."),
    ("STG-00039", "The system access was deleted (portal only)."),
    ("STG-00050", "The vendor has no webhook with this id."),
    ("STG-00400", "One or more validation errors occurred."),
    ("STG-00401", "Login required (portal only)."),
    ("STG-00404", "No such endpoint or item."),
    ("STG-00409", "Someone else made the same change at the same moment; try again."),
    ("STG-00410", "Cannot update a system marked as deleted."),
    ("STG-00419", "The form has expired (portal only)."),
    ("STG-00429", "Too many failed attempts from this address; wait as long as Retry-After says."),
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

    #[test]
    fn problems_have_altinns_shape() {
        let body = serde_json::to_value(Problem::of(&AppError::RequestNotFound)).unwrap();
        assert_eq!(body["type"], "urn:altinn:error:AUTH-00010");
        assert_eq!(body["title"], "The Id does not refer to a Request in our system.");
        assert_eq!((body["status"].as_u64(), body["statusDescription"].as_str()), (Some(404), Some("Not Found")));
        let trace = body["traceId"].as_str().unwrap();
        assert!(trace.len() == 55 && trace.starts_with("00-") && trace.ends_with("-01"), "{trace}");
        let invalid = AppError::Invalid(vec![crate::error::FieldError::new(
            "AUTH.VLD-00002",
            "/registersystemrequest/systemid",
            "taken",
        )]);
        let body = serde_json::to_value(Problem::of(&invalid)).unwrap();
        assert_eq!(body["code"], "STD-00000");
        assert_eq!(body["validationErrors"][0]["title"], "The system id already exists");
        assert_eq!(body["validationErrors"][0]["paths"][0], "/registersystemrequest/systemid");
    }
}
