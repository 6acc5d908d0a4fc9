//! System users (system accesses): the party's list, details, user-driven creation and
//! revocation, and the vendor's view of its systems' users.

use std::collections::HashMap;

use crate::db::packages::AccessPackage;
use crate::db::parties::{self, Organisation};
use crate::db::resources::Resource;
use crate::db::system_users::{self, SystemUser};
use crate::db::systems::System;
use crate::db::{self, DbConnection};
use crate::error::AppError;

use super::actor::Actor;
use super::audit::{self, Action, By};
use super::delegation;
use super::requests::UserType;
use super::systems;

/// A system user with its system, vendor, rights and creator's name.
#[derive(Debug, Clone)]
pub struct SystemUserDetails {
    pub user: SystemUser,
    pub system: System,
    pub vendor: Organisation,
    pub rights: Vec<Resource>,
    pub packages: Vec<AccessPackage>,
    /// Clients attached (agent system users only).
    pub client_count: i64,
    pub created_by_name: String,
}

impl SystemUserDetails {
    pub fn user_type(&self) -> UserType {
        self.user.user_type
    }
}

/// The party's live system users with system and vendor names, newest first.
pub fn list_for_party(conn: &mut DbConnection, org_no: &str) -> Result<Vec<system_users::Listed>, AppError> {
    Ok(system_users::listed_for_party(conn, org_no)?)
}

/// A live system user of the party; another party's is "not found", never shown.
/// "Not found" for an access of the party that was deleted says so: by whom and when.
pub fn deleted_for_party(conn: &mut DbConnection, org_no: &str, id: &str) -> Result<AppError, AppError> {
    let Some(user) = system_users::find_deleted(conn, id)?.filter(|u| u.party_org_no == org_no) else {
        return Ok(AppError::SystemUserNotFound);
    };
    let (by, by_vendor) = match &user.deleted_by {
        Some(pid) => (parties::person(conn, pid)?.map_or_else(|| pid.clone(), |p| p.name), false),
        // Deleted by its vendor: the audit trail names it.
        None => {
            let deletion = db::audit::for_subject(conn, id)?
                .into_iter()
                .rfind(|e| e.action == Action::SystemUserDelete.as_str() && audit::is_vendor(&e.actor));
            match deletion {
                Some(e) => (audit::Names::default().of(conn, &e.actor)?, true),
                None => (String::new(), false),
            }
        }
    };
    let at = user.deleted_at.unwrap_or_default();
    Ok(AppError::AccessDeleted { title: user.integration_title, by, by_vendor, at })
}

pub fn get_for_party(conn: &mut DbConnection, org_no: &str, id: &str) -> Result<SystemUserDetails, AppError> {
    let user =
        system_users::find_live(conn, id)?.filter(|u| u.party_org_no == org_no).ok_or(AppError::SystemUserNotFound)?;
    let details = systems::details(conn, &user.system_id)?.ok_or(AppError::SystemUserNotFound)?;
    let rights = system_users::rights(conn, id)?;
    let packages = db::packages::of_system_user(conn, id)?;
    let client_count = db::clients::count_attached(conn, id)?;
    let created_by_name = parties::person(conn, &user.created_by)?.map(|p| p.name).unwrap_or_default();
    Ok(SystemUserDetails {
        user,
        system: details.system,
        vendor: details.vendor,
        rights,
        packages,
        client_count,
        created_by_name,
    })
}

/// What the person sees before creating a system access to a visible system for their
/// party: the system, what they lack to create it, and whom to ask.
pub struct Confirmation {
    pub details: systems::SystemDetails,
    /// The access the party already has to this system, made by hand (then there is
    /// nothing to confirm).
    pub existing: Option<String>,
    pub missing: Vec<delegation::MissingRight>,
    pub managers: Vec<String>,
    pub assigners: Vec<String>,
}

