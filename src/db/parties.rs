//! Organisations, persons and the roles a person holds for an organisation.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{organisations, party_roles, persons};
use crate::support::sort_key;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub org_no: String,
    pub name: String,
    /// The name lower-cased without spaces, for searching alike on both backends.
    pub search_key: String,
    /// The form of organisation in the Enhetsregister (AS, ESEK, BRL, …).
    pub org_form: String,
    /// The party's UUID, by which Altinn's client API names it.
    pub party_uuid: String,
    /// The name as Norwegians sort it ([`crate::support::sort_key`]).
    pub name_sort: String,
}

impl Organisation {
    /// A limited company (AS) with a new party UUID.
    pub fn new(org_no: &str, name: &str) -> Self {
        Self::of_form(org_no, name, "AS")
    }

    pub fn of_form(org_no: &str, name: &str, org_form: &str) -> Self {
        Self {
            org_no: org_no.to_owned(),
            name: name.to_owned(),
            search_key: search_key(name),
            org_form: org_form.to_owned(),
            party_uuid: uuid::Uuid::new_v4().to_string(),
            name_sort: sort_key(name),
        }
    }
}

/// Lower case without white space: how names are stored and queries compared.
pub fn search_key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = persons)]
pub struct Person {
    pub pid: String,
    pub name: String,
    /// Names the person in the portal's addresses in place of the identity number.
    pub party_uuid: String,
    /// The name as Norwegians sort it ([`crate::support::sort_key`]).
    pub name_sort: String,
}

impl Person {
    /// A person with a new party UUID.
    pub fn new(pid: &str, name: &str) -> Self {
        Self {
            pid: pid.to_owned(),
            name: name.to_owned(),
            party_uuid: uuid::Uuid::new_v4().to_string(),
            name_sort: sort_key(name),
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = party_roles)]
pub struct NewPartyRole<'a> {
    pub pid: &'a str,
    pub org_no: &'a str,
    pub role_code: &'a str,
}

pub fn insert_organisation(conn: &mut DbConnection, org: &Organisation) -> QueryResult<()> {
    diesel::insert_into(organisations::table).values(org).execute(conn).map(drop)
}

pub fn insert_person(conn: &mut DbConnection, person: &Person) -> QueryResult<()> {
    diesel::insert_into(persons::table).values(person).execute(conn).map(drop)
}

pub fn insert_role(conn: &mut DbConnection, role: &NewPartyRole) -> QueryResult<()> {
    diesel::insert_into(party_roles::table).values(role).execute(conn).map(drop)
}

/// Inserts many organisations, persons and roles at once (generated data).
pub fn insert_many(
    conn: &mut DbConnection,
    orgs: &[Organisation],
    people: &[Person],
    roles: &[NewPartyRole],
) -> QueryResult<()> {
    super::insert_batches!(conn, organisations::table, orgs)?;
    super::insert_batches!(conn, persons::table, people)?;
    super::insert_batches!(conn, party_roles::table, roles)
}

/// Sets the organisation's name (with its search key) and form to the register's.
pub fn update_organisation(conn: &mut DbConnection, org: &Organisation) -> QueryResult<()> {
    diesel::update(organisations::table.find(&org.org_no))
        .set((
            organisations::name.eq(&org.name),
            organisations::name_sort.eq(&org.name_sort),
            organisations::search_key.eq(&org.search_key),
            organisations::org_form.eq(&org.org_form),
        ))
        .execute(conn)
        .map(drop)
}

pub fn rename_person(conn: &mut DbConnection, pid: &str, name: &str) -> QueryResult<()> {
    diesel::update(persons::table.find(pid))
        .set((persons::name.eq(name), persons::name_sort.eq(sort_key(name))))
        .execute(conn)
        .map(drop)
}

pub fn person(conn: &mut DbConnection, pid: &str) -> QueryResult<Option<Person>> {
    persons::table.find(pid).select(Person::as_select()).first(conn).optional()
}

pub fn person_by_uuid(conn: &mut DbConnection, party_uuid: &str) -> QueryResult<Option<Person>> {
    persons::table.filter(persons::party_uuid.eq(party_uuid)).select(Person::as_select()).first(conn).optional()
}

