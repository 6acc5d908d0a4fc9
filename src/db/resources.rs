//! Services (resources) and the roles that let a person delegate them.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{resource_grant_roles, resources};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = resources)]
pub struct Resource {
    pub id: String,
    pub title: String,
    pub description: String,
    pub title_nn: String,
    pub title_en: String,
    pub description_nn: String,
    pub description_en: String,
    /// The actions the service offers (`read`, `write`, `sign`, …), comma-separated.
    pub actions: String,
    /// The authentication level (0–4) its users must have logged in with.
    pub authentication_level: i64,
}

impl Resource {
    /// Bokmål, nynorsk, English (see `I18n::pick`).
    pub fn titles(&self) -> [&str; 3] {
        [&self.title, &self.title_nn, &self.title_en]
    }

    pub fn descriptions(&self) -> [&str; 3] {
        [&self.description, &self.description_nn, &self.description_en]
    }
}

pub fn insert(conn: &mut DbConnection, resource: &Resource, grant_roles: &[&str]) -> QueryResult<()> {
    diesel::insert_into(resources::table).values(resource).execute(conn)?;
    insert_grant_roles(conn, &resource.id, grant_roles)
}

fn insert_grant_roles(conn: &mut DbConnection, id: &str, grant_roles: &[&str]) -> QueryResult<()> {
    for role in grant_roles {
        diesel::insert_into(resource_grant_roles::table)
            .values((resource_grant_roles::resource_id.eq(id), resource_grant_roles::role_code.eq(role)))
            .execute(conn)?;
    }
    Ok(())
}

/// Writes the resource as given, replacing what is stored under its id and its roles.
pub fn save(conn: &mut DbConnection, resource: &Resource, grant_roles: &[&str]) -> QueryResult<()> {
    diesel::delete(resource_grant_roles::table.filter(resource_grant_roles::resource_id.eq(&resource.id)))
        .execute(conn)?;
    if diesel::update(resources::table.find(&resource.id)).set(resource).execute(conn)? == 0 {
        diesel::insert_into(resources::table).values(resource).execute(conn)?;
    }
    insert_grant_roles(conn, &resource.id, grant_roles)
}

/// `(resource id, role code)` for every role that grants one of the resources.
pub fn grant_roles(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    resource_grant_roles::table
        .filter(resource_grant_roles::resource_id.eq_any(ids))
        .select((resource_grant_roles::resource_id, resource_grant_roles::role_code))
        .order((resource_grant_roles::resource_id, resource_grant_roles::role_code))
        .load(conn)
}

/// Resources by id, by title; unknown ids are left out.
pub fn by_ids(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<Resource>> {
    resources::table.filter(resources::id.eq_any(ids)).order(resources::title).select(Resource::as_select()).load(conn)
}

/// What the PDP needs of a service: the actions it offers (comma-separated) and the
/// authentication level.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Policy {
    pub id: String,
    pub actions: String,
    pub authentication_level: i64,
}

/// The policies of the services among `ids` that exist.
pub fn policies(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<Vec<Policy>> {
    let query = resources::table.filter(resources::id.eq_any(ids)).select((
        resources::id,
        resources::actions,
        resources::authentication_level,
    ));
    super::natively!(conn, |c| query.load(c))
}
