//! Ids of client assertions already used, so none can be replayed while still valid.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::used_assertions;
use super::{DbConnection, is_unique_violation};

/// Records the assertion id; false when it was used before. Forgets ids past their expiry.
pub fn remember(
    conn: &mut DbConnection,
    jti: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::delete(used_assertions::table.filter(used_assertions::expires_at.lt(now))).execute(conn)?;
    match diesel::insert_into(used_assertions::table)
        .values((used_assertions::jti.eq(jti), used_assertions::expires_at.eq(expires_at)))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}
