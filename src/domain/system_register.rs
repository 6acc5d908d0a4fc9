//! The system register as vendors keep it (docs/altinn-wire.md §3.4): register, change and
//! delete their systems, every change checked with Altinn's validation codes and written
//! to the system's change log.

use std::collections::{BTreeMap, BTreeSet};

use crate::db::systems::{self, System};
use crate::db::{self, DbConnection, packages, parties, vendor_clients};
use crate::domain::ids::OrgNo;
use crate::error::{AppError, FieldError};

use super::audit::{self, Action, By};
use super::limits;

/// Who changes the register: a vendor (its own systems only) or an administrator.
#[derive(Debug, Clone)]
pub struct Registrar {
    pub org_no: String,
    /// The OAuth2 client the registrar's token was issued to.
    pub client_id: String,
    pub admin: bool,
}

/// A right as a vendor names it: an attribute and its value (`urn:altinn:resource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightSpec {
    pub attribute: String,
    pub value: String,
}

/// The attribute that names a resource.
pub const RESOURCE_ATTRIBUTE: &str = "urn:altinn:resource";

impl RightSpec {
    pub fn resource(id: String) -> Self {
        Self { attribute: RESOURCE_ATTRIBUTE.into(), value: id }
    }

    fn resource_id(&self) -> Option<&str> {
        (self.attribute == RESOURCE_ATTRIBUTE).then_some(self.value.as_str())
    }
}

/// A system as registered: everything a vendor states about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemSpec {
    pub id: String,
    /// The vendor's ISO 6523 id, `0192:<orgno>`, as sent.
    pub vendor: String,
    /// Names and descriptions by language, as sent (Altinn checks no languages).
    pub names: BTreeMap<String, String>,
    pub descriptions: BTreeMap<String, String>,
    pub rights: Vec<RightSpec>,
    pub packages: Vec<String>,
    pub client_ids: Vec<String>,
    pub redirect_urls: Vec<String>,
    pub visible: bool,
}

/// A system as the register keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub spec: SystemSpec,
    pub vendor_org_no: String,
    pub internal_id: String,
    pub deleted: bool,
}

/// A change of a system, for its change log.
#[derive(Debug, Clone)]
pub struct SystemChange {
    pub internal_id: String,
    pub by_org_no: String,
    pub action: String,
    /// What the vendor sent, when it sent something.
    pub data: Option<serde_json::Value>,
    pub client_id: String,
    pub at: chrono::NaiveDateTime,
}

const PATH_VENDOR: &str = "/registersystemrequest/vendor/id";
const PATH_ID: &str = "/registersystemrequest/systemid";
const PATH_RIGHTS: &str = "/registersystemrequest/rights/resource";
const PATH_PACKAGES: &str = "/registersystemrequest/accesspackages";
const PATH_CLIENTS: &str = "/registersystemrequest/clientid";
const PATH_URLS: &str = "/registersystemrequest/allowedredirecturls";

fn error(code: &'static str, path: &'static str, detail: impl Into<String>) -> FieldError {
    FieldError::new(code, path, detail)
}

fn invalid(code: &'static str, path: &'static str, detail: impl Into<String>) -> AppError {
    AppError::Invalid(vec![error(code, path, detail)])
}

/// The values that occur more than once.
fn duplicates(values: &[&str]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let twice: BTreeSet<String> = values.iter().filter(|v| !seen.insert(**v)).map(|v| v.to_string()).collect();
    twice.into_iter().collect()
}

/// The organisation number in an ISO 6523 id (`0192:<orgno>`), when it is one.
fn vendor_org_no(id: &str) -> Option<String> {
    id.trim().strip_prefix("0192:").and_then(OrgNo::parse).map(|o| o.as_str().to_owned())
}

