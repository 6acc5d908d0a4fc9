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
    #[error("not found")]
    NotFound,
    /// Refused for a while after too many failed attempts; the seconds to wait.
    #[error("too many failed attempts; try again in {0} seconds")]
    TooManyAttempts(u64),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        use AppError::*;
        match self {
            SystemNotFound | SystemIdNotFound(_) | RequestNotFound | SystemUserNotFound | NotFound | PartyNotFound
            | NotAnAgent | PersonNotFound => StatusCode::NOT_FOUND,
            RightsNotSubset
            | PackageNotOnSystem(_)
            | PackageNotAssignable(_)
            | PackageNotDelegable(_)
            | NotAClient(..)
            | ClientNotEligible { .. }
            | NoPackages
            | NothingRequested
            | RedirectNotAllowed
            | NoRedirectUrls
            | InvalidParty
            | SystemDeleted
            | BadRequest(_)
            | Invalid(_)
            | LoginCancelled
            | LoginFailed(_)
            | InvalidPid => StatusCode::BAD_REQUEST,
            UnknownPerson => StatusCode::FORBIDDEN,
            NotClientAdministrator => StatusCode::FORBIDDEN,
            SystemUserExists => StatusCode::BAD_REQUEST,
            RequestNotNew(_) | ChangeRequestIdTaken | RequestExpired | Duplicate | SystemExists(_) => {
                StatusCode::CONFLICT
            }
            NotAccessManager | MissingRights(_) | CannotRepresent | MissingScope(_) | Forbidden | CsrfMismatch
            | ForwardNotNeeded | RoleNotGivable | OwnRole => StatusCode::FORBIDDEN,
            Unauthenticated | NoVendor => StatusCode::UNAUTHORIZED,
            TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            LoginRequired { .. } => StatusCode::SEE_OTHER,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine-readable code: Altinn's where Altinn has one, `STG-…` otherwise.
    pub fn code(&self) -> &'static str {
        use AppError::*;
        match self {
            Invalid(_) => "STD-00000",
            InvalidParty => "AUTH-00000",
            RightsNotSubset => "AUTH-00001",
            SystemUserExists => "AUTH-00004",
            RequestNotFound => "AUTH-00010",
            SystemNotFound | SystemIdNotFound(_) => "AUTH-00011",
            RequestNotNew(_) => "AUTH-00013",
            SystemUserNotFound => "AUTH-00015",
            RedirectNotAllowed => "AUTH-00021",
            NoVendor => "AUTH-00023",
            NoRedirectUrls => "AUTH-00026",
            Unauthenticated => "AUTH-00043",
            MissingScope(_) | Forbidden => "AUTH-00044",
            NoPackages => "AUTH-00058",
            NothingRequested => "AUTH-00059",
            ChangeRequestIdTaken => "AUTH-00061",
            PackageNotOnSystem(_) => "AUTH-00063",
            PackageNotAssignable(_) => "AUTH-00064",
            PackageNotDelegable(_) => "AUTH-00065",
            NotAClient(..) => "AUTH-00079",
            ClientNotEligible { .. } => "AUTH-00080",
            PartyNotFound | NotAnAgent => "STG-00404",
            SystemDeleted => "STG-00410",
            NotClientAdministrator => "STG-00023",
            RequestExpired => "STG-00012",
            NotAccessManager => "STG-00020",
            MissingRights(_) => "STG-00021",
            CannotRepresent => "STG-00022",
            ForwardNotNeeded => "STG-00026",
            PersonNotFound => "STG-00030",
            InvalidPid => "STG-00031",
            RoleNotGivable => "STG-00032",
            OwnRole => "STG-00033",
            Duplicate | SystemExists(_) => "STG-00409",
            BadRequest(_) => "STG-00400",
            LoginRequired { .. } => "STG-00401",
            NotFound => "STG-00404",
            TooManyAttempts(_) => "STG-00429",
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
            SystemNotFound | SystemIdNotFound(_) | SystemDeleted => "error.system_not_found",
            RequestNotFound => "error.request_not_found",
            SystemUserNotFound | NotFound | PartyNotFound | NotAnAgent => "error.not_found",
            SystemUserExists => "error.system_user_exists",
            RequestNotNew(_) | ChangeRequestIdTaken => "error.request_not_new",
            RequestExpired => "error.request_expired",
            NotAccessManager => "error.not_access_manager",
            MissingRights(_) => "error.missing_rights",
            CannotRepresent => "error.cannot_represent",
            ForwardNotNeeded => "error.forward_not_needed",
            Duplicate | SystemExists(_) => "error.duplicate",
            CsrfMismatch => "error.csrf",
            LoginCancelled => "error.login_cancelled",
            LoginFailed(_) => "error.login_failed",
            UnknownPerson => "error.unknown_person",
            PersonNotFound => "error.person_not_found",
            InvalidPid => "error.invalid_pid",
            RoleNotGivable => "error.role_not_givable",
            OwnRole => "error.own_role",
            TooManyAttempts(_) => "error.too_many_attempts",
            Unauthenticated | NoVendor | LoginRequired { .. } | MissingScope(_) | Forbidden => "error.forbidden",
            RightsNotSubset
            | PackageNotOnSystem(_)
            | NoPackages
            | NothingRequested
            | RedirectNotAllowed
            | NoRedirectUrls
            | InvalidParty
            | BadRequest(_)
            | Invalid(_) => "error.bad_request",
            PackageNotAssignable(_) | PackageNotDelegable(_) => "error.package_not_assignable",
            NotClientAdministrator => "error.not_client_administrator",
            NotAClient(..) => "error.not_a_client",
            ClientNotEligible { .. } => "error.client_not_eligible",
            Internal(_) => "error.internal",
        }
    }

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