pub fn confirmation(conn: &mut DbConnection, actor: &Actor, system_id: &str) -> Result<Confirmation, AppError> {
    let org = &actor.party()?.org_no;
    let details = systems::visible_details(conn, system_id)?;
    Ok(Confirmation {
        existing: system_users::find_live_by_triple(conn, org, system_id, &super::external_ref(None, org))?
            .map(|u| u.id),
        missing: delegation::missing_for(conn, &actor.pid, org, &details.rights, &[])?,
        managers: super::actor::access_manager_names(conn, org)?,
        assigners: super::actor::role_assigner_names(conn, org)?,
        details,
    })
}

/// The party's accesses made by hand (with the default external reference), by system:
/// making one of these again would collide.
pub fn made_by_hand(conn: &mut DbConnection, party: &str) -> Result<HashMap<String, String>, AppError> {
    Ok(system_users::live_with_ref(conn, party, &super::external_ref(None, party))?.into_iter().collect())
}

/// User-driven creation: the actor chooses a visible system for the party they represent.
pub fn create_by_user(conn: &mut DbConnection, actor: &Actor, system_id: &str) -> Result<String, AppError> {
    let party = actor.party()?.org_no.clone();
    if !actor.is_access_manager() {
        return Err(AppError::NotAccessManager);
    }
    let system = systems::visible_details(conn, system_id)?;
    delegation::check_all(conn, &actor.pid, &party, &system.rights, &[])?;
    let external_ref = super::external_ref(None, &party);
    if system_users::live_exists(conn, &party, system_id, &external_ref)? {
        return Err(AppError::SystemUserExists);
    }
    let user = SystemUser {
        id: uuid::Uuid::new_v4().to_string(),
        system_id: system_id.to_owned(),
        party_org_no: party.clone(),
        external_ref,
        user_type: UserType::Standard,
        integration_title: system.system.name.clone(),
        created: db::now(),
        created_by: actor.pid.clone(),
        deleted_at: None,
        deleted_by: None,
    };
    let ids: Vec<String> = system.rights.iter().map(|r| r.id.clone()).collect();
    let result = db::transaction(conn, |conn| {
        system_users::insert(conn, &user, &ids)?;
        audit::record(conn, By::Person(&actor.pid), &party, Action::SystemUserCreate, &user.id, &ids.join(" "))?;
        Ok(())
    });
    match result {
        Ok(()) => Ok(user.id),
        Err(AppError::Duplicate) => Err(AppError::SystemUserExists),
        Err(e) => Err(e),
    }
}

/// Revokes a system user of the actor's party, with the clients of an agent system user;
/// returns what it was. Tokens and decisions follow at once because both read the live rows.
pub fn delete(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<SystemUserDetails, AppError> {
    let party = actor.party()?.org_no.clone();
    let deleted = get_for_party(conn, &party, id)?;
    if !actor.is_access_manager() {
        return Err(AppError::NotAccessManager);
    }
    revoke(conn, By::Person(&actor.pid), &party, id, Some(&actor.pid))?;
    Ok(deleted)
}

/// The vendor lets go of a system user of one of its own systems (another vendor's is
/// not found), standard or agent; the customer's history names the vendor.
pub fn delete_by_vendor(conn: &mut DbConnection, vendor_org_no: &str, id: &str) -> Result<(), AppError> {
    let user = system_users::find_live(conn, id)?.ok_or(AppError::SystemUserNotFound)?;
    // Its system may be deleted meanwhile (its system users stay): the vendor may still let go.
    let system = db::systems::find_any(conn, &user.system_id)?;
    if system.is_none_or(|s| s.vendor_org_no != vendor_org_no) {
        return Err(AppError::SystemUserNotFound);
    }
    revoke(conn, By::Vendor(vendor_org_no), &user.party_org_no, id, None)
}

/// Deletes the system user and takes its clients off, audited as `by`'s doing;
/// `deleted_by` is the person, or None for the vendor.
fn revoke(conn: &mut DbConnection, by: By, party: &str, id: &str, deleted_by: Option<&str>) -> Result<(), AppError> {
    db::transaction(conn, |conn| {
        if !system_users::soft_delete(conn, id, deleted_by, db::now())? {
            return Err(AppError::SystemUserNotFound);
        }
        // An agent system user's clients go with it.
        let clients = db::clients::detach_all(conn, id)?;
        audit::record_each(conn, by, party, Action::ClientRemove, id, &clients)?;
        audit::record(conn, by, party, Action::SystemUserDelete, id, "")?;
        Ok(())
    })
}

/// One line of a system user's history, with the actor's name resolved. Clients added or
/// removed together (by one person, one after another) make one line.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// The event, the first of a batch of client events.
    pub event: db::audit::AuditEvent,
    pub actor_name: String,
    /// The actor is the system's vendor (the name is its organisation's).
    pub by_vendor: bool,
    /// On a client event, the clients added or removed, by name and org number (the first
    /// [`HISTORY_CLIENTS_NAMED`] of a batch).
    pub clients: Vec<(String, String)>,
    /// How many clients the line tells of.
    pub client_count: usize,
}

