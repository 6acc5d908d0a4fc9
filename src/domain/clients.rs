//! Clients of an agent system user: an accounting firm's client administrator attaches
//! the firm's clients, each only if it has given the firm every access package the
//! system user carries.

use std::collections::{BTreeMap, BTreeSet};

use crate::db::clients::{self, ClientDelegation, ClientFilter};
use crate::db::packages::{self, AccessPackage};
use crate::db::parties::{self, Organisation, search_key};
use crate::db::system_users::{self, SystemUser};
use crate::db::{self, DbConnection};
use crate::error::AppError;

use super::actor::Actor;
use super::audit::{self, Action, Actor as AuditActor};
use super::requests::UserType;
use super::roles::Role;

/// How many candidate clients a page shows.
pub const PAGE_SIZE: i64 = 25;
/// How many attached clients the page lists by name; the rest are found by searching.
pub const ATTACHED_SHOWN: i64 = 100;

/// One of the firm's clients as the page lists it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub organisation: Organisation,
    pub added: bool,
    /// Packages of the system user the client has not given the firm.
    pub missing: Vec<AccessPackage>,
}

/// What the client page shows.
#[derive(Debug, Clone)]
pub struct ClientPage {
    pub user: SystemUser,
    pub packages: Vec<AccessPackage>,
    /// The first [`ATTACHED_SHOWN`] attached clients, and how many there are in all.
    pub attached: Vec<(ClientDelegation, Organisation)>,
    pub attached_count: i64,
    pub candidates: Vec<Candidate>,
    /// Clients matching the search (and filter), over all pages.
    pub matching: i64,
    pub page: i64,
    pub can_manage: bool,
    pub client_administrators: Vec<String>,
}

/// A search as typed: name or org number, case and spaces ignored.
pub fn filter(query: &str, hide_added: bool) -> ClientFilter {
    let key = search_key(query);
    ClientFilter { search: (!key.is_empty()).then_some(key), hide_added }
}

