//! Change requests: a vendor asks to add or remove rights and packages on an existing
//! system user; the party approves (all-or-nothing for what is added) or rejects.

use std::collections::BTreeSet;

use crate::db::change_requests::{self, ChangeRequest, Item};
use crate::db::packages::AccessPackage;
use crate::db::resources::Resource;
use crate::db::system_users::{self, SystemUser};
use crate::db::{self, DbConnection, parties};
use crate::error::AppError;

use super::actor::Actor;
use super::audit::{self, Action, By};
use super::handling::{self, Act, Case, Handling};
use super::limits;
use super::requests::{Expiry, RequestStatus, UserType, checked_redirect};
use super::system_users::SystemUserDetails;
use super::systems;

/// Which system user a change is for.
#[derive(Debug, Clone)]
pub enum ChangeTarget {
    /// By its id (Altinn's `system-user-id`); the older form may also state its system
    /// and party, which must then match.
    SystemUser { id: String, system_id: Option<String>, party_org_no: Option<String> },
    /// By party, system and external reference (which defaults to the party).
    Triple { system_id: String, party_org_no: String, external_ref: Option<String> },
}

/// What a vendor asks to change, decoded from the wire format.
#[derive(Debug, Clone)]
pub struct NewChange {
    /// The vendor's correlation id, which becomes the change request's id; a new id when
    /// the vendor gave none.
    pub id: Option<String>,
    pub target: ChangeTarget,
    pub required_rights: Vec<String>,
    pub unwanted_rights: Vec<String>,
    pub required_packages: Vec<String>,
    pub unwanted_packages: Vec<String>,
    pub redirect_url: Option<String>,
}

impl NewChange {
    /// Refuses a value too long to be real.
    fn check_lengths(&self) -> Result<(), AppError> {
        limits::check_each("id", &self.id, limits::ID)?;
        match &self.target {
            ChangeTarget::SystemUser { id, .. } => limits::check("systemUserId", id, limits::ID)?,
            ChangeTarget::Triple { system_id, party_org_no, external_ref } => {
                limits::check("systemId", system_id, limits::ID)?;
                limits::check("partyOrgNo", party_org_no, limits::ID)?;
                limits::check_each("externalRef", external_ref, limits::ID)?;
            }
        }
        for list in [&self.required_rights, &self.unwanted_rights, &self.required_packages, &self.unwanted_packages] {
            limits::check_each("rights and accessPackages", list, limits::ID)?;
        }
        Ok(())
    }
}

/// A change request with what it adds and removes.
#[derive(Debug, Clone)]
pub struct ChangeDetails {
    pub request: ChangeRequest,
    pub add_rights: Vec<Resource>,
    pub remove_rights: Vec<Resource>,
    pub add_packages: Vec<AccessPackage>,
    pub remove_packages: Vec<AccessPackage>,
    pub timed_out: bool,
}

impl ChangeDetails {
    pub fn status(&self) -> RequestStatus {
        self.request.status
    }

    /// What the change asks of the person who handles it: what it adds to a system user
    /// of `user_type` (removals need no right).
    pub fn case(&self, user_type: UserType) -> Case<'_> {
        Case {
            handled: self.request.handled_by.as_deref().zip(self.request.handled_at),
            party_org_no: &self.request.party_org_no,
            status: self.request.status,
            timed_out: self.timed_out,
            user_type,
            rights: &self.add_rights,
            packages: &self.add_packages,
            forwardable: None,
            makes: None,
        }
    }
}

/// The outcome of asking for a change.
#[derive(Debug)]
pub enum Created {
    New(ChangeDetails),
    Existing(ChangeDetails),
    /// Nothing was asked, or the system user already has everything asked for and nothing
    /// unwanted; with the id asked for (if any) and the system user.
    NoChangeNeeded {
        id: Option<String>,
        user: Box<SystemUser>,
    },
}

const RIGHT: &str = "right";
const PACKAGE: &str = "package";
const ADD: &str = "add";
const REMOVE: &str = "remove";

fn set(values: &[String]) -> BTreeSet<String> {
    values.iter().cloned().collect()
}

/// The live standard system user of one of the vendor's systems that a change names;
/// "not found" for anything else, another vendor's included.
fn target_user(conn: &mut DbConnection, vendor_org_no: &str, target: &ChangeTarget) -> Result<SystemUser, AppError> {
    let user = match target {
        ChangeTarget::SystemUser { id, system_id, party_org_no } => system_users::find_live(conn, id)?.filter(|u| {
            system_id.as_ref().is_none_or(|s| *s == u.system_id)
                && party_org_no.as_ref().is_none_or(|p| *p == u.party_org_no)
        }),
        ChangeTarget::Triple { system_id, party_org_no, external_ref } => {
            let system = systems::owned_by(conn, vendor_org_no, system_id)?;
            let external_ref = super::external_ref(external_ref.as_deref(), party_org_no);
            system_users::find_live_by_triple(conn, party_org_no, &system.system.id, &external_ref)?
        }
    }
    .ok_or(AppError::SystemUserNotFound)?;
    systems::owned_by(conn, vendor_org_no, &user.system_id).map_err(|_| AppError::SystemUserNotFound)?;
    Ok(user)
}

