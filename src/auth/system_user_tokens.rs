//! Which system user a vendor's client may get a token for: Altinn's lookup
//! (docs/altinn-wire.md §7), with the client's own organisation as the vendor.

use crate::db::DbConnection;
use crate::domain::system_users::{self, Unmatched};
use crate::error::AppError;

/// What a system user token carries about the system user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemUserGrant {
    pub system_user_id: String,
    pub org_no: String,
    pub system_id: String,
}

/// The system user the client of `client_org_no` may act as for `org_no`, or why none.
pub fn authorize(
    conn: &mut DbConnection,
    client_id: &str,
    client_org_no: &str,
    org_no: &str,
    external_ref: Option<&str>,
) -> Result<Result<SystemUserGrant, Unmatched>, AppError> {
    Ok(system_users::find_by_client(conn, client_id, client_org_no, org_no, external_ref)?.map(|(user, _)| {
        SystemUserGrant { system_user_id: user.id, org_no: org_no.to_owned(), system_id: user.system_id }
    }))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::domain::requests::{self, Expiry, NewRequest};
    use crate::testing::demo_db;

    #[test]
    fn the_external_reference_is_read_alike_when_asking_and_when_approving() {
        let mut conn = demo_db();
        let request = NewRequest {
            system_id: "310000035_smartcloud".into(),
            party_org_no: "310000019".into(),
            external_ref: Some(" lager-1 ".into()),
            resource_ids: Some(vec!["ske-krav-og-betalinger".into()]),
            ..NewRequest::default()
        };
        let (request, _) = requests::create(&mut conn, "310000035", request, None).unwrap();
        assert_eq!(request.request.external_ref, "lager-1");
        requests::approve(&mut conn, "17827510025", &request.request.id, Expiry(Duration::days(1))).unwrap();
        for asked in ["lager-1", " lager-1 "] {
            let grant = authorize(&mut conn, "demo-smartcloud", "310000035", "310000019", Some(asked)).unwrap();
            assert_eq!(grant.map(|g| g.system_user_id).as_ref(), Ok(&request.request.id), "{asked:?}");
        }
        // Without a reference the party's own one is meant, which this system user does not have.
        let mut refused =
            |client, vendor, reference| authorize(&mut conn, client, vendor, "310000019", reference).unwrap();
        assert_eq!(refused("demo-smartcloud", "310000035", None), Err(Unmatched::NoSystemUser));
        assert_eq!(refused("nobody", "310000035", None), Err(Unmatched::ClientOfNoSystem));
        // The system's client id, asked for by another vendor's client.
        assert_eq!(refused("demo-smartcloud", "310000027", Some("lager-1")), Err(Unmatched::SystemOfAnotherVendor));
    }
}
