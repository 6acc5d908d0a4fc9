//! An organisation's activity log, for its access managers: every delegation activity
//! (system accesses, requests, change requests, clients, roles), newest first, with who
//! did it, when, what it concerned and for whom, read from the audit trail.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::db::audit::{self as stored, AuditEvent, Filter};
use crate::db::{self, DbConnection, parties, requests, system_users};
use crate::error::AppError;

use super::actor::Actor;
use super::audit::{Action, Names};
use super::roles::Role;

/// The kinds the log shows, in the order a filter offers them.
pub const KINDS: [Action; 15] = [
    Action::SystemUserCreate,
    Action::SystemUserDelete,
    Action::RequestCreate,
    Action::RequestApprove,
    Action::RequestReject,
    Action::RequestDelete,
    Action::RequestEscalate,
    Action::ChangeRequestCreate,
    Action::ChangeRequestApprove,
    Action::ChangeRequestReject,
    Action::ChangeRequestDelete,
    Action::ClientAdd,
    Action::ClientRemove,
    Action::RoleGive,
    Action::RoleRemove,
];

/// Entries a page shows.
pub const PAGE: i64 = 50;
/// Entries a download holds at most.
pub const DOWNLOAD_MAX: usize = 100_000;

/// What the log is asked for.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    /// One kind, by its stored name; none: every kind.
    pub kind: Option<String>,
    /// One actor, as stored (`person:…`, `vendor:…`, `register`).
    pub actor: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// One line of the log.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub at: NaiveDateTime,
    /// The kind's stored name; its text is `activity.<name>` (with `.package` for a
    /// request for access packages).
    pub kind: String,
    pub packages: bool,
    pub actor: String,
    pub actor_name: String,
    /// What it concerned: the system access, or the person given or taken a role.
    pub subject: String,
    /// The client (name, organisation number) put on or taken off an agent access.
    pub client: Option<(String, String)>,
    /// The role given or taken, by its code.
    pub role: Option<Role>,
    /// On whose behalf: the organisation.
    pub party_name: String,
}

impl Entry {
    /// The key of the kind's name.
    pub fn kind_key(&self) -> String {
        kind_key(&self.kind, self.packages)
    }

    /// Whether a vendor did it (the name is its organisation's).
    pub fn by_vendor(&self) -> bool {
        super::audit::is_vendor(&self.actor)
    }
}

/// The key of a kind's name: `activity.<stored action>`, with `.package` for a request for
/// access packages.
pub fn kind_key(kind: &str, packages: bool) -> String {
    format!("activity.{kind}{}", if packages { ".package" } else { "" })
}

/// A page of the log and where the next begins (None on the last page).
pub struct Page {
    pub entries: Vec<Entry>,
    pub next: Option<(NaiveDateTime, i64)>,
}

fn filter(asked: &Asked) -> Filter {
    let kinds = match &asked.kind {
        Some(kind) => vec![kind.clone()],
        None => KINDS.iter().map(|k| k.as_str().to_owned()).collect(),
    };
    Filter { actions: kinds, actor: asked.actor.clone(), from: asked.from, until: asked.until }
}

/// The party's access managers see its log; nobody else does.
fn party_of(actor: &Actor) -> Result<(String, String), AppError> {
    let party = actor.party()?;
    if !actor.is_access_manager() {
        return Err(AppError::NotAccessManager);
    }
    Ok((party.org_no.clone(), party.name.clone()))
}

/// Where a page ends, as links carry it: `<microseconds>.<id>` of its last entry.
pub fn position((at, id): (NaiveDateTime, i64)) -> String {
    format!("{}.{id}", at.and_utc().timestamp_micros())
}

/// The position a link carries, or a bad request.
pub fn read_position(token: &str) -> Result<(NaiveDateTime, i64), AppError> {
    let bad = || AppError::BadRequest("the page asked for is not one this log made".into());
    let (micros, id) = token.split_once('.').ok_or_else(bad)?;
    let at = chrono::DateTime::from_timestamp_micros(micros.parse().map_err(|_| bad())?).ok_or_else(bad)?;
    Ok((at.naive_utc(), id.parse().map_err(|_| bad())?))
}

/// A kind the log knows, or a bad request.
pub fn checked_kind(kind: &str) -> Result<String, AppError> {
    KINDS
        .iter()
        .find(|k| k.as_str() == kind)
        .map(|k| k.as_str().to_owned())
        .ok_or_else(|| AppError::BadRequest(format!("unknown kind `{kind}`")))
}

