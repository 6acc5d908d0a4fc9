//! The rules of system access: who may act for a party, what may be delegated, and how
//! requests and system users come and go. No HTTP here and no SQL strings.

pub mod activity;
pub mod actor;
pub mod audit;
pub mod change_requests;
pub mod clients;
pub mod decisions;
pub mod delegation;
pub mod handling;
pub mod ids;
pub mod limits;
pub mod people;
pub mod register;
pub mod requests;
pub mod roles;
pub mod system_register;
pub mod system_users;
pub mod systems;
pub mod vendor_events;
pub mod webhooks;

use crate::db::{self, DbConnection};
use crate::error::AppError;

/// A system user's external reference: the one given, trimmed, or else the party's
/// organisation number (Altinn's default). Requests, change requests and system user
/// tokens all find a system user by it.
pub fn external_ref(given: Option<&str>, party_org_no: &str) -> String {
    match given.map(str::trim) {
        Some(r) if !r.is_empty() => r.to_owned(),
        _ => party_org_no.to_owned(),
    }
}

/// Runs `work` in one transaction and, when another transaction took a unique key it
/// writes first (on PostgreSQL: two people giving the same role at the same moment), runs
/// it again: the next run reads what the other committed and has less or nothing to
/// write, so "give what is held" stays "nothing" under any concurrency. For work that
/// reads before it writes. SQLite takes its write lock up front, so there the first run
/// always holds.
pub fn retrying<T>(
    conn: &mut DbConnection,
    mut work: impl FnMut(&mut DbConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    const RUNS: usize = 4;
    let mut run = 1;
    loop {
        match db::transaction(conn, &mut work) {
            Err(AppError::Duplicate) if run < RUNS => run += 1,
            done => return done,
        }
    }
}

/// An absolute https URL, or plain http to this machine (development and tests): what
/// the portal accepts for redirect URLs, its public address and its OpenID provider.
pub fn https_or_loopback(raw: &str) -> bool {
    let Ok(url) = url::Url::parse(raw) else {
        return false;
    };
    match (url.scheme(), url.host_str()) {
        ("https", Some(_)) => true,
        ("http", Some(host)) => matches!(host, "localhost" | "127.0.0.1" | "[::1]"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::audit::Action;
    use super::requests::RequestStatus;
    use super::roles::Role;
    use crate::i18n::I18n;

    #[test]
    fn every_role_and_status_has_a_name() {
        let i = I18n::current();
        for role in Role::ALL {
            assert_ne!(i.t(&role.text_key()), role.text_key());
        }
        for status in RequestStatus::ALL {
            assert_ne!(i.t(&status.text_key()), status.text_key());
        }
        for action in Action::ALL {
            let key = Action::text_key(action.as_str());
            assert_ne!(i.t(&key), key);
        }
    }
}