/// Asks for a change, in Altinn's order: nothing asked is `NoChangeNeeded`; a correlation
/// id already used on the vendor's system answers with that change request, whatever its
/// status (another vendor's is refused); agent system users take no change requests;
/// then what is asked is checked against the system, and only a real change is stored.
pub fn create(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    input: NewChange,
    extra_redirect: Option<&str>,
) -> Result<Created, AppError> {
    input.check_lengths()?;
    let user = target_user(conn, vendor_org_no, &input.target)?;
    let lists = [&input.required_rights, &input.unwanted_rights, &input.required_packages, &input.unwanted_packages];
    if lists.iter().all(|list| list.is_empty()) {
        return Ok(Created::NoChangeNeeded { id: input.id, user: Box::new(user) });
    }
    if user.user_type == UserType::Agent {
        return Err(AppError::SystemUserNotFound);
    }
    if let Some(id) = &input.id
        && let Some(existing) = change_requests::find(conn, id)?
    {
        systems::owned_by(conn, vendor_org_no, &existing.system_id).map_err(|_| AppError::ChangeRequestIdTaken)?;
        return Ok(Created::Existing(details(conn, existing, None)?));
    }
    let system = systems::owned_by(conn, vendor_org_no, &user.system_id)?;
    let system_rights: BTreeSet<String> = system.rights.iter().map(|r| r.id.clone()).collect();
    if !set(&input.required_rights).is_subset(&system_rights) {
        return Err(AppError::RightsNotSubset);
    }
    let on_system = db::packages::of_system(conn, &system.system.id)?;
    let system_packages: BTreeSet<String> = on_system.iter().map(|p| p.urn.clone()).collect();
    let required = set(&input.required_packages);
    let unknown: Vec<String> = required.difference(&system_packages).cloned().collect();
    if !unknown.is_empty() {
        return Err(AppError::PackageNotOnSystem(unknown));
    }
    // A standard system user takes no package meant for clients.
    let for_clients: Vec<String> =
        on_system.into_iter().filter(|p| !p.assignable && required.contains(&p.urn)).map(|p| p.urn).collect();
    if !for_clients.is_empty() {
        return Err(AppError::PackageNotAssignable(for_clients));
    }
    let redirect_url = checked_redirect(conn, &system.system.id, input.redirect_url.as_deref(), extra_redirect)?;
    // Without a correlation id, asking again answers with the change still waiting.
    if input.id.is_none()
        && let Some(pending) = change_requests::find_pending_for(conn, &user.id)?
    {
        return Ok(Created::Existing(details(conn, pending, None)?));
    }
    let held_rights: BTreeSet<String> = system_users::rights(conn, &user.id)?.into_iter().map(|r| r.id).collect();
    let held_packages: BTreeSet<String> =
        db::packages::of_system_user(conn, &user.id)?.into_iter().map(|p| p.urn).collect();
    let id = input.id.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let item = |kind: &str, change: &str, value: &String| Item {
        change_request_id: id.clone(),
        kind: kind.into(),
        change: change.into(),
        value: value.clone(),
    };
    let mut items = Vec::new();
    items.extend(set(&input.required_rights).difference(&held_rights).map(|v| item(RIGHT, ADD, v)));
    items.extend(set(&input.unwanted_rights).intersection(&held_rights).map(|v| item(RIGHT, REMOVE, v)));
    items.extend(set(&input.required_packages).difference(&held_packages).map(|v| item(PACKAGE, ADD, v)));
    items.extend(set(&input.unwanted_packages).intersection(&held_packages).map(|v| item(PACKAGE, REMOVE, v)));
    if items.is_empty() {
        return Ok(Created::NoChangeNeeded { id: input.id, user: Box::new(user) });
    }
    let request = ChangeRequest {
        id: id.clone(),
        system_user_id: user.id.clone(),
        system_id: user.system_id.clone(),
        party_org_no: user.party_org_no.clone(),
        external_ref: user.external_ref.clone(),
        status: RequestStatus::New,
        redirect_url,
        created: db::now(),
        handled_at: None,
        handled_by: None,
    };
    let summary: Vec<String> = items.iter().map(|i| format!("{} {} {}", i.change, i.kind, i.value)).collect();
    let inserted = db::transaction::<_, AppError, _>(conn, |conn| {
        change_requests::insert(conn, &request, &items)?;
        audit::record(
            conn,
            By::Vendor(vendor_org_no),
            &request.party_org_no,
            Action::ChangeRequestCreate,
            &user.id,
            &summary.join(", "),
        )?;
        Ok(())
    });
    match inserted {
        Ok(()) => Ok(Created::New(details(conn, request, None)?)),
        Err(AppError::Duplicate) => {
            // The same correlation id at the same moment: answer with the one that won.
            let pending = change_requests::find(conn, &id)?.ok_or(AppError::Duplicate)?;
            Ok(Created::Existing(details(conn, pending, None)?))
        }
        Err(e) => Err(e),
    }
}

