//! Vendors' requests to change what a system user may do.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::kinds::RequestStatus;
use super::schema::{change_request_items as item, change_requests as cr, systems};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cr)]
pub struct ChangeRequest {
    pub id: String,
    pub system_user_id: String,
    pub system_id: String,
    pub party_org_no: String,
    pub external_ref: String,
    pub status: RequestStatus,
    pub redirect_url: Option<String>,
    pub created: NaiveDateTime,
    pub handled_at: Option<NaiveDateTime>,
    pub handled_by: Option<String>,
}

/// One thing a change request changes.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = item)]
pub struct Item {
    pub change_request_id: String,
    /// `right` (a resource id) or `package` (an access package urn).
    pub kind: String,
    /// `add` or `remove`.
    pub change: String,
    pub value: String,
}

pub fn insert(conn: &mut DbConnection, request: &ChangeRequest, items: &[Item]) -> QueryResult<()> {
    diesel::insert_into(cr::table).values(request).execute(conn)?;
    for row in items {
        diesel::insert_into(item::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ChangeRequest>> {
    cr::table.find(id).select(ChangeRequest::as_select()).first(conn).optional()
}

pub fn find_pending_for(conn: &mut DbConnection, system_user_id: &str) -> QueryResult<Option<ChangeRequest>> {
    cr::table
        .filter(cr::system_user_id.eq(system_user_id))
        .filter(cr::status.eq(RequestStatus::New))
        .select(ChangeRequest::as_select())
        .first(conn)
        .optional()
}

pub fn find_latest_by_external_ref(
    conn: &mut DbConnection,
    system_id: &str,
    party_org_no: &str,
    external_ref: &str,
) -> QueryResult<Option<ChangeRequest>> {
    cr::table
        .filter(cr::system_id.eq(system_id))
        .filter(cr::party_org_no.eq(party_org_no))
        .filter(cr::external_ref.eq(external_ref))
        .order((cr::created.desc(), cr::id.desc()))
        .select(ChangeRequest::as_select())
        .first(conn)
        .optional()
}

pub fn page_by_system(
    conn: &mut DbConnection,
    system_id: &str,
    from: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ChangeRequest>> {
    let mut query = cr::table
        .filter(cr::system_id.eq(system_id))
        .order(cr::id)
        .limit(limit)
        .select(ChangeRequest::as_select())
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(cr::id.ge(from.to_owned()));
    }
    query.load(conn)
}

pub fn items(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<Item>> {
    item::table
        .filter(item::change_request_id.eq(id))
        .order((item::kind, item::change, item::value))
        .select(Item::as_select())
        .load(conn)
}

/// Moves a `New` change request to `status`; false when it was no longer `New`.
pub fn handle_if_new(
    conn: &mut DbConnection,
    id: &str,
    status: RequestStatus,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(cr::table.filter(cr::id.eq(id)).filter(cr::status.eq(RequestStatus::New)))
        .set((cr::status.eq(status), cr::handled_by.eq(by), cr::handled_at.eq(at)))
        .execute(conn)
        .map(|n| n == 1)
}

/// Removes a change request, whatever its status, with what it changes; false when there
/// was none. (The audit trail keeps what it did.)
pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::delete(item::table.filter(item::change_request_id.eq(id))).execute(conn)?;
    Ok(diesel::delete(cr::table.find(id)).execute(conn)? == 1)
}

/// Pending change requests for a party with their systems' names, their vendors' names
/// and the titles of the accesses they change, oldest first.
pub fn pending_for_party(
    conn: &mut DbConnection,
    party_org_no: &str,
) -> QueryResult<Vec<(ChangeRequest, super::systems::NameRow, String, String)>> {
    use super::schema::{organisations, system_users};
    super::natively!(conn, |c| cr::table
        .inner_join(systems::table.on(systems::id.eq(cr::system_id)))
        .inner_join(organisations::table.on(organisations::org_no.eq(systems::vendor_org_no)))
        .inner_join(system_users::table.on(system_users::id.eq(cr::system_user_id)))
        .filter(cr::party_org_no.eq(party_org_no))
        .filter(cr::status.eq(RequestStatus::New))
        // A change to an access deleted since has nothing left to change.
        .filter(system_users::deleted_at.is_null())
        .order((cr::created.desc(), cr::id))
        .select((
            ChangeRequest::as_select(),
            (systems::name, systems::name_nn, systems::name_en),
            organisations::name,
            system_users::integration_title,
        ))
        .load(c))
}
