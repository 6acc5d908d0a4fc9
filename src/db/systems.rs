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
    /// The GUID Altinn answers a registration with.
    pub internal_id: String,
    /// The names and descriptions as the vendor sent them: JSON maps of language to text.
    pub names: String,
    pub descriptions: String,
}

/// A system's name in bokmål, nynorsk and English, as a listing's row holds it.
pub type NameRow = (String, String, String);

impl System {
    /// The name in bokmål, nynorsk and English, as pages show it (see `I18n::pick`).
    pub fn display_names(&self) -> [&str; 3] {
        [&self.name, &self.name_nn, &self.name_en]
    }

    pub fn display_descriptions(&self) -> [&str; 3] {
        [&self.description, &self.description_nn, &self.description_en]
    }
}

/// Texts in bokmål, nynorsk and English as the JSON map a vendor would send.
pub fn language_map(texts: [&str; 3]) -> String {
    serde_json::json!({"nb": texts[0], "nn": texts[1], "en": texts[2]}).to_string()
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
            systems::names.eq(language_map(names)),
            systems::descriptions.eq(language_map(descriptions)),
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

/// The system (not deleted) that lists the client id, and that system's vendor.
pub fn holder_of_client_id(conn: &mut DbConnection, client_id: &str) -> QueryResult<Option<(String, String)>> {
    system_client_ids::table
        .inner_join(systems::table.on(systems::id.eq(system_client_ids::system_id)))
        .filter(system_client_ids::client_id.eq(client_id))
        .filter(systems::is_deleted.eq(false))
        .select((systems::id, systems::vendor_org_no))
        .first(conn)
        .optional()
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

/// A system, deleted or not.
pub fn find_any(conn: &mut DbConnection, id: &str) -> QueryResult<Option<System>> {
    systems::table.find(id).select(System::as_select()).first(conn).optional()
}

/// Systems end users may choose themselves, with their vendors, by name as Norwegians
/// sort it (a short list, sorted here rather than keeping a key on every system).
pub fn visible(conn: &mut DbConnection) -> QueryResult<Vec<(System, Organisation)>> {
    let mut visible: Vec<(System, Organisation)> = systems::table
        .inner_join(organisations::table)
        .filter(systems::is_visible.eq(true))
        .filter(systems::is_deleted.eq(false))
        .select((System::as_select(), Organisation::as_select()))
        .load(conn)?;
    visible.sort_by_cached_key(|(system, _)| (crate::support::sort_key(&system.name), system.id.clone()));
    Ok(visible)
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

/// Whether a system with the id was ever registered (deleted ones included).
pub fn id_taken(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(systems::table.find(id))).get_result(conn)
}

/// The vendor's systems that have not been deleted, by id.
pub fn of_vendor(conn: &mut DbConnection, vendor_org_no: &str) -> QueryResult<Vec<System>> {
    systems::table
        .filter(systems::vendor_org_no.eq(vendor_org_no))
        .filter(systems::is_deleted.eq(false))
        .order(systems::id)
        .select(System::as_select())
        .load(conn)
}

/// Overwrites a system's own fields (not its id, vendor or creation time).
pub fn update(conn: &mut DbConnection, system: &System) -> QueryResult<()> {
    diesel::update(systems::table.find(&system.id))
        .set((
            systems::name.eq(&system.name),
            systems::name_nn.eq(&system.name_nn),
            systems::name_en.eq(&system.name_en),
            systems::description.eq(&system.description),
            systems::description_nn.eq(&system.description_nn),
            systems::description_en.eq(&system.description_en),
            systems::is_visible.eq(system.is_visible),
            systems::names.eq(&system.names),
            systems::descriptions.eq(&system.descriptions),
        ))
        .execute(conn)
        .map(drop)
}

pub fn mark_deleted(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(systems::table.find(id)).set(systems::is_deleted.eq(true)).execute(conn).map(drop)
}

pub fn replace_rights(conn: &mut DbConnection, system_id: &str, resource_ids: &[String]) -> QueryResult<()> {
    diesel::delete(system_rights::table.filter(system_rights::system_id.eq(system_id))).execute(conn)?;
    for resource_id in resource_ids {
        diesel::insert_into(system_rights::table)
            .values((system_rights::system_id.eq(system_id), system_rights::resource_id.eq(resource_id)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn replace_redirect_urls(conn: &mut DbConnection, system_id: &str, urls: &[String]) -> QueryResult<()> {
    diesel::delete(system_redirect_urls::table.filter(system_redirect_urls::system_id.eq(system_id))).execute(conn)?;
    for url in urls {
        diesel::insert_into(system_redirect_urls::table)
            .values((system_redirect_urls::system_id.eq(system_id), system_redirect_urls::url.eq(url)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn replace_client_ids(conn: &mut DbConnection, system_id: &str, client_ids: &[String]) -> QueryResult<()> {
    diesel::delete(system_client_ids::table.filter(system_client_ids::system_id.eq(system_id))).execute(conn)?;
    for client_id in client_ids {
        add_client_id(conn, system_id, client_id)?;
    }
    Ok(())
}

/// `(client id, system id)` for those of `client_ids` that another system than `except` uses.
pub fn client_ids_used_elsewhere(
    conn: &mut DbConnection,
    client_ids: &[String],
    except: &str,
) -> QueryResult<Vec<(String, String)>> {
    system_client_ids::table
        .filter(system_client_ids::client_id.eq_any(client_ids))
        .filter(system_client_ids::system_id.ne(except))
        .select((system_client_ids::client_id, system_client_ids::system_id))
        .load(conn)
}

/// Which of the ids name existing resources.
pub fn existing_resources(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<String>> {
    resources::table.filter(resources::id.eq_any(ids)).select(resources::id).load(conn)
}
