//! Clients of an agent system user: an accounting firm's client administrator attaches
//! the firm's clients, each only if it has given the firm every access package the system
//! user carries, through the client relations that give them (regnskapsfører, revisor,
//! forretningsfører). An access manager may also add the firm itself, when the firm may
//! give every package itself. The portal and the client API share these rules.

use std::collections::BTreeMap;

use crate::db::clients::{self, ClientDelegation, ClientFilter, ClientKind, Listed};
use crate::db::packages::{self, AccessPackage, Carrier};
use crate::db::parties::{self, Organisation, search_key};
use crate::db::system_users::{self, SystemUser};
use crate::db::systems::System;
use crate::db::{self, DbConnection};
use crate::error::{AppError, Lacking};

use super::actor::{Actor, roles_for};
use super::audit::{self, Action, By};
use super::delegation::{self, MissingRight};
use super::requests::UserType;
use super::roles::Role;

/// How many clients a page lists.
pub const PAGE_SIZE: i64 = 15;

/// Who works with an agent system user's clients: a person, and in the portal the party
/// they act for (the agent must be that party's). The client API names no party.
#[derive(Debug, Clone, Copy)]
pub struct Worker<'a> {
    pub pid: &'a str,
    pub party: Option<&'a str>,
}

impl<'a> Worker<'a> {
    pub fn of(actor: &'a Actor) -> Self {
        Self { pid: &actor.pid, party: actor.party.as_ref().map(|p| p.org_no.as_str()) }
    }

    pub fn person(pid: &'a str) -> Self {
        Self { pid, party: None }
    }
}

/// One of the firm's clients as the page lists it: attached, or one that can be.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub org_no: String,
    pub name: String,
    pub added: bool,
}

/// The firm's clients that cannot be added for one reason: the relations they have with
/// the firm, and the packages those do not give.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The firm's relation roles with them (`REVISOR`, …).
    pub held: Vec<String>,
    pub missing: Vec<Lacking>,
    pub count: i64,
    /// The first [`REFUSED_NAMED`] of them by name: (org number, name).
    pub named: Vec<(String, String)>,
}

/// Which of the firm's clients the page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    #[default]
    All,
    Added,
    Addable,
    Refused,
}

/// How many of the firm's clients (matching the search) each filter shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub all: i64,
    pub added: i64,
    pub addable: i64,
    pub refused: i64,
}

impl Counts {
    /// The clients listed one by one under the filter (those refused are told of by reason).
    fn listed(&self, show: Show) -> i64 {
        match show {
            Show::All => self.added + self.addable,
            Show::Added => self.added,
            Show::Addable => self.addable,
            Show::Refused => 0,
        }
    }
}

/// Clients named under each reason they cannot be added; more are counted.
pub const REFUSED_NAMED: i64 = 50;

/// The firm itself as a client of its own agent system user.
#[derive(Debug, Clone)]
pub struct OwnFirm {
    pub organisation: Organisation,
    pub added: bool,
    /// The person may add or remove it (an access manager of the firm).
    pub may_change: bool,
    /// The firm can give every package itself (none is one only clients give).
    pub offered: bool,
    /// The packages the person cannot give for the firm, if any.
    pub missing: Vec<MissingRight>,
}

/// What the client page shows.
#[derive(Debug, Clone)]
pub struct ClientPage {
    pub user: SystemUser,
    pub packages: Vec<AccessPackage>,
    pub counts: Counts,
    /// The page of clients the filter lists, by name.
    pub candidates: Vec<Candidate>,
    /// Those that cannot be added, by reason (for the filters that show them).
    pub refused: Vec<Refused>,
    /// How many clients the filter lists, over all pages.
    pub matching: i64,
    pub page: i64,
    pub can_manage: bool,
    /// Who can add clients, for someone who cannot (empty for those who can).
    pub client_administrators: Vec<String>,
    pub own_firm: OwnFirm,
}

/// A search as typed: name or org number, case and spaces ignored.
pub fn filter(query: &str) -> ClientFilter {
    let key = search_key(query);
    ClientFilter { search: (!key.is_empty()).then_some(key) }
}

/// An agent system user as someone working with its clients finds it, with its packages
/// and the person's roles in the firm that owns it.
struct Agent {
    user: SystemUser,
    packages: Vec<AccessPackage>,
    roles: Vec<Role>,
}

impl Agent {
    fn firm(&self) -> &str {
        &self.user.party_org_no
    }

    /// Only a client administrator of the firm adds and removes clients.
    fn require_client_administrator(&self) -> Result<(), AppError> {
        if self.roles.contains(&Role::Klientadministrator) { Ok(()) } else { Err(AppError::NotClientAdministrator) }
    }

    /// Only an access manager of the firm adds or removes the firm itself.
    fn require_access_manager(&self) -> Result<(), AppError> {
        if self.roles.iter().any(|r| r.is_access_manager()) { Ok(()) } else { Err(AppError::NotAccessManager) }
    }
}

