//! The rules of system access: who may act for a party, what may be delegated, and how
//! requests and system users come and go. No HTTP here and no SQL strings.

pub mod actor;
pub mod assertions;
pub mod audit;
pub mod change_requests;
pub mod clients;
pub mod decisions;
pub mod delegation;
pub mod ids;
pub mod requests;
pub mod roles;
pub mod system_register;
pub mod system_user_tokens;
pub mod system_users;
pub mod systems;
pub mod vendor_clients;

use chrono::{NaiveDateTime, Timelike, Utc};

/// Now, in UTC, to the microsecond (what PostgreSQL keeps): every stored timestamp is UTC.
pub fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now)
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
pub(crate) mod testing {
    //! An in-memory database with the demo data, for rule tests without a server.
    use diesel::Connection;

    use crate::db::DbConnection;

    pub fn demo_db() -> DbConnection {
        let mut conn = DbConnection::Sqlite(diesel::SqliteConnection::establish(":memory:").unwrap());
        diesel::connection::SimpleConnection::batch_execute(&mut conn, "PRAGMA foreign_keys = ON").unwrap();
        crate::db::migrate(&mut conn).unwrap();
        crate::demo::seed(&mut conn).unwrap();
        conn
    }
}