/// Clients named in one line of history; more are counted.
pub const HISTORY_CLIENTS_NAMED: usize = 50;

/// Client events this close after the previous one, by the same person doing the same,
/// belong to its batch: one "add all", or one sitting of adding clients one by one.
const BATCH_GAP: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// The audit trail of one system user (shared with its request when vendor-driven).
pub fn history(conn: &mut DbConnection, id: &str) -> Result<Vec<HistoryEntry>, AppError> {
    let mut names = audit::Names::default();
    let is_client_event = |action: &str| [Action::ClientAdd, Action::ClientRemove].iter().any(|a| a.as_str() == action);
    let mut lines: Vec<(db::audit::AuditEvent, Vec<String>)> = Vec::new();
    let mut last_at = None;
    for event in db::audit::for_subject(conn, id)? {
        let on_client = is_client_event(&event.action);
        let batched = lines.last_mut().filter(|(first, _)| {
            on_client
                && first.action == event.action
                && first.actor == event.actor
                && last_at.is_some_and(|at| event.at - at <= BATCH_GAP)
        });
        last_at = Some(event.at);
        match batched {
            Some((_, clients)) => clients.push(event.detail),
            None => {
                let clients = if on_client { vec![event.detail.clone()] } else { Vec::new() };
                lines.push((event, clients));
            }
        }
    }
    lines
        .into_iter()
        .map(|(event, org_nos)| {
            let clients = org_nos
                .iter()
                .take(HISTORY_CLIENTS_NAMED)
                .map(|org_no| Ok((names.of_organisation(conn, org_no)?, org_no.clone())))
                .collect::<Result<_, AppError>>()?;
            Ok(HistoryEntry {
                actor_name: names.of(conn, &event.actor)?,
                by_vendor: audit::is_vendor(&event.actor),
                event,
                clients,
                client_count: org_nos.len(),
            })
        })
        .collect()
}

/// A system user and the URNs of its access packages.
pub type WithPackages = (SystemUser, Vec<String>);

/// One page of a vendor's system's live system users from the cursor `from` on.
pub fn page_for_vendor(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    system_id: &str,
    from: Option<&str>,
    limit: i64,
) -> Result<Vec<WithPackages>, AppError> {
    systems::owned_by(conn, vendor_org_no, system_id)?;
    let users = system_users::live_page_by_system(conn, system_id, from, limit)?;
    with_packages(conn, users)
}

