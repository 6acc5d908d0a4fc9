//! Vendor requests for a system user and the rights each asks for.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::kinds::{RequestStatus, UserType};
use super::resources::Resource;
use super::schema::{persons, request_escalations as esc, request_rights, resources, system_user_requests as req};

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
    /// Set when the vendor deleted (withdrew or renewed) the request.
    pub deleted_at: Option<NaiveDateTime>,
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

/// Inserts many requests, each with one right (generated data).
pub fn insert_many(conn: &mut DbConnection, requests: &[Request], right: &str) -> QueryResult<()> {
    super::insert_batches!(conn, req::table, requests)?;
    let rights: Vec<_> = requests
        .iter()
        .map(|r| (request_rights::request_id.eq(&r.id), request_rights::resource_id.eq(right)))
        .collect();
    super::insert_batches!(conn, request_rights::table, rights)
}

/// A request the vendor has not deleted.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Request>> {
    super::natively!(conn, |c| req::table
        .find(id)
        .filter(req::deleted_at.is_null())
        .select(Request::as_select())
        .first(c)
        .optional())
}

/// The live request of one kind for the triple, whatever its status.
pub fn find_live(
    conn: &mut DbConnection,
    party_org_no: &str,
    system_id: &str,
    external_ref: &str,
    user_type: UserType,
) -> QueryResult<Option<Request>> {
    req::table
        .filter(req::party_org_no.eq(party_org_no))
        .filter(req::system_id.eq(system_id))
        .filter(req::external_ref.eq(external_ref))
        .filter(req::user_type.eq(user_type))
        .filter(req::deleted_at.is_null())
        .select(Request::as_select())
        .first(conn)
        .optional()
}

/// One page of a system's live requests of one user type in id order, from `from` on.
pub fn page_by_system(
    conn: &mut DbConnection,
    system_id: &str,
    user_type: UserType,
    from: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Request>> {
    let mut query = req::table
        .filter(req::system_id.eq(system_id))
        .filter(req::user_type.eq(user_type))
        .filter(req::deleted_at.is_null())
        .order(req::id)
        .limit(limit)
        .select(Request::as_select())
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(req::id.ge(from.to_owned()));
    }
    query.load(conn)
}

/// A pending request with its system's names, its vendor's name, and who forwarded it
/// to the access managers and when, if anyone did.
pub type PendingRow = (Request, super::systems::NameRow, String, Option<String>, Option<NaiveDateTime>, Option<String>);

/// Pending requests for a party as its overview lists them, newest first: each with its
/// system's names, the vendor's name, who forwarded it and when, and the live system
/// user of the same party, system and reference that already covers it, if any.
pub fn pending_for_party(conn: &mut DbConnection, party_org_no: &str) -> QueryResult<Vec<PendingRow>> {
    use super::schema::system_users as su;
    use super::schema::{organisations, systems};
    super::natively!(conn, |c| req::table
        .inner_join(systems::table.inner_join(organisations::table))
        .left_join(esc::table.on(esc::request_id.eq(req::id)))
        .left_join(persons::table.on(persons::pid.nullable().eq(esc::escalated_by.nullable())))
        .left_join(
            su::table.on(su::party_org_no
                .eq(req::party_org_no)
                .and(su::system_id.eq(req::system_id))
                .and(su::external_ref.eq(req::external_ref))
                .and(su::deleted_at.is_null())
                .and(su::id.ne(req::id))),
        )
        .filter(req::party_org_no.eq(party_org_no))
        .filter(req::status.eq(RequestStatus::New))
        .filter(req::deleted_at.is_null())
        .order((req::created.desc(), req::id))
        .select((
            Request::as_select(),
            (systems::name, systems::name_nn, systems::name_en),
            organisations::name,
            persons::name.nullable(),
            esc::escalated_at.nullable(),
            su::id.nullable(),
        ))
        .load(c))
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
    diesel::update(
        req::table
            .filter(req::id.eq(id))
            .filter(req::status.eq(RequestStatus::New))
            .filter(req::deleted_at.is_null())
            // Its vendor told it timed out: it stays so (nodes' clocks may differ a little).
            .filter(req::timeout_told_at.is_null()),
    )
    .set((req::status.eq(status), req::handled_by.eq(by), req::handled_at.eq(at)))
    .execute(conn)
    .map(|n| n == 1)
}

/// Marks a live request deleted, whatever its status; false when it already was.
pub fn soft_delete(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(req::table.filter(req::id.eq(id)).filter(req::deleted_at.is_null()))
        .set(req::deleted_at.eq(at))
        .execute(conn)
        .map(|n| n == 1)
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

/// Which of the requests were forwarded to the access managers.
pub fn escalated_among(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<String>> {
    esc::table.filter(esc::request_id.eq_any(ids)).select(esc::request_id).load(conn)
}

/// The ids of the party's open requests the person forwarded, oldest first.
pub fn forwarded_by_person(conn: &mut DbConnection, party_org_no: &str, pid: &str) -> QueryResult<Vec<String>> {
    req::table
        .inner_join(esc::table.on(esc::request_id.eq(req::id)))
        .filter(req::party_org_no.eq(party_org_no))
        .filter(esc::escalated_by.eq(pid))
        .filter(req::status.eq(RequestStatus::New))
        .filter(req::deleted_at.is_null())
        .order(esc::escalated_at)
        .select(req::id)
        .load(conn)
}

/// Who forwarded the request, by name, if anyone did.
pub fn escalated_by(conn: &mut DbConnection, request_id: &str) -> QueryResult<Option<(String, NaiveDateTime)>> {
    esc::table
        .inner_join(persons::table.on(persons::pid.eq(esc::escalated_by)))
        .filter(esc::request_id.eq(request_id))
        .select((persons::name, esc::escalated_at))
        .first(conn)
        .optional()
}

/// Up to `limit` requests still new that were made before `before` and whose vendor has
/// not been told they timed out, oldest first.
pub fn untold_timeouts(conn: &mut DbConnection, before: NaiveDateTime, limit: i64) -> QueryResult<Vec<Request>> {
    req::table
        .filter(req::status.eq(RequestStatus::New))
        .filter(req::timeout_told_at.is_null())
        .filter(req::deleted_at.is_null())
        .filter(req::created.lt(before))
        .order(req::created)
        .limit(limit)
        .select(Request::as_select())
        .load(conn)
}

/// Notes that the vendor is told the request timed out; false when it already was (or it
/// was handled meanwhile), so only one node tells.
pub fn tell_timeout(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        req::table.find(id).filter(req::status.eq(RequestStatus::New)).filter(req::timeout_told_at.is_null()),
    )
    .set(req::timeout_told_at.eq(Some(at)))
    .execute(conn)
    .map(|n| n == 1)
}
