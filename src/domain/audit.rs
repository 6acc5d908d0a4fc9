//! Recording who changed what. Every change to requests and system users writes a row
//! in the same transaction as the change itself, and tells the vendor what concerns it.

use std::collections::HashMap;

use diesel::QueryResult;

use crate::db::audit::{self, NewAuditEvent};
use crate::db::{self, DbConnection, parties};

use super::vendor_events::{self, Told};

/// Who did it: a person by identity number, a vendor by organisation number, or the
/// register import (a change in the Enhetsregister).
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Person(&'a str),
    Vendor(&'a str),
    Register,
    /// The operator: `cli` at the command line, or the admin API's client.
    Operator(&'a str),
}

/// What was done. The stored name keys the history text (`audit.<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    RequestCreate,
    RequestApprove,
    RequestReject,
    RequestDelete,
    SystemUserCreate,
    SystemUserDelete,
    ClientAdd,
    ClientRemove,
    SystemCreate,
    SystemUpdate,
    SystemRightsUpdate,
    SystemPackagesUpdate,
    SystemDelete,
    ChangeRequestCreate,
    ChangeRequestApprove,
    ChangeRequestReject,
    ChangeRequestDelete,
    RequestEscalate,
    RoleGive,
    RoleRemove,
    ApiClientAdd,
    ApiClientRemove,
    ApiClientSecret,
    ApiClientScopes,
    ApiClientKeys,
}

impl Action {
    pub const ALL: [Action; 25] = [
        Action::RequestCreate,
        Action::RequestApprove,
        Action::RequestReject,
        Action::RequestDelete,
        Action::SystemUserCreate,
        Action::SystemUserDelete,
        Action::ClientAdd,
        Action::ClientRemove,
        Action::SystemCreate,
        Action::SystemUpdate,
        Action::SystemRightsUpdate,
        Action::SystemPackagesUpdate,
        Action::SystemDelete,
        Action::ChangeRequestCreate,
        Action::ChangeRequestApprove,
        Action::ChangeRequestReject,
        Action::ChangeRequestDelete,
        Action::RequestEscalate,
        Action::RoleGive,
        Action::RoleRemove,
        Action::ApiClientAdd,
        Action::ApiClientRemove,
        Action::ApiClientSecret,
        Action::ApiClientScopes,
        Action::ApiClientKeys,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::RequestCreate => "request.create",
            Action::RequestApprove => "request.approve",
            Action::RequestReject => "request.reject",
            Action::RequestDelete => "request.delete",
            Action::SystemUserCreate => "systemuser.create",
            Action::SystemUserDelete => "systemuser.delete",
            Action::ClientAdd => "client.add",
            Action::ClientRemove => "client.remove",
            Action::SystemCreate => "system.create",
            Action::SystemUpdate => "system.update",
            Action::SystemRightsUpdate => "system.rights",
            Action::SystemPackagesUpdate => "system.packages",
            Action::SystemDelete => "system.delete",
            Action::ChangeRequestCreate => "changerequest.create",
            Action::ChangeRequestApprove => "changerequest.approve",
            Action::ChangeRequestReject => "changerequest.reject",
            Action::ChangeRequestDelete => "changerequest.delete",
            Action::RequestEscalate => "request.escalate",
            Action::RoleGive => "role.give",
            Action::RoleRemove => "role.remove",
            Action::ApiClientAdd => "apiclient.add",
            Action::ApiClientRemove => "apiclient.remove",
            Action::ApiClientSecret => "apiclient.secret",
            Action::ApiClientScopes => "apiclient.scopes",
            Action::ApiClientKeys => "apiclient.keys",
        }
    }

    /// Key of the history text for a stored action name.
    pub fn text_key(stored: &str) -> String {
        format!("audit.{stored}")
    }
}

/// How the register import is stored as an actor.
const REGISTER: &str = "register";
/// What a vendor's stored name as an actor begins with.
const VENDOR: &str = "vendor:";

/// Whether a stored actor is a vendor.
pub fn is_vendor(stored: &str) -> bool {
    stored.starts_with(VENDOR)
}

