//! The one error type of the application, rendered as an HTML page for the portal and
//! as RFC 9457 problem details for the API. Causes go to the log, never to the user.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::domain::delegation::MissingRight;
use crate::i18n::I18n;

/// One failed check of a submitted document, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub code: &'static str,
    pub detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the submitted document is not valid")]
    Invalid(Vec<FieldError>),
    #[error("the system does not exist or belongs to another vendor")]
    SystemNotFound,
    #[error("the request does not exist")]
    RequestNotFound,
    #[error("the system access does not exist")]
    SystemUserNotFound,
    #[error("the rights asked for are not all among the system's rights")]
    RightsNotSubset,
    #[error("the access packages asked for are not all among the system's packages")]
    PackageNotOnSystem,
    #[error("an agent request must ask for at least one access package")]
    NoPackages,
    #[error("only a client administrator of the facilitator may approve agent requests or change clients")]
    NotClientAdministrator,
    #[error("{0} is not a client of the facilitator")]
    NotAClient(String),
    #[error("the client {client} has not given the facilitator every access package of the system user")]
    ClientNotEligible { client: String, missing: Vec<String> },
    #[error("the redirect URL is not among the system's allowed redirect URLs")]
    RedirectNotAllowed,
    #[error("the party organisation number is malformed or unknown")]
    InvalidParty,
    #[error("a system user already exists for this party, system and external reference")]
    SystemUserExists,
    #[error("the request has already been handled (status {0})")]
    RequestNotNew(String),
    #[error("the request has expired")]
    RequestExpired,
    #[error("only an access manager of the party may do this")]
    NotAccessManager,
    #[error("the user cannot delegate every right the system asks for")]
    MissingRights(Vec<MissingRight>),
    #[error("the user cannot act for this party")]
    CannotRepresent,
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication is required")]
    Unauthenticated,
    #[error("login required")]
    LoginRequired { next: String },
    #[error("the token lacks the scope {0}")]
    MissingScope(&'static str),
    #[error("the form has expired")]
    CsrfMismatch,
    #[error("the person cancelled the login at the OpenID provider")]
    LoginCancelled,
    #[error("the login failed: {0}")]
    LoginFailed(String),
    #[error("the person who logged in is not known here")]
    UnknownPerson,
    #[error("not found")]
    NotFound,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        use AppError::*;
        match self {
            SystemNotFound | RequestNotFound | SystemUserNotFound | NotFound => StatusCode::NOT_FOUND,
            RightsNotSubset | PackageNotOnSystem | NoPackages | RedirectNotAllowed | InvalidParty | BadRequest(_)
            | Invalid(_) | LoginCancelled | LoginFailed(_) => StatusCode::BAD_REQUEST,
            UnknownPerson => StatusCode::FORBIDDEN,
            NotClientAdministrator | NotAClient(_) | ClientNotEligible { .. } => StatusCode::FORBIDDEN,
            SystemUserExists | RequestNotNew(_) | RequestExpired => StatusCode::CONFLICT,
            NotAccessManager | MissingRights(_) | CannotRepresent | MissingScope(_) | CsrfMismatch => {
                StatusCode::FORBIDDEN
            }
            Unauthenticated => StatusCode::UNAUTHORIZED,
            LoginRequired { .. } => StatusCode::SEE_OTHER,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine-readable code: Altinn's where Altinn has one, `STG-…` otherwise.
    pub fn code(&self) -> &'static str {
        use AppError::*;
        match self {
            Invalid(errors) => errors.first().map_or("AUTH.VLD-00000", |e| e.code),
            InvalidParty => "AUTH-00000",
            RightsNotSubset => "AUTH-00001",
            SystemUserExists => "AUTH-00004",
            RequestNotFound => "AUTH-00010",
            SystemNotFound => "AUTH-00011",
            RequestNotNew(_) => "AUTH-00013",
            RedirectNotAllowed => "AUTH-00021",
            NoPackages => "AUTH-00058",
            PackageNotOnSystem => "AUTH-00063",
            NotClientAdministrator => "STG-00023",
            NotAClient(_) => "STG-00024",
            ClientNotEligible { .. } => "STG-00025",
            SystemUserNotFound => "STG-00008",
            RequestExpired => "STG-00012",
            NotAccessManager => "STG-00020",
            MissingRights(_) => "STG-00021",
            CannotRepresent => "STG-00022",
            BadRequest(_) => "STG-00400",
            Unauthenticated | LoginRequired { .. } => "STG-00401",
            MissingScope(_) => "STG-00403",
            NotFound => "STG-00404",
            CsrfMismatch => "STG-00419",
            LoginCancelled => "STG-00440",
            LoginFailed(_) => "STG-00441",
            UnknownPerson => "STG-00442",
            Internal(_) => "STG-00500",
        }
    }

    /// Key of the user-facing explanation in the translation files.
    pub fn text_key(&self) -> &'static str {
        use AppError::*;
        match self {
            SystemNotFound => "error.system_not_found",
            RequestNotFound => "error.request_not_found",
            SystemUserNotFound | NotFound => "error.not_found",
            SystemUserExists => "error.system_user_exists",
            RequestNotNew(_) => "error.request_not_new",
            RequestExpired => "error.request_expired",
            NotAccessManager => "error.not_access_manager",
            MissingRights(_) => "error.missing_rights",
            CannotRepresent => "error.cannot_represent",
            CsrfMismatch => "error.csrf",
            LoginCancelled => "error.login_cancelled",
            LoginFailed(_) => "error.login_failed",
            UnknownPerson => "error.unknown_person",
            Unauthenticated | LoginRequired { .. } | MissingScope(_) => "error.forbidden",
            RightsNotSubset | PackageNotOnSystem | NoPackages | RedirectNotAllowed | InvalidParty | BadRequest(_)
            | Invalid(_) => "error.bad_request",
            NotClientAdministrator => "error.not_client_administrator",
            NotAClient(_) => "error.not_a_client",
            ClientNotEligible { .. } => "error.client_not_eligible",
            Internal(_) => "error.internal",
        }
    }

    /// Key of the error page's heading: a login that did not happen says so.
    fn title_key(&self) -> &'static str {
        match self {
            AppError::LoginCancelled => "error.login_cancelled_title",
            AppError::LoginFailed(_) | AppError::UnknownPerson => "error.login_failed_title",
            _ => "error.title",
        }
    }

    fn log_if_internal(&self) {
        match self {
            AppError::Internal(cause) => log::error!("internal error: {cause}"),
            AppError::LoginFailed(cause) => log::warn!("login failed: {cause}"),
            _ => {}
        }
    }
}

