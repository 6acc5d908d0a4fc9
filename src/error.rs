//! The one error type of the application. The portal renders it as a page
//! (`web::error_page`), the API as problem details in Altinn's shape (`api::problem`);
//! causes go to the log, never to the user.

use actix_web::http::StatusCode;

/// One failed check of a submitted document, with Altinn's validation code and the
/// place in the document it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub code: &'static str,
    /// Where in the document, as Altinn names it (`/registersystemrequest/systemid`).
    pub path: &'static str,
    pub detail: String,
    /// Altinn's title, for a code that has more than one (else the code's own).
    pub title: Option<&'static str>,
}

impl FieldError {
    pub fn new(code: &'static str, path: &'static str, detail: impl Into<String>) -> Self {
        Self { code, path, detail: detail.into(), title: None }
    }
}

/// A package of an agent system user that a client has not given its facilitator, with
/// the relations that would give it: `(role code, organisation forms it is limited to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lacking {
    pub urn: String,
    /// The package's name in bokmål, nynorsk and English.
    pub package: [String; 3],
    pub relations: Vec<(String, Option<Vec<String>>)>,
}

/// Makes `status`, `code` and `text_key` from the table below, and, for the tests that
/// every kind has a listed code and a text, one error of each kind (its fields empty).
macro_rules! kinds {
    ($($kind:ident $(($($tuple:tt),*))? $({ $($field:ident),* })? = $status:ident, $code:literal, $key:literal;)*) => {
        impl AppError {
            pub fn status(&self) -> StatusCode {
                match self {
                    $(AppError::$kind { .. } => StatusCode::$status,)*
                }
            }

            /// Stable machine-readable code: Altinn's where Altinn has one, `STG-…` otherwise.
            pub fn code(&self) -> &'static str {
                match self {
                    $(AppError::$kind { .. } => $code,)*
                }
            }

            /// Key of the user-facing explanation in the translation files.
            pub fn text_key(&self) -> &'static str {
                match self {
                    $(AppError::$kind { .. } => $key,)*
                }
            }
        }

        /// One error of each kind, for tests that every kind has a code and a text.
        #[cfg(test)]
        pub(crate) fn every_kind() -> Vec<AppError> {
            vec![$(AppError::$kind $(($(kinds!(@empty $tuple)),*))? $({ $($field: Default::default()),* })?,)*]
        }
    };
    (@empty _) => { Default::default() };
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the submitted document is not valid")]
    Invalid(Vec<FieldError>),
    #[error("the system does not exist or belongs to another vendor")]
    SystemNotFound,
    /// The system register's own not-found, naming the id as Altinn does.
    #[error("System with ID '{0}' not found.")]
    SystemIdNotFound(String),
    #[error("Cannot update a system marked as deleted.")]
    SystemDeleted,
    #[error("the request does not exist")]
    RequestNotFound,
    #[error("the system user does not exist")]
    SystemUserNotFound,
    #[error("the rights asked for are not all among the system's rights")]
    RightsNotSubset,
    /// The URNs asked for that the system does not carry.
    #[error("the access packages asked for are not all among the system's packages: {}", .0.join(", "))]
    PackageNotOnSystem(Vec<String>),
    /// Packages meant for clients (not assignable), asked for a party's own system user.
    #[error("the access packages {} are given by clients to their facilitators, not by an organisation to its own system user", .0.join(", "))]
    PackageNotAssignable(Vec<String>),
    /// Packages that cannot be passed on to a facilitator (not delegable), asked for an
    /// agent system user.
    #[error("the access packages {} cannot be passed on to a facilitator", .0.join(", "))]
    PackageNotDelegable(Vec<String>),
    #[error("an agent request must ask for at least one access package")]
    NoPackages,
    #[error("the request asks for no rights and no access packages")]
    NothingRequested,
    #[error("only a client administrator of the facilitator may add or remove clients")]
    NotClientAdministrator,
    /// The client's name (empty when unknown) and organisation number or party UUID.
    #[error("{} is not a client of the facilitator", if .0.is_empty() { .1.clone() } else { format!("{} ({})", .0, .1) })]
    NotAClient(String, String),
    #[error("the client {} ({}) has not given the facilitator every access package of the system user: {}", .client.0, .client.1, .missing.iter().map(|l| l.urn.as_str()).collect::<Vec<_>>().join(", "))]
    ClientNotEligible { client: (String, String), missing: Vec<Lacking> },
    #[error("the party does not exist")]
    PartyNotFound,
    #[error("the system user is not one for clients (agent)")]
    NotAnAgent,
    #[error("the redirect URL is not among the system's allowed redirect URLs")]
    RedirectNotAllowed,
    #[error("a redirect URL was given, but the system has none registered")]
    NoRedirectUrls,
    #[error("the party organisation number is malformed or unknown")]
    InvalidParty,
    #[error("a system user already exists for this party, system and external reference")]
    SystemUserExists,
    #[error("the request has already been handled (status {0})")]
    RequestNotNew(String),
    #[error("the id belongs to a change request of another vendor's system; use a new correlation id")]
    ChangeRequestIdTaken,
    #[error("the request has expired")]
    RequestExpired,
    #[error("only an access manager of the party may do this")]
    NotAccessManager,
    /// The ids of the rights and URNs of the packages the person cannot delegate.
    #[error("the user cannot delegate every right the system asks for: {0:?}")]
    MissingRights(Vec<String>),
    #[error("an access manager handles the request and need not forward it")]
    ForwardNotNeeded,
    /// A racing write got there first (a unique key was taken). Which key is logged,
    /// never told: the database's words are not for clients.
    #[error("someone else made the same change at the same moment")]
    Duplicate,
    /// Two registrations of one system id at the same moment: Altinn's words for it.
    #[error("The System already exist: {0}")]
    SystemExists(String),
    #[error("the user cannot act for this party")]
    CannotRepresent,
    #[error("{0}")]
    BadRequest(String),
    #[error("a valid bearer token is required")]
    Unauthenticated,
    #[error("the token names no vendor organisation (consumer)")]
    NoVendor,
    #[error("login required")]
    LoginRequired { next: String },
    /// The scope (or scopes, "a or b") the operation needs.
    #[error("the token lacks the scope {0}")]
    MissingScope(String),
    #[error("the system belongs to another vendor")]
    Forbidden,
    #[error("the form has expired")]
    CsrfMismatch,
    #[error("the person cancelled the login at the OpenID provider")]
    LoginCancelled,
    #[error("the login failed: {0}")]
    LoginFailed(String),
    #[error("the person who logged in is not known here")]
    UnknownPerson,
    #[error("no person has this identity number and surname")]
    PersonNotFound,
    #[error("the identity number is not a valid one")]
    InvalidPid,
    #[error("the role is not one this person may give or take")]
    RoleNotGivable,
    #[error("nobody takes their own roles")]
    OwnRole,
    #[error("the organisation {0} is not in the register")]
    UnknownOrganisation(String),
    /// A scope the API does not know, or none given: the sentence, naming the known ones.
    #[error("{0}")]
    UnknownScope(String),
    #[error("there is no API client {0}")]
    ClientNotFound(String),
    #[error("the API client {0} exists already")]
    ClientExists(String),
    /// The client id and the system of another vendor that lists it.
    #[error("the client id {0} is on the system {1} of another vendor")]
    ClientOfAnotherVendor(String, String),
    /// A party's system access that was deleted: its title, who deleted it and when (for
    /// someone following an old link to it).
    #[error("the system access was deleted")]
    AccessDeleted { title: String, by: String, by_vendor: bool, at: chrono::NaiveDateTime },
    #[error("not found")]
    NotFound,
    #[error("no such webhook")]
    WebhookNotFound,
    /// Refused for a while after too many failed attempts; the seconds to wait.
    #[error("too many failed attempts; try again in {0} seconds")]
    TooManyAttempts(u64),
    #[error("internal error: {0}")]
    Internal(String),
}

