//! Access packages: bundles of rights that clients give their accounting firm, and that
//! agent systems, requests and system users carry.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{
    access_packages, package_resources, relation_packages, request_access_packages, system_access_packages,
    system_user_access_packages,
};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = access_packages, primary_key(urn))]
pub struct AccessPackage {
    pub urn: String,
    pub name: String,
    pub description: String,
    /// An organisation's own people can be given it (Altinn's `isAssignable`).
    pub assignable: bool,
    /// It can be delegated on, as clients do to their facilitator (`isDelegable`).
    pub delegable: bool,
    pub name_nn: String,
    pub name_en: String,
    pub description_nn: String,
    pub description_en: String,
}

impl AccessPackage {
    /// Bokmål, nynorsk, English (see `I18n::pick`).
    pub fn names(&self) -> [&str; 3] {
        [&self.name, &self.name_nn, &self.name_en]
    }

    pub fn descriptions(&self) -> [&str; 3] {
        [&self.description, &self.description_nn, &self.description_en]
    }
}

/// A client relation that gives a facilitator a package: the relation's role, and the
/// organisation forms of clients it gives it for (None: every form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carrier {
    pub role_code: String,
    pub org_forms: Option<Vec<String>>,
}

impl Carrier {
    /// Whether the relation gives the package for a client of this form.
    pub fn gives_for(&self, org_form: &str) -> bool {
        self.org_forms.as_ref().is_none_or(|forms| forms.iter().any(|f| f == org_form))
    }
}

pub fn insert(conn: &mut DbConnection, package: &AccessPackage) -> QueryResult<()> {
    diesel::insert_into(access_packages::table).values(package).execute(conn).map(drop)
}

/// Records that a relation of kind `role_code` gives the facilitator the package, for
/// clients of `org_forms` only when given.
pub fn insert_relation_package(
    conn: &mut DbConnection,
    role_code: &str,
    urn: &str,
    org_forms: Option<&[&str]>,
) -> QueryResult<()> {
    diesel::insert_into(relation_packages::table)
        .values((
            relation_packages::role_code.eq(role_code),
            relation_packages::package_urn.eq(urn),
            relation_packages::client_org_forms.eq(org_forms.map(|f| f.join(","))),
        ))
        .execute(conn)
        .map(drop)
}

/// Writes the package as given, replacing what is stored under its URN: the package, the
/// relations that give it, and the resources it holds.
pub fn save(
    conn: &mut DbConnection,
    package: &AccessPackage,
    carriers: &[Carrier],
    resources: &[String],
) -> QueryResult<()> {
    diesel::delete(relation_packages::table.filter(relation_packages::package_urn.eq(&package.urn))).execute(conn)?;
    diesel::delete(package_resources::table.filter(package_resources::package_urn.eq(&package.urn))).execute(conn)?;
    let exists = diesel::update(access_packages::table.find(&package.urn)).set(package).execute(conn)? > 0;
    if !exists {
        insert(conn, package)?;
    }
    for carrier in carriers {
        let forms: Option<Vec<&str>> = carrier.org_forms.as_ref().map(|f| f.iter().map(String::as_str).collect());
        insert_relation_package(conn, &carrier.role_code, &package.urn, forms.as_deref())?;
    }
    for resource in resources {
        insert_package_resource(conn, &package.urn, resource)?;
    }
    Ok(())
}

/// `(package urn, carrier)` for every relation kind that gives a package.
pub fn relation_packages(conn: &mut DbConnection) -> QueryResult<Vec<(String, Carrier)>> {
    let query = relation_packages::table
        .select((relation_packages::package_urn, relation_packages::role_code, relation_packages::client_org_forms))
        .order((relation_packages::role_code, relation_packages::package_urn));
    let rows: Vec<(String, String, Option<String>)> = super::natively!(conn, |c| query.load(c))?;
    Ok(rows
        .into_iter()
        .map(|(urn, role_code, forms)| {
            let org_forms = forms.map(|f| f.split(',').map(str::to_owned).collect());
            (urn, Carrier { role_code, org_forms })
        })
        .collect())
}

pub fn insert_package_resource(conn: &mut DbConnection, urn: &str, resource_id: &str) -> QueryResult<()> {
    diesel::insert_into(package_resources::table)
        .values((package_resources::package_urn.eq(urn), package_resources::resource_id.eq(resource_id)))
        .execute(conn)
        .map(drop)
}

