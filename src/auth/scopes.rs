//! The OAuth2 scopes of the API, with Altinn's names.

pub const REQUEST_READ: &str = "altinn:authentication/systemuser.request.read";
pub const REQUEST_WRITE: &str = "altinn:authentication/systemuser.request.write";
pub const REGISTER_WRITE: &str = "altinn:authentication/systemregister.write";
/// Changes any vendor's systems in the register.
pub const REGISTER_ADMIN: &str = "altinn:authentication/systemregister.admin";
/// Loads register records (organisations, roles, persons, services, packages) through
/// the admin API: our own scope, for the operator's systems.
pub const REGISTER_IMPORT: &str = "systemtilgang:register.import";
/// Asks the internal decision endpoint, `/authorization/api/v1/decision` (public services).
pub const DECISION: &str = "altinn:authorization/pdp";
/// Asks Altinn's external PDP, `/authorization/api/v1/authorize` (service owners).
pub const AUTHORIZE: &str = "altinn:authorization/authorize";
/// The same, as Altinn's administrators hold it.
pub const AUTHORIZE_ADMIN: &str = "altinn:authorization/authorize.admin";
/// Lists agent system users and their clients (end-user systems, for a person).
pub const CLIENTS_READ: &str = "altinn:clientdelegations.read";
/// Adds and removes clients of agent system users (end-user systems, for a person).
pub const CLIENTS_WRITE: &str = "altinn:clientdelegations.write";
/// Adds, changes and removes the API's clients: our own scope, for the operator's tooling.
pub const CLIENTS_ADMIN: &str = "systemtilgang:clients.admin";
/// Looks up the system user for a client, as Maskinporten asks before it issues a
/// system user token (docs/altinn-wire.md §7).
pub const SYSTEM_USER_LOOKUP: &str = "altinn:maskinporten/systemuser.read";

/// Reads a person's own portal data, as Altinn's end-user pages do (the activity log).
pub const ENDUSER: &str = "altinn:portal/enduser";

/// Every scope a client can be given.
pub const ALL: [&str; 13] = [
    REQUEST_READ,
    REQUEST_WRITE,
    REGISTER_WRITE,
    REGISTER_ADMIN,
    REGISTER_IMPORT,
    DECISION,
    AUTHORIZE,
    AUTHORIZE_ADMIN,
    CLIENTS_READ,
    CLIENTS_WRITE,
    CLIENTS_ADMIN,
    SYSTEM_USER_LOOKUP,
    ENDUSER,
];
