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
