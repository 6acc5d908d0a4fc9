//! OAuth2 clients that vendors use for the vendor API.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::vendor_clients;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vendor_clients)]
pub struct VendorClient {
    pub client_id: String,
    pub org_no: String,
    pub secret_hash: String,
    /// Space-separated scopes the client may ask for.
    pub scopes: String,
    /// Public keys (a JWK set as JSON) for signed client assertions; empty for none.
    pub jwks: String,
}

pub fn insert(conn: &mut DbConnection, client: &VendorClient) -> QueryResult<()> {
    diesel::insert_into(vendor_clients::table).values(client).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConnection, client_id: &str) -> QueryResult<Option<VendorClient>> {
    vendor_clients::table.find(client_id).select(VendorClient::as_select()).first(conn).optional()
}

pub fn set_jwks(conn: &mut DbConnection, client_id: &str, jwks: &str) -> QueryResult<()> {
    diesel::update(vendor_clients::table.find(client_id)).set(vendor_clients::jwks.eq(jwks)).execute(conn).map(drop)
}
