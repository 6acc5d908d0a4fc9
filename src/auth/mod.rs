//! Who is calling, and may they: the portal's own tokens and signing key, outside
//! issuers (Maskinporten), people's login with OpenID Connect and their sessions, vendor
//! clients and the assertions they sign, system user tokens, scopes, the caller's address
//! behind proxies, and the throttle that slows guessing down.

pub mod assertions;
pub mod oidc;
pub mod proxy;
pub mod scopes;
pub mod sessions;
pub mod system_user_tokens;
pub mod throttle;
pub mod tokens;
pub mod trusted_issuer;
pub mod vendor_clients;