/// The live agent system user of the firm the actor represents.
fn agent_user(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<(SystemUser, Vec<AccessPackage>), AppError> {
    let firm = &actor.party()?.org_no;
    let user = system_users::find_live(conn, id)?
        .filter(|u| &u.party_org_no == firm && u.user_type == UserType::Agent)
        .ok_or(AppError::SystemUserNotFound)?;
    let packages = packages::of_system_user(conn, id)?;
    Ok((user, packages))
}

/// For each package, the relation roles that give it.
fn roles_giving(
    conn: &mut DbConnection,
    packages: &[AccessPackage],
) -> Result<Vec<(AccessPackage, Vec<String>)>, AppError> {
    let mut by_package: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (role, urn) in packages::relation_packages(conn)? {
        by_package.entry(urn).or_default().push(role);
    }
    Ok(packages.iter().map(|p| (p.clone(), by_package.get(&p.urn).cloned().unwrap_or_default())).collect())
}

/// The packages each of `clients` has not given the firm (clients with none missing are left out).
fn missing_packages(
    conn: &mut DbConnection,
    firm: &str,
    clients: &[String],
    packages: &[AccessPackage],
) -> Result<BTreeMap<String, Vec<AccessPackage>>, AppError> {
    let giving = roles_giving(conn, packages)?;
    let mut roles_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (client, role) in clients::relations_with(conn, firm, clients)? {
        roles_of.entry(client).or_default().insert(role);
    }
    let mut missing = BTreeMap::new();
    for client in clients {
        let held = roles_of.get(client).cloned().unwrap_or_default();
        let lacking: Vec<AccessPackage> = giving
            .iter()
            .filter(|(_, roles)| !roles.iter().any(|r| held.contains(r)))
            .map(|(p, _)| p.clone())
            .collect();
        if !lacking.is_empty() {
            missing.insert(client.clone(), lacking);
        }
    }
    Ok(missing)
}

fn is_client_administrator(actor: &Actor) -> bool {
    actor.roles.contains(&Role::Klientadministrator)
}

/// The client page of an agent system user: its packages, attached clients, and one page
/// of the firm's clients matching the filter.
pub fn page(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    filter: &ClientFilter,
    page: i64,
) -> Result<ClientPage, AppError> {
    let (user, packages) = agent_user(conn, actor, id)?;
    let firm = user.party_org_no.clone();
    let matching = clients::count_clients(conn, &firm, id, filter)?;
    let last_page = ((matching - 1).max(0)) / PAGE_SIZE;
    let page = page.clamp(0, last_page);
    let rows = clients::page_of_clients(conn, &firm, id, filter, page * PAGE_SIZE, PAGE_SIZE)?;
    let org_nos: Vec<String> = rows.iter().map(|(o, _)| o.org_no.clone()).collect();
    let mut missing = missing_packages(conn, &firm, &org_nos, &packages)?;
    let candidates = rows
        .into_iter()
        .map(|(organisation, added)| Candidate {
            missing: missing.remove(&organisation.org_no).unwrap_or_default(),
            organisation,
            added,
        })
        .collect();
    Ok(ClientPage {
        attached: clients::attached(conn, id, ATTACHED_SHOWN)?,
        attached_count: clients::count_attached(conn, id)?,
        client_administrators: super::actor::client_administrator_names(conn, &firm)?,
        can_manage: is_client_administrator(actor),
        user,
        packages,
        candidates,
        matching,
        page,
    })
}

/// Attaches one client; attaching one already there changes nothing. Returns the client.
pub fn add(conn: &mut DbConnection, actor: &Actor, id: &str, client_org_no: &str) -> Result<Organisation, AppError> {
    let (user, packages) = agent_user(conn, actor, id)?;
    if !is_client_administrator(actor) {
        return Err(AppError::NotClientAdministrator);
    }
    let client =
        parties::organisation(conn, client_org_no)?.ok_or_else(|| AppError::NotAClient(client_org_no.to_owned()))?;
    let firm = user.party_org_no.clone();
    if clients::relations_with(conn, &firm, std::slice::from_ref(&client.org_no))?.is_empty() {
        return Err(AppError::NotAClient(format!("{} ({})", client.name, client.org_no)));
    }
    if let Some(lacking) =
        missing_packages(conn, &firm, std::slice::from_ref(&client.org_no), &packages)?.remove(&client.org_no)
    {
        return Err(AppError::ClientNotEligible {
            client: format!("{} ({})", client.name, client.org_no),
            missing: lacking.into_iter().map(|p| p.name).collect(),
        });
    }
    attach(conn, actor, &user, std::slice::from_ref(&client.org_no))?;
    Ok(client)
}

/// Attaches every eligible client matching the filter that is not attached yet, in one
/// transaction: all of them or, on failure, none. Returns how many were attached.
pub fn add_all(conn: &mut DbConnection, actor: &Actor, id: &str, filter: &ClientFilter) -> Result<usize, AppError> {
    let (user, packages) = agent_user(conn, actor, id)?;
    if !is_client_administrator(actor) {
        return Err(AppError::NotClientAdministrator);
    }
    let role_sets: Vec<Vec<String>> = roles_giving(conn, &packages)?.into_iter().map(|(_, roles)| roles).collect();
    // Someone adding a client at the same moment makes the insert fail whole; then the
    // eligible set is read again.
    let mut attempts = 0;
    loop {
        let eligible = clients::eligible_unattached(conn, &user.party_org_no, id, filter, &role_sets)?;
        let rows = delegations(actor, &user, &eligible);
        let result = db::transaction::<_, AppError, _>(conn, |conn| {
            clients::attach_new(conn, &rows)?;
            audit::record_each(
                conn,
                AuditActor::Person(&actor.pid),
                &user.party_org_no,
                Action::ClientAdd,
                id,
                &eligible,
            )?;
            Ok(())
        });
        match result {
            Ok(()) => {
                clients::refresh_statistics(conn)?;
                return Ok(rows.len());
            }
            Err(AppError::Duplicate(_)) if attempts < 3 => attempts += 1,
            Err(e) => return Err(e),
        }
    }
}

fn delegations(actor: &Actor, user: &SystemUser, org_nos: &[String]) -> Vec<ClientDelegation> {
    let now = db::now();
    org_nos
        .iter()
        .map(|org_no| ClientDelegation {
            id: uuid::Uuid::new_v4().to_string(),
            system_user_id: user.id.clone(),
            client_org_no: org_no.clone(),
            created: now,
            created_by: actor.pid.clone(),
        })
        .collect()
}

/// Attaches the clients not attached yet. Someone attaching one at the same moment is
/// no error: the client ends up attached once either way.
fn attach(conn: &mut DbConnection, actor: &Actor, user: &SystemUser, org_nos: &[String]) -> Result<usize, AppError> {
    let rows = delegations(actor, user, org_nos);
    let result = db::transaction::<_, AppError, _>(conn, |conn| {
        let added = clients::attach(conn, &rows)?;
        for row in &added {
            audit::record(
                conn,
                AuditActor::Person(&actor.pid),
                &user.party_org_no,
                Action::ClientAdd,
                &user.id,
                &row.client_org_no,
            )?;
        }
        Ok(added.len())
    });
    match result {
        Err(AppError::Duplicate(_)) => Ok(0),
        other => other,
    }
}

/// Detaches one client; its delegation ends at once. Returns the client, or None when it
/// was not attached.
pub fn remove(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    client_org_no: &str,
) -> Result<Option<Organisation>, AppError> {
    let (user, _) = agent_user(conn, actor, id)?;
    if !is_client_administrator(actor) {
        return Err(AppError::NotClientAdministrator);
    }
    let removed = db::transaction::<_, AppError, _>(conn, |conn| {
        let removed = clients::detach(conn, id, client_org_no)?;
        if removed {
            audit::record(
                conn,
                AuditActor::Person(&actor.pid),
                &user.party_org_no,
                Action::ClientRemove,
                id,
                client_org_no,
            )?;
        }
        Ok(removed)
    })?;
    if !removed {
        return Ok(None);
    }
    Ok(parties::organisation(conn, client_org_no)?)
}

/// One page of an agent system user's clients for the vendor of its system.
pub fn page_for_vendor(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    id: &str,
    from: Option<&str>,
    limit: i64,
) -> Result<Vec<(ClientDelegation, Organisation)>, AppError> {
    let user = system_users::find_live(conn, id)?
        .filter(|u| u.user_type == UserType::Agent)
        .ok_or(AppError::SystemUserNotFound)?;
    super::systems::owned_by(conn, vendor_org_no, &user.system_id).map_err(|_| AppError::SystemUserNotFound)?;
    Ok(clients::attached_page(conn, id, from, limit)?)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::domain::requests::{self, Expiry, NewRequest};
    use crate::testing::demo_db;

    const DRESS: &str = "03868120095";
    const FIRM: &str = "310000027";
    const PACKAGE: &str = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";

    fn agent_request(packages: &[&str]) -> NewRequest {
        NewRequest {
            user_type: UserType::Agent,
            system_id: "310000035_smartcloud_klient".into(),
            party_org_no: FIRM.into(),
            access_packages: Some(packages.iter().map(|p| p.to_string()).collect()),
            ..NewRequest::default()
        }
    }

    /// An approved agent system user of the firm and DRESS MINST acting for it.
    fn agent_user(conn: &mut DbConnection) -> (String, Actor) {
        let (request, _) = requests::create(conn, "310000035", agent_request(&[PACKAGE]), None).unwrap();
        let approved = requests::approve(conn, DRESS, &request.request.id, Expiry(Duration::days(1))).unwrap();
        assert_eq!(approved.packages.len(), 1);
        let dress = Actor::load(conn, DRESS, None).unwrap().unwrap();
        (request.request.id, dress)
    }

    #[test]
    fn agent_requests_need_packages_of_the_system_and_no_single_rights() {
        let mut conn = demo_db();
        let code =
            |conn: &mut DbConnection, r: NewRequest| requests::create(conn, "310000035", r, None).unwrap_err().code();
        assert_eq!(code(&mut conn, agent_request(&[])), "AUTH-00058");
        assert_eq!(code(&mut conn, agent_request(&["urn:altinn:accesspackage:ansvarlig-revisor"])), "AUTH-00063");
        let with_rights =
            NewRequest { resource_ids: Some(vec!["ske-krav-og-betalinger".into()]), ..agent_request(&[PACKAGE]) };
        assert_eq!(code(&mut conn, with_rights), "AUTH-00001", "the agent system has no single rights");
    }

    #[test]
    fn the_page_lists_the_firms_clients_with_what_keeps_one_out() {
        let mut conn = demo_db();
        let (id, dress) = agent_user(&mut conn);
        let all = page(&mut conn, &dress, &id, &filter("", false), 0).unwrap();
        assert_eq!(all.matching, 13);
        assert!(all.can_manage);
        assert_eq!(all.client_administrators, ["DRESS MINST"]);
        let ugle = page(&mut conn, &dress, &id, &filter("ugle", false), 0).unwrap();
        assert_eq!(ugle.candidates.len(), 1);
        assert_eq!(ugle.candidates[0].missing[0].urn, PACKAGE);
        let by_number = page(&mut conn, &dress, &id, &filter("310 000 043", false), 0).unwrap();
        assert_eq!(by_number.candidates[0].organisation.name, "LYSTIG ROLIG ELG AS");
        assert!(by_number.candidates[0].missing.is_empty());
        let none = page(&mut conn, &dress, &id, &filter("hval", false), 0).unwrap();
        assert_eq!(none.matching, 0, "an organisation that is no client is not listed");
    }

    #[test]
    fn only_eligible_clients_are_added_and_twice_is_harmless() {
        let mut conn = demo_db();
        let (id, dress) = agent_user(&mut conn);
        add(&mut conn, &dress, &id, "310000043").unwrap();
        add(&mut conn, &dress, &id, "310000043").unwrap();
        assert_eq!(crate::db::clients::count_attached(&mut conn, &id).unwrap(), 1);
        match add(&mut conn, &dress, &id, "310000124") {
            Err(AppError::ClientNotEligible { client, missing }) => {
                assert_eq!(client, "NØYE KLOK UGLE AS (310000124)");
                assert_eq!(missing, ["Regnskapsfører med signeringsrettighet"]);
            }
            other => panic!("expected not eligible, got {other:?}"),
        }
        assert!(matches!(add(&mut conn, &dress, &id, "310000132"), Err(AppError::NotAClient(_))));
        assert!(matches!(add(&mut conn, &dress, &id, "999999999"), Err(AppError::NotAClient(_))));
        // Everyone else eligible in one go; the revisor client stays out.
        assert_eq!(add_all(&mut conn, &dress, &id, &filter("", false)).unwrap(), 11);
        assert_eq!(add_all(&mut conn, &dress, &id, &filter("", false)).unwrap(), 0);
        let hidden = page(&mut conn, &dress, &id, &filter("", true), 0).unwrap();
        assert_eq!(hidden.matching, 1);
        assert_eq!(hidden.attached.len(), 12);
        assert_eq!(hidden.attached_count, 12);
    }

    #[test]
    fn removal_and_deletion_end_the_delegations_and_are_audited() {
        let mut conn = demo_db();
        let (id, dress) = agent_user(&mut conn);
        add(&mut conn, &dress, &id, "310000043").unwrap();
        add(&mut conn, &dress, &id, "310000051").unwrap();
        remove(&mut conn, &dress, &id, "310000043").unwrap();
        assert_eq!(crate::db::clients::count_attached(&mut conn, &id).unwrap(), 1);
        crate::domain::system_users::delete(&mut conn, &dress, &id).unwrap();
        assert_eq!(crate::db::clients::count_attached(&mut conn, &id).unwrap(), 0);
        let actions: Vec<String> =
            crate::db::audit::for_subject(&mut conn, &id).unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(
            actions,
            [
                "request.create",
                "request.approve",
                "client.add",
                "client.add",
                "client.remove",
                "client.remove",
                "systemuser.delete"
            ]
        );
    }

    #[test]
    fn only_client_administrators_change_clients() {
        let mut conn = demo_db();
        let (id, _) = agent_user(&mut conn);
        crate::db::parties::insert_role(
            &mut conn,
            &crate::db::parties::NewPartyRole { pid: "17827510025", org_no: FIRM, role_code: "TILGANGSSTYRER" },
        )
        .unwrap();
        let manager = Actor::load(&mut conn, "17827510025", Some(FIRM)).unwrap().unwrap();
        assert!(!page(&mut conn, &manager, &id, &filter("", false), 0).unwrap().can_manage);
        assert!(matches!(add(&mut conn, &manager, &id, "310000043"), Err(AppError::NotClientAdministrator)));
        assert!(matches!(add_all(&mut conn, &manager, &id, &filter("", false)), Err(AppError::NotClientAdministrator)));
        // Someone from another party does not even find the system user.
        let ape = Actor::load(&mut conn, "17827510025", Some("310000019")).unwrap().unwrap();
        assert!(matches!(page(&mut conn, &ape, &id, &filter("", false), 0), Err(AppError::SystemUserNotFound)));
    }
}
