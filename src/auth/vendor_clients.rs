//! Vendors' API clients and how they prove who they are.

use crate::db::DbConnection;
use crate::db::vendor_clients::{self, VendorClient};
use crate::error::AppError;
use crate::support::{constant_time_eq, hash_secret};

/// The client when the secret is right; None for an unknown client or a wrong secret.
pub fn authenticate(conn: &mut DbConnection, client_id: &str, secret: &str) -> Result<Option<VendorClient>, AppError> {
    let Some(client) = vendor_clients::find(conn, client_id)? else {
        return Ok(None);
    };
    let ok = constant_time_eq(hash_secret(secret).as_bytes(), client.secret_hash.as_bytes());
    Ok(ok.then_some(client))
}

/// The scopes granted: those asked for that the client may have, or all it may have
/// when none are asked for. None when something asked for is not allowed.
pub fn grant_scopes(client: &VendorClient, requested: Option<&str>) -> Option<Vec<String>> {
    let allowed: Vec<&str> = client.scopes.split_whitespace().collect();
    match requested.map(str::split_whitespace) {
        None => Some(allowed.iter().map(|s| s.to_string()).collect()),
        Some(asked) => asked.map(|s| allowed.contains(&s).then(|| s.to_owned())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::scopes;
    use crate::testing::demo_db;

    #[test]
    fn the_demo_client_authenticates_with_its_secret_only() {
        let mut conn = demo_db();
        assert!(authenticate(&mut conn, "demo-smartcloud", "demo-smartcloud-secret").unwrap().is_some());
        assert!(authenticate(&mut conn, "demo-smartcloud", "wrong").unwrap().is_none());
        assert!(authenticate(&mut conn, "nobody", "demo-smartcloud-secret").unwrap().is_none());
    }

    #[test]
    fn scopes_beyond_the_clients_are_refused() {
        let client = VendorClient {
            client_id: "c".into(),
            org_no: "310000035".into(),
            secret_hash: String::new(),
            scopes: [scopes::REQUEST_READ, scopes::REQUEST_WRITE].join(" "),
            jwks: String::new(),
        };
        assert_eq!(grant_scopes(&client, None).unwrap().len(), 2);
        assert_eq!(grant_scopes(&client, Some(scopes::REQUEST_READ)).unwrap(), [scopes::REQUEST_READ]);
        assert!(grant_scopes(&client, Some(scopes::REGISTER_WRITE)).is_none());
    }
}
