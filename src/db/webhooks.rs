//! Vendors' webhooks and the outbox of deliveries to them.
//!
//! A delivery row is written in the transaction that wrote its event, so it exists exactly
//! when the event does. A sender takes due deliveries by leasing them (`leased_until`):
//! on PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`, so nodes taking work at the
//! same moment take different rows, and a node killed while sending lets its lease run
//! out and another node sends again. Only the first undelivered event of a system user
//! for a webhook can be taken, so a system user's events arrive in order.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use super::DbConnection;
use super::schema::{vendor_events as ve, webhook_deliveries as wd, webhooks};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: String,
    pub vendor_org_no: String,
    pub url: String,
    pub types: String,
    pub secret: String,
    pub created: NaiveDateTime,
    pub active: bool,
    pub disabled_reason: Option<String>,
}

pub fn insert(conn: &mut DbConnection, webhook: &Webhook) -> QueryResult<()> {
    diesel::insert_into(webhooks::table).values(webhook).execute(conn).map(drop)
}

/// The vendor's webhooks, oldest first.
pub fn of_vendor(conn: &mut DbConnection, vendor: &str) -> QueryResult<Vec<Webhook>> {
    webhooks::table
        .filter(webhooks::vendor_org_no.eq(vendor))
        .order((webhooks::created, webhooks::id))
        .select(Webhook::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, vendor: &str, id: &str) -> QueryResult<Option<Webhook>> {
    webhooks::table
        .filter(webhooks::vendor_org_no.eq(vendor))
        .filter(webhooks::id.eq(id))
        .select(Webhook::as_select())
        .first(conn)
        .optional()
}

/// Deletes the vendor's webhook with its deliveries; false when there was none.
pub fn delete(conn: &mut DbConnection, vendor: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(wd::table.filter(wd::webhook_id.eq(id))).execute(conn)?;
    let deleted =
        diesel::delete(webhooks::table.filter(webhooks::vendor_org_no.eq(vendor)).filter(webhooks::id.eq(id)))
            .execute(conn)?;
    Ok(deleted == 1)
}

/// One delivery as the vendor sees it.
#[derive(Debug, Clone, Queryable)]
pub struct DeliveryRow {
    pub event_id: String,
    pub event_type: String,
    pub state: String,
    pub attempts: i64,
    pub created: NaiveDateTime,
    pub last_at: Option<NaiveDateTime>,
    pub last_code: Option<i64>,
    pub last_error: Option<String>,
}

/// The webhook's most recent deliveries, newest first.
pub fn deliveries(conn: &mut DbConnection, webhook_id: &str, limit: i64) -> QueryResult<Vec<DeliveryRow>> {
    wd::table
        .inner_join(ve::table.on(ve::position.eq(wd::event_position.nullable())))
        .filter(wd::webhook_id.eq(webhook_id))
        .order(wd::id.desc())
        .limit(limit)
        .select((
            ve::id,
            ve::event_type,
            wd::state,
            wd::attempts,
            wd::created,
            wd::last_at,
            wd::last_code,
            wd::last_error,
        ))
        .load(conn)
}

/// A delivery taken to be sent: where, with which secret, what, and the how-manieth try.
#[derive(Debug, Clone, Queryable)]
pub struct Taken {
    pub id: i64,
    pub webhook_id: String,
    pub url: String,
    pub secret: String,
    pub event_id: String,
    pub event_type: String,
    pub event_at: NaiveDateTime,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    pub created: NaiveDateTime,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Leases up to `limit` due deliveries until `lease_until`, oldest first, at most one a
/// system user and webhook; each counts as an attempt.
pub fn take(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Taken>> {
    // Most looks find nothing: they need no transaction (nor SQLite's write lock).
    let due = wd::table.filter(wd::state.eq("pending")).filter(wd::next_at.le(now)).select(wd::id).first::<i64>(conn);
    if due.optional()?.is_none() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = super::transaction(conn, |conn| {
        let (parameter, lock) = match conn {
            DbConnection::Postgresql(_) => ("$1", " FOR UPDATE OF d SKIP LOCKED"),
            DbConnection::Sqlite(_) => ("?", ""),
        };
        let due = diesel::sql_query(format!(
            "SELECT d.id FROM webhook_deliveries d \
             WHERE d.state = 'pending' AND d.next_at <= {parameter} \
             AND (d.leased_until IS NULL OR d.leased_until < {parameter}) \
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.webhook_id = d.webhook_id \
                 AND p.ordering_key = d.ordering_key AND p.state = 'pending' AND p.event_position < d.event_position) \
             ORDER BY d.event_position LIMIT {limit}{lock}"
        ));
        let ids: Vec<i64> = match conn {
            DbConnection::Postgresql(c) => due.bind::<Timestamp, _>(now).load::<Id>(c)?,
            DbConnection::Sqlite(c) => due.bind::<Timestamp, _>(now).bind::<Timestamp, _>(now).load::<Id>(c)?,
        }
        .into_iter()
        .map(|row| row.id)
        .collect();
        if !ids.is_empty() {
            diesel::update(wd::table.filter(wd::id.eq_any(&ids)))
                .set((wd::leased_until.eq(lease_until), wd::attempts.eq(wd::attempts + 1)))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(ids)
    })?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    wd::table
        .inner_join(webhooks::table.on(webhooks::id.eq(wd::webhook_id)))
        .inner_join(ve::table.on(ve::position.eq(wd::event_position.nullable())))
        .filter(wd::id.eq_any(&ids))
        .order(wd::event_position)
        .select((
            wd::id,
            wd::webhook_id,
            webhooks::url,
            webhooks::secret,
            ve::id,
            ve::event_type,
            ve::at,
            ve::system_user_id,
            ve::body,
            wd::attempts,
            wd::created,
        ))
        .load(conn)
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Delivered {
        code: i64,
    },
    /// Try again at `next_at`.
    Retry {
        code: Option<i64>,
        error: String,
        next_at: NaiveDateTime,
    },
    /// Given up: tried for long enough.
    Failed {
        code: Option<i64>,
        error: String,
    },
    /// The receiver said 410 Gone: the webhook is turned off and its queue dropped.
    Gone,
}

/// Writes the outcome of an attempt made under the lease.
pub fn finish(conn: &mut DbConnection, taken: &Taken, at: NaiveDateTime, outcome: &Outcome) -> QueryResult<()> {
    let this = wd::table.find(taken.id);
    let leased = (wd::leased_until.eq(None::<NaiveDateTime>), wd::last_at.eq(Some(at)));
    match outcome {
        Outcome::Delivered { code } => diesel::update(this)
            .set((leased, wd::state.eq("delivered"), wd::last_code.eq(Some(code)), wd::last_error.eq(None::<String>)))
            .execute(conn)
            .map(drop),
        Outcome::Retry { code, error, next_at } => diesel::update(this)
            .set((leased, wd::next_at.eq(next_at), wd::last_code.eq(code), wd::last_error.eq(Some(error))))
            .execute(conn)
            .map(drop),
        Outcome::Failed { code, error } => diesel::update(this)
            .set((leased, wd::state.eq("failed"), wd::last_code.eq(code), wd::last_error.eq(Some(error))))
            .execute(conn)
            .map(drop),
        Outcome::Gone => super::transaction(conn, |conn| {
            diesel::update(this)
                .set((leased, wd::state.eq("failed"), wd::last_code.eq(Some(410)), wd::last_error.eq(Some("Gone"))))
                .execute(conn)?;
            diesel::update(wd::table.filter(wd::webhook_id.eq(&taken.webhook_id)).filter(wd::state.eq("pending")))
                .set(wd::state.eq("cancelled"))
                .execute(conn)?;
            diesel::update(webhooks::table.find(&taken.webhook_id))
                .set((webhooks::active.eq(false), webhooks::disabled_reason.eq(Some("410 Gone"))))
                .execute(conn)
                .map(drop)
        }),
    }
}
