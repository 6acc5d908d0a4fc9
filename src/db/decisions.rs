//! What the PDP reads, as sets: every question of a multi request is answered from these
//! few statements together, never one round trip a question. Only live rows are read,
//! so a deletion, a removed client or a register change counts at once.

use diesel::dsl::{exists, sql};
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::DbConnection;
use super::kinds::UserType;
use super::schema::{
    client_delegations as cd, organisations, package_resources as pr, party_roles, persons, resources,
    system_user_access_packages as sap, system_user_rights as sur, system_users as su,
};

/// One question about a system user, read in one statement: the service's policy, and
/// what the system user (when live) holds of it and for the organisation asked about.
#[derive(Debug, Clone, Queryable)]
pub struct Standing {
    pub actions: String,
    pub authentication_level: i64,
    pub user_type: Option<UserType>,
    pub party_org_no: Option<String>,
    pub by_right: bool,
    pub by_package: bool,
    pub attached: bool,
}

/// The [`Standing`] of the system user `id` on the service for `org_no`; None when the
/// service is unknown.
pub fn standing(conn: &mut DbConnection, id: &str, resource: &str, org_no: &str) -> QueryResult<Option<Standing>> {
    let by_right = exists(sur::table.filter(sur::system_user_id.eq(id)).filter(sur::resource_id.eq(resource)));
    let by_package = exists(
        sap::table
            .inner_join(pr::table.on(pr::package_urn.eq(sap::package_urn)))
            .filter(sap::system_user_id.eq(id))
            .filter(pr::resource_id.eq(resource)),
    );
    let attached = exists(cd::table.filter(cd::system_user_id.eq(id)).filter(cd::client_org_no.eq(org_no)));
    let query = resources::table
        .left_join(su::table.on(su::id.eq(id).and(su::deleted_at.is_null())))
        .filter(resources::id.eq(resource))
        .select((
            resources::actions,
            resources::authentication_level,
            su::user_type.nullable(),
            su::party_org_no.nullable(),
            by_right,
            by_package,
            attached,
        ));
    super::natively!(conn, |c| query.first(c).optional())
}

/// `(id, kind, own party)` of the live system users among `ids`.
pub fn live_system_users(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<Vec<(String, UserType, String)>> {
    let query = su::table.filter(su::id.eq_any(ids)).filter(su::deleted_at.is_null()).select((
        su::id,
        su::user_type,
        su::party_org_no,
    ));
    super::natively!(conn, |c| query.load(c))
}

/// `(system user, service, through a package)` for each of the `resources` the system
/// users among `ids` hold, through a single right or an access package.
pub fn holdings(conn: &mut DbConnection, ids: &[&str], resources: &[&str]) -> QueryResult<Vec<(String, String, bool)>> {
    let by_right = sur::table
        .filter(sur::system_user_id.eq_any(ids))
        .filter(sur::resource_id.eq_any(resources))
        .select((sur::system_user_id, sur::resource_id, sql::<Bool>("1 = 0")));
    let by_package = sap::table
        .inner_join(pr::table.on(pr::package_urn.eq(sap::package_urn)))
        .filter(sap::system_user_id.eq_any(ids))
        .filter(pr::resource_id.eq_any(resources))
        .select((sap::system_user_id, pr::resource_id, sql::<Bool>("1 = 1")));
    super::natively!(conn, |c| by_right.union_all(by_package).load(c))
}

/// `(system user, client)` for the clients among `orgs` attached to the agent system
/// users among `ids`.
pub fn attached_among(conn: &mut DbConnection, ids: &[&str], orgs: &[&str]) -> QueryResult<Vec<(String, String)>> {
    let query = cd::table
        .filter(cd::system_user_id.eq_any(ids))
        .filter(cd::client_org_no.eq_any(orgs))
        .select((cd::system_user_id, cd::client_org_no));
    super::natively!(conn, |c| query.load(c))
}

/// `(party uuid, organisation number)` of the organisations among the party `uuids`.
pub fn organisations_by_uuid(conn: &mut DbConnection, uuids: &[&str]) -> QueryResult<Vec<(String, String)>> {
    let query = organisations::table
        .filter(organisations::party_uuid.eq_any(uuids))
        .select((organisations::party_uuid, organisations::org_no));
    super::natively!(conn, |c| query.load(c))
}

/// `(national identity number, party uuid)` of the persons known by one or the other
/// (a statement for each that is given, so each reads its own index).
pub fn persons_among(conn: &mut DbConnection, pids: &[&str], uuids: &[&str]) -> QueryResult<Vec<(String, String)>> {
    let columns = (persons::pid, persons::party_uuid);
    let mut found = Vec::new();
    if !pids.is_empty() {
        let query = persons::table.filter(persons::pid.eq_any(pids)).select(columns);
        found.extend(super::natively!(conn, |c| query.load::<(String, String)>(c))?);
    }
    if !uuids.is_empty() {
        let query = persons::table.filter(persons::party_uuid.eq_any(uuids)).select(columns);
        found.extend(super::natively!(conn, |c| query.load::<(String, String)>(c))?);
    }
    Ok(found)
}

/// `(person, organisation, role code)` for the roles the persons among `pids` hold for
/// the organisations among `orgs` (the register's and those given in the portal).
pub fn roles_among(
    conn: &mut DbConnection,
    pids: &[&str],
    orgs: &[&str],
) -> QueryResult<Vec<(String, String, String)>> {
    let query = party_roles::table
        .filter(party_roles::pid.eq_any(pids))
        .filter(party_roles::org_no.eq_any(orgs))
        .select((party_roles::pid, party_roles::org_no, party_roles::role_code));
    super::natively!(conn, |c| query.load(c))
}
