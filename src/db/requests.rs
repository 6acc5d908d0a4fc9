//! Vendor requests for a system user and the rights each asks for.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::kinds::{RequestStatus, UserType};
use super::resources::Resource;
use super::schema::{persons, request_escalations as esc, request_rights, resources, system_user_requests as req};
use super::systems::System;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = req)]
pub struct Request {
    pub id: String,
    pub system_id: String,
    pub party_org_no: String,
    pub external_ref: String,
    pub user_type: UserType,
    pub status: RequestStatus,
    pub redirect_url: Option<String>,
    pub integration_title: Option<String>,
    pub created: NaiveDateTime,
    pub handled_at: Option<NaiveDateTime>,
    pub handled_by: Option<String>,
}

/// Inserts the request and its rights; the caller runs this inside a transaction.
pub fn insert(conn: &mut DbConnection, request: &Request, rights: &[String]) -> QueryResult<()> {
    diesel::insert_into(req::table).values(request).execute(conn)?;
    for resource_id in rights {
        diesel::insert_into(request_rights::table)
            .values((request_rights::request_id.eq(&request.id), request_rights::resource_id.eq(resource_id)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Request>> {
    req::table.find(id).select(Request::as_select()).first(conn).optional()
}

pub fn find_pending(
    conn: &mut DbConnection,
    party_org_no: &str,
    system_id: &str,
    external_ref: &str,
) -> QueryResult<Option<Request>> {
    req::table
        .filter(req::party_org_no.eq(party_org_no))
        .filter(req::system_id.eq(system_id))
        .filter(req::external_ref.eq(external_ref))
        .filter(req::status.eq(RequestStatus::New))
        .select(Request::as_select())
        .first(conn)
        .optional()
}

/// The newest request for the triple, whatever its status.
pub fn find_latest_by_external_ref(
    conn: &mut DbConnection,
    system_id: &str,
    party_org_no: &str,
    external_ref: &str,
) -> QueryResult<Option<Request>> {
    req::table
        .filter(req::party_org_no.eq(party_org_no))
        .filter(req::system_id.eq(system_id))
        .filter(req::external_ref.eq(external_ref))
        .order((req::created.desc(), req::id.desc()))
        .select(Request::as_select())
        .first(conn)
        .optional()
}

/// One page of a system's requests of one user type in id order, starting after `after`.
pub fn page_by_system(
    conn: &mut DbConnection,
    system_id: &str,
    user_type: UserType,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Request>> {
    let mut query = req::table
        .filter(req::system_id.eq(system_id))
        .filter(req::user_type.eq(user_type))
        .order(req::id)
        .limit(limit)
        .select(Request::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(req::id.gt(after.to_owned()));
    }
    query.load(conn)
}

/// Pending requests for a party with their systems and who forwarded them to the access
/// managers, if anyone did; oldest first.
pub fn pending_for_party(
    conn: &mut DbConnection,
    party_org_no: &str,
) -> QueryResult<Vec<(Request, System, Option<String>)>> {
    req::table
        .inner_join(super::schema::systems::table)
        .left_join(esc::table.on(esc::request_id.eq(req::id)))
        .left_join(persons::table.on(persons::pid.nullable().eq(esc::escalated_by.nullable())))
        .filter(req::party_org_no.eq(party_org_no))
        .filter(req::status.eq(RequestStatus::New))
        .order((req::created, req::id))
        .select((Request::as_select(), System::as_select(), persons::name.nullable()))
        .load(conn)
}

pub fn rights(conn: &mut DbConnection, request_id: &str) -> QueryResult<Vec<Resource>> {
    request_rights::table
        .inner_join(resources::table)
        .filter(request_rights::request_id.eq(request_id))
        .order(resources::title)
        .select(Resource::as_select())
        .load(conn)
}

/// Moves a `New` request to `status`; returns false when it was no longer `New`, which
/// is how a racing second approval learns it lost.
pub fn handle_if_new(
    conn: &mut DbConnection,
    id: &str,
    status: RequestStatus,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(req::table.filter(req::id.eq(id)).filter(req::status.eq(RequestStatus::New)))
        .set((req::status.eq(status), req::handled_by.eq(by), req::handled_at.eq(at)))
        .execute(conn)
        .map(|n| n == 1)
}

/// Removes a request that is still `New`; returns false otherwise.
pub fn delete_if_new(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    let pending = req::table.filter(req::id.eq(id)).filter(req::status.eq(RequestStatus::New));
    if diesel::select(diesel::dsl::exists(pending)).get_result::<bool>(conn)? {
        diesel::delete(request_rights::table.filter(request_rights::request_id.eq(id))).execute(conn)?;
        diesel::delete(pending).execute(conn)?;
        return Ok(true);
    }
    Ok(false)
}

/// Records that `by` forwarded the request to the access managers; false if it already was.
pub fn escalate(conn: &mut DbConnection, request_id: &str, by: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let already = diesel::select(diesel::dsl::exists(esc::table.find(request_id))).get_result::<bool>(conn)?;
    if already {
        return Ok(false);
    }
    diesel::insert_into(esc::table)
        .values((esc::request_id.eq(request_id), esc::escalated_by.eq(by), esc::escalated_at.eq(at)))
        .execute(conn)?;
    Ok(true)
}

/// Who forwarded the request, by name, if anyone did.
pub fn escalated_by(conn: &mut DbConnection, request_id: &str) -> QueryResult<Option<String>> {
    esc::table
        .inner_join(persons::table.on(persons::pid.eq(esc::escalated_by)))
        .filter(esc::request_id.eq(request_id))
        .select(persons::name)
        .first(conn)
        .optional()
}
