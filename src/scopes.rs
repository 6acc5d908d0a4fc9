//! The OAuth2 scopes of the vendor API, with Altinn's names.

pub const REQUEST_READ: &str = "altinn:authentication/systemuser.request.read";
pub const REQUEST_WRITE: &str = "altinn:authentication/systemuser.request.write";
pub const REGISTER_WRITE: &str = "altinn:authentication/systemregister.write";
/// Changes any vendor's systems in the register.
pub const REGISTER_ADMIN: &str = "altinn:authentication/systemregister.admin";
/// Asks the decision endpoint (public services).
pub const DECISION: &str = "altinn:authorization/pdp";