/// The persons holding any role for the organisation, each with one of its role codes
/// (a person appears once a role), by name.
pub fn people_of(conn: &mut DbConnection, org_no: &str) -> QueryResult<Vec<(Person, String)>> {
    let query = persons::table
        .inner_join(party_roles::table)
        .filter(party_roles::org_no.eq(org_no))
        .select(((persons::pid, persons::name, persons::party_uuid, persons::name_sort), party_roles::role_code))
        .order((persons::name_sort, persons::pid, party_roles::role_code));
    super::natively!(conn, |c| query.load(c))
}

/// The first `limit` persons by name holding any role for the organisation, each with
/// one of its role codes (a person appears once a role): a page of a large organisation's
/// people, two statements by key however many there are.
pub fn first_people_of(conn: &mut DbConnection, org_no: &str, limit: i64) -> QueryResult<Vec<(Person, String)>> {
    let first = party_roles::table
        .inner_join(persons::table)
        .filter(party_roles::org_no.eq(org_no))
        .select((persons::name_sort, persons::pid))
        .distinct()
        .order((persons::name_sort, persons::pid))
        .limit(limit);
    let named: Vec<(String, String)> = super::natively!(conn, |c| first.load(c))?;
    let pids: Vec<String> = named.into_iter().map(|(_, pid)| pid).collect();
    let query = persons::table
        .inner_join(party_roles::table)
        .filter(party_roles::org_no.eq(org_no))
        .filter(persons::pid.eq_any(&pids))
        .select(((persons::pid, persons::name, persons::party_uuid, persons::name_sort), party_roles::role_code))
        .order((persons::name_sort, persons::pid, party_roles::role_code));
    query.load(conn)
}

/// How many persons hold a role for the organisation.
pub fn count_people_of(conn: &mut DbConnection, org_no: &str) -> QueryResult<i64> {
    let query = party_roles::table
        .filter(party_roles::org_no.eq(org_no))
        .select(diesel::dsl::count(party_roles::pid).aggregate_distinct());
    super::natively!(conn, |c| query.get_result(c))
}

/// Removes one role; the number of rows removed (0 when the person did not hold it).
pub fn delete_role(conn: &mut DbConnection, role: &NewPartyRole) -> QueryResult<usize> {
    diesel::delete(party_roles::table.find((role.pid, role.org_no, role.role_code))).execute(conn)
}

pub fn count_persons(conn: &mut DbConnection) -> QueryResult<i64> {
    persons::table.count().get_result(conn)
}

/// The persons of these identity numbers that exist, by name.
pub fn persons_by_pid(conn: &mut DbConnection, pids: &[&str]) -> QueryResult<Vec<Person>> {
    persons::table.filter(persons::pid.eq_any(pids)).order(persons::name_sort).select(Person::as_select()).load(conn)
}

pub fn organisation(conn: &mut DbConnection, org_no: &str) -> QueryResult<Option<Organisation>> {
    super::natively!(conn, |c| organisations::table.find(org_no).select(Organisation::as_select()).first(c).optional())
}

pub fn organisation_by_uuid(conn: &mut DbConnection, party_uuid: &str) -> QueryResult<Option<Organisation>> {
    organisations::table
        .filter(organisations::party_uuid.eq(party_uuid))
        .select(Organisation::as_select())
        .first(conn)
        .optional()
}

/// A role the person holds, with the organisation's name and the person's own.
#[derive(Debug, Clone, Queryable)]
pub struct HeldRole {
    pub person_name: String,
    pub org_no: String,
    pub org_name: String,
    pub role_code: String,
}

/// Every role the person holds, by organisation name as Norwegians sort it: one statement from the person's
/// roles (a few rows by key), never through the organisations. Sorted here: setting up
/// SQLite's sorter costs more than sorting a person's few roles.
pub fn roles_of(conn: &mut DbConnection, pid: &str) -> QueryResult<Vec<HeldRole>> {
    let query = party_roles::table
        .inner_join(persons::table)
        .inner_join(organisations::table)
        .filter(party_roles::pid.eq(pid))
        .select((persons::name, organisations::org_no, organisations::name, party_roles::role_code));
    let mut held: Vec<HeldRole> = super::natively!(conn, |c| query.load(c))?;
    held.sort_by_cached_key(|r| (sort_key(&r.org_name), r.org_no.clone(), r.role_code.clone()));
    Ok(held)
}

