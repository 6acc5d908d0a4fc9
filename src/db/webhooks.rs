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
use diesel::sql_types::{BigInt, Text, Timestamp};

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

/// Deletes the vendor's webhook (its deliveries go with it); false when the vendor has none
/// by that id.
pub fn delete(conn: &mut DbConnection, vendor: &str, id: &str) -> QueryResult<bool> {
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

/// A delivery taken to be sent: where, with which secret, what, the how-manieth try, and
/// the lease it was taken under.
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
    pub first_tried_at: NaiveDateTime,
    pub lease: NaiveDateTime,
}

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    webhook_id: String,
}

/// Deliveries of one webhook in flight at once, so that a receiver that hangs holds only
/// so many of a node's senders.
pub const IN_FLIGHT_PER_WEBHOOK: usize = 2;

/// Due deliveries, oldest first: pending, of an active webhook, not leased (or the lease
/// ran out), the first undelivered of their system user for their webhook, of a webhook
/// with fewer than [`IN_FLIGHT_PER_WEBHOOK`] in flight. On PostgreSQL, locked as taken
/// and passing by what another node is taking.
fn due(conn: &mut DbConnection, now: NaiveDateTime, limit: i64, lock: bool) -> QueryResult<Vec<Due>> {
    let (p, lock) = match (&*conn, lock) {
        (DbConnection::Postgresql(_), true) => ("$1", " FOR UPDATE OF d SKIP LOCKED"),
        (DbConnection::Postgresql(_), false) => ("$1", ""),
        (DbConnection::Sqlite(_), _) => ("?1", ""),
    };
    let query = diesel::sql_query(format!(
        "SELECT d.id, d.webhook_id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.active \
         WHERE d.state = 'pending' AND d.next_at <= {p} \
         AND (d.leased_until IS NULL OR d.leased_until < {p}) \
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.webhook_id = d.webhook_id \
             AND o.ordering_key = d.ordering_key AND o.state = 'pending' AND o.event_position < d.event_position) \
         AND (SELECT COUNT(*) FROM webhook_deliveries f WHERE f.webhook_id = d.webhook_id AND f.state = 'pending' \
             AND f.leased_until >= {p}) < {IN_FLIGHT_PER_WEBHOOK} \
         ORDER BY d.event_position LIMIT {limit}{lock}"
    ))
    .bind::<Timestamp, _>(now);
    match conn {
        DbConnection::Postgresql(c) => query.load(c),
        DbConnection::Sqlite(c) => query.load(c),
    }
}

/// Leases up to `limit` due deliveries until `lease_until` (at most
/// [`IN_FLIGHT_PER_WEBHOOK`] a webhook); each counts as an attempt.
pub fn take(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Taken>> {
    // Most looks find nothing: they need no transaction (nor SQLite's write lock).
    if due(conn, now, 1, false)?.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = super::transaction(conn, |conn| {
        let mut per_webhook = std::collections::HashMap::<String, usize>::new();
        let ids: Vec<i64> = due(conn, now, limit * 4, true)?
            .into_iter()
            .filter(|d| {
                let n = per_webhook.entry(d.webhook_id.clone()).or_default();
                *n += 1;
                *n <= IN_FLIGHT_PER_WEBHOOK
            })
            .map(|d| d.id)
            .take(limit as usize)
            .collect();
        if !ids.is_empty() {
            diesel::update(wd::table.filter(wd::id.eq_any(&ids)))
                .set((
                    wd::leased_until.eq(lease_until),
                    wd::attempts.eq(wd::attempts + 1),
                    wd::first_tried_at.eq(diesel::dsl::sql::<diesel::sql_types::Nullable<Timestamp>>(
                        "COALESCE(first_tried_at, ",
                    )
                    .bind::<Timestamp, _>(now)
                    .sql(")")),
                ))
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
            wd::first_tried_at.assume_not_null(),
            wd::leased_until.assume_not_null(),
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

/// Writes the outcome of an attempt made under the lease; nothing when the lease ran out
/// meanwhile (another node has the delivery now, and says what came of it).
pub fn finish(conn: &mut DbConnection, taken: &Taken, at: NaiveDateTime, outcome: &Outcome) -> QueryResult<()> {
    let this = wd::table.filter(wd::id.eq(taken.id)).filter(wd::leased_until.eq(taken.lease));
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
            let ours = diesel::update(this)
                .set((leased, wd::state.eq("failed"), wd::last_code.eq(Some(410)), wd::last_error.eq(Some("Gone"))))
                .execute(conn)?;
            if ours == 0 {
                return Ok(());
            }
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