macro_rules! internal_from {
    ($($t:ty),*) => {$(
        impl From<$t> for AppError {
            fn from(e: $t) -> Self {
                AppError::Internal(format!("{}: {e}", stringify!($t)))
            }
        }
    )*};
}
internal_from!(diesel::result::Error, diesel::r2d2::PoolError, actix_web::error::BlockingError, askama::Error);

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
    ("STG-00023", "Only a client administrator may approve an agent request or add or remove clients."),
    ("STG-00024", "The organisation is not a client of the facilitator."),
    ("STG-00025", "The client has not given the facilitator every access package."),
    ("STG-00400", "The request is malformed (body, path or query)."),
    ("STG-00401", "The bearer token is missing or invalid."),
    ("STG-00403", "The token lacks the scope the endpoint needs."),
    ("STG-00404", "No such endpoint or item."),
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
        let status = self.status_code();
        let detail = match &self.0 {
            AppError::Internal(_) | AppError::LoginFailed(_) => "An unexpected error occurred.".to_owned(),
            other => other.to_string(),
        };
        let mut body = serde_json::json!({
            "type": format!("urn:systemtilgang:problem:{}", self.0.code()),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
            "code": self.0.code(),
        });
        if let AppError::Invalid(errors) = &self.0 {
            body["errors"] = errors.iter().map(|e| serde_json::json!({"code": e.code, "detail": e.detail})).collect();
        }
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.body(serde_json::to_string(&body).unwrap_or_default())
    }
}

/// An [`AppError`] answered as a friendly page (portal routes).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    i: I18n,
    title: String,
    status: u16,
    message: String,
    code: &'a str,
    /// Login errors offer a new login rather than the overview.
    login_again: bool,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log_if_internal();
        if let AppError::LoginRequired { next } = &self.0 {
            let location = format!("/login?next={}", crate::web::urlencode(next));
            return HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish();
        }
        let i = I18n::current();
        let login_again =
            matches!(self.0, AppError::LoginCancelled | AppError::LoginFailed(_) | AppError::UnknownPerson);
        let page = ErrorPage {
            i,
            title: i.t(self.0.title_key()),
            status: self.status_code().as_u16(),
            message: i.t(self.0.text_key()),
            code: self.0.code(),
            login_again,
        };
        match page.render() {
            Ok(html) => HttpResponse::build(self.status_code()).content_type(ContentType::html()).body(html),
            Err(e) => {
                log::error!("cannot render the error page: {e}");
                HttpResponse::InternalServerError().finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_listed_code_and_a_text() {
        let all = [
            AppError::Invalid(vec![FieldError { code: "AUTH.VLD-00001", detail: String::new() }]),
            AppError::SystemNotFound,
            AppError::RequestNotFound,
            AppError::SystemUserNotFound,
            AppError::RightsNotSubset,
            AppError::PackageNotOnSystem,
            AppError::NoPackages,
            AppError::NotClientAdministrator,
            AppError::NotAClient(String::new()),
            AppError::ClientNotEligible { client: String::new(), missing: Vec::new() },
            AppError::RedirectNotAllowed,
            AppError::InvalidParty,
            AppError::SystemUserExists,
            AppError::RequestNotNew(String::new()),
            AppError::RequestExpired,
            AppError::NotAccessManager,
            AppError::MissingRights(Vec::new()),
            AppError::CannotRepresent,
            AppError::BadRequest(String::new()),
            AppError::Unauthenticated,
            AppError::LoginRequired { next: String::new() },
            AppError::MissingScope("s"),
            AppError::CsrfMismatch,
            AppError::LoginCancelled,
            AppError::LoginFailed(String::new()),
            AppError::UnknownPerson,
            AppError::NotFound,
            AppError::Internal(String::new()),
        ];
        let i = I18n::current();
        for error in all {
            assert!(PROBLEM_CODES.iter().any(|(c, _)| *c == error.code()), "{} is not listed", error.code());
            assert_ne!(i.t(error.text_key()), error.text_key());
        }
    }
}