/// The live agent system user, for someone who holds a role in the firm that owns it (and
/// acts for that firm, in the portal); "not found" for anyone else.
fn agent(conn: &mut DbConnection, worker: Worker, id: &str) -> Result<Agent, AppError> {
    let user = system_users::find_live(conn, id)?
        .filter(|u| worker.party.is_none_or(|p| p == u.party_org_no))
        .ok_or(AppError::SystemUserNotFound)?;
    let roles = roles_for(conn, worker.pid, &user.party_org_no)?;
    if roles.is_empty() {
        return Err(AppError::SystemUserNotFound);
    }
    if user.user_type != UserType::Agent {
        return Err(AppError::NotAnAgent);
    }
    let packages = packages::of_system_user(conn, id)?;
    Ok(Agent { user, packages, roles })
}

/// For each package, the client relations that give it.
fn carriers(
    conn: &mut DbConnection,
    packages: &[AccessPackage],
) -> Result<Vec<(AccessPackage, Vec<Carrier>)>, AppError> {
    let mut by_package: BTreeMap<String, Vec<Carrier>> = BTreeMap::new();
    for (urn, carrier) in packages::relation_packages(conn)? {
        by_package.entry(urn).or_default().push(carrier);
    }
    Ok(packages.iter().map(|p| (p.clone(), by_package.remove(&p.urn).unwrap_or_default())).collect())
}

/// How an agent system user's packages reach the firm from its clients: through one kind
/// of relation (the firm is their regnskapsfører, revisor or forretningsfører), several,
/// or none, when no relation gives any of them and the system serves the firm itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Through {
    /// The relation's role code (`REGNSKAPSFORER`, `REVISOR`, `FORRETNINGSFORER`).
    One(String),
    Several,
    OwnUse,
}

/// How `packages` reach the firm (see [`Through`]).
pub fn through(conn: &mut DbConnection, packages: &[AccessPackage]) -> Result<Through, AppError> {
    let mut roles: Vec<String> =
        carriers(conn, packages)?.into_iter().flat_map(|(_, given_by)| given_by).map(|c| c.role_code).collect();
    roles.sort_unstable();
    roles.dedup();
    Ok(match roles.as_slice() {
        [] => Through::OwnUse,
        [one] => Through::One(one.clone()),
        _ => Through::Several,
    })
}

/// The packages a client has not given the firm through its relation roles `held`,
/// with the relations that would give them (`given_by` from [`carriers`]).
fn lacking(given_by: &[(AccessPackage, Vec<Carrier>)], org_form: &str, held: &[String]) -> Vec<Lacking> {
    let gives = |c: &Carrier| held.contains(&c.role_code) && c.gives_for(org_form);
    given_by
        .iter()
        .filter(|(_, carriers)| !carriers.iter().any(gives))
        .map(|(package, carriers)| Lacking {
            urn: package.urn.clone(),
            package: package.names().map(str::to_owned),
            relations: carriers.iter().map(|c| (c.role_code.clone(), c.org_forms.clone())).collect(),
        })
        .collect()
}

