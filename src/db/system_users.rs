//! System users (system accesses) and the rights delegated to them. Deletion is soft:
//! a deleted row keeps who deleted it and when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::kinds::UserType;
use super::parties::Organisation;
use super::resources::Resource;
use super::schema::{organisations, resources, system_user_rights, system_users as su, systems};
use super::systems::System;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = su)]
pub struct SystemUser {
    pub id: String,
    pub system_id: String,
    pub party_org_no: String,
    pub external_ref: String,
    pub user_type: UserType,
    pub integration_title: String,
    pub created: NaiveDateTime,
    pub created_by: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted_by: Option<String>,
}

/// Inserts the system user and its rights; the caller runs this inside a transaction.
pub fn insert(conn: &mut DbConnection, user: &SystemUser, rights: &[String]) -> QueryResult<()> {
    diesel::insert_into(su::table).values(user).execute(conn)?;
    add_rights(conn, &user.id, rights)
}

/// Inserts many system users, each with one right (generated data).
pub fn insert_many(conn: &mut DbConnection, users: &[SystemUser], right: &str) -> QueryResult<()> {
    super::insert_batches!(conn, su::table, users)?;
    let rights: Vec<_> = users
        .iter()
        .map(|u| (system_user_rights::system_user_id.eq(&u.id), system_user_rights::resource_id.eq(right)))
        .collect();
    super::insert_batches!(conn, system_user_rights::table, rights)
}

pub fn find_live(conn: &mut DbConnection, id: &str) -> QueryResult<Option<SystemUser>> {
    super::natively!(conn, |c| su::table
        .filter(su::id.eq(id))
        .filter(su::deleted_at.is_null())
        .select(SystemUser::as_select())
        .first(c)
        .optional())
}

/// A system user that was deleted.
pub fn find_deleted(conn: &mut DbConnection, id: &str) -> QueryResult<Option<SystemUser>> {
    su::table
        .filter(su::id.eq(id))
        .filter(su::deleted_at.is_not_null())
        .select(SystemUser::as_select())
        .first(conn)
        .optional()
}

pub fn find_live_by_triple(
    conn: &mut DbConnection,
    party_org_no: &str,
    system_id: &str,
    external_ref: &str,
) -> QueryResult<Option<SystemUser>> {
    su::table
        .filter(su::party_org_no.eq(party_org_no))
        .filter(su::system_id.eq(system_id))
        .filter(su::external_ref.eq(external_ref))
        .filter(su::deleted_at.is_null())
        .select(SystemUser::as_select())
        .first(conn)
        .optional()
}

pub fn live_exists(
    conn: &mut DbConnection,
    party_org_no: &str,
    system_id: &str,
    external_ref: &str,
) -> QueryResult<bool> {
    Ok(find_live_by_triple(conn, party_org_no, system_id, external_ref)?.is_some())
}

/// `(system, id)` of the party's live system users with the given external reference.
pub fn live_with_ref(
    conn: &mut DbConnection,
    party_org_no: &str,
    external_ref: &str,
) -> QueryResult<Vec<(String, String)>> {
    su::table
        .filter(su::party_org_no.eq(party_org_no))
        .filter(su::external_ref.eq(external_ref))
        .filter(su::deleted_at.is_null())
        .select((su::system_id, su::id))
        .load(conn)
}

/// A party's live system users with their systems and vendors, newest first.
pub fn live_for_party(
    conn: &mut DbConnection,
    party_org_no: &str,
) -> QueryResult<Vec<(SystemUser, System, Organisation)>> {
    su::table
        .inner_join(systems::table.inner_join(organisations::table))
        .filter(su::party_org_no.eq(party_org_no))
        .filter(su::deleted_at.is_null())
        .order((su::created.desc(), su::id))
        .select((SystemUser::as_select(), System::as_select(), Organisation::as_select()))
        .load(conn)
}

/// What the party's overview shows of a live system user: only these columns are read.
#[derive(Debug, Clone, Queryable)]
pub struct Listed {
    pub id: String,
    pub user_type: UserType,
    pub integration_title: String,
    pub created: NaiveDateTime,
    /// The system's name in bokmål, nynorsk and English.
    pub system_names: super::systems::NameRow,
    pub vendor_name: String,
}

/// The party's live system users for its overview, newest first. Sorted here, like
/// [`super::parties::roles_of`]: a party's accesses are few, SQLite's sorter is costly.
pub fn listed_for_party(conn: &mut DbConnection, party_org_no: &str) -> QueryResult<Vec<Listed>> {
    let query = su::table
        .inner_join(systems::table.inner_join(organisations::table))
        .filter(su::party_org_no.eq(party_org_no))
        .filter(su::deleted_at.is_null())
        .select((
            su::id,
            su::user_type,
            su::integration_title,
            su::created,
            (systems::name, systems::name_nn, systems::name_en),
            organisations::name,
        ));
    let mut listed: Vec<Listed> = super::natively!(conn, |c| query.load(c))?;
    listed.sort_unstable_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    Ok(listed)
}

/// One page of a system's live system users in id order, from `from` on.
pub fn live_page_by_system(
    conn: &mut DbConnection,
    system_id: &str,
    from: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<SystemUser>> {
    let mut query = su::table
        .filter(su::system_id.eq(system_id))
        .filter(su::deleted_at.is_null())
        .order(su::id)
        .limit(limit)
        .select(SystemUser::as_select())
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(su::id.ge(from.to_owned()));
    }
    query.load(conn)
}

pub fn rights(conn: &mut DbConnection, system_user_id: &str) -> QueryResult<Vec<Resource>> {
    system_user_rights::table
        .inner_join(resources::table)
        .filter(system_user_rights::system_user_id.eq(system_user_id))
        .order(resources::title)
        .select(Resource::as_select())
        .load(conn)
}

/// Marks a live system user deleted, by a person or (`None`) by its vendor; returns false
/// if it already was.
pub fn soft_delete(conn: &mut DbConnection, id: &str, by: Option<&str>, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(su::table.filter(su::id.eq(id)).filter(su::deleted_at.is_null()))
        .set((su::deleted_at.eq(at), su::deleted_by.eq(by)))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn add_rights(conn: &mut DbConnection, system_user_id: &str, resource_ids: &[String]) -> QueryResult<()> {
    for resource_id in resource_ids {
        diesel::insert_into(system_user_rights::table)
            .values((
                system_user_rights::system_user_id.eq(system_user_id),
                system_user_rights::resource_id.eq(resource_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn remove_rights(conn: &mut DbConnection, system_user_id: &str, resource_ids: &[String]) -> QueryResult<()> {
    diesel::delete(
        system_user_rights::table
            .filter(system_user_rights::system_user_id.eq(system_user_id))
            .filter(system_user_rights::resource_id.eq_any(resource_ids)),
    )
    .execute(conn)
    .map(drop)
}
