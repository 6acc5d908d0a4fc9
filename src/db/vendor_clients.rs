//! The API's OAuth2 clients: vendors', service owners' and the operator's.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::vendor_clients;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vendor_clients)]
pub struct VendorClient {
    pub client_id: String,
    pub org_no: String,
    /// The hash of its secret; empty for a client that only signs assertions.
    pub secret_hash: String,
    /// Space-separated scopes the client may ask for.
    pub scopes: String,
    /// Public keys (a JWK set as JSON) for signed client assertions; empty for none.
    pub jwks: String,
    /// What the operator calls it (may be empty).
    pub name: String,
    pub created: chrono::NaiveDateTime,
    /// When it last got a token (to the minute), if ever.
    pub last_used: Option<chrono::NaiveDateTime>,
}

impl VendorClient {
    /// A client of `org_no` added now, authenticating with the secret whose hash is given.
    pub fn new(client_id: &str, org_no: &str, secret_hash: String, scopes: &[&str]) -> Self {
        VendorClient {
            client_id: client_id.to_owned(),
            org_no: org_no.to_owned(),
            secret_hash,
            scopes: scopes.join(" "),
            jwks: String::new(),
            name: String::new(),
            created: super::now(),
            last_used: None,
        }
    }
}

pub fn insert(conn: &mut DbConnection, client: &VendorClient) -> QueryResult<()> {
    diesel::insert_into(vendor_clients::table).values(client).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConnection, client_id: &str) -> QueryResult<Option<VendorClient>> {
    vendor_clients::table.find(client_id).select(VendorClient::as_select()).first(conn).optional()
}

/// Every client, by organisation and id.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<VendorClient>> {
    vendor_clients::table
        .order((vendor_clients::org_no, vendor_clients::client_id))
        .select(VendorClient::as_select())
        .load(conn)
}

/// Removes the client; whether there was one.
pub fn delete(conn: &mut DbConnection, client_id: &str) -> QueryResult<bool> {
    Ok(diesel::delete(vendor_clients::table.find(client_id)).execute(conn)? > 0)
}

pub fn set_jwks(conn: &mut DbConnection, client_id: &str, jwks: &str) -> QueryResult<()> {
    diesel::update(vendor_clients::table.find(client_id)).set(vendor_clients::jwks.eq(jwks)).execute(conn).map(drop)
}

pub fn set_secret_hash(conn: &mut DbConnection, client_id: &str, hash: &str) -> QueryResult<()> {
    diesel::update(vendor_clients::table.find(client_id))
        .set(vendor_clients::secret_hash.eq(hash))
        .execute(conn)
        .map(drop)
}

pub fn set_scopes(conn: &mut DbConnection, client_id: &str, scopes: &str) -> QueryResult<()> {
    diesel::update(vendor_clients::table.find(client_id)).set(vendor_clients::scopes.eq(scopes)).execute(conn).map(drop)
}

/// Notes that the client got a token at `at`, when it was last noted before `since`:
/// at most one write a minute for a busy client.
pub fn touch(conn: &mut DbConnection, client_id: &str, at: chrono::NaiveDateTime) -> QueryResult<()> {
    let since = at - chrono::Duration::minutes(1);
    diesel::update(
        vendor_clients::table
            .find(client_id)
            .filter(vendor_clients::last_used.is_null().or(vendor_clients::last_used.lt(since))),
    )
    .set(vendor_clients::last_used.eq(at))
    .execute(conn)
    .map(drop)
}
