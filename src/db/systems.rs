//! The system register: vendor systems, the rights they ask for and where vendors may
//! send the user back to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::parties::Organisation;
use super::resources::Resource;
use super::schema::{organisations, resources, system_client_ids, system_redirect_urls, system_rights, systems};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = systems)]
pub struct System {
    pub id: String,
    pub vendor_org_no: String,
    pub name: String,
    pub description: String,
    pub is_visible: bool,
    pub is_deleted: bool,
    pub created: NaiveDateTime,
    pub name_nn: String,
    pub name_en: String,
    pub description_nn: String,
    pub description_en: String,
}

pub fn insert(conn: &mut DbConnection, system: &System, rights: &[&str], redirect_urls: &[&str]) -> QueryResult<()> {
    diesel::insert_into(systems::table).values(system).execute(conn)?;
    for resource_id in rights {
        diesel::insert_into(system_rights::table)
            .values((system_rights::system_id.eq(&system.id), system_rights::resource_id.eq(resource_id)))
            .execute(conn)?;
    }
    for url in redirect_urls {
        diesel::insert_into(system_redirect_urls::table)
            .values((system_redirect_urls::system_id.eq(&system.id), system_redirect_urls::url.eq(url)))
            .execute(conn)?;
    }
    Ok(())
}

/// Sets a system's names and descriptions (bokmål, nynorsk, English).
pub fn names(conn: &mut DbConnection, id: &str, names: [&str; 3], descriptions: [&str; 3]) -> QueryResult<()> {
    diesel::update(systems::table.find(id))
        .set((
            systems::name.eq(names[0]),
            systems::name_nn.eq(names[1]),
            systems::name_en.eq(names[2]),
            systems::description.eq(descriptions[0]),
            systems::description_nn.eq(descriptions[1]),
            systems::description_en.eq(descriptions[2]),
        ))
        .execute(conn)
        .map(drop)
}

pub fn add_client_id(conn: &mut DbConnection, system_id: &str, client_id: &str) -> QueryResult<()> {
    diesel::insert_into(system_client_ids::table)
        .values((system_client_ids::system_id.eq(system_id), system_client_ids::client_id.eq(client_id)))
        .execute(conn)
        .map(drop)
}

pub fn client_ids(conn: &mut DbConnection, system_id: &str) -> QueryResult<Vec<String>> {
    system_client_ids::table
        .filter(system_client_ids::system_id.eq(system_id))
        .order(system_client_ids::client_id)
        .select(system_client_ids::client_id)
        .load(conn)
}

/// The system an OAuth2 client acts as, if any.
pub fn by_client_id(conn: &mut DbConnection, client_id: &str) -> QueryResult<Option<String>> {
    system_client_ids::table.find(client_id).select(system_client_ids::system_id).first(conn).optional()
}

/// A system that has not been deleted, with its vendor.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<(System, Organisation)>> {
    systems::table
        .inner_join(organisations::table)
        .filter(systems::id.eq(id))
        .filter(systems::is_deleted.eq(false))
        .select((System::as_select(), Organisation::as_select()))
        .first(conn)
        .optional()
}

/// Systems end users may choose themselves, with their vendors, by name.
pub fn visible(conn: &mut DbConnection) -> QueryResult<Vec<(System, Organisation)>> {
    systems::table
        .inner_join(organisations::table)
        .filter(systems::is_visible.eq(true))
        .filter(systems::is_deleted.eq(false))
        .order((systems::name, systems::id))
        .select((System::as_select(), Organisation::as_select()))
        .load(conn)
}

pub fn rights(conn: &mut DbConnection, system_id: &str) -> QueryResult<Vec<Resource>> {
    system_rights::table
        .inner_join(resources::table)
        .filter(system_rights::system_id.eq(system_id))
        .order(resources::title)
        .select(Resource::as_select())
        .load(conn)
}

pub fn redirect_urls(conn: &mut DbConnection, system_id: &str) -> QueryResult<Vec<String>> {
    system_redirect_urls::table
        .filter(system_redirect_urls::system_id.eq(system_id))
        .select(system_redirect_urls::url)
        .load(conn)
}
