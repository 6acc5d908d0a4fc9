//! The API's clients (vendors', service owners', the operator's own), how they prove who
//! they are, and how the operator onboards them: added for an organisation of the
//! register with known scopes, a secret shown once or public keys, every change audited.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::db::vendor_clients::{self, VendorClient};
use crate::db::{self, DbConnection, parties, systems};
use crate::domain::audit::{self, Action, By};
use crate::error::AppError;
use crate::support::{constant_time_eq, hash_secret, random_bytes};

use super::scopes;

/// A client the operator adds.
#[derive(Debug, Clone, Default)]
pub struct NewClient {
    pub org_no: String,
    pub client_id: String,
    pub name: String,
    pub scopes: Vec<String>,
    /// Public keys it signs assertions with (a JWK set); without them it gets a secret.
    pub jwks: Option<String>,
}

/// How a client proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Secret,
    Keys,
    Both,
    /// Neither: its secret and keys were taken away.
    None,
}

impl Proof {
    pub fn of(client: &VendorClient) -> Proof {
        match (!client.secret_hash.is_empty(), !client.jwks.is_empty()) {
            (true, true) => Proof::Both,
            (true, false) => Proof::Secret,
            (false, true) => Proof::Keys,
            (false, false) => Proof::None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Proof::Secret => "secret",
            Proof::Keys => "keys",
            Proof::Both => "secret and keys",
            Proof::None => "nothing",
        }
    }
}

/// Adds a client: its organisation must be in the register, its scopes known, its id
/// neither a client already nor another vendor's on a system. Returns the client and,
/// for one that authenticates with a secret, the secret (shown only now).
pub fn add(
    conn: &mut DbConnection,
    operator: &str,
    new: NewClient,
) -> Result<(VendorClient, Option<String>), AppError> {
    let client_id = new.client_id.trim();
    if client_id.is_empty()
        || client_id.len() > crate::domain::limits::ID
        || !crate::domain::limits::is_visible_text(client_id)
    {
        return Err(AppError::BadRequest("the client id must be given, at most 255 characters and printable".into()));
    }
    let name = new.name.trim();
    crate::domain::limits::check_name("name", name, crate::domain::limits::TITLE)?;
    parties::organisation(conn, &new.org_no)?.ok_or_else(|| AppError::UnknownOrganisation(new.org_no.clone()))?;
    let granted = known_scopes(&new.scopes)?;
    if let Some(jwks) = &new.jwks {
        super::assertions::usable_keys(jwks)?;
    }
    db::transaction(conn, |conn| {
        if vendor_clients::find(conn, client_id)?.is_some() {
            return Err(AppError::ClientExists(client_id.to_owned()));
        }
        // A system's client id is its vendor's from then on (Altinn's AUTH.VLD-00004).
        if let Some((system_id, vendor)) = systems::holder_of_client_id(conn, client_id)?
            && vendor != new.org_no
        {
            return Err(AppError::ClientOfAnotherVendor(client_id.to_owned(), system_id));
        }
        let secret = new.jwks.is_none().then(new_secret);
        let hash = secret.as_deref().map(hash_secret).unwrap_or_default();
        let mut client = VendorClient::new(client_id, &new.org_no, hash, &granted);
        client.name = name.to_owned();
        client.jwks = new.jwks.clone().unwrap_or_default();
        vendor_clients::insert(conn, &client)?;
        audited(conn, operator, &client, Action::ApiClientAdd, &client.scopes)?;
        Ok((client, secret))
    })
}

/// Every client.
pub fn list(conn: &mut DbConnection) -> Result<Vec<VendorClient>, AppError> {
    Ok(vendor_clients::all(conn)?)
}

/// Removes a client: its tokens are no longer given, nor its secret or keys accepted.
pub fn remove(conn: &mut DbConnection, operator: &str, client_id: &str) -> Result<VendorClient, AppError> {
    db::transaction(conn, |conn| {
        let client = existing(conn, client_id)?;
        vendor_clients::delete(conn, client_id)?;
        audited(conn, operator, &client, Action::ApiClientRemove, "")?;
        Ok(client)
    })
}