// Each kind's HTTP status, stable code (Altinn's where Altinn has one, `STG-…`
// otherwise) and the key of its text for people: one row a kind, and a kind without a
// row does not compile.
kinds! {
    Invalid(_) = BAD_REQUEST, "STD-00000", "error.bad_request";
    SystemNotFound = NOT_FOUND, "AUTH-00011", "error.system_not_found";
    SystemIdNotFound(_) = NOT_FOUND, "AUTH-00011", "error.system_not_found";
    SystemDeleted = BAD_REQUEST, "STG-00410", "error.system_not_found";
    RequestNotFound = NOT_FOUND, "AUTH-00010", "error.request_not_found";
    SystemUserNotFound = NOT_FOUND, "AUTH-00015", "error.not_found";
    RightsNotSubset = BAD_REQUEST, "AUTH-00001", "error.bad_request";
    PackageNotOnSystem(_) = BAD_REQUEST, "AUTH-00063", "error.bad_request";
    PackageNotAssignable(_) = BAD_REQUEST, "AUTH-00064", "error.package_not_assignable";
    PackageNotDelegable(_) = BAD_REQUEST, "AUTH-00065", "error.package_not_assignable";
    NoPackages = BAD_REQUEST, "AUTH-00058", "error.bad_request";
    NothingRequested = BAD_REQUEST, "AUTH-00059", "error.bad_request";
    NotClientAdministrator = FORBIDDEN, "STG-00023", "error.not_client_administrator";
    NotAClient(_, _) = BAD_REQUEST, "AUTH-00079", "error.not_a_client";
    ClientNotEligible { client, missing } = BAD_REQUEST, "AUTH-00080", "error.client_not_eligible";
    PartyNotFound = NOT_FOUND, "STG-00404", "error.not_found";
    NotAnAgent = NOT_FOUND, "STG-00404", "error.not_found";
    RedirectNotAllowed = BAD_REQUEST, "AUTH-00021", "error.bad_request";
    NoRedirectUrls = BAD_REQUEST, "AUTH-00026", "error.bad_request";
    InvalidParty = BAD_REQUEST, "AUTH-00000", "error.bad_request";
    SystemUserExists = BAD_REQUEST, "AUTH-00004", "error.system_user_exists";
    RequestNotNew(_) = CONFLICT, "AUTH-00013", "error.request_not_new";
    ChangeRequestIdTaken = CONFLICT, "AUTH-00061", "error.request_not_new";
    RequestExpired = CONFLICT, "STG-00012", "error.request_expired";
    NotAccessManager = FORBIDDEN, "STG-00020", "error.not_access_manager";
    MissingRights(_) = FORBIDDEN, "STG-00021", "error.missing_rights";
    ForwardNotNeeded = FORBIDDEN, "STG-00026", "error.forward_not_needed";
    Duplicate = CONFLICT, "STG-00409", "error.duplicate";
    SystemExists(_) = CONFLICT, "STG-00409", "error.duplicate";
    CannotRepresent = FORBIDDEN, "STG-00022", "error.cannot_represent";
    BadRequest(_) = BAD_REQUEST, "STG-00400", "error.bad_request";
    Unauthenticated = UNAUTHORIZED, "AUTH-00043", "error.forbidden";
    NoVendor = UNAUTHORIZED, "AUTH-00023", "error.forbidden";
    LoginRequired { next } = SEE_OTHER, "STG-00401", "error.forbidden";
    MissingScope(_) = FORBIDDEN, "AUTH-00044", "error.forbidden";
    Forbidden = FORBIDDEN, "AUTH-00044", "error.forbidden";
    CsrfMismatch = FORBIDDEN, "STG-00419", "error.csrf";
    LoginCancelled = BAD_REQUEST, "STG-00440", "error.login_cancelled";
    LoginFailed(_) = BAD_REQUEST, "STG-00441", "error.login_failed";
    UnknownPerson = FORBIDDEN, "STG-00442", "error.unknown_person";
    PersonNotFound = NOT_FOUND, "STG-00030", "error.person_not_found";
    InvalidPid = BAD_REQUEST, "STG-00031", "error.invalid_pid";
    RoleNotGivable = FORBIDDEN, "STG-00032", "error.role_not_givable";
    OwnRole = FORBIDDEN, "STG-00033", "error.own_role";
    UnknownOrganisation(_) = BAD_REQUEST, "STG-00034", "error.bad_request";
    UnknownScope(_) = BAD_REQUEST, "STG-00035", "error.bad_request";
    ClientNotFound(_) = NOT_FOUND, "STG-00036", "error.not_found";
    ClientExists(_) = CONFLICT, "STG-00037", "error.duplicate";
    ClientOfAnotherVendor(_, _) = CONFLICT, "STG-00038", "error.duplicate";
    AccessDeleted { title, by, by_vendor, at } = NOT_FOUND, "STG-00039", "error.access_deleted";
    NotFound = NOT_FOUND, "STG-00404", "error.not_found";
    WebhookNotFound = NOT_FOUND, "STG-00050", "error.not_found";
    TooManyAttempts(_) = TOO_MANY_REQUESTS, "STG-00429", "error.too_many_attempts";
    Internal(_) = INTERNAL_SERVER_ERROR, "STG-00500", "error.internal";
}