/// The live system user of one of the vendor's systems for a party and external
/// reference (which defaults to the party); "not found" for another vendor's.
pub fn find_for_vendor(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    system_id: &str,
    party_org_no: &str,
    external_ref: Option<&str>,
) -> Result<WithPackages, AppError> {
    systems::owned_by(conn, vendor_org_no, system_id).map_err(|_| AppError::SystemUserNotFound)?;
    let external_ref = super::external_ref(external_ref, party_org_no);
    let user = system_users::find_live_by_triple(conn, party_org_no, system_id, &external_ref)?
        .ok_or(AppError::SystemUserNotFound)?;
    with_packages(conn, vec![user])?.pop().ok_or(AppError::SystemUserNotFound)
}

/// Who loses access when the agent system access is deleted: its first `limit` clients by
/// name (the details name how many there are in all).
pub fn clients_losing_access(
    conn: &mut DbConnection,
    details: &SystemUserDetails,
    limit: i64,
) -> Result<Vec<Organisation>, AppError> {
    if details.client_count == 0 {
        return Ok(Vec::new());
    }
    Ok(db::clients::attached_by_name(conn, &details.user.id, limit)?)
}

/// Why a client's lookup finds no system user (docs/altinn-wire.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmatched {
    /// No system lists the client id.
    ClientOfNoSystem,
    /// The system that lists it is another vendor's.
    SystemOfAnotherVendor,
    /// No live system user of that system for the owner and reference.
    NoSystemUser,
}

/// Altinn's lookup behind a system user token (docs/altinn-wire.md §7): the live system user
/// of the system whose `clientId` holds the client, when that system is the vendor's, owned
/// by the organisation, with the reference (which defaults to the owner).
pub fn find_by_client(
    conn: &mut DbConnection,
    client_id: &str,
    vendor_org_no: &str,
    owner_org_no: &str,
    external_ref: Option<&str>,
) -> Result<Result<WithPackages, Unmatched>, AppError> {
    let Some((system_id, vendor)) = db::systems::holder_of_client_id(conn, client_id)? else {
        return Ok(Err(Unmatched::ClientOfNoSystem));
    };
    if vendor != vendor_org_no {
        return Ok(Err(Unmatched::SystemOfAnotherVendor));
    }
    let external_ref = super::external_ref(external_ref, owner_org_no);
    let Some(user) = system_users::find_live_by_triple(conn, owner_org_no, &system_id, &external_ref)? else {
        return Ok(Err(Unmatched::NoSystemUser));
    };
    Ok(with_packages(conn, vec![user])?.pop().ok_or(Unmatched::NoSystemUser))
}