/// Gives the client a new secret (the old one stops working at once); the new one.
pub fn rotate_secret(conn: &mut DbConnection, operator: &str, client_id: &str) -> Result<String, AppError> {
    db::transaction(conn, |conn| {
        let client = existing(conn, client_id)?;
        let secret = new_secret();
        vendor_clients::set_secret_hash(conn, client_id, &hash_secret(&secret))?;
        audited(conn, operator, &client, Action::ApiClientSecret, "")?;
        Ok(secret)
    })
}

/// Replaces the scopes the client may ask for.
pub fn set_scopes(
    conn: &mut DbConnection,
    operator: &str,
    client_id: &str,
    wanted: &[String],
) -> Result<VendorClient, AppError> {
    let granted = known_scopes(wanted)?.join(" ");
    db::transaction(conn, |conn| {
        let client = existing(conn, client_id)?;
        vendor_clients::set_scopes(conn, client_id, &granted)?;
        audited(conn, operator, &client, Action::ApiClientScopes, &granted)?;
        Ok(VendorClient { scopes: granted.clone(), ..client })
    })
}

/// Replaces the public keys the client signs assertions with.
pub fn set_jwks(
    conn: &mut DbConnection,
    operator: &str,
    client_id: &str,
    jwks: &str,
) -> Result<VendorClient, AppError> {
    super::assertions::usable_keys(jwks)?;
    db::transaction(conn, |conn| {
        let client = existing(conn, client_id)?;
        vendor_clients::set_jwks(conn, client_id, jwks)?;
        audited(conn, operator, &client, Action::ApiClientKeys, "")?;
        Ok(VendorClient { jwks: jwks.to_owned(), ..client })
    })
}

fn existing(conn: &mut DbConnection, client_id: &str) -> Result<VendorClient, AppError> {
    vendor_clients::find(conn, client_id)?.ok_or_else(|| AppError::ClientNotFound(client_id.to_owned()))
}

/// The scopes, each one the API knows, without repeats; at least one.
fn known_scopes(wanted: &[String]) -> Result<Vec<&'static str>, AppError> {
    let mut granted: Vec<&'static str> = Vec::new();
    for scope in wanted.iter().flat_map(|s| s.split_whitespace()) {
        let known = scopes::ALL
            .iter()
            .find(|k| **k == scope)
            .ok_or_else(|| scope_refused(&format!("unknown scope {scope}")))?;
        if !granted.contains(known) {
            granted.push(known);
        }
    }
    if granted.is_empty() {
        return Err(scope_refused("no scope was given"));
    }
    Ok(granted)
}

fn scope_refused(why: &str) -> AppError {
    AppError::UnknownScope(format!("{why}; the known scopes are {}", scopes::ALL.join(", ")))
}

/// A long random secret, shown once.
fn new_secret() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

fn audited(
    conn: &mut DbConnection,
    operator: &str,
    client: &VendorClient,
    action: Action,
    detail: &str,
) -> Result<(), AppError> {
    Ok(audit::record(conn, By::Operator(operator), &client.org_no, action, &client.client_id, detail)?)
}

/// Whether the client's last use as read is more than the minute old that `used` notes
/// it to, so a busy client's tokens cost no write.
pub fn use_to_note(client: &VendorClient) -> bool {
    client.last_used.is_none_or(|at| db::now() - at >= chrono::Duration::minutes(1))
}

/// Notes that the client got a token now (at most once a minute, whatever the nodes).
pub fn used(conn: &mut DbConnection, client_id: &str) -> Result<(), AppError> {
    Ok(vendor_clients::touch(conn, client_id, db::now())?)
}

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
        let client = VendorClient::new("c", "310000035", String::new(), &[scopes::REQUEST_READ, scopes::REQUEST_WRITE]);
        assert_eq!(grant_scopes(&client, None).unwrap().len(), 2);
        assert_eq!(grant_scopes(&client, Some(scopes::REQUEST_READ)).unwrap(), [scopes::REQUEST_READ]);
        assert!(grant_scopes(&client, Some(scopes::REGISTER_WRITE)).is_none());
    }
}