/// The client page of an agent system user: its packages, the firm itself, the firm's
/// clients matching the search counted by what can be done with them, one page of those
/// the filter lists, and those that cannot be added folded by reason.
pub fn page(
    conn: &mut DbConnection,
    worker: Worker,
    id: &str,
    filter: &ClientFilter,
    show: Show,
    page: i64,
) -> Result<ClientPage, AppError> {
    let agent = agent(conn, worker, id)?;
    let firm = agent.firm().to_owned();
    let given_by = carriers(conn, &agent.packages)?;
    let mut counts = Counts::default();
    let mut eligible = Vec::new();
    let mut refused: Vec<(Refused, Vec<ClientKind>)> = Vec::new();
    for kind in clients::kinds(conn, &firm, id, filter)? {
        counts.all += kind.clients;
        counts.added += kind.attached;
        let missing = lacking(&given_by, &kind.kind.org_form, &kind.kind.roles);
        let unattached = kind.clients - kind.attached;
        if missing.is_empty() {
            counts.addable += unattached;
            eligible.push(kind.kind);
            continue;
        }
        counts.refused += unattached;
        if unattached == 0 {
            continue;
        }
        // Kinds that differ only where no package cares (the form) share one reason.
        match refused.iter_mut().find(|(r, _)| r.held == kind.kind.roles && r.missing == missing) {
            Some((same, kinds)) => {
                same.count += unattached;
                kinds.push(kind.kind);
            }
            None => {
                let reason = Refused { held: kind.kind.roles.clone(), missing, count: unattached, named: Vec::new() };
                refused.push((reason, vec![kind.kind]));
            }
        }
    }
    let matching = counts.listed(show);
    let page = page.clamp(0, ((matching - 1).max(0)) / PAGE_SIZE);
    let listed = match show {
        Show::All => Some(Listed::AttachedOr(&eligible)),
        Show::Added => Some(Listed::Attached),
        Show::Addable => Some(Listed::UnattachedOf(&eligible)),
        Show::Refused => None,
    };
    let candidates = match listed {
        Some(listed) if matching > 0 => {
            clients::page_of_clients(conn, &firm, id, filter, listed, page * PAGE_SIZE, PAGE_SIZE)?
        }
        _ => Vec::new(),
    };
    let refused = match show {
        Show::All | Show::Refused => refused
            .into_iter()
            .map(|(mut reason, kinds)| {
                let named =
                    clients::page_of_clients(conn, &firm, id, filter, Listed::UnattachedOf(&kinds), 0, REFUSED_NAMED)?;
                reason.named = named.into_iter().map(|c| (c.org_no, c.name)).collect();
                Ok(reason)
            })
            .collect::<Result<_, AppError>>()?,
        Show::Added | Show::Addable => Vec::new(),
    };
    let may_change = agent.require_access_manager().is_ok();
    let offered = agent.packages.iter().all(|p| p.assignable);
    let own_firm = OwnFirm {
        organisation: parties::organisation(conn, &firm)?.ok_or(AppError::SystemUserNotFound)?,
        added: clients::is_attached(conn, id, &firm)?,
        missing: if may_change && offered {
            delegation::missing_from(conn, &agent.roles, &[], &agent.packages)?
        } else {
            Vec::new()
        },
        may_change,
        offered,
    };
    let can_manage = agent.require_client_administrator().is_ok();
    Ok(ClientPage {
        client_administrators: if can_manage {
            Vec::new()
        } else {
            super::actor::client_administrator_names(conn, &firm)?
        },
        can_manage,
        user: agent.user,
        packages: agent.packages,
        candidates: candidates
            .into_iter()
            .map(|c| Candidate { org_no: c.org_no, name: c.name, added: c.attached })
            .collect(),
        refused,
        counts,
        matching,
        page,
        own_firm,
    })
}

/// Attaches one of the firm's clients; attaching one already there changes nothing.
/// Returns the client.
pub fn add<'a>(
    conn: &mut DbConnection,
    worker: Worker,
    id: &str,
    client: impl Into<ClientRef<'a>>,
) -> Result<Organisation, AppError> {
    let agent = agent(conn, worker, id)?;
    agent.require_client_administrator()?;
    let client = client.into().resolve(conn)?;
    let firm = agent.firm().to_owned();
    let held = clients::roles_with(conn, &firm, &client.org_no)?;
    if held.is_empty() {
        return Err(AppError::NotAClient(client.name, client.org_no));
    }
    let missing = lacking(&carriers(conn, &agent.packages)?, &client.org_form, &held);
    if !missing.is_empty() {
        return Err(AppError::ClientNotEligible { client: (client.name, client.org_no), missing });
    }
    attach(conn, worker.pid, &agent.user, std::slice::from_ref(&client.org_no))?;
    Ok(client)
}

/// Adds the firm itself as a client of its own agent system user ("Legg til din
/// virksomhet"): the firm gives the packages, so each must be one an organisation gives
/// its own (not a client package), and the access manager must be able to give them all.
pub fn add_own_firm(conn: &mut DbConnection, worker: Worker, id: &str) -> Result<Organisation, AppError> {
    let agent = agent(conn, worker, id)?;
    agent.require_access_manager()?;
    let client_only: Vec<String> = agent.packages.iter().filter(|p| !p.assignable).map(|p| p.urn.clone()).collect();
    if !client_only.is_empty() {
        return Err(AppError::PackageNotAssignable(client_only));
    }
    let firm = agent.firm().to_owned();
    delegation::check_all(conn, worker.pid, &firm, &[], &agent.packages)?;
    attach(conn, worker.pid, &agent.user, std::slice::from_ref(&firm))?;
    parties::organisation(conn, &firm)?.ok_or(AppError::SystemUserNotFound)
}

/// Takes the firm itself off its agent system user again, leaving the clients as they
/// are. Returns the firm, or None when it was not on.
pub fn remove_own_firm(conn: &mut DbConnection, worker: Worker, id: &str) -> Result<Option<Organisation>, AppError> {
    let agent = agent(conn, worker, id)?;
    let firm = parties::organisation(conn, agent.firm())?.ok_or(AppError::SystemUserNotFound)?;
    remove_from(conn, worker.pid, &agent, &firm)
}

