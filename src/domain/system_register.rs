//! The system register as vendors keep it: register, change and delete their systems,
//! with every change checked and written to the system's change log.

use std::collections::BTreeSet;

use crate::db::systems::{self, System};
use crate::db::{self, DbConnection, parties};
use crate::db::{packages, vendor_clients};
use crate::error::{AppError, FieldError};

use super::audit::{self, Action, Actor as AuditActor};
use super::limits;
use crate::ids::OrgNo;

/// Who changes the register: a vendor (its own systems only) or an administrator.
#[derive(Debug, Clone)]
pub struct Registrar {
    pub org_no: String,
    /// The OAuth2 client the registrar's token was issued to.
    pub client_id: String,
    pub admin: bool,
}

/// A system as registered: everything a vendor states about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemSpec {
    pub id: String,
    pub vendor_org_no: String,
    /// Bokmål, nynorsk, English.
    pub names: [String; 3],
    pub descriptions: [String; 3],
    pub rights: Vec<String>,
    pub packages: Vec<String>,
    pub client_ids: Vec<String>,
    pub redirect_urls: Vec<String>,
    pub visible: bool,
    pub deleted: bool,
}

fn error(code: &'static str, detail: impl Into<String>) -> FieldError {
    FieldError { code, detail: detail.into() }
}

/// The values that occur more than once.
fn duplicates(values: &[String]) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    let mut twice: Vec<&str> = values.iter().filter(|v| !seen.insert(v.as_str())).map(String::as_str).collect();
    twice.dedup();
    twice
}

fn check_rights(conn: &mut DbConnection, rights: &[String], errors: &mut Vec<FieldError>) -> Result<(), AppError> {
    for twice in duplicates(rights) {
        errors.push(error("AUTH.VLD-00006", format!("the right {twice} is listed more than once")));
    }
    let known = systems::existing_resources(conn, rights)?;
    for unknown in rights.iter().filter(|r| !known.contains(r)) {
        errors.push(error("AUTH.VLD-00003", format!("no resource {unknown}")));
    }
    Ok(())
}

fn check_packages(conn: &mut DbConnection, urns: &[String], errors: &mut Vec<FieldError>) -> Result<(), AppError> {
    for twice in duplicates(urns) {
        errors.push(error("AUTH.VLD-00007", format!("the access package {twice} is listed more than once")));
    }
    let known: Vec<String> = packages::by_urns(conn, urns)?.into_iter().map(|p| p.urn).collect();
    for unknown in urns.iter().filter(|u| !known.contains(u)) {
        errors.push(error("AUTH.VLD-00009", format!("no access package {unknown}")));
    }
    Ok(())
}

/// A system's client ids must be the vendor's own clients: one registered here for the
/// vendor, or the client the vendor's token was issued to (a Maskinporten client, say).
/// Nobody can claim another vendor's client, or reserve an id no vendor has.
fn check_client_owners(
    conn: &mut DbConnection,
    by: &Registrar,
    spec: &SystemSpec,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    let callers_own = |id: &str| id == by.client_id && by.org_no == spec.vendor_org_no;
    for client_id in &spec.client_ids {
        match vendor_clients::find(conn, client_id)? {
            Some(client) if client.org_no != spec.vendor_org_no => {
                errors.push(error("AUTH.VLD-00004", format!("the client id {client_id} belongs to another vendor")))
            }
            None if !callers_own(client_id) => {
                errors.push(error("AUTH.VLD-00004", format!("the client id {client_id} is not a client of the vendor")))
            }
            _ => {}
        }
    }
    Ok(())
}

impl SystemSpec {
    /// Refuses a value too long to be real.
    fn check_lengths(&self) -> Result<(), AppError> {
        limits::check("id", &self.id, limits::ID)?;
        limits::check_each("name", &self.names, limits::TITLE)?;
        limits::check_each("description", &self.descriptions, limits::DESCRIPTION)?;
        limits::check_each("rights", &self.rights, limits::ID)?;
        limits::check_each("accessPackages", &self.packages, limits::ID)?;
        limits::check_each("clientId", &self.client_ids, limits::ID)?;
        limits::check_each("allowedRedirectUrls", &self.redirect_urls, limits::URL)
    }

    /// The redirect URLs as stored: written out again, like every URL the portal keeps.
    fn normalize_urls(&mut self) {
        for url in &mut self.redirect_urls {
            if let Ok(parsed) = url::Url::parse(url.trim()) {
                *url = parsed.to_string();
            }
        }
    }
}

