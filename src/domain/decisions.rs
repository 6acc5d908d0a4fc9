//! Decisions for public services: may this system user act on this resource for this
//! party? Reads only live rows, so revocation and client removal count at once.

use crate::db::parties::Organisation;
use crate::db::{self, DbConnection, system_users};
use crate::error::AppError;

use super::requests::UserType;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Permit,
    Deny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Permit => "Permit",
            Decision::Deny => "Deny",
        }
    }
}

/// A party a system user may act for, and what it may do there.
#[derive(Debug, Clone)]
pub struct AuthorizedParty {
    pub organisation: Organisation,
    pub packages: Vec<String>,
    /// Resources held through single rights or the packages.
    pub resources: Vec<String>,
}

/// Every party the live system user may act for, as [`decide`] would permit: a standard
/// one its own party, an agent one each attached client (by name). None for a deleted or
/// unknown system user.
pub fn authorized_parties(conn: &mut DbConnection, system_user_id: &str) -> Result<Vec<AuthorizedParty>, AppError> {
    let Some(user) = system_users::find_live(conn, system_user_id)? else {
        return Ok(Vec::new());
    };
    let packages: Vec<String> =
        db::packages::of_system_user(conn, system_user_id)?.into_iter().map(|p| p.urn).collect();
    let mut resources = db::packages::resources_of(conn, &packages)?;
    let parties: Vec<Organisation> = match user.user_type {
        UserType::Standard => {
            resources.extend(system_users::rights(conn, system_user_id)?.into_iter().map(|r| r.id));
            resources.sort();
            resources.dedup();
            db::parties::organisation(conn, &user.party_org_no)?.into_iter().collect()
        }
        UserType::Agent => {
            db::clients::attached(conn, system_user_id, i64::MAX)?.into_iter().map(|(_, org)| org).collect()
        }
    };
    Ok(parties
        .into_iter()
        .map(|organisation| AuthorizedParty { organisation, packages: packages.clone(), resources: resources.clone() })
        .collect())
}

/// Permit when the live system user holds the resource for the party: a standard one for
/// its own party, through a right or a package; an agent one for an attached client,
/// through a package. Rights cover every action on their resource.
pub fn decide(
    conn: &mut DbConnection,
    system_user_id: &str,
    resource_id: &str,
    party_org_no: &str,
) -> Result<Decision, AppError> {
    let Some(user) = system_users::standing(conn, system_user_id, resource_id, party_org_no)? else {
        return Ok(Decision::Deny);
    };
    let permitted = match user.user_type {
        UserType::Standard => user.party_org_no == party_org_no && (user.by_right || user.by_package),
        UserType::Agent => user.client && user.by_package,
    };
    Ok(if permitted { Decision::Permit } else { Decision::Deny })
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::domain::actor::Actor;
    use crate::domain::requests::{self, Expiry, NewRequest};
    use crate::testing::demo_db;

    #[test]
    fn a_standard_system_user_acts_for_its_own_party_within_its_rights_until_deleted() {
        let mut conn = demo_db();
        let konsert = Actor::load(&mut conn, "17827510025", None).unwrap().unwrap();
        let id = crate::domain::system_users::create_by_user(&mut conn, &konsert, "310000035_smartcloud").unwrap();
        let ask = |conn: &mut DbConnection, resource: &str, party: &str| decide(conn, &id, resource, party).unwrap();
        assert_eq!(ask(&mut conn, "ske-krav-og-betalinger", "310000019"), Decision::Permit);
        assert_eq!(ask(&mut conn, "a-melding", "310000019"), Decision::Deny);
        assert_eq!(ask(&mut conn, "ske-krav-og-betalinger", "310000027"), Decision::Deny);
        crate::domain::system_users::delete(&mut conn, &konsert, &id).unwrap();
        assert_eq!(ask(&mut conn, "ske-krav-og-betalinger", "310000019"), Decision::Deny);
        assert_eq!(decide(&mut conn, "no-such-user", "a-melding", "310000019").unwrap(), Decision::Deny);
    }

    #[test]
    fn an_agent_system_user_acts_for_attached_clients_within_its_packages() {
        let mut conn = demo_db();
        let request = NewRequest {
            user_type: UserType::Agent,
            system_id: "310000035_smartcloud_klient".into(),
            party_org_no: "310000027".into(),
            access_packages: Some(vec!["urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet".into()]),
            ..NewRequest::default()
        };
        let (request, _) = requests::create(&mut conn, "310000035", request, None).unwrap();
        let id = request.request.id;
        requests::approve(&mut conn, "03868120095", &id, Expiry(Duration::days(1))).unwrap();
        let dress = crate::domain::clients::Worker::person("03868120095");
        assert_eq!(decide(&mut conn, &id, "a-melding", "310000043").unwrap(), Decision::Deny);
        crate::domain::clients::add(&mut conn, dress, &id, "310000043").unwrap();
        assert_eq!(decide(&mut conn, &id, "a-melding", "310000043").unwrap(), Decision::Permit);
        assert_eq!(decide(&mut conn, &id, "a-melding", "310000051").unwrap(), Decision::Deny);
        assert_eq!(
            decide(&mut conn, &id, "a-melding", "310000027").unwrap(),
            Decision::Deny,
            "not for the firm itself"
        );
        crate::domain::clients::remove(&mut conn, dress, &id, "310000043").unwrap();
        assert_eq!(decide(&mut conn, &id, "a-melding", "310000043").unwrap(), Decision::Deny);
    }
}
