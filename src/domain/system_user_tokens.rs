//! Which system user a vendor's client may get a token for: the client must be one of
//! the system's client ids, and a live system user must exist for the organisation.

use crate::db::{DbConnection, system_users, systems};
use crate::error::AppError;

/// What a system user token carries about the system user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemUserGrant {
    pub system_user_id: String,
    pub org_no: String,
    pub system_id: String,
}

/// Why no system user token can be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    ClientIsNoSystem,
    NoSystemUser,
}

pub fn authorize(
    conn: &mut DbConnection,
    client_id: &str,
    org_no: &str,
    external_ref: Option<&str>,
) -> Result<Result<SystemUserGrant, Refusal>, AppError> {
    let Some(system_id) = systems::by_client_id(conn, client_id)? else {
        return Ok(Err(Refusal::ClientIsNoSystem));
    };
    let external_ref = external_ref.filter(|r| !r.is_empty()).unwrap_or(org_no);
    Ok(match system_users::find_live_by_triple(conn, org_no, &system_id, external_ref)? {
        Some(user) => Ok(SystemUserGrant { system_user_id: user.id, org_no: org_no.to_owned(), system_id }),
        None => Err(Refusal::NoSystemUser),
    })
}