/// One page of the party's log, after `after`.
pub fn page(
    conn: &mut DbConnection,
    actor: &Actor,
    asked: &Asked,
    after: Option<(NaiveDateTime, i64)>,
    size: i64,
) -> Result<Page, AppError> {
    let (org_no, party_name) = party_of(actor)?;
    let mut rows = stored::of_party(conn, &org_no, &filter(asked), after, size + 1)?;
    let more = rows.len() as i64 > size;
    rows.truncate(size as usize);
    let next = more.then(|| rows.last().map(|e| (e.at, e.id))).flatten();
    let mut words = Words::default();
    let entries = rows.into_iter().map(|e| words.entry(conn, e, &party_name)).collect::<Result<_, AppError>>()?;
    Ok(Page { entries, next })
}

/// A page of the log of `party` (a party UUID or an organisation number) for the person
/// `pid`, who must be one of its access managers (the end-user API).
pub fn page_for_person(
    conn: &mut DbConnection,
    pid: &str,
    party: &str,
    asked: &Asked,
    after: Option<(NaiveDateTime, i64)>,
    size: i64,
) -> Result<Page, AppError> {
    let org = match parties::organisation_by_uuid(conn, party)? {
        Some(org) => org,
        None => parties::organisation(conn, party)?.ok_or(AppError::PartyNotFound)?,
    };
    let actor = Actor::load(conn, pid, Some(&org.org_no))?.ok_or(AppError::UnknownPerson)?;
    if actor.party.as_ref().is_none_or(|p| p.org_no != org.org_no) {
        return Err(AppError::CannotRepresent);
    }
    page(conn, &actor, asked, after, size)
}

/// Everything the filter lets through, newest first, at most [`DOWNLOAD_MAX`].
pub fn all(conn: &mut DbConnection, actor: &Actor, asked: &Asked) -> Result<Vec<Entry>, AppError> {
    let mut entries = Vec::new();
    let mut after = None;
    loop {
        let page = page(conn, actor, asked, after, 1000)?;
        entries.extend(page.entries);
        match page.next {
            Some(next) if entries.len() < DOWNLOAD_MAX => after = Some(next),
            _ => break,
        }
    }
    entries.truncate(DOWNLOAD_MAX);
    Ok(entries)
}

/// Names looked up once a page: actors, organisations, accesses, people.
#[derive(Default)]
struct Words {
    names: Names,
    titles: HashMap<String, String>,
    people: HashMap<String, String>,
}

impl Words {
    fn entry(&mut self, conn: &mut DbConnection, e: AuditEvent, party_name: &str) -> Result<Entry, AppError> {
        let actor_name = self.names.of(conn, &e.actor)?;
        let is = |action: Action| e.action == action.as_str();
        let on_role = is(Action::RoleGive) || is(Action::RoleRemove);
        let subject = if on_role { self.person(conn, &e.subject_id)? } else { self.title(conn, &e.subject_id)? };
        let client = match is(Action::ClientAdd) || is(Action::ClientRemove) {
            true => Some((self.names.of_organisation(conn, &e.detail)?, e.detail.clone())),
            false => None,
        };
        Ok(Entry {
            id: e.id,
            at: e.at,
            packages: is(Action::RequestApprove) && e.detail.contains("urn:altinn:accesspackage:"),
            kind: e.action,
            actor: e.actor,
            actor_name,
            subject,
            client,
            role: if on_role { Role::from_code(&e.detail) } else { None },
            party_name: party_name.to_owned(),
        })
    }

    /// The title of a system access (live or deleted), or of the request by that id.
    fn title(&mut self, conn: &mut DbConnection, id: &str) -> Result<String, AppError> {
        if let Some(title) = self.titles.get(id) {
            return Ok(title.clone());
        }
        let title = match system_users::find_live(conn, id)?.or(system_users::find_deleted(conn, id)?) {
            Some(user) => user.integration_title,
            None => match requests::find(conn, id)? {
                Some(request) => match request.integration_title {
                    Some(title) => title,
                    None => db::systems::find(conn, &request.system_id)?.map(|(s, _)| s.name).unwrap_or_default(),
                },
                None => String::new(),
            },
        };
        self.titles.insert(id.to_owned(), title.clone());
        Ok(title)
    }

    fn person(&mut self, conn: &mut DbConnection, party_uuid: &str) -> Result<String, AppError> {
        if let Some(name) = self.people.get(party_uuid) {
            return Ok(name.clone());
        }
        let name = parties::person_by_uuid(conn, party_uuid)?.map(|p| p.name).unwrap_or_default();
        self.people.insert(party_uuid.to_owned(), name.clone());
        Ok(name)
    }
}