/// The resources the packages hold, each once, in id order.
pub fn resources_of(conn: &mut DbConnection, urns: &[String]) -> QueryResult<Vec<String>> {
    package_resources::table
        .filter(package_resources::package_urn.eq_any(urns))
        .select(package_resources::resource_id)
        .distinct()
        .order(package_resources::resource_id)
        .load(conn)
}

/// Packages by urn, in the order of their names; unknown urns are left out.
pub fn by_urns(conn: &mut DbConnection, urns: &[String]) -> QueryResult<Vec<AccessPackage>> {
    access_packages::table
        .filter(access_packages::urn.eq_any(urns))
        .order(access_packages::name)
        .select(AccessPackage::as_select())
        .load(conn)
}

pub fn add_to_system(conn: &mut DbConnection, system_id: &str, urn: &str) -> QueryResult<()> {
    diesel::insert_into(system_access_packages::table)
        .values((system_access_packages::system_id.eq(system_id), system_access_packages::package_urn.eq(urn)))
        .execute(conn)
        .map(drop)
}

pub fn of_system(conn: &mut DbConnection, system_id: &str) -> QueryResult<Vec<AccessPackage>> {
    system_access_packages::table
        .inner_join(access_packages::table)
        .filter(system_access_packages::system_id.eq(system_id))
        .order(access_packages::name)
        .select(AccessPackage::as_select())
        .load(conn)
}

pub fn add_to_request(conn: &mut DbConnection, request_id: &str, urns: &[String]) -> QueryResult<()> {
    for urn in urns {
        diesel::insert_into(request_access_packages::table)
            .values((request_access_packages::request_id.eq(request_id), request_access_packages::package_urn.eq(urn)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn of_request(conn: &mut DbConnection, request_id: &str) -> QueryResult<Vec<AccessPackage>> {
    request_access_packages::table
        .inner_join(access_packages::table)
        .filter(request_access_packages::request_id.eq(request_id))
        .order(access_packages::name)
        .select(AccessPackage::as_select())
        .load(conn)
}

pub fn add_to_system_user(conn: &mut DbConnection, system_user_id: &str, urns: &[String]) -> QueryResult<()> {
    for urn in urns {
        diesel::insert_into(system_user_access_packages::table)
            .values((
                system_user_access_packages::system_user_id.eq(system_user_id),
                system_user_access_packages::package_urn.eq(urn),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The package URNs of several system users at once, as (system user id, URN) pairs.
pub fn urns_of_system_users(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    system_user_access_packages::table
        .filter(system_user_access_packages::system_user_id.eq_any(ids))
        .order((system_user_access_packages::system_user_id, system_user_access_packages::package_urn))
        .select((system_user_access_packages::system_user_id, system_user_access_packages::package_urn))
        .load(conn)
}

/// The system user's packages by name (sorted here: a few rows cost less to sort than
/// setting up SQLite's sorter).
pub fn of_system_user(conn: &mut DbConnection, system_user_id: &str) -> QueryResult<Vec<AccessPackage>> {
    let mut packages: Vec<AccessPackage> = super::natively!(conn, |c| system_user_access_packages::table
        .inner_join(access_packages::table)
        .filter(system_user_access_packages::system_user_id.eq(system_user_id))
        .select(AccessPackage::as_select())
        .load(c))?;
    packages.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    Ok(packages)
}

pub fn replace_for_system(conn: &mut DbConnection, system_id: &str, urns: &[String]) -> QueryResult<()> {
    diesel::delete(system_access_packages::table.filter(system_access_packages::system_id.eq(system_id)))
        .execute(conn)?;
    for urn in urns {
        add_to_system(conn, system_id, urn)?;
    }
    Ok(())
}

pub fn remove_from_system_user(conn: &mut DbConnection, system_user_id: &str, urns: &[String]) -> QueryResult<()> {
    diesel::delete(
        system_user_access_packages::table
            .filter(system_user_access_packages::system_user_id.eq(system_user_id))
            .filter(system_user_access_packages::package_urn.eq_any(urns)),
    )
    .execute(conn)
    .map(drop)
}
