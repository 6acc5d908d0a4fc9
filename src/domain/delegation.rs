//! All or nothing: a person may give a system access only if they can delegate every
//! right it asks for. What is missing is named with the roles that would grant it.

use std::collections::BTreeMap;

use crate::db::DbConnection;
use crate::db::resources::{self, Resource};
use crate::error::AppError;

use super::actor::roles_for;
use super::roles::Role;

/// A right the person cannot delegate and the roles that would let them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRight {
    pub resource: Resource,
    pub granted_by: Vec<Role>,
}

/// The rights among `wanted` that `held` roles cannot delegate; `grants` maps each
/// resource id to the roles that grant it.
pub fn missing(held: &[Role], wanted: &[Resource], grants: &BTreeMap<String, Vec<Role>>) -> Vec<MissingRight> {
    wanted
        .iter()
        .filter_map(|resource| {
            let granted_by = grants.get(&resource.id).cloned().unwrap_or_default();
            (!granted_by.iter().any(|r| held.contains(r)))
                .then(|| MissingRight { resource: resource.clone(), granted_by })
        })
        .collect()
}

/// What the person cannot delegate of `wanted` for the party; empty when they can do it all.
pub fn missing_for(
    conn: &mut DbConnection,
    pid: &str,
    org_no: &str,
    wanted: &[Resource],
) -> Result<Vec<MissingRight>, AppError> {
    let held = roles_for(conn, pid, org_no)?;
    let ids: Vec<String> = wanted.iter().map(|r| r.id.clone()).collect();
    let mut grants: BTreeMap<String, Vec<Role>> = BTreeMap::new();
    for (resource_id, code) in resources::grant_roles(conn, &ids)? {
        if let Some(role) = Role::from_code(&code) {
            grants.entry(resource_id).or_default().push(role);
        }
    }
    // Name the specific role before the general managers ("Lønnsinnsender or Daglig leder").
    grants.values_mut().for_each(|roles| roles.sort_by_key(|r| (r.is_access_manager(), *r)));
    Ok(missing(&held, wanted, &grants))
}

/// Checks that the person can delegate every one of `wanted` for the party.
pub fn check_all(conn: &mut DbConnection, pid: &str, org_no: &str, wanted: &[Resource]) -> Result<(), AppError> {
    let missing = missing_for(conn, pid, org_no, wanted)?;
    if missing.is_empty() { Ok(()) } else { Err(AppError::MissingRights(missing)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::demo_db;

    fn resource(id: &str) -> Resource {
        Resource { id: id.into(), title: id.into(), description: String::new() }
    }

    #[test]
    fn a_single_missing_right_is_reported_with_the_roles_that_grant_it() {
        let grants = BTreeMap::from([
            ("krav".to_owned(), vec![Role::Regnskapsforer, Role::DagligLeder]),
            ("a-melding".to_owned(), vec![Role::Lonnsinnsender, Role::DagligLeder]),
        ]);
        let wanted = [resource("krav"), resource("a-melding")];
        let result = missing(&[Role::Regnskapsforer, Role::Tilgangsstyrer], &wanted, &grants);
        assert_eq!(result.len(), 1);
        assert_eq!(result[0].resource.id, "a-melding");
        assert_eq!(result[0].granted_by, [Role::Lonnsinnsender, Role::DagligLeder]);
        assert!(missing(&[Role::DagligLeder], &wanted, &grants).is_empty());
    }

    #[test]
    fn a_right_no_role_grants_can_never_be_delegated() {
        let result = missing(&[Role::DagligLeder], &[resource("ukjent")], &BTreeMap::new());
        assert_eq!(result.len(), 1);
        assert!(result[0].granted_by.is_empty());
    }

    #[test]
    fn the_guide_example_holds_for_the_demo_cast() {
        let mut conn = demo_db();
        let lonn = crate::db::systems::rights(&mut conn, "310000035_smartcloud_lonn").unwrap();
        assert_eq!(lonn.len(), 2);
        // FORSIKTIG LØVE is regnskapsfører, not lønnsinnsender.
        match check_all(&mut conn, "22857030021", "310000019", &lonn) {
            Err(AppError::MissingRights(m)) => {
                assert_eq!(m.len(), 1);
                assert_eq!(m[0].resource.id, "a-melding");
            }
            other => panic!("expected missing rights, got {other:?}"),
        }
        // The daglig leder can delegate both.
        check_all(&mut conn, "17827510025", "310000019", &lonn).unwrap();
    }
}
