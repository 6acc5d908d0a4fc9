//! Named secrets generated at first start (cookie key, token signing key), so every
//! portal node sharing the database uses the same ones.

use diesel::prelude::*;

use super::schema::app_secrets;
use super::{DbConnection, is_unique_violation};

pub fn get(conn: &mut DbConnection, name: &str) -> QueryResult<Option<String>> {
    app_secrets::table.find(name).select(app_secrets::value).first(conn).optional()
}

/// The stored value, or `make()` stored now unless another node got there first;
/// returns the value that won.
pub fn get_or_insert_with(conn: &mut DbConnection, name: &str, make: impl FnOnce() -> String) -> QueryResult<String> {
    if let Some(existing) = get(conn, name)? {
        return Ok(existing);
    }
    let value = make();
    match diesel::insert_into(app_secrets::table)
        .values((app_secrets::name.eq(name), app_secrets::value.eq(&value)))
        .execute(conn)
    {
        Ok(_) => Ok(value),
        Err(e) if is_unique_violation(&e) => get(conn, name)?.ok_or(e),
        Err(e) => Err(e),
    }
}

/// Stores `value` under `name`, replacing what was there.
pub fn set(conn: &mut DbConnection, name: &str, value: &str) -> QueryResult<()> {
    let updated = diesel::update(app_secrets::table.find(name)).set(app_secrets::value.eq(value)).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(app_secrets::table)
            .values((app_secrets::name.eq(name), app_secrets::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}