/// Every check of a whole system document; `creating` adds the check that the id is free.
fn check(conn: &mut DbConnection, by: &Registrar, spec: &SystemSpec, creating: bool) -> Result<(), AppError> {
    spec.check_lengths()?;
    let mut errors = Vec::new();
    if !by.admin && spec.vendor_org_no != by.org_no {
        errors.push(error("AUTH.VLD-00010", "a vendor registers systems for its own organisation only"));
    } else if OrgNo::parse(&spec.vendor_org_no).is_none() || parties::organisation(conn, &spec.vendor_org_no)?.is_none()
    {
        errors.push(error("AUTH.VLD-00010", format!("no vendor organisation {}", spec.vendor_org_no)));
    }
    let prefix = format!("{}_", spec.vendor_org_no);
    if !spec.id.starts_with(&prefix) || spec.id.len() == prefix.len() || spec.id.chars().any(char::is_whitespace) {
        errors.push(error("AUTH.VLD-00001", format!("the system id must start with {prefix} and hold no spaces")));
    } else if creating && systems::id_taken(conn, &spec.id)? {
        errors.push(error("AUTH.VLD-00002", format!("the system id {} is taken", spec.id)));
    }
    for (what, texts) in [("name", &spec.names), ("description", &spec.descriptions)] {
        for (lang, text) in ["nb", "nn", "en"].iter().zip(texts.iter()) {
            if text.trim().is_empty() {
                errors.push(error("AUTH.VLD-00008", format!("the {what} in {lang} is missing")));
            }
        }
    }
    check_rights(conn, &spec.rights, &mut errors)?;
    check_packages(conn, &spec.packages, &mut errors)?;
    for twice in duplicates(&spec.client_ids) {
        errors.push(error("AUTH.VLD-00004", format!("the client id {twice} is listed more than once")));
    }
    for (client_id, system) in systems::client_ids_used_elsewhere(conn, &spec.client_ids, &spec.id)? {
        errors.push(error("AUTH.VLD-00004", format!("the client id {client_id} belongs to the system {system}")));
    }
    check_client_owners(conn, by, spec, &mut errors)?;
    for url in spec.redirect_urls.iter().filter(|u| !super::https_or_loopback(u)) {
        errors.push(error("AUTH.VLD-00005", format!("the redirect URL {url} is not absolute https")));
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Invalid(errors)) }
}

/// The system as the registrar may see and change it; another vendor's is "not found".
fn owned(conn: &mut DbConnection, by: &Registrar, id: &str) -> Result<SystemSpec, AppError> {
    match read(conn, id)? {
        Some(spec) if !spec.deleted && (by.admin || spec.vendor_org_no == by.org_no) => Ok(spec),
        _ => Err(AppError::SystemNotFound),
    }
}

fn read(conn: &mut DbConnection, id: &str) -> Result<Option<SystemSpec>, AppError> {
    let Some((system, _)) = systems::find(conn, id)? else {
        return Ok(None);
    };
    Ok(Some(SystemSpec {
        rights: systems::rights(conn, id)?.into_iter().map(|r| r.id).collect(),
        packages: packages::of_system(conn, id)?.into_iter().map(|p| p.urn).collect(),
        client_ids: systems::client_ids(conn, id)?,
        redirect_urls: systems::redirect_urls(conn, id)?,
        names: [system.name, system.name_nn, system.name_en],
        descriptions: [system.description, system.description_nn, system.description_en],
        id: system.id,
        vendor_org_no: system.vendor_org_no,
        visible: system.is_visible,
        deleted: system.is_deleted,
    }))
}

fn row(spec: &SystemSpec) -> System {
    let [name, name_nn, name_en] = spec.names.clone();
    let [description, description_nn, description_en] = spec.descriptions.clone();
    System {
        id: spec.id.clone(),
        vendor_org_no: spec.vendor_org_no.clone(),
        name,
        description,
        is_visible: spec.visible,
        is_deleted: false,
        created: db::now(),
        name_nn,
        name_en,
        description_nn,
        description_en,
    }
}

fn log(conn: &mut DbConnection, by: &Registrar, spec: &SystemSpec, action: Action) -> diesel::QueryResult<()> {
    let detail = serde_json::json!({
        "rights": spec.rights, "accessPackages": spec.packages, "clientId": spec.client_ids,
        "allowedRedirectUrls": spec.redirect_urls, "isVisible": spec.visible, "name": spec.names,
    });
    audit::record(conn, AuditActor::Vendor(&by.org_no), &spec.vendor_org_no, action, &spec.id, &detail.to_string())
}

/// Writes the parts of a system that live beside its row.
fn write_parts(conn: &mut DbConnection, spec: &SystemSpec) -> diesel::QueryResult<()> {
    systems::replace_rights(conn, &spec.id, &spec.rights)?;
    systems::replace_redirect_urls(conn, &spec.id, &spec.redirect_urls)?;
    systems::replace_client_ids(conn, &spec.id, &spec.client_ids)?;
    packages::replace_for_system(conn, &spec.id, &spec.packages)
}