/// Attaches every eligible client matching the filter that is not attached yet, in one
/// transaction: all of them or, on failure, none. Returns how many were attached, or
/// None, attaching nothing, when they are no longer the `confirmed` number the person
/// agreed to.
pub fn add_all(
    conn: &mut DbConnection,
    worker: Worker,
    id: &str,
    filter: &ClientFilter,
    confirmed: usize,
) -> Result<Option<usize>, AppError> {
    let agent = agent(conn, worker, id)?;
    agent.require_client_administrator()?;
    let firm = agent.firm().to_owned();
    // Someone adding a client at the same moment makes the insert fail whole; then the
    // eligible set is read again.
    let added = super::retrying(conn, |conn| {
        let eligible = addable(conn, &agent, filter)?;
        if eligible.len() != confirmed {
            return Ok(None);
        }
        let rows = delegations(worker.pid, &agent.user, &eligible);
        clients::attach_new(conn, &rows)?;
        audit::record_each(conn, By::Person(worker.pid), &firm, Action::ClientAdd, id, &eligible)?;
        Ok(Some(rows.len()))
    })?;
    if added.is_some() {
        clients::refresh_statistics(conn)?;
    }
    Ok(added)
}

/// How many clients [`add_all`] would attach now, for its confirmation, with the
/// system user they would be attached to.
pub fn count_addable(
    conn: &mut DbConnection,
    worker: Worker,
    id: &str,
    filter: &ClientFilter,
) -> Result<(SystemUser, usize), AppError> {
    let agent = agent(conn, worker, id)?;
    agent.require_client_administrator()?;
    let count = addable(conn, &agent, filter)?.len();
    Ok((agent.user, count))
}

/// The org numbers of the clients matching the filter that may be attached and are not.
fn addable(conn: &mut DbConnection, agent: &Agent, filter: &ClientFilter) -> Result<Vec<String>, AppError> {
    let given_by: Vec<Vec<Carrier>> = carriers(conn, &agent.packages)?.into_iter().map(|(_, c)| c).collect();
    let found = clients::eligible_unattached(conn, agent.firm(), &agent.user.id, filter, &given_by, None, None)?;
    Ok(found.into_iter().map(|o| o.org_no).collect())
}

/// The firm's clients that can be added and are not yet, in org number order from
/// `from` on (the client API's "available" list).
pub fn available(
    conn: &mut DbConnection,
    worker: Worker,
    id: &str,
    from: Option<&str>,
    limit: i64,
) -> Result<(SystemUser, Vec<Organisation>), AppError> {
    let agent = agent(conn, worker, id)?;
    agent.require_client_administrator()?;
    let given_by: Vec<Vec<Carrier>> = carriers(conn, &agent.packages)?.into_iter().map(|(_, c)| c).collect();
    let firm = agent.firm().to_owned();
    let found = clients::eligible_unattached(conn, &firm, id, &ClientFilter::default(), &given_by, from, Some(limit))?;
    Ok((agent.user, found))
}

/// The clients attached to the agent system user, in id order from `from` on (the client
/// API's list).
pub fn attached(
    conn: &mut DbConnection,
    worker: Worker,
    id: &str,
    from: Option<&str>,
    limit: i64,
) -> Result<(SystemUser, Vec<(ClientDelegation, Organisation)>), AppError> {
    let agent = agent(conn, worker, id)?;
    agent.require_client_administrator()?;
    Ok((agent.user, clients::attached_page(conn, id, from, limit)?))
}

/// An agent system user as the client API lists it.
#[derive(Debug, Clone)]
pub struct AgentListing {
    pub user: SystemUser,
    pub system: System,
    pub party: Organisation,
    pub packages: Vec<String>,
}

/// The agent system users of a party, for one of its client administrators (the client
/// API's "agents" list).
pub fn agents_of(conn: &mut DbConnection, pid: &str, party_org_no: &str) -> Result<Vec<AgentListing>, AppError> {
    let party = parties::organisation(conn, party_org_no)?.ok_or(AppError::PartyNotFound)?;
    if !roles_for(conn, pid, party_org_no)?.contains(&Role::Klientadministrator) {
        return Err(AppError::NotClientAdministrator);
    }
    let agents: Vec<(SystemUser, System)> = system_users::live_for_party(conn, party_org_no)?
        .into_iter()
        .filter(|(user, _, _)| user.user_type == UserType::Agent)
        .map(|(user, system, _)| (user, system))
        .collect();
    let (users, systems): (Vec<SystemUser>, Vec<System>) = agents.into_iter().unzip();
    Ok(super::system_users::with_packages(conn, users)?
        .into_iter()
        .zip(systems)
        .map(|((user, packages), system)| AgentListing { user, system, party: party.clone(), packages })
        .collect())
}

/// A client as the portal (organisation number) or the client API (party UUID) names it.
#[derive(Debug, Clone, Copy)]
pub enum ClientRef<'a> {
    OrgNo(&'a str),
    PartyUuid(&'a str),
}

impl<'a> From<&'a str> for ClientRef<'a> {
    fn from(org_no: &'a str) -> Self {
        ClientRef::OrgNo(org_no)
    }
}