fn details(conn: &mut DbConnection, request: ChangeRequest, expiry: Option<Expiry>) -> Result<ChangeDetails, AppError> {
    let items = change_requests::items(conn, &request.id)?;
    let values = |kind: &str, change: &str| -> Vec<String> {
        items.iter().filter(|i| i.kind == kind && i.change == change).map(|i| i.value.clone()).collect()
    };
    let resources = |conn: &mut DbConnection, ids: Vec<String>| -> Result<Vec<Resource>, AppError> {
        Ok(db::resources::by_ids(conn, &ids)?)
    };
    let add_rights = resources(conn, values(RIGHT, ADD))?;
    let remove_rights = resources(conn, values(RIGHT, REMOVE))?;
    let add_packages = db::packages::by_urns(conn, &values(PACKAGE, ADD))?;
    let remove_packages = db::packages::by_urns(conn, &values(PACKAGE, REMOVE))?;
    let timed_out = expiry.is_some_and(|e| e.has_passed(request.status, request.created));
    Ok(ChangeDetails { request, add_rights, remove_rights, add_packages, remove_packages, timed_out })
}

pub fn get(conn: &mut DbConnection, id: &str, expiry: Expiry) -> Result<ChangeDetails, AppError> {
    let request = change_requests::find(conn, id)?.ok_or(AppError::RequestNotFound)?;
    details(conn, request, Some(expiry))
}

pub fn get_for_vendor(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    id: &str,
    expiry: Expiry,
) -> Result<ChangeDetails, AppError> {
    let found = get(conn, id, expiry)?;
    systems::owned_by(conn, vendor_org_no, &found.request.system_id)?;
    Ok(found)
}

pub fn get_by_external_ref(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    system_id: &str,
    org_no: &str,
    external_ref: &str,
    expiry: Expiry,
) -> Result<ChangeDetails, AppError> {
    systems::owned_by(conn, vendor_org_no, system_id)?;
    let request = change_requests::find_latest_by_external_ref(conn, system_id, org_no, external_ref)?
        .ok_or(AppError::RequestNotFound)?;
    details(conn, request, Some(expiry))
}

pub fn page_by_system(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    system_id: &str,
    from: Option<&str>,
    limit: i64,
    expiry: Expiry,
) -> Result<Vec<ChangeDetails>, AppError> {
    systems::owned_by(conn, vendor_org_no, system_id)?;
    change_requests::page_by_system(conn, system_id, from, limit)?
        .into_iter()
        .map(|r| details(conn, r, Some(expiry)))
        .collect()
}

/// A vendor deletes one of its change requests, whatever its status; its id may then be
/// used again.
pub fn delete_for_vendor(conn: &mut DbConnection, vendor_org_no: &str, id: &str) -> Result<(), AppError> {
    let found = get_for_vendor(conn, vendor_org_no, id, Expiry(chrono::Duration::MAX)).map_err(|e| match e {
        AppError::SystemNotFound => AppError::RequestNotFound,
        other => other,
    })?;
    db::transaction(conn, |conn| {
        if !change_requests::delete(conn, id)? {
            return Err(AppError::RequestNotFound);
        }
        audit::record(
            conn,
            By::Vendor(vendor_org_no),
            &found.request.party_org_no,
            Action::ChangeRequestDelete,
            &found.request.system_user_id,
            id,
        )?;
        Ok(())
    })
}

/// A change request with the system user it concerns, its party, and what the person
/// viewing it may do.
#[derive(Debug, Clone)]
pub struct ChangeContext {
    pub change: ChangeDetails,
    pub access: SystemUserDetails,
    pub party: parties::Organisation,
    pub handling: Handling,
}