/// One of each kind of error, for tests that every kind has a code and a text.
#[cfg(test)]
pub(crate) fn every_kind() -> Vec<AppError> {
    vec![
        AppError::Invalid(vec![FieldError::new("AUTH.VLD-00001", "", "")]),
        AppError::SystemNotFound,
        AppError::SystemIdNotFound(String::new()),
        AppError::SystemDeleted,
        AppError::RequestNotFound,
        AppError::SystemUserNotFound,
        AppError::RightsNotSubset,
        AppError::PackageNotOnSystem(Vec::new()),
        AppError::PackageNotAssignable(Vec::new()),
        AppError::PackageNotDelegable(Vec::new()),
        AppError::NoPackages,
        AppError::NothingRequested,
        AppError::NotClientAdministrator,
        AppError::NotAClient(String::new(), String::new()),
        AppError::ClientNotEligible { client: Default::default(), missing: Vec::new() },
        AppError::PartyNotFound,
        AppError::NotAnAgent,
        AppError::RedirectNotAllowed,
        AppError::NoRedirectUrls,
        AppError::InvalidParty,
        AppError::SystemUserExists,
        AppError::RequestNotNew(String::new()),
        AppError::ChangeRequestIdTaken,
        AppError::RequestExpired,
        AppError::NotAccessManager,
        AppError::MissingRights(Vec::new()),
        AppError::ForwardNotNeeded,
        AppError::Duplicate,
        AppError::SystemExists(String::new()),
        AppError::CannotRepresent,
        AppError::BadRequest(String::new()),
        AppError::Unauthenticated,
        AppError::NoVendor,
        AppError::LoginRequired { next: String::new() },
        AppError::MissingScope("s".into()),
        AppError::Forbidden,
        AppError::CsrfMismatch,
        AppError::PersonNotFound,
        AppError::InvalidPid,
        AppError::RoleNotGivable,
        AppError::OwnRole,
        AppError::LoginCancelled,
        AppError::LoginFailed(String::new()),
        AppError::UnknownPerson,
        AppError::NotFound,
        AppError::TooManyAttempts(1),
        AppError::Internal(String::new()),
    ]
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
