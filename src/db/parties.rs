//! Organisations, persons and the roles a person holds for an organisation.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{organisations, party_roles, persons};

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
}

impl Person {
    /// A person with a new party UUID.
    pub fn new(pid: &str, name: &str) -> Self {
        Self { pid: pid.to_owned(), name: name.to_owned(), party_uuid: uuid::Uuid::new_v4().to_string() }
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
            organisations::search_key.eq(&org.search_key),
            organisations::org_form.eq(&org.org_form),
        ))
        .execute(conn)
        .map(drop)
}

pub fn rename_person(conn: &mut DbConnection, pid: &str, name: &str) -> QueryResult<()> {
    diesel::update(persons::table.find(pid)).set(persons::name.eq(name)).execute(conn).map(drop)
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
        .select(((persons::pid, persons::name, persons::party_uuid), party_roles::role_code))
        .order((persons::name, persons::pid, party_roles::role_code));
    super::natively!(conn, |c| query.load(c))
}

/// The first `limit` persons by name holding any role for the organisation, each with
/// one of its role codes (a person appears once a role): a page of a large organisation's
/// people, two statements by key however many there are.
pub fn first_people_of(conn: &mut DbConnection, org_no: &str, limit: i64) -> QueryResult<Vec<(Person, String)>> {
    let first = party_roles::table
        .inner_join(persons::table)
        .filter(party_roles::org_no.eq(org_no))
        .select((persons::name, persons::pid))
        .distinct()
        .order((persons::name, persons::pid))
        .limit(limit);
    let named: Vec<(String, String)> = super::natively!(conn, |c| first.load(c))?;
    let pids: Vec<String> = named.into_iter().map(|(_, pid)| pid).collect();
    let query = persons::table
        .inner_join(party_roles::table)
        .filter(party_roles::org_no.eq(org_no))
        .filter(persons::pid.eq_any(&pids))
        .select(((persons::pid, persons::name, persons::party_uuid), party_roles::role_code))
        .order((persons::name, persons::pid, party_roles::role_code));
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
    persons::table.filter(persons::pid.eq_any(pids)).order(persons::name).select(Person::as_select()).load(conn)
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

/// Every role the person holds, by organisation name: one statement from the person's
/// roles (a few rows by key), never through the organisations. Sorted here: setting up
/// SQLite's sorter costs more than sorting a person's few roles.
pub fn roles_of(conn: &mut DbConnection, pid: &str) -> QueryResult<Vec<HeldRole>> {
    let query = party_roles::table
        .inner_join(persons::table)
        .inner_join(organisations::table)
        .filter(party_roles::pid.eq(pid))
        .select((persons::name, organisations::org_no, organisations::name, party_roles::role_code));
    let mut held: Vec<HeldRole> = super::natively!(conn, |c| query.load(c))?;
    held.sort_unstable_by(|a, b| (&a.org_name, &a.org_no, &a.role_code).cmp(&(&b.org_name, &b.org_no, &b.role_code)));
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
        .order(persons::name);
    let held: Vec<(String, String)> = super::natively!(conn, |c| query.load(c))?;
    let mut names: Vec<String> =
        held.into_iter().filter(|(_, code)| role_codes.contains(&code.as_str())).map(|(name, _)| name).collect();
    names.dedup();
    Ok(names)
}