impl ClientRef<'_> {
    /// The organisation named; "not a client" when there is none.
    fn resolve(self, conn: &mut DbConnection) -> Result<Organisation, AppError> {
        let (found, named) = match self {
            ClientRef::OrgNo(org_no) => (parties::organisation(conn, org_no)?, org_no),
            ClientRef::PartyUuid(uuid) => (parties::organisation_by_uuid(conn, uuid)?, uuid),
        };
        found.ok_or_else(|| AppError::NotAClient(String::new(), named.to_owned()))
    }
}

fn delegations(pid: &str, user: &SystemUser, org_nos: &[String]) -> Vec<ClientDelegation> {
    let now = db::now();
    org_nos
        .iter()
        .map(|org_no| ClientDelegation {
            id: uuid::Uuid::new_v4().to_string(),
            system_user_id: user.id.clone(),
            client_org_no: org_no.clone(),
            created: now,
            created_by: pid.to_owned(),
        })
        .collect()
}

/// Attaches the clients not attached yet. Someone attaching one at the same moment is
/// no error: the client ends up attached once either way.
fn attach(conn: &mut DbConnection, pid: &str, user: &SystemUser, org_nos: &[String]) -> Result<usize, AppError> {
    let rows = delegations(pid, user, org_nos);
    let result = db::transaction::<_, AppError, _>(conn, |conn| {
        let added = clients::attach(conn, &rows)?;
        for row in &added {
            audit::record(conn, By::Person(pid), &user.party_org_no, Action::ClientAdd, &user.id, &row.client_org_no)?;
        }
        Ok(added.len())
    });
    match result {
        Err(AppError::Duplicate) => Ok(0),
        other => other,
    }
}

/// After the register changed the client's relations with the firm: detaches the client
/// from every agent system access of the firm whose packages it no longer gives, audited
/// as the register's doing. The number detached.
pub fn drop_lapsed(conn: &mut DbConnection, facilitator: &str, client: &Organisation) -> Result<usize, AppError> {
    if facilitator == client.org_no {
        return Ok(0);
    }
    let held = clients::roles_with(conn, facilitator, &client.org_no)?;
    let mut dropped = 0;
    for id in clients::agents_holding(conn, facilitator, &client.org_no)? {
        let packages = packages::of_system_user(conn, &id)?;
        if lacking(&carriers(conn, &packages)?, &client.org_form, &held).is_empty() {
            continue;
        }
        clients::detach(conn, &id, &client.org_no)?;
        audit::record(conn, By::Register, facilitator, Action::ClientRemove, &id, &client.org_no)?;
        dropped += 1;
    }
    Ok(dropped)
}

/// Detaches one client, audited; false when it was not attached.
fn detach(conn: &mut DbConnection, pid: &str, user: &SystemUser, client_org_no: &str) -> Result<bool, AppError> {
    db::transaction::<_, AppError, _>(conn, |conn| {
        let removed = clients::detach(conn, &user.id, client_org_no)?;
        if removed {
            audit::record(conn, By::Person(pid), &user.party_org_no, Action::ClientRemove, &user.id, client_org_no)?;
        }
        Ok(removed)
    })
}

/// Detaches one client; its delegation ends at once. Returns the client, or None when it
/// was not attached.
pub fn remove<'a>(
    conn: &mut DbConnection,
    worker: Worker,
    id: &str,
    client: impl Into<ClientRef<'a>>,
) -> Result<Option<Organisation>, AppError> {
    let agent = agent(conn, worker, id)?;
    let client = client.into().resolve(conn)?;
    remove_from(conn, worker.pid, &agent, &client)
}