impl By<'_> {
    /// The actor as the audit trail stores it (and the activity log filters by it).
    pub fn stored(self) -> String {
        match self {
            By::Person(pid) => format!("person:{pid}"),
            By::Vendor(org_no) => format!("{VENDOR}{org_no}"),
            By::Register => REGISTER.to_owned(),
            By::Operator(who) => format!("operator:{who}"),
        }
    }
}

/// Names of the actors and organisations in a history, each looked up once: adding all
/// of a firm's clients makes many events by one person.
#[derive(Default)]
pub struct Names(HashMap<String, Option<String>>);

impl Names {
    /// The name of a stored actor (`person:…`, `vendor:…`), or the stored text when unknown.
    pub fn of(&mut self, conn: &mut DbConnection, stored: &str) -> QueryResult<String> {
        if let Some(known) = self.0.get(stored) {
            return Ok(known.clone().unwrap_or_else(|| stored.to_owned()));
        }
        let found = match stored.split_once(':') {
            _ if stored == REGISTER => Some("Enhetsregisteret".to_owned()),
            Some(("person", pid)) => parties::person(conn, pid)?.map(|p| p.name),
            Some(("vendor" | "org", org)) => parties::organisation(conn, org)?.map(|o| o.name),
            _ => None,
        };
        self.0.insert(stored.to_owned(), found.clone());
        Ok(found.unwrap_or_else(|| stored.to_owned()))
    }

    /// An organisation's name, or empty when unknown.
    pub fn of_organisation(&mut self, conn: &mut DbConnection, org_no: &str) -> QueryResult<String> {
        let key = format!("org:{org_no}");
        let name = self.of(conn, &key)?;
        Ok(if name == key { String::new() } else { name })
    }
}

/// Records the same action on one subject for many details (e.g. clients added at once).
pub fn record_each(
    conn: &mut DbConnection,
    actor: By,
    party_org_no: &str,
    action: Action,
    subject_id: &str,
    details: &[String],
) -> QueryResult<()> {
    let (actor_by, actor, at) = (actor, actor.stored(), db::now());
    let events: Vec<NewAuditEvent> = details
        .iter()
        .map(|detail| NewAuditEvent {
            at,
            actor: actor.clone(),
            party_org_no: party_org_no.to_owned(),
            action: action.as_str().to_owned(),
            subject_id: subject_id.to_owned(),
            detail: detail.clone(),
        })
        .collect();
    audit::insert_many(conn, &events)?;
    tell_vendor(conn, actor_by, action, subject_id, details)
}

pub fn record(
    conn: &mut DbConnection,
    actor: By,
    party_org_no: &str,
    action: Action,
    subject_id: &str,
    detail: &str,
) -> QueryResult<()> {
    audit::insert(
        conn,
        &NewAuditEvent {
            at: db::now(),
            actor: actor.stored(),
            party_org_no: party_org_no.to_owned(),
            action: action.as_str().to_owned(),
            subject_id: subject_id.to_owned(),
            detail: detail.to_owned(),
        },
    )?;
    tell_vendor(conn, actor, action, subject_id, &[detail.to_owned()])
}

/// What of an audited change the system's vendor is told (most changes tell nothing).
fn tell_vendor(
    conn: &mut DbConnection,
    actor: By,
    action: Action,
    subject_id: &str,
    details: &[String],
) -> QueryResult<()> {
    let told = match action {
        Action::RequestApprove => Told::Request { accepted: true },
        Action::RequestReject => Told::Request { accepted: false },
        Action::SystemUserCreate => Told::SystemUserCreated,
        Action::SystemUserDelete => Told::SystemUserDeleted {
            by: match actor {
                By::Person(_) => "customer",
                By::Vendor(_) => "vendor",
                By::Register => "register",
                By::Operator(_) => "operator",
            },
        },
        Action::ClientAdd => Told::Clients { added: true },
        Action::ClientRemove => Told::Clients { added: false },
        Action::ChangeRequestApprove => Told::Change { accepted: true },
        Action::ChangeRequestReject => Told::Change { accepted: false },
        _ => return Ok(()),
    };
    vendor_events::tell(conn, told, subject_id, details)
}
