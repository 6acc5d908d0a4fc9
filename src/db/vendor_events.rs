//! What vendors are told, and the order they read it in.
//!
//! A poller reads the feed after the last position it saw, so a position must never be
//! handed out behind one already visible. A sequence taken when the row is written is not
//! enough: on PostgreSQL two transactions take 10 and 11, the one with 11 commits first,
//! a poller reads 11 and moves on, and 10 appears behind it. So an event is written with
//! no position, and its transaction gives its events their positions last, just before it
//! commits ([`seal`]), from a one-row clock it updates: the clock's row lock is held to the
//! commit, so the next transaction gets the next positions only once this one's are
//! visible (or rolled back, and then the same positions again). Committed positions are
//! thus always 1…N without a gap, and a poller at N never misses anything. On SQLite there
//! is one writer at a time and the same steps give the same order.

use std::cell::Cell;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{vendor_event_clock as clock, vendor_events as ve};

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ve)]
pub struct NewEvent {
    pub id: String,
    pub vendor_org_no: String,
    pub event_type: String,
    pub at: NaiveDateTime,
    /// Orders deliveries: events of one system user (or request) are sent in turn.
    pub system_user_id: String,
    /// The event as the feed and the webhooks show it (JSON).
    pub body: String,
}

thread_local! {
    /// Whether this thread's open transaction wrote events it has yet to seal. A
    /// connection is used by one thread from begin to commit.
    static UNSEALED: Cell<bool> = const { Cell::new(false) };
}

/// Writes events in the open transaction (or in one of their own); they are sealed when
/// it commits.
pub fn record(conn: &mut DbConnection, events: &[NewEvent]) -> QueryResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    if !super::in_transaction(conn) {
        return super::transaction(conn, |conn| record(conn, events));
    }
    super::insert_batches!(conn, ve::table, events)?;
    UNSEALED.set(true);
    Ok(())
}

/// Drops the note of unsealed events (the transaction is beginning or rolled back).
pub fn forget() {
    UNSEALED.set(false);
}

/// Gives the open transaction's events their positions and queues them for the webhooks
/// that want them. Call as the transaction's last step (`db::transaction` does).
pub fn seal(conn: &mut DbConnection) -> QueryResult<()> {
    if !UNSEALED.replace(false) {
        return Ok(());
    }
    // Rows without a position are this transaction's: others' are not visible until they
    // commit, and they commit sealed.
    let count: i64 = ve::table.filter(ve::position.is_null()).count().get_result(conn)?;
    if count == 0 {
        return Ok(());
    }
    diesel::update(clock::table.find(1)).set(clock::last.eq(clock::last + count)).execute(conn)?;
    let last: i64 = clock::table.find(1).select(clock::last).first(conn)?;
    let base = last - count;
    diesel::sql_query(format!(
        "UPDATE vendor_events SET position = {base} + r.n \
         FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM vendor_events WHERE position IS NULL) AS r \
         WHERE vendor_events.seq = r.seq"
    ))
    .execute(conn)?;
    // On PostgreSQL a webhook being deleted at this moment is waited for and then passed
    // by (its key share lock), rather than failing the change on the foreign key.
    let lock = match conn {
        DbConnection::Postgresql(_) => " FOR KEY SHARE OF w",
        DbConnection::Sqlite(_) => "",
    };
    diesel::sql_query(format!(
        "INSERT INTO webhook_deliveries (webhook_id, event_position, ordering_key, state, attempts, created, next_at) \
         SELECT w.id, e.position, e.system_user_id, 'pending', 0, e.at, e.at \
         FROM vendor_events e JOIN webhooks w ON w.vendor_org_no = e.vendor_org_no AND w.active \
         WHERE e.position > {base} AND e.position <= {last} \
         AND (w.types = '' OR w.types LIKE '% ' || e.event_type || ' %'){lock}"
    ))
    .execute(conn)
    .map(drop)
}

/// The vendor's events after `position`, oldest first: (position, body).
pub fn after(conn: &mut DbConnection, vendor: &str, position: i64, limit: i64) -> QueryResult<Vec<(i64, String)>> {
    ve::table
        .filter(ve::vendor_org_no.eq(vendor))
        .filter(ve::position.gt(position))
        .order(ve::position)
        .limit(limit)
        .select((ve::position.assume_not_null(), ve::body))
        .load(conn)
}

/// The last position handed out (the feed's end for every vendor).
pub fn last_position(conn: &mut DbConnection) -> QueryResult<i64> {
    clock::table.find(1).select(clock::last).first(conn)
}

/// What an event is about: the system user's (or request's) system, its vendor, the party
/// and the external reference.
#[derive(Debug, Clone, Queryable)]
pub struct Subject {
    pub system_id: String,
    pub vendor_org_no: String,
    pub party_org_no: String,
    pub external_ref: String,
}

/// The subject of a system user (live or deleted), or else of a request, by their shared id.
pub fn subject(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Subject>> {
    use super::schema::{system_user_requests as r, system_users as su, systems};
    let user = su::table
        .inner_join(systems::table)
        .filter(su::id.eq(id))
        .select((su::system_id, systems::vendor_org_no, su::party_org_no, su::external_ref))
        .first(conn)
        .optional()?;
    if user.is_some() {
        return Ok(user);
    }
    r::table
        .inner_join(systems::table)
        .filter(r::id.eq(id))
        .select((r::system_id, systems::vendor_org_no, r::party_org_no, r::external_ref))
        .first(conn)
        .optional()
}
