//! Login sessions, found by the hash of the id their cookie carries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::sessions;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id_hash: String,
    pub pid: String,
    pub started_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, session: &Session) -> QueryResult<()> {
    diesel::insert_into(sessions::table).values(session).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConnection, id_hash: &str) -> QueryResult<Option<Session>> {
    super::natively!(conn, |c| sessions::table.find(id_hash).select(Session::as_select()).first(c).optional())
}

pub fn touch(conn: &mut DbConnection, id_hash: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(id_hash)).set(sessions::last_seen_at.eq(at)).execute(conn).map(drop)
}

pub fn end(conn: &mut DbConnection, id_hash: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(id_hash).filter(sessions::ended_at.is_null()))
        .set(sessions::ended_at.eq(at))
        .execute(conn)
        .map(drop)
}

/// Forgets the person's sessions that ended, or began or were last used before the
/// given times: they can never be resumed.
pub fn forget_old(
    conn: &mut DbConnection,
    pid: &str,
    started_before: NaiveDateTime,
    seen_before: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        sessions::table.filter(sessions::pid.eq(pid)).filter(
            sessions::ended_at
                .is_not_null()
                .or(sessions::started_at.lt(started_before))
                .or(sessions::last_seen_at.lt(seen_before)),
        ),
    )
    .execute(conn)
    .map(drop)
}