impl AppError {
    /// Writes the cause of an unexpected error (and of a failed login) to the log.
    pub fn log_if_internal(&self) {
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
internal_from!(diesel::r2d2::PoolError, actix_web::error::BlockingError, askama::Error);

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                log::info!("a racing write got there first: {}", info.message());
                AppError::Duplicate
            }
            // PostgreSQL keeps no NUL character in text and refuses a value holding one:
            // that is bad input, wherever it came in.
            Error::DatabaseError(_, info) if info.message().contains("0x00") => {
                AppError::BadRequest("text may not hold NUL characters".into())
            }
            other => AppError::Internal(format!("diesel::result::Error: {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The API's problem details carry these texts: the client by name and number.
    #[test]
    fn client_refusals_name_the_client_then_what_is_missing() {
        let client = ("NØYE KLOK UGLE AS".to_owned(), "310000124".to_owned());
        let missing = vec![Lacking {
            urn: "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet".into(),
            package: Default::default(),
            relations: Vec::new(),
        }];
        assert_eq!(
            AppError::ClientNotEligible { client: client.clone(), missing }.to_string(),
            "the client NØYE KLOK UGLE AS (310000124) has not given the facilitator every access package of the \
             system user: urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"
        );
        assert_eq!(
            AppError::NotAClient(client.0, client.1).to_string(),
            "NØYE KLOK UGLE AS (310000124) is not a client of the facilitator"
        );
        assert_eq!(
            AppError::NotAClient(String::new(), "310000132".into()).to_string(),
            "310000132 is not a client of the facilitator"
        );
    }
}
