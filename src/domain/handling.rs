//! May this person act on this request? One answer for the request, agent request and
//! change request pages and for the approve, reject and forward actions: the pages show
//! what [`Handling`] allows, and the actions refuse with [`Handling::check`].

use crate::db::DbConnection;
use crate::db::kinds::{RequestStatus, UserType};
use crate::db::packages::AccessPackage;
use crate::db::requests as stored_requests;
use crate::db::resources::Resource;
use crate::db::system_users;
use crate::error::AppError;

use super::actor::{self, roles_for};
use super::delegation::{self, MissingRight};

impl UserType {
    /// Of `packages`, those the approver gives from their own organisation: all for a
    /// standard system user, none for an agent one, whose packages come from each client.
    pub fn delegated_packages(self, packages: &[AccessPackage]) -> &[AccessPackage] {
        match self {
            UserType::Standard => packages,
            UserType::Agent => &[],
        }
    }
}

/// What a request (of any kind) asks of the person who handles it.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    /// Who handled it (a person's number) and when, once it is handled.
    pub handled: Option<(&'a str, chrono::NaiveDateTime)>,
    pub party_org_no: &'a str,
    pub status: RequestStatus,
    pub timed_out: bool,
    /// The kind of system user the request makes or changes.
    pub user_type: UserType,
    pub rights: &'a [Resource],
    pub packages: &'a [AccessPackage],
    /// The id of a request that can be forwarded to the access managers; None for change
    /// requests, which are not forwarded.
    pub forwardable: Option<&'a str>,
    /// The system user the request would make; None for change requests, which change
    /// one that exists.
    pub makes: Option<Makes<'a>>,
}

/// The system user a request makes: its id is the request's, and only one may live for
/// the party, system and external reference.
#[derive(Debug, Clone, Copy)]
pub struct Makes<'a> {
    pub id: &'a str,
    pub system_id: &'a str,
    pub external_ref: &'a str,
}

/// Why nothing can be done with a request now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// The person holds no role for the request's party.
    CannotRepresent,
    /// It was approved, rejected or withdrawn already.
    Handled(RequestStatus),
    Expired,
}

/// What the person may do with a request, and why not when they may not.
#[derive(Debug, Clone)]
pub struct Handling {
    pub closed: Option<Closed>,
    /// The person manages access for the party (may approve and reject).
    pub access_manager: bool,
    /// What the person cannot delegate of what is asked (only for an open request they manage).
    pub missing: Vec<MissingRight>,
    /// Who forwarded the request to the access managers (by name), and when.
    pub forwarded_by: Option<(String, chrono::NaiveDateTime)>,
    forwardable: bool,
    /// The party's access managers, for someone who must ask them (open requests only).
    pub access_managers: Vec<String>,
    /// Who can give the roles that are missing (daglig leder, hovedadministrator).
    pub role_assigners: Vec<String>,
    /// The live system user that already does what an open request asks (made since,
    /// by hand): approving would make it twice, so only rejecting is left.
    pub covered_by: Option<String>,
    /// Who decided a handled request (by name), and when.
    pub decided_by: Option<(String, chrono::NaiveDateTime)>,
}

/// What a person asks to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Approve,
    Reject,
    Forward,
}

impl Handling {
    pub fn represents(&self) -> bool {
        self.closed != Some(Closed::CannotRepresent)
    }

    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    pub fn may_approve(&self) -> bool {
        self.check(Act::Approve).is_ok()
    }

    pub fn may_reject(&self) -> bool {
        self.check(Act::Reject).is_ok()
    }

    /// Someone who can act for the party but not handle the request (not an access manager,
    /// or one lacking a right it asks for) may forward it, once.
    pub fn may_forward(&self) -> bool {
        self.check(Act::Forward).is_ok() && self.forwarded_by.is_none()
    }

    /// Whom forwarding reaches, by name: the access managers, or for an access manager
    /// lacking a right, those who can give it.
    pub fn forwarded_to(&self) -> &[String] {
        if self.access_manager { &self.role_assigners } else { &self.access_managers }
    }

    /// Refuses what the person may not do, with the reason.
    pub fn check(&self, act: Act) -> Result<(), AppError> {
        match self.closed {
            Some(Closed::CannotRepresent) => return Err(AppError::CannotRepresent),
            Some(Closed::Handled(status)) => return Err(AppError::RequestNotNew(status.as_str().into())),
            Some(Closed::Expired) => return Err(AppError::RequestExpired),
            None => {}
        }
        match act {
            Act::Forward if !self.forwardable => Err(AppError::NotFound),
            Act::Forward | Act::Approve if self.covered_by.is_some() => Err(AppError::SystemUserExists),
            // An access manager who lacks a right sends it to those who can give it.
            Act::Forward if self.access_manager && self.missing.is_empty() => Err(AppError::ForwardNotNeeded),
            Act::Forward => Ok(()),
            _ if !self.access_manager => Err(AppError::NotAccessManager),
            Act::Reject => Ok(()),
            Act::Approve if !self.missing.is_empty() => {
                Err(AppError::MissingRights(self.missing.iter().map(|m| m.id.clone()).collect()))
            }
            Act::Approve => Ok(()),
        }
    }
}

/// Where the person stands towards the request, read from their roles for its party.
pub fn handling(conn: &mut DbConnection, pid: &str, subject: Case) -> Result<Handling, AppError> {
    let party = subject.party_org_no;
    let roles = roles_for(conn, pid, party)?;
    let closed = if roles.is_empty() {
        Some(Closed::CannotRepresent)
    } else if subject.status != RequestStatus::New {
        Some(Closed::Handled(subject.status))
    } else if subject.timed_out {
        Some(Closed::Expired)
    } else {
        None
    };
    let access_manager = roles.iter().any(|r| r.is_access_manager());
    let open = closed.is_none();
    let manages = open && access_manager;
    let missing = if manages {
        let packages = subject.user_type.delegated_packages(subject.packages);
        delegation::missing_from(conn, &roles, subject.rights, packages)?
    } else {
        Vec::new()
    };
    let forwarded_by = match subject.forwardable {
        Some(id) if !roles.is_empty() => stored_requests::escalated_by(conn, id)?,
        _ => None,
    };
    let access_managers = if open && !access_manager { actor::access_manager_names(conn, party)? } else { Vec::new() };
    let role_assigners = if missing.is_empty() { Vec::new() } else { actor::role_assigner_names(conn, party)? };
    // Another system user, not the one this request made in a racing approval (that one
    // shows as handled once the approval is committed).
    let covered_by = match subject.makes {
        Some(makes) if open => system_users::find_live_by_triple(conn, party, makes.system_id, makes.external_ref)?
            .map(|u| u.id)
            .filter(|id| id != makes.id),
        _ => None,
    };
    let decided_by = match closed {
        Some(Closed::Handled(_)) => match subject.handled {
            Some((pid, at)) => crate::db::parties::person(conn, pid)?.map(|p| (p.name, at)),
            None => None,
        },
        _ => None,
    };
    Ok(Handling {
        decided_by,
        closed,
        access_manager,
        missing,
        forwarded_by,
        forwardable: subject.forwardable.is_some(),
        access_managers,
        role_assigners,
        covered_by,
    })
}