/// System users with the URNs of their access packages, read in one query.
pub fn with_packages(conn: &mut DbConnection, users: Vec<SystemUser>) -> Result<Vec<WithPackages>, AppError> {
    let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    let mut urns: HashMap<String, Vec<String>> = HashMap::new();
    for (id, urn) in db::packages::urns_of_system_users(conn, &ids)? {
        urns.entry(id).or_default().push(urn);
    }
    Ok(users
        .into_iter()
        .map(|user| {
            let packages = urns.remove(&user.id).unwrap_or_default();
            (user, packages)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    fn actor(conn: &mut DbConnection, pid: &str) -> Actor {
        Actor::load(conn, pid, Some("310000019")).unwrap().unwrap()
    }

    #[test]
    fn clients_added_in_one_sitting_by_one_person_make_one_line_of_history() {
        let mut conn = demo_db();
        let start = db::now();
        let event = |minutes: i64, actor: &str, action: Action, client: &str| db::audit::NewAuditEvent {
            at: start + chrono::TimeDelta::minutes(minutes),
            actor: actor.into(),
            party_org_no: "310000027".into(),
            action: action.as_str().into(),
            subject_id: "su".into(),
            detail: client.into(),
        };
        let (dress, pingvin) = ("03868120095", "01017012345");
        let events = [
            event(0, dress, Action::ClientAdd, "310000043"),
            event(9, dress, Action::ClientAdd, "310000051"),
            event(18, dress, Action::ClientAdd, "310000078"),
            // Ten minutes after the last: a new sitting.
            event(29, dress, Action::ClientAdd, "310000086"),
            event(29, pingvin, Action::ClientAdd, "310000094"),
            event(29, pingvin, Action::ClientRemove, "310000094"),
            event(30, pingvin, Action::ClientRemove, "310000043"),
        ];
        db::audit::insert_many(&mut conn, &events).unwrap();
        let lines: Vec<(String, Vec<String>, usize)> = history(&mut conn, "su")
            .unwrap()
            .into_iter()
            .map(|h| (h.event.action, h.clients.into_iter().map(|(_, org_no)| org_no).collect(), h.client_count))
            .collect();
        let line = |action: Action, clients: &[&str]| {
            (action.as_str().to_owned(), clients.iter().map(|c| c.to_string()).collect::<Vec<_>>(), clients.len())
        };
        assert_eq!(
            lines,
            [
                line(Action::ClientAdd, &["310000043", "310000051", "310000078"]),
                line(Action::ClientAdd, &["310000086"]),
                line(Action::ClientAdd, &["310000094"]),
                line(Action::ClientRemove, &["310000094", "310000043"]),
            ]
        );
    }

    #[test]
    fn user_driven_creation_checks_every_right_and_the_triple() {
        let mut conn = demo_db();
        let konsert = actor(&mut conn, "17827510025");
        let love = actor(&mut conn, "22857030021");
        let pingvin = actor(&mut conn, "11929030046");
        assert!(matches!(
            create_by_user(&mut conn, &love, "310000035_smartcloud_lonn"),
            Err(AppError::MissingRights(_))
        ));
        assert!(matches!(create_by_user(&mut conn, &pingvin, "310000035_smartcloud"), Err(AppError::NotAccessManager)));
        assert!(matches!(
            create_by_user(&mut conn, &konsert, "310000035_smartcloud_klient"),
            Err(AppError::SystemNotFound)
        ));
        let id = create_by_user(&mut conn, &love, "310000035_smartcloud").unwrap();
        assert!(matches!(create_by_user(&mut conn, &konsert, "310000035_smartcloud"), Err(AppError::SystemUserExists)));
        let details = get_for_party(&mut conn, "310000019", &id).unwrap();
        assert_eq!(details.created_by_name, "FORSIKTIG LØVE");
        assert_eq!(details.rights.len(), 1);
        assert!(list_for_party(&mut conn, "310000019").unwrap().len() == 1);
    }

    #[test]
    fn deletion_is_soft_audited_and_frees_the_triple() {
        let mut conn = demo_db();
        let konsert = actor(&mut conn, "17827510025");
        let id = create_by_user(&mut conn, &konsert, "310000035_smartcloud").unwrap();
        let pingvin = actor(&mut conn, "11929030046");
        assert!(matches!(delete(&mut conn, &pingvin, &id), Err(AppError::NotAccessManager)));
        delete(&mut conn, &konsert, &id).unwrap();
        assert!(matches!(get_for_party(&mut conn, "310000019", &id), Err(AppError::SystemUserNotFound)));
        assert!(list_for_party(&mut conn, "310000019").unwrap().is_empty());
        let actions: Vec<String> = history(&mut conn, &id).unwrap().into_iter().map(|e| e.event.action).collect();
        assert_eq!(actions, ["systemuser.create", "systemuser.delete"]);
        create_by_user(&mut conn, &konsert, "310000035_smartcloud").unwrap();
    }

    #[test]
    fn another_partys_system_user_is_not_found() {
        let mut conn = demo_db();
        let konsert = actor(&mut conn, "17827510025");
        let id = create_by_user(&mut conn, &konsert, "310000035_smartcloud").unwrap();
        assert!(matches!(get_for_party(&mut conn, "310000027", &id), Err(AppError::SystemUserNotFound)));
        let dress = Actor::load(&mut conn, "03868120095", None).unwrap().unwrap();
        assert!(matches!(delete(&mut conn, &dress, &id), Err(AppError::SystemUserNotFound)));
    }
}