/// Detaches the client from the agent; the firm itself is taken off by whoever may add
/// it, any other client by a client administrator.
fn remove_from(
    conn: &mut DbConnection,
    pid: &str,
    agent: &Agent,
    client: &Organisation,
) -> Result<Option<Organisation>, AppError> {
    if client.org_no == agent.firm() {
        agent.require_access_manager()?;
    } else {
        agent.require_client_administrator()?;
    }
    Ok(detach(conn, pid, &agent.user, &client.org_no)?.then(|| client.clone()))
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
    /// SMIDIG TAPPER SKILPADDE, the firm's daglig leder.
    const FIRM_MANAGER: &str = "12898010013";
    /// A package the firm gives its own (not a client package).
    const ORDINARY_PACKAGE: &str = "urn:altinn:accesspackage:skattegrunnlag";

    fn agent_request(system: &str, packages: &[&str]) -> NewRequest {
        NewRequest {
            user_type: UserType::Agent,
            system_id: system.into(),
            party_org_no: FIRM.into(),
            access_packages: Some(packages.iter().map(|p| p.to_string()).collect()),
            ..NewRequest::default()
        }
    }

    /// An approved agent system user of the firm for the system and packages.
    fn approved(conn: &mut DbConnection, system: &str, packages: &[&str]) -> String {
        let (request, _) = requests::create(conn, "310000035", agent_request(system, packages), None).unwrap();
        requests::approve(conn, DRESS, &request.request.id, Expiry(Duration::days(1))).unwrap();
        request.request.id
    }

    fn accounting_user(conn: &mut DbConnection) -> String {
        approved(conn, "310000035_smartcloud_klient", &[PACKAGE])
    }

    fn dress() -> Worker<'static> {
        Worker { pid: DRESS, party: Some(FIRM) }
    }

    #[test]
    fn agent_requests_need_packages_of_the_system_and_no_single_rights() {
        let mut conn = demo_db();
        let code =
            |conn: &mut DbConnection, r: NewRequest| requests::create(conn, "310000035", r, None).unwrap_err().code();
        let system = "310000035_smartcloud_klient";
        assert_eq!(code(&mut conn, agent_request(system, &[])), "AUTH-00058");
        assert_eq!(
            code(&mut conn, agent_request(system, &["urn:altinn:accesspackage:ansvarlig-revisor"])),
            "AUTH-00063"
        );
        let with_rights = NewRequest {
            resource_ids: Some(vec!["ske-krav-og-betalinger".into()]),
            ..agent_request(system, &[PACKAGE])
        };
        assert_eq!(code(&mut conn, with_rights), "AUTH-00001", "the agent system has no single rights");
    }

    #[test]
    fn the_page_counts_the_firms_clients_and_folds_those_it_cannot_add_by_reason() {
        let mut conn = demo_db();
        let id = accounting_user(&mut conn);
        let all = page(&mut conn, dress(), &id, &filter(""), Show::All, 0).unwrap();
        assert_eq!(all.counts, Counts { all: 19, added: 0, addable: 13, refused: 6 });
        assert_eq!((all.matching, all.candidates.len()), (13, 13), "the refused are told of by reason, not listed");
        assert!(all.can_manage);
        assert!(all.client_administrators.is_empty(), "nobody tells a client administrator whom to ask");
        let reasons: Vec<(Vec<String>, i64, usize)> =
            all.refused.iter().map(|r| (r.held.clone(), r.count, r.named.len())).collect();
        assert_eq!(
            reasons,
            [(vec!["FORRETNINGSFORER".to_owned()], 3, 3), (vec!["REVISOR".to_owned()], 3, 3)],
            "one reason a relation, whatever the clients' forms"
        );
        assert!(all.refused.iter().all(|r| r.missing.len() == 1 && r.missing[0].urn == PACKAGE));
        assert_eq!(all.refused[1].missing[0].relations, [("REGNSKAPSFORER".to_owned(), None)]);
        let ugle = page(&mut conn, dress(), &id, &filter("ugle"), Show::Refused, 0).unwrap();
        assert!(ugle.candidates.is_empty());
        assert_eq!(ugle.refused[0].named, [("310000124".to_owned(), "NØYE KLOK UGLE AS".to_owned())]);
        let by_number = page(&mut conn, dress(), &id, &filter("310 000 043"), Show::All, 0).unwrap();
        assert_eq!(by_number.candidates[0].name, "LYSTIG ROLIG ELG AS");
        let none = page(&mut conn, dress(), &id, &filter("hval"), Show::All, 0).unwrap();
        assert_eq!(none.counts.all, 0, "an organisation that is no client is not listed");
        add(&mut conn, dress(), &id, "310000043").unwrap();
        let added = page(&mut conn, dress(), &id, &filter(""), Show::Added, 0).unwrap();
        assert_eq!(added.counts, Counts { all: 19, added: 1, addable: 12, refused: 6 });
        assert_eq!(
            added.candidates.iter().map(|c| (c.name.as_str(), c.added)).collect::<Vec<_>>(),
            [("LYSTIG ROLIG ELG AS", true)]
        );
        assert!(added.refused.is_empty());
        let addable = page(&mut conn, dress(), &id, &filter(""), Show::Addable, 0).unwrap();
        assert_eq!(addable.candidates.len(), 12);
        assert!(addable.candidates.iter().all(|c| !c.added));
    }

    #[test]
    fn only_eligible_clients_are_added_and_twice_is_harmless() {
        let mut conn = demo_db();
        let id = accounting_user(&mut conn);
        add(&mut conn, dress(), &id, "310000043").unwrap();
        add(&mut conn, dress(), &id, "310000043").unwrap();
        assert_eq!(crate::db::clients::count_attached(&mut conn, &id).unwrap(), 1);
        match add(&mut conn, dress(), &id, "310000124") {
            Err(AppError::ClientNotEligible { client, missing }) => {
                assert_eq!(client, ("NØYE KLOK UGLE AS".into(), "310000124".into()));
                assert_eq!(
                    missing.iter().map(|l| l.package[0].as_str()).collect::<Vec<_>>(),
                    ["Regnskapsfører med signeringsrettighet"]
                );
            }
            other => panic!("expected not eligible, got {other:?}"),
        }
        assert!(matches!(add(&mut conn, dress(), &id, "310000132"), Err(AppError::NotAClient(..))));
        assert!(matches!(add(&mut conn, dress(), &id, "999999999"), Err(AppError::NotAClient(..))));
        // Every other regnskapsfører client in one go; revisor and forretningsfører
        // clients stay out.
        assert_eq!(add_all(&mut conn, dress(), &id, &filter(""), 11).unwrap(), None, "not the number confirmed");
        assert_eq!(add_all(&mut conn, dress(), &id, &filter(""), 12).unwrap(), Some(12));
        assert_eq!(add_all(&mut conn, dress(), &id, &filter(""), 0).unwrap(), Some(0));
        let after = page(&mut conn, dress(), &id, &filter(""), Show::All, 0).unwrap();
        assert_eq!(after.counts, Counts { all: 19, added: 13, addable: 0, refused: 6 });
    }

    #[test]
    fn a_client_must_give_every_package_through_a_relation_that_carries_it() {
        let mut conn = demo_db();
        let audit = approved(
            &mut conn,
            "310000035_smartcloud_revisjon",
            &["urn:altinn:accesspackage:ansvarlig-revisor", "urn:altinn:accesspackage:revisormedarbeider"],
        );
        // Revisor clients give both packages; a regnskapsfører client gives neither.
        assert_eq!(add_all(&mut conn, dress(), &audit, &filter(""), 4).unwrap(), Some(4));
        match add(&mut conn, dress(), &audit, "310000043") {
            Err(AppError::ClientNotEligible { missing, .. }) => {
                assert_eq!(missing.len(), 2);
                assert!(missing.iter().all(|l| l.relations == [("REVISOR".to_owned(), None)]));
            }
            other => panic!("expected not eligible, got {other:?}"),
        }
        // Forretningsfører gives its package for sameier and borettslag only.
        let property =
            approved(&mut conn, "310000035_smartcloud_eiendom", &["urn:altinn:accesspackage:forretningsforer-eiendom"]);
        add(&mut conn, dress(), &property, "310000221").unwrap();
        add(&mut conn, dress(), &property, "310000248").unwrap();
        match add(&mut conn, dress(), &property, "310000256") {
            Err(AppError::ClientNotEligible { missing, .. }) => {
                let forms = Some(vec!["ESEK".to_owned(), "BRL".to_owned()]);
                assert_eq!(missing[0].relations, [("FORRETNINGSFORER".to_owned(), forms)]);
            }
            other => panic!("expected not eligible, got {other:?}"),
        }
        assert_eq!(add_all(&mut conn, dress(), &property, &filter(""), 0).unwrap(), Some(0));
    }

    #[test]
    fn the_firm_adds_itself_only_with_packages_it_gives_its_own() {
        let mut conn = demo_db();
        let manager = Worker { pid: FIRM_MANAGER, party: Some(FIRM) };
        let own = approved(&mut conn, "310000035_smartcloud_konsern", &[ORDINARY_PACKAGE]);
        // DRESS MINST manages access, but only a daglig leder gives the firm's packages.
        assert!(matches!(add_own_firm(&mut conn, dress(), &own), Err(AppError::MissingRights(_))));
        let shown = page(&mut conn, dress(), &own, &filter(""), Show::All, 0).unwrap().own_firm;
        assert_eq!(shown.missing[0].granted_by, [Role::DagligLeder, Role::Hovedadministrator]);
        assert_eq!(add_own_firm(&mut conn, manager, &own).unwrap().org_no, FIRM);
        add_own_firm(&mut conn, manager, &own).unwrap();
        assert!(page(&mut conn, manager, &own, &filter(""), Show::All, 0).unwrap().own_firm.added);
        assert!(remove_own_firm(&mut conn, manager, &own).unwrap().is_some());
        assert!(remove_own_firm(&mut conn, manager, &own).unwrap().is_none());
        let accounting = accounting_user(&mut conn);
        match add_own_firm(&mut conn, manager, &accounting) {
            Err(AppError::PackageNotAssignable(urns)) => assert_eq!(urns, [PACKAGE]),
            other => panic!("expected client packages to be refused, got {other:?}"),
        }
    }

    #[test]
    fn removal_and_deletion_end_the_delegations_and_are_audited() {
        let mut conn = demo_db();
        let id = accounting_user(&mut conn);
        add(&mut conn, dress(), &id, "310000043").unwrap();
        add(&mut conn, dress(), &id, "310000051").unwrap();
        remove(&mut conn, dress(), &id, "310000043").unwrap();
        assert_eq!(crate::db::clients::count_attached(&mut conn, &id).unwrap(), 1);
        let actor = Actor::load(&mut conn, DRESS, Some(FIRM)).unwrap().unwrap();
        crate::domain::system_users::delete(&mut conn, &actor, &id).unwrap();
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
    fn a_relation_the_register_ends_takes_the_client_off_audited() {
        use crate::domain::register::{self, OrganisationRole, Record, RolesRecord};
        let mut conn = demo_db();
        let id = accounting_user(&mut conn);
        for client in ["310000043", "310000051", "310000213"] {
            add(&mut conn, dress(), &id, client).unwrap();
        }
        let count = |conn: &mut DbConnection| -> i64 {
            clients::kinds(conn, FIRM, "-", &ClientFilter::default()).unwrap().iter().map(|k| k.clients).sum()
        };
        let before = count(&mut conn);
        let relations = |client: &str, held: &[&str]| {
            Record::Roles(RolesRecord {
                org_no: client.into(),
                persons: None,
                organisations: Some(
                    held.iter().map(|r| OrganisationRole { role: r.to_string(), holder: FIRM.into() }).collect(),
                ),
            })
        };
        let records = [
            relations("310000043", &[]),
            relations("310000051", &["REGN"]),
            // The firm still audits it, but no longer keeps its accounts.
            relations("310000213", &["REVI"]),
        ];
        let summary = register::apply(&mut conn, &records).unwrap();
        assert_eq!((summary.roles_removed, summary.clients_detached), (2, 2), "{summary:?}");
        assert_eq!(count(&mut conn), before - 1, "310000213 is still a client, through the audit");
        let attached: Vec<String> = crate::db::clients::attached(&mut conn, &id, 10)
            .unwrap()
            .into_iter()
            .map(|(d, _)| d.client_org_no)
            .collect();
        assert_eq!(attached, ["310000051"]);
        let history = crate::domain::system_users::history(&mut conn, &id).unwrap();
        let removed: Vec<(&str, Vec<&str>)> = history
            .iter()
            .filter(|h| h.event.action == "client.remove")
            .map(|h| (h.actor_name.as_str(), h.clients.iter().map(|(_, org_no)| org_no.as_str()).collect()))
            .collect();
        assert_eq!(removed, [("Enhetsregisteret", vec!["310000043", "310000213"])], "one line for one sync");
        let again = register::apply(&mut conn, &records).unwrap();
        assert_eq!((again.roles_added, again.roles_removed, again.clients_detached), (0, 0, 0), "a sync");
    }

    #[test]
    fn attached_clients_are_named_in_norwegian_order_also_after_the_register_renames_one() {
        use crate::domain::register::{self, OrganisationRecord, Record};
        let mut conn = demo_db();
        let id = accounting_user(&mut conn);
        let names =
            [("390000006", "ÅS AS"), ("390000014", "ØRE AS"), ("390000022", "ÆRE AS"), ("390000030", "ZETA AS")];
        for (org_no, name) in names {
            crate::db::parties::insert_organisation(&mut conn, &Organisation::new(org_no, name)).unwrap();
            crate::db::clients::insert_relation(&mut conn, FIRM, org_no, "REGNSKAPSFORER").unwrap();
            add(&mut conn, dress(), &id, org_no).unwrap();
        }
        let attached = |conn: &mut DbConnection| -> Vec<String> {
            let named = crate::db::clients::attached_by_name(conn, &id, 10).unwrap();
            named.into_iter().map(|o| o.name).collect()
        };
        assert_eq!(attached(&mut conn), ["ZETA AS", "ÆRE AS", "ØRE AS", "ÅS AS"]);
        let renamed = OrganisationRecord { org_no: "390000030".into(), name: "ÅTTE AS".into(), org_form: "AS".into() };
        let summary = register::apply(&mut conn, &[Record::Organisation(renamed)]).unwrap();
        assert_eq!(summary.updated, 1, "{summary:?}");
        assert_eq!(attached(&mut conn), ["ÆRE AS", "ØRE AS", "ÅS AS", "ÅTTE AS"]);
    }

    #[test]
    fn only_client_administrators_change_clients() {
        let mut conn = demo_db();
        let id = accounting_user(&mut conn);
        let manager = Worker { pid: FIRM_MANAGER, party: Some(FIRM) };
        assert!(!page(&mut conn, manager, &id, &filter(""), Show::All, 0).unwrap().can_manage);
        assert!(matches!(add(&mut conn, manager, &id, "310000043"), Err(AppError::NotClientAdministrator)));
        assert!(matches!(add_all(&mut conn, manager, &id, &filter(""), 0), Err(AppError::NotClientAdministrator)));
        // Someone acting for another party does not even find the system user.
        let elsewhere = Worker { pid: FIRM_MANAGER, party: Some("310000019") };
        assert!(matches!(
            page(&mut conn, elsewhere, &id, &filter(""), Show::All, 0),
            Err(AppError::SystemUserNotFound)
        ));
    }
}