pub fn role_codes(conn: &mut DbConnection, pid: &str, org_no: &str) -> QueryResult<Vec<String>> {
    let query = party_roles::table
        .filter(party_roles::pid.eq(pid))
        .filter(party_roles::org_no.eq(org_no))
        .select(party_roles::role_code)
        .order(party_roles::role_code);
    super::natively!(conn, |c| query.load(c))
}

/// Names of the persons holding one of `role_codes` for the organisation. The roles are
/// picked here rather than by an `IN` list, which SQLite would prepare anew each time.
pub fn holders_of(conn: &mut DbConnection, org_no: &str, role_codes: &[&str]) -> QueryResult<Vec<String>> {
    let query = persons::table
        .inner_join(party_roles::table)
        .filter(party_roles::org_no.eq(org_no))
        .select((persons::name, party_roles::role_code))
        .order(persons::name_sort);
    let held: Vec<(String, String)> = super::natively!(conn, |c| query.load(c))?;
    let mut names: Vec<String> =
        held.into_iter().filter(|(_, code)| role_codes.contains(&code.as_str())).map(|(name, _)| name).collect();
    names.dedup();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    #[test]
    fn people_are_listed_as_norwegians_sort_names_also_after_a_rename() {
        let mut conn = demo_db();
        insert_organisation(&mut conn, &Organisation::new("390000001", "NAVNEFOLK AS")).unwrap();
        let people = [
            ("01010100001", "ÅSE ÅS"),
            ("01010100002", "ØYVIND ØRN"),
            ("01010100003", "ÆSA ÆR"),
            ("01010100004", "ZARA ZED"),
        ];
        for (pid, name) in people {
            insert_person(&mut conn, &Person::new(pid, name)).unwrap();
            insert_role(&mut conn, &NewPartyRole { pid, org_no: "390000001", role_code: "DAGL" }).unwrap();
        }
        let listed = |conn: &mut DbConnection| -> Vec<String> {
            first_people_of(conn, "390000001", 10).unwrap().into_iter().map(|(p, _)| p.name).collect()
        };
        assert_eq!(listed(&mut conn), ["ZARA ZED", "ÆSA ÆR", "ØYVIND ØRN", "ÅSE ÅS"]);
        rename_person(&mut conn, "01010100004", "ÅGOT ZED").unwrap();
        assert_eq!(listed(&mut conn), ["ÆSA ÆR", "ØYVIND ØRN", "ÅGOT ZED", "ÅSE ÅS"]);
        // And a person's organisations, as the header's party switcher offers them.
        insert_organisation(&mut conn, &Organisation::new("390000002", "ÅLESUND AS")).unwrap();
        insert_organisation(&mut conn, &Organisation::new("390000003", "ZETA AS")).unwrap();
        for org_no in ["390000002", "390000003"] {
            insert_role(&mut conn, &NewPartyRole { pid: "01010100001", org_no, role_code: "DAGL" }).unwrap();
        }
        let parties: Vec<String> =
            roles_of(&mut conn, "01010100001").unwrap().into_iter().map(|r| r.org_name).collect();
        assert_eq!(parties, ["NAVNEFOLK AS", "ZETA AS", "ÅLESUND AS"]);
    }

    #[test]
    fn the_migrations_sort_keys_are_the_ones_the_portal_writes() {
        let mut conn = demo_db();
        insert_organisation(&mut conn, &Organisation::new("390000011", "Øvre Ås Bärum AS")).unwrap();
        insert_person(&mut conn, &Person::new("01010100011", "Åsmund Ørjasæter Öberg")).unwrap();
        let keys = |conn: &mut DbConnection| -> (Vec<String>, Vec<String>) {
            let orgs = organisations::table.select(organisations::name_sort).order(organisations::org_no).load(conn);
            (orgs.unwrap(), persons::table.select(persons::name_sort).order(persons::pid).load(conn).unwrap())
        };
        let written = keys(&mut conn);
        assert!(written.1.contains(&"]smund \\rjas{ter \\berg".to_owned()), "{written:?}");
        let migration = include_str!("../../migrations/sqlite/2026-12-03-000017_names_in_norwegian_order/up.sql");
        for update in migration.split(';').filter(|s| s.contains("SET name_sort")) {
            diesel::sql_query(update).execute(&mut conn).unwrap();
        }
        assert_eq!(keys(&mut conn), written, "the migration fills the keys the portal keeps");
    }
}