pub fn context(conn: &mut DbConnection, pid: &str, id: &str, expiry: Expiry) -> Result<ChangeContext, AppError> {
    let change = get(conn, id, expiry)?;
    let access = super::system_users::get_for_party(conn, &change.request.party_org_no, &change.request.system_user_id)
        .map_err(|_| AppError::RequestNotFound)?;
    let party = parties::organisation(conn, &change.request.party_org_no)?.ok_or(AppError::RequestNotFound)?;
    let handling = handling::handling(conn, pid, change.case(access.user.user_type))?;
    Ok(ChangeContext { change, access, party, handling })
}

/// The request as the person opens it in the portal: when they can represent its party,
/// they act for that party from now on.
pub fn open_for(
    conn: &mut DbConnection,
    actor: &mut Actor,
    id: &str,
    expiry: Expiry,
) -> Result<ChangeContext, AppError> {
    let ctx = context(conn, &actor.pid, id, expiry)?;
    actor.follow(conn, ctx.handling.represents(), &ctx.party.org_no)?;
    Ok(ctx)
}

/// The change request and the live system user it changes, refusing `act` when `pid`
/// may not do it.
fn checked(
    conn: &mut DbConnection,
    pid: &str,
    id: &str,
    expiry: Expiry,
    act: Act,
) -> Result<(ChangeDetails, SystemUser), AppError> {
    let found = get(conn, id, expiry)?;
    let user = system_users::find_live(conn, &found.request.system_user_id)?.ok_or(AppError::RequestNotFound)?;
    handling::handling(conn, pid, found.case(user.user_type))?.check(act)?;
    Ok((found, user))
}

/// Approves as `pid`: every added right and package must be delegable by them; the change and the
/// status are applied in one transaction.
pub fn approve(conn: &mut DbConnection, pid: &str, id: &str, expiry: Expiry) -> Result<ChangeDetails, AppError> {
    let (mut found, user) = checked(conn, pid, id, expiry, Act::Approve)?;
    let ids = |rs: &[Resource]| rs.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    let urns = |ps: &[AccessPackage]| ps.iter().map(|p| p.urn.clone()).collect::<Vec<_>>();
    let (add_r, remove_r, add_p, remove_p) =
        (ids(&found.add_rights), ids(&found.remove_rights), urns(&found.add_packages), urns(&found.remove_packages));
    let party = found.request.party_org_no.clone();
    db::transaction(conn, |conn| {
        if !change_requests::handle_if_new(conn, id, RequestStatus::Accepted, pid, db::now())? {
            return Err(AppError::RequestNotNew(RequestStatus::Accepted.as_str().into()));
        }
        if system_users::find_live(conn, &user.id)?.is_none() {
            return Err(AppError::SystemUserNotFound);
        }
        system_users::remove_rights(conn, &user.id, &remove_r)?;
        system_users::add_rights(conn, &user.id, &add_r)?;
        db::packages::remove_from_system_user(conn, &user.id, &remove_p)?;
        db::packages::add_to_system_user(conn, &user.id, &add_p)?;
        audit::record(conn, By::Person(pid), &party, Action::ChangeRequestApprove, &user.id, id)?;
        Ok(())
    })?;
    found.request = change_requests::find(conn, id)?.ok_or(AppError::RequestNotFound)?;
    Ok(found)
}

pub fn reject(conn: &mut DbConnection, pid: &str, id: &str, expiry: Expiry) -> Result<ChangeDetails, AppError> {
    let (mut found, user) = checked(conn, pid, id, expiry, Act::Reject)?;
    let party = found.request.party_org_no.clone();
    db::transaction(conn, |conn| {
        if !change_requests::handle_if_new(conn, id, RequestStatus::Rejected, pid, db::now())? {
            return Err(AppError::RequestNotNew(RequestStatus::Rejected.as_str().into()));
        }
        audit::record(conn, By::Person(pid), &party, Action::ChangeRequestReject, &user.id, id)?;
        Ok(())
    })?;
    found.request = change_requests::find(conn, id)?.ok_or(AppError::RequestNotFound)?;
    Ok(found)
}

/// A pending change request as the party's overview lists it.
#[derive(Debug, Clone)]
pub struct PendingChange {
    pub change: ChangeRequest,
    /// The system's name in bokmål, nynorsk and English.
    pub system_names: [String; 3],
    pub vendor_name: String,
    /// The title of the access it changes.
    pub title: String,
}

/// The party's pending change requests of live accesses, newest first.
pub fn pending_for_party(conn: &mut DbConnection, org_no: &str) -> Result<Vec<PendingChange>, AppError> {
    Ok(change_requests::pending_for_party(conn, org_no)?
        .into_iter()
        .map(|(change, system_names, vendor_name, title)| PendingChange {
            change,
            system_names: system_names.into(),
            vendor_name,
            title,
        })
        .collect())
}