pub fn create(conn: &mut DbConnection, by: &Registrar, mut spec: SystemSpec) -> Result<SystemSpec, AppError> {
    check(conn, by, &spec, true)?;
    spec.normalize_urls();
    db::transaction::<_, AppError, _>(conn, |conn| {
        systems::insert(conn, &row(&spec), &[], &[])?;
        write_parts(conn, &spec)?;
        log(conn, by, &spec, Action::SystemCreate)?;
        Ok(())
    })
    .map_err(|e| match e {
        AppError::Duplicate(_) => AppError::Invalid(vec![error("AUTH.VLD-00002", "the system id is taken")]),
        other => other,
    })?;
    owned(conn, by, &spec.id)
}

pub fn update(conn: &mut DbConnection, by: &Registrar, id: &str, mut spec: SystemSpec) -> Result<SystemSpec, AppError> {
    let current = owned(conn, by, id)?;
    if spec.id != id || spec.vendor_org_no != current.vendor_org_no {
        return Err(AppError::Invalid(vec![error("AUTH.VLD-00001", "the id and vendor of a system cannot change")]));
    }
    check(conn, by, &spec, false)?;
    spec.normalize_urls();
    db::transaction::<_, AppError, _>(conn, |conn| {
        systems::update(conn, &row(&spec))?;
        write_parts(conn, &spec)?;
        log(conn, by, &spec, Action::SystemUpdate)?;
        Ok(())
    })?;
    owned(conn, by, id)
}

pub fn set_rights(
    conn: &mut DbConnection,
    by: &Registrar,
    id: &str,
    rights: Vec<String>,
) -> Result<SystemSpec, AppError> {
    limits::check_each("rights", &rights, limits::ID)?;
    let mut spec = owned(conn, by, id)?;
    let mut errors = Vec::new();
    check_rights(conn, &rights, &mut errors)?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    spec.rights = rights;
    db::transaction::<_, AppError, _>(conn, |conn| {
        systems::replace_rights(conn, id, &spec.rights)?;
        log(conn, by, &spec, Action::SystemUpdate)?;
        Ok(())
    })?;
    owned(conn, by, id)
}

pub fn set_packages(
    conn: &mut DbConnection,
    by: &Registrar,
    id: &str,
    urns: Vec<String>,
) -> Result<SystemSpec, AppError> {
    limits::check_each("accessPackages", &urns, limits::ID)?;
    let mut spec = owned(conn, by, id)?;
    let mut errors = Vec::new();
    check_packages(conn, &urns, &mut errors)?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    spec.packages = urns;
    db::transaction::<_, AppError, _>(conn, |conn| {
        packages::replace_for_system(conn, id, &spec.packages)?;
        log(conn, by, &spec, Action::SystemUpdate)?;
        Ok(())
    })?;
    owned(conn, by, id)
}

/// Deletes a system: end users no longer find it, vendors can send no new requests and
/// its client ids are free for other systems. Existing system users stay until their
/// owners delete them, but no system user tokens are issued for them.
pub fn delete(conn: &mut DbConnection, by: &Registrar, id: &str) -> Result<(), AppError> {
    let spec = owned(conn, by, id)?;
    db::transaction::<_, AppError, _>(conn, |conn| {
        systems::mark_deleted(conn, id)?;
        systems::replace_client_ids(conn, id, &[])?;
        log(conn, by, &spec, Action::SystemDelete)?;
        Ok(())
    })?;
    Ok(())
}

pub fn get(conn: &mut DbConnection, by: &Registrar, id: &str) -> Result<SystemSpec, AppError> {
    owned(conn, by, id)
}

/// The vendor's systems (an administrator sees its own organisation's too).
pub fn list(conn: &mut DbConnection, by: &Registrar) -> Result<Vec<SystemSpec>, AppError> {
    let ids: Vec<String> = systems::of_vendor(conn, &by.org_no)?.into_iter().map(|s| s.id).collect();
    ids.iter().map(|id| owned(conn, by, id)).collect()
}

/// Every change to the system, oldest first.
pub fn changelog(conn: &mut DbConnection, by: &Registrar, id: &str) -> Result<Vec<db::audit::AuditEvent>, AppError> {
    let spec = match read(conn, id)? {
        Some(spec) if by.admin || spec.vendor_org_no == by.org_no => spec,
        _ => return Err(AppError::SystemNotFound),
    };
    Ok(db::audit::for_subject(conn, &spec.id)?)
}
