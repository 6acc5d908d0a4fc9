//! The audit trail: who did what, for which party, when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::audit_events;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub party_org_no: String,
    pub action: String,
    pub subject_id: String,
    pub detail: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent {
    pub at: NaiveDateTime,
    pub actor: String,
    pub party_org_no: String,
    pub action: String,
    pub subject_id: String,
    pub detail: String,
}

pub fn insert(conn: &mut DbConnection, event: &NewAuditEvent) -> QueryResult<()> {
    diesel::insert_into(audit_events::table).values(event).execute(conn).map(drop)
}

/// Events about one request or system user (they share an id), oldest first.
pub fn for_subject(conn: &mut DbConnection, subject_id: &str) -> QueryResult<Vec<AuditEvent>> {
    audit_events::table
        .filter(audit_events::subject_id.eq(subject_id))
        .order(audit_events::id)
        .select(AuditEvent::as_select())
        .load(conn)
}

/// Events about one subject within one party, oldest first (a person's roles there).
pub fn for_subject_in(conn: &mut DbConnection, subject_id: &str, party_org_no: &str) -> QueryResult<Vec<AuditEvent>> {
    audit_events::table
        .filter(audit_events::subject_id.eq(subject_id))
        .filter(audit_events::party_org_no.eq(party_org_no))
        .order(audit_events::id)
        .select(AuditEvent::as_select())
        .load(conn)
}

/// Inserts many events in multi-row inserts.
pub fn insert_many(conn: &mut DbConnection, events: &[NewAuditEvent]) -> QueryResult<()> {
    super::insert_batches!(conn, audit_events::table, events)
}

/// Which of a party's events the activity log shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these actions (none: every action).
    pub actions: Vec<String>,
    /// Only this actor (`person:…`, `vendor:…`, `register`).
    pub actor: Option<String>,
    /// From this moment on.
    pub from: Option<NaiveDateTime>,
    /// Before this moment.
    pub until: Option<NaiveDateTime>,
}

/// Up to `limit` of the party's events the filter lets through, newest first, after
/// `after` (the `(at, id)` of the last one of the previous page).
pub fn of_party(
    conn: &mut DbConnection,
    party_org_no: &str,
    filter: &Filter,
    after: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> QueryResult<Vec<AuditEvent>> {
    let mut query = audit_events::table
        .filter(audit_events::party_org_no.eq(party_org_no))
        .select(AuditEvent::as_select())
        .order((audit_events::at.desc(), audit_events::id.desc()))
        .limit(limit)
        .into_boxed();
    if !filter.actions.is_empty() {
        query = query.filter(audit_events::action.eq_any(filter.actions.clone()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_events::at.lt(until));
    }
    if let Some((at, id)) = after {
        query = query.filter(audit_events::at.lt(at).or(audit_events::at.eq(at).and(audit_events::id.lt(id))));
    }
    query.load(conn)
}
