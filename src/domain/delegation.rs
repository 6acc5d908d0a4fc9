//! All or nothing: a person may give a system access only if they can delegate every
//! right and access package it asks for. What is missing is named with the roles that
//! would grant it.

use std::collections::BTreeMap;

use crate::db::DbConnection;
use crate::db::packages::{self, AccessPackage};
use crate::db::resources::{self, Resource};
use crate::error::AppError;

use super::actor::roles_for;
use super::roles::Role;

/// A right or access package the person cannot delegate, and the roles that would let them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRight {
    /// The resource id or package URN.
    pub id: String,
    /// Its name in bokmål, nynorsk and English.
    pub titles: [String; 3],
    pub granted_by: Vec<Role>,
}

/// What among `wanted` (id and titles) the `held` roles cannot delegate; `grants` maps
/// each id to the roles that grant it.
pub fn missing(held: &[Role], wanted: &[(&str, [&str; 3])], grants: &BTreeMap<String, Vec<Role>>) -> Vec<MissingRight> {
    wanted
        .iter()
        .filter_map(|(id, titles)| {
            let granted_by = grants.get(*id).cloned().unwrap_or_default();
            (!granted_by.iter().any(|r| held.contains(r))).then(|| MissingRight {
                id: (*id).to_owned(),
                titles: titles.map(str::to_owned),
                granted_by,
            })
        })
        .collect()
}

/// What the person cannot delegate of the `rights` and `packages` for the party; empty
/// when they can do it all. A package is held by the roles that carry it (as for a
/// client relation) and by the organisation's general managers.
pub fn missing_for(
    conn: &mut DbConnection,
    pid: &str,
    org_no: &str,
    rights: &[Resource],
    packages: &[AccessPackage],
) -> Result<Vec<MissingRight>, AppError> {
    let held = roles_for(conn, pid, org_no)?;
    missing_from(conn, &held, rights, packages)
}

/// What the `held` roles cannot delegate of the `rights` and `packages`.
pub fn missing_from(
    conn: &mut DbConnection,
    held: &[Role],
    rights: &[Resource],
    packages: &[AccessPackage],
) -> Result<Vec<MissingRight>, AppError> {
    let ids: Vec<String> = rights.iter().map(|r| r.id.clone()).collect();
    let mut grants: BTreeMap<String, Vec<Role>> = BTreeMap::new();
    for (id, code) in resources::grant_roles(conn, &ids)? {
        if let Some(role) = Role::from_code(&code) {
            grants.entry(id).or_default().push(role);
        }
    }
    if !packages.is_empty() {
        // A person's own role of the same name (regnskapsfører in the organisation) gives
        // the package too; organisation forms limit client relations, not these roles.
        for (urn, carrier) in packages::relation_packages(conn)? {
            if let (Some(role), true) = (Role::from_code(&carrier.role_code), packages.iter().any(|p| p.urn == urn)) {
                grants.entry(urn).or_default().push(role);
            }
        }
        for package in packages {
            grants.entry(package.urn.clone()).or_default().extend(Role::ROLE_ASSIGNERS);
        }
    }
    // Name the specific role before the general managers ("Lønnsinnsender or Daglig leder").
    grants.values_mut().for_each(|roles| roles.sort_by_key(|r| (r.is_access_manager(), *r)));
    let wanted: Vec<(&str, [&str; 3])> = rights
        .iter()
        .map(|r| (r.id.as_str(), r.titles()))
        .chain(packages.iter().map(|p| (p.urn.as_str(), p.names())))
        .collect();
    Ok(missing(held, &wanted, &grants))
}

/// Checks that the person can delegate every one of the `rights` and `packages` for the party.
pub fn check_all(
    conn: &mut DbConnection,
    pid: &str,
    org_no: &str,
    rights: &[Resource],
    packages: &[AccessPackage],
) -> Result<(), AppError> {
    let missing = missing_for(conn, pid, org_no, rights, packages)?;
    if missing.is_empty() { Ok(()) } else { Err(AppError::MissingRights(missing.into_iter().map(|m| m.id).collect())) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    #[test]
    fn a_single_missing_right_is_reported_with_the_roles_that_grant_it() {
        let grants = BTreeMap::from([
            ("krav".to_owned(), vec![Role::Regnskapsforer, Role::DagligLeder]),
            ("a-melding".to_owned(), vec![Role::Lonnsinnsender, Role::DagligLeder]),
        ]);
        let wanted = [("krav", ["Krav"; 3]), ("a-melding", ["A-melding"; 3])];
        let result = missing(&[Role::Regnskapsforer, Role::Tilgangsstyrer], &wanted, &grants);
        assert_eq!(result.len(), 1);
        assert_eq!((result[0].id.as_str(), result[0].titles[0].as_str()), ("a-melding", "A-melding"));
        assert_eq!(result[0].granted_by, [Role::Lonnsinnsender, Role::DagligLeder]);
        assert!(missing(&[Role::DagligLeder], &wanted, &grants).is_empty());
    }

    #[test]
    fn a_right_no_role_grants_can_never_be_delegated() {
        let result = missing(&[Role::DagligLeder], &[("ukjent", ["Ukjent"; 3])], &BTreeMap::new());
        assert_eq!(result.len(), 1);
        assert!(result[0].granted_by.is_empty());
    }

    #[test]
    fn the_guide_example_holds_for_the_demo_cast() {
        let mut conn = demo_db();
        let lonn = crate::db::systems::rights(&mut conn, "310000035_smartcloud_lonn").unwrap();
        assert_eq!(lonn.len(), 2);
        // FORSIKTIG LØVE is regnskapsfører, not lønnsinnsender.
        match check_all(&mut conn, "22857030021", "310000019", &lonn, &[]) {
            Err(AppError::MissingRights(m)) => {
                assert_eq!(m.len(), 1);
                assert_eq!(m[0], "a-melding");
            }
            other => panic!("expected missing rights, got {other:?}"),
        }
        // The daglig leder can delegate both.
        check_all(&mut conn, "17827510025", "310000019", &lonn, &[]).unwrap();
    }

    #[test]
    fn a_package_is_delegated_by_the_roles_carrying_it_or_the_general_manager() {
        let mut conn = demo_db();
        let urns = ["urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet".to_owned()];
        let regnskap = crate::db::packages::by_urns(&mut conn, &urns).unwrap();
        let revisor =
            crate::db::packages::by_urns(&mut conn, &["urn:altinn:accesspackage:ansvarlig-revisor".to_owned()])
                .unwrap();
        // FORSIKTIG LØVE is regnskapsfører: she holds the accountant's package, not the auditor's.
        check_all(&mut conn, "22857030021", "310000019", &[], &regnskap).unwrap();
        assert!(matches!(check_all(&mut conn, "22857030021", "310000019", &[], &revisor),
            Err(AppError::MissingRights(m)) if m == ["urn:altinn:accesspackage:ansvarlig-revisor"]));
        let m = missing_for(&mut conn, "22857030021", "310000019", &[], &revisor).unwrap();
        assert_eq!(m[0].id, "urn:altinn:accesspackage:ansvarlig-revisor");
        assert_eq!(m[0].granted_by, [Role::Revisor, Role::DagligLeder, Role::Hovedadministrator]);
        // The daglig leder holds every package; ROLIG PINGVIN none.
        check_all(&mut conn, "17827510025", "310000019", &[], &revisor).unwrap();
        assert!(check_all(&mut conn, "11929030046", "310000019", &[], &regnskap).is_err());
    }
}
