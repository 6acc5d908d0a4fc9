//! Which system user a vendor's client may get a token for: the client must be one of
//! the system's client ids, and a live system user must exist for the organisation.

use crate::db::{DbConnection, system_users, systems};
use crate::error::AppError;

/// What a system user token carries about the system user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemUserGrant {
    pub system_user_id: String,
    pub org_no: String,
    pub system_id: String,
}

/// Why no system user token can be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    ClientIsNoSystem,
    NoSystemUser,
}

pub fn authorize(
    conn: &mut DbConnection,
    client_id: &str,
    org_no: &str,
    external_ref: Option<&str>,
) -> Result<Result<SystemUserGrant, Refusal>, AppError> {
    let Some(system_id) = systems::by_client_id(conn, client_id)? else {
        return Ok(Err(Refusal::ClientIsNoSystem));
    };
    let external_ref = crate::domain::external_ref(external_ref, org_no);
    Ok(match system_users::find_live_by_triple(conn, org_no, &system_id, &external_ref)? {
        Some(user) => Ok(SystemUserGrant { system_user_id: user.id, org_no: org_no.to_owned(), system_id }),
        None => Err(Refusal::NoSystemUser),
    })
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
            let grant = authorize(&mut conn, "demo-smartcloud", "310000019", Some(asked)).unwrap();
            assert_eq!(grant.map(|g| g.system_user_id).as_ref(), Ok(&request.request.id), "{asked:?}");
        }
        // Without a reference the party's own one is meant, which this system user does not have.
        assert_eq!(authorize(&mut conn, "demo-smartcloud", "310000019", None).unwrap(), Err(Refusal::NoSystemUser));
        assert_eq!(authorize(&mut conn, "nobody", "310000019", None).unwrap(), Err(Refusal::ClientIsNoSystem));
    }
}