impl SystemSpec {
    /// Refuses a value too long to be real.
    fn check_lengths(&self) -> Result<(), AppError> {
        limits::check("id", &self.id, limits::ID)?;
        self.names.values().try_for_each(|name| limits::check_name("name", name, limits::TITLE))?;
        limits::check_each("description", self.descriptions.values(), limits::DESCRIPTION)?;
        limits::check_each("rights", self.rights.iter().map(|r| &r.value), limits::ID)?;
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

    fn resource_ids(&self) -> Vec<String> {
        self.rights.iter().filter_map(RightSpec::resource_id).map(str::to_owned).collect()
    }
}

fn check_rights(conn: &mut DbConnection, rights: &[RightSpec], errors: &mut Vec<FieldError>) -> Result<(), AppError> {
    for right in rights.iter().filter(|r| r.resource_id().is_none()) {
        errors.push(error("AUTH.VLD-00009", PATH_RIGHTS, format!("{} is not {RESOURCE_ATTRIBUTE}", right.attribute)));
    }
    let ids: Vec<&str> = rights.iter().filter_map(RightSpec::resource_id).collect();
    for twice in duplicates(&ids) {
        errors.push(error("AUTH.VLD-00006", PATH_RIGHTS, format!("the right {twice} is listed more than once")));
    }
    let owned: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    let known = systems::existing_resources(conn, &owned)?;
    for unknown in owned.iter().filter(|r| !known.contains(r)) {
        errors.push(error("AUTH.VLD-00003", PATH_RIGHTS, format!("no resource {unknown}")));
    }
    Ok(())
}

/// Packages each once, each one Altinn has and that can be given at all; and a system
/// that carries packages meant for clients is not listed for people to pick
/// (`visible`), as only a vendor's agent request can give such packages.
fn check_packages(
    conn: &mut DbConnection,
    urns: &[String],
    visible: bool,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    let listed: Vec<&str> = urns.iter().map(String::as_str).collect();
    for twice in duplicates(&listed) {
        errors.push(error("AUTH.VLD-00007", PATH_PACKAGES, format!("{twice} is listed more than once")));
    }
    let known = packages::by_urns(conn, urns)?;
    let usable = |urn: &String| known.iter().any(|p| &p.urn == urn && (p.assignable || p.delegable));
    for unusable in urns.iter().filter(|u| !usable(u)) {
        errors.push(error("AUTH.VLD-00008", PATH_PACKAGES, format!("no access package {unusable} that can be given")));
    }
    if visible {
        for package in known.iter().filter(|p| !p.assignable) {
            errors.push(error(
                "AUTH.VLD-00018",
                PATH_PACKAGES,
                format!("{} is given by clients; such a system must have isVisible false", package.urn),
            ));
        }
    }
    Ok(())
}

/// A system's client ids: each once, none another system's, and each the vendor's own: a
/// client registered here for the vendor, or the one the vendor's token was issued to (a
/// Maskinporten client, say). Nobody can claim another vendor's client, or an id no
/// vendor has.
fn check_clients(
    conn: &mut DbConnection,
    vendor_org_no: &str,
    spec: &SystemSpec,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    let listed: Vec<&str> = spec.client_ids.iter().map(String::as_str).collect();
    for twice in duplicates(&listed) {
        errors.push(error("AUTH.VLD-00011", PATH_CLIENTS, format!("the client id {twice} is listed more than once")));
    }
    for (client_id, system) in systems::client_ids_used_elsewhere(conn, &spec.client_ids, &spec.id)? {
        errors.push(error("AUTH.VLD-00004", PATH_CLIENTS, format!("the client id {client_id} belongs to {system}")));
    }
    // As in Altinn, any id no other system holds may be listed (a Maskinporten client we
    // have never seen is the vendor's from then on), but not one of another vendor's clients here.
    for client_id in &spec.client_ids {
        if vendor_clients::find(conn, client_id)?.is_some_and(|client| client.org_no != vendor_org_no) {
            let detail = format!("the client id {client_id} belongs to another vendor");
            errors.push(error("AUTH.VLD-00004", PATH_CLIENTS, detail));
        }
    }
    Ok(())
}

/// Redirect URLs must be absolute https (plain http only to this machine).
fn check_urls(spec: &SystemSpec, errors: &mut Vec<FieldError>) {
    for url in spec.redirect_urls.iter().filter(|u| !super::https_or_loopback(u)) {
        errors.push(error("AUTH.VLD-00005", PATH_URLS, format!("{url} is not an absolute https URL")));
    }
}

fn done(errors: Vec<FieldError>) -> Result<(), AppError> {
    if errors.is_empty() { Ok(()) } else { Err(AppError::Invalid(errors)) }
}

/// The system with the id, deleted ones included, if the registrar may see it: 404 for
/// none, 403 for another vendor's.
fn visible_to(conn: &mut DbConnection, by: &Registrar, id: &str) -> Result<Registered, AppError> {
    let registered = read(conn, id)?.ok_or_else(|| AppError::SystemIdNotFound(id.to_owned()))?;
    if !by.admin && registered.vendor_org_no != by.org_no {
        return Err(AppError::Forbidden);
    }
    Ok(registered)
}

/// As [`visible_to`], and not deleted, for a change.
fn changeable(conn: &mut DbConnection, by: &Registrar, id: &str) -> Result<Registered, AppError> {
    let registered = visible_to(conn, by, id)?;
    if registered.deleted {
        return Err(AppError::SystemDeleted);
    }
    Ok(registered)
}

fn texts(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn read(conn: &mut DbConnection, id: &str) -> Result<Option<Registered>, AppError> {
    let Some(system) = systems::find_any(conn, id)? else {
        return Ok(None);
    };
    Ok(Some(Registered {
        spec: SystemSpec {
            rights: systems::rights(conn, id)?.into_iter().map(|r| RightSpec::resource(r.id)).collect(),
            packages: packages::of_system(conn, id)?.into_iter().map(|p| p.urn).collect(),
            client_ids: systems::client_ids(conn, id)?,
            redirect_urls: systems::redirect_urls(conn, id)?,
            names: texts(&system.names),
            descriptions: texts(&system.descriptions),
            vendor: format!("0192:{}", system.vendor_org_no),
            id: system.id,
            visible: system.is_visible,
        },
        vendor_org_no: system.vendor_org_no,
        internal_id: system.internal_id,
        deleted: system.is_deleted,
    }))
}

/// A text in the portal's language from the vendor's map: the language itself, else
/// bokmål, else any.
fn in_language(map: &BTreeMap<String, String>, lang: &str) -> String {
    let find = |l: &str| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(l)).map(|(_, v)| v.clone());
    find(lang).or_else(|| find("nb")).or_else(|| map.values().next().cloned()).unwrap_or_default()
}

fn row(spec: &SystemSpec, vendor_org_no: &str, internal_id: &str) -> System {
    let (names, descriptions) = (&spec.names, &spec.descriptions);
    System {
        id: spec.id.clone(),
        vendor_org_no: vendor_org_no.to_owned(),
        name: in_language(names, "nb"),
        name_nn: in_language(names, "nn"),
        name_en: in_language(names, "en"),
        description: in_language(descriptions, "nb"),
        description_nn: in_language(descriptions, "nn"),
        description_en: in_language(descriptions, "en"),
        is_visible: spec.visible,
        is_deleted: false,
        created: db::now(),
        internal_id: internal_id.to_owned(),
        names: serde_json::to_string(names).unwrap_or_default(),
        descriptions: serde_json::to_string(descriptions).unwrap_or_default(),
    }
}

/// Writes the change to the system's log: who, with which client, and what was sent.
fn log(
    conn: &mut DbConnection,
    by: &Registrar,
    id: &str,
    vendor_org_no: &str,
    action: Action,
    sent: Option<&serde_json::Value>,
) -> diesel::QueryResult<()> {
    let detail = serde_json::json!({"clientId": by.client_id, "changedData": sent});
    audit::record(conn, By::Vendor(&by.org_no), vendor_org_no, action, id, &detail.to_string())
}

/// Writes the parts of a system that live beside its row.
fn write_parts(conn: &mut DbConnection, spec: &SystemSpec) -> diesel::QueryResult<()> {
    systems::replace_rights(conn, &spec.id, &spec.resource_ids())?;
    systems::replace_redirect_urls(conn, &spec.id, &spec.redirect_urls)?;
    systems::replace_client_ids(conn, &spec.id, &spec.client_ids)?;
    packages::replace_for_system(conn, &spec.id, &spec.packages)
}

/// Registers a system; returns its internal GUID. `sent` is the document as sent, for
/// the change log.
pub fn create(
    conn: &mut DbConnection,
    by: &Registrar,
    mut spec: SystemSpec,
    sent: &serde_json::Value,
) -> Result<String, AppError> {
    spec.check_lengths()?;
    let vendor_org_no =
        vendor_org_no(&spec.vendor).ok_or_else(|| invalid("AUTH.VLD-00000", PATH_VENDOR, "expected 0192:<orgno>"))?;
    if !by.admin && vendor_org_no != by.org_no {
        return Err(AppError::Forbidden);
    }
    if parties::organisation(conn, &vendor_org_no)?.is_none() {
        return Err(invalid("AUTH.VLD-00000", PATH_VENDOR, format!("no organisation {vendor_org_no} is known")));
    }
    let mut errors = Vec::new();
    let prefix = format!("{vendor_org_no}_");
    if spec.id.chars().any(char::is_whitespace) {
        errors.push(error("AUTH.VLD-00013", PATH_ID, "the system id holds spaces"));
    } else if !spec.id.starts_with(&prefix) || spec.id.len() == prefix.len() {
        errors.push(error("AUTH.VLD-00001", PATH_ID, format!("the system id must start with {prefix}")));
    } else if systems::id_taken(conn, &spec.id)? {
        errors.push(error("AUTH.VLD-00002", PATH_ID, format!("{} is taken", spec.id)));
    }
    check_rights(conn, &spec.rights, &mut errors)?;
    check_packages(conn, &spec.packages, spec.visible, &mut errors)?;
    check_clients(conn, &vendor_org_no, &spec, &mut errors)?;
    check_urls(&spec, &mut errors);
    done(errors)?;
    spec.normalize_urls();
    let internal_id = uuid::Uuid::new_v4().to_string();
    db::transaction::<_, AppError, _>(conn, |conn| {
        systems::insert(conn, &row(&spec, &vendor_org_no, &internal_id), &[], &[])?;
        write_parts(conn, &spec)?;
        log(conn, by, &spec.id, &vendor_org_no, Action::SystemCreate, Some(sent))?;
        Ok(())
    })
    .map_err(|e| match e {
        AppError::Duplicate => AppError::SystemExists(spec.id.clone()),
        other => other,
    })?;
    Ok(internal_id)
}

/// Replaces what a vendor states about its system (not its id or vendor).
pub fn update(
    conn: &mut DbConnection,
    by: &Registrar,
    id: &str,
    mut spec: SystemSpec,
    sent: &serde_json::Value,
) -> Result<(), AppError> {
    spec.check_lengths()?;
    let current = visible_to(conn, by, id)?;
    if vendor_org_no(&spec.vendor).as_deref() != Some(current.vendor_org_no.as_str()) {
        return Err(AppError::SystemIdNotFound(id.to_owned()));
    }
    if spec.id != id {
        return Err(invalid("AUTH.VLD-00012", PATH_ID, format!("{} is not {id}", spec.id)));
    }
    if current.deleted {
        return Err(AppError::SystemDeleted);
    }
    let mut errors = Vec::new();
    check_rights(conn, &spec.rights, &mut errors)?;
    check_packages(conn, &spec.packages, spec.visible, &mut errors)?;
    check_clients(conn, &current.vendor_org_no, &spec, &mut errors)?;
    // Altinn does not check the URLs again here; they are checked all the same.
    check_urls(&spec, &mut errors);
    done(errors)?;
    spec.normalize_urls();
    db::transaction::<_, AppError, _>(conn, |conn| {
        systems::update(conn, &row(&spec, &current.vendor_org_no, &current.internal_id))?;
        write_parts(conn, &spec)?;
        log(conn, by, id, &current.vendor_org_no, Action::SystemUpdate, Some(sent))?;
        Ok(())
    })
}

/// Replaces a system's rights.
pub fn set_rights(
    conn: &mut DbConnection,
    by: &Registrar,
    id: &str,
    rights: Vec<RightSpec>,
    sent: &serde_json::Value,
) -> Result<(), AppError> {
    limits::check_each("rights", rights.iter().map(|r| &r.value), limits::ID)?;
    let current = changeable(conn, by, id)?;
    let mut errors = Vec::new();
    check_rights(conn, &rights, &mut errors)?;
    done(errors)?;
    let ids: Vec<String> = rights.iter().filter_map(RightSpec::resource_id).map(str::to_owned).collect();
    db::transaction::<_, AppError, _>(conn, |conn| {
        systems::replace_rights(conn, id, &ids)?;
        log(conn, by, id, &current.vendor_org_no, Action::SystemRightsUpdate, Some(sent))?;
        Ok(())
    })
}

/// Replaces a system's access packages.
pub fn set_packages(
    conn: &mut DbConnection,
    by: &Registrar,
    id: &str,
    urns: Vec<String>,
    sent: &serde_json::Value,
) -> Result<(), AppError> {
    limits::check_each("accessPackages", &urns, limits::ID)?;
    let current = changeable(conn, by, id)?;
    let mut errors = Vec::new();
    check_packages(conn, &urns, current.spec.visible, &mut errors)?;
    done(errors)?;
    db::transaction::<_, AppError, _>(conn, |conn| {
        packages::replace_for_system(conn, id, &urns)?;
        log(conn, by, id, &current.vendor_org_no, Action::SystemPackagesUpdate, Some(sent))?;
        Ok(())
    })
}

/// Deletes a system: end users no longer find it, vendors can send no new requests and
/// its client ids are free for other systems. Existing system users stay until their
/// owners delete them, but no system user tokens are issued for them.
pub fn delete(conn: &mut DbConnection, by: &Registrar, id: &str) -> Result<(), AppError> {
    let current = changeable(conn, by, id).map_err(|e| match e {
        AppError::SystemDeleted | AppError::SystemIdNotFound(_) => AppError::SystemNotFound,
        other => other,
    })?;
    db::transaction::<_, AppError, _>(conn, |conn| {
        systems::mark_deleted(conn, id)?;
        systems::replace_client_ids(conn, id, &[])?;
        log(conn, by, id, &current.vendor_org_no, Action::SystemDelete, None)?;
        Ok(())
    })
}

/// One system, deleted ones included.
pub fn get(conn: &mut DbConnection, by: &Registrar, id: &str) -> Result<Registered, AppError> {
    visible_to(conn, by, id)
}

/// The registrar's own organisation's systems that are not deleted.
pub fn list(conn: &mut DbConnection, by: &Registrar) -> Result<Vec<Registered>, AppError> {
    let ids: Vec<String> = systems::of_vendor(conn, &by.org_no)?.into_iter().map(|s| s.id).collect();
    ids.iter().filter_map(|id| read(conn, id).transpose()).collect()
}

/// Every change to the system, newest first.
pub fn changelog(conn: &mut DbConnection, by: &Registrar, id: &str) -> Result<Vec<SystemChange>, AppError> {
    let system = visible_to(conn, by, id)?;
    let mut changes: Vec<SystemChange> = db::audit::for_subject(conn, id)?
        .into_iter()
        .filter(|e| e.action.starts_with("system."))
        .map(|e| {
            let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
            SystemChange {
                internal_id: system.internal_id.clone(),
                by_org_no: e.actor.strip_prefix("vendor:").unwrap_or(&e.actor).to_owned(),
                action: e.action,
                data: detail.get("changedData").filter(|d| !d.is_null()).cloned(),
                client_id: detail["clientId"].as_str().unwrap_or_default().to_owned(),
                at: e.at,
            }
        })
        .collect();
    changes.reverse();
    Ok(changes)
}
