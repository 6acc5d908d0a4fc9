//! The registers production runs on: organisations and their Enhetsregister roles (a
//! person's, and one organisation's for another, which makes the holder a facilitator
//! and the other its client), persons, services and access packages. Every record is a
//! sync: applying it again changes nothing, and a role missing from an organisation's
//! roles is removed, with what hung on it (a client on a firm's agent system access)
//! ended and audited as the register's doing.

use crate::db::packages::{self, AccessPackage, Carrier};
use crate::db::parties::{self, NewPartyRole, Organisation, Person};
use crate::db::resources::{self, Resource};
use crate::db::{self, DbConnection};
use crate::domain::ids::{OrgNo, Pid};
use crate::error::AppError;

use super::audit::{self, Action, By};
use super::clients;
use super::roles::Role;

/// The longest name, title or id taken; longer input is refused rather than cut.
const LONGEST: usize = 1000;
/// Problems kept for the report; the count goes on beyond them.
const PROBLEMS_KEPT: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRecord {
    pub org_no: String,
    pub name: String,
    /// The form of organisation (AS, ENK, ESEK, BRL, …).
    pub org_form: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub pid: String,
    pub name: String,
}

/// An organisation's roles in the Enhetsregister. A list given replaces the stored one;
/// a list not given (None) is left as it is: the public bulk files name no person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolesRecord {
    pub org_no: String,
    pub persons: Option<Vec<PersonRole>>,
    pub organisations: Option<Vec<OrganisationRole>>,
}

/// A person's role for the organisation; the person is created or renamed as named (the
/// name may be left out for a person already known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRole {
    pub role: String,
    pub pid: String,
    pub name: Option<String>,
}

/// A role another organisation (`holder`) has for this one: regnskapsfører, revisor or
/// forretningsfører make the holder its facilitator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRole {
    pub role: String,
    pub holder: String,
}

/// A service, its texts in bokmål, nynorsk and English (empty: as in bokmål), the roles
/// that let a person give it, the actions it offers and the authentication level its
/// users need (what the PDP answers with).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRecord {
    pub id: String,
    pub title: [String; 3],
    pub description: [String; 3],
    pub granted_by: Vec<String>,
    pub actions: Vec<String>,
    pub authentication_level: i64,
}

/// An action's name: a word of lower-case letters, digits, `-` and `_` (`read`, `sign`).
fn is_action(action: &str) -> bool {
    !action.is_empty()
        && action.len() <= 100
        && action.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// An access package, the relations (and roles) that give it, and the services it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRecord {
    pub urn: String,
    pub name: [String; 3],
    pub description: [String; 3],
    pub assignable: bool,
    pub delegable: bool,
    pub given_by: Vec<Carrier>,
    pub resources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Organisation(OrganisationRecord),
    Person(PersonRecord),
    Roles(RolesRecord),
    Resource(ResourceRecord),
    Package(PackageRecord),
}

impl Record {
    /// Roles name organisations and services that other records make: applied after them.
    pub fn is_roles(&self) -> bool {
        matches!(self, Record::Roles(_))
    }

    /// What the record is about, for a report (a person by the last digits only).
    pub fn subject(&self) -> String {
        match self {
            Record::Organisation(r) => format!("organisation {}", r.org_no),
            Record::Person(r) => masked(&r.pid),
            Record::Roles(r) => format!("roles of {}", r.org_no),
            Record::Resource(r) => format!("service {}", r.id),
            Record::Package(r) => format!("package {}", r.urn),
        }
    }
}

/// What applying records did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Organisations, persons, services and packages new, changed, or as stored.
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub roles_added: u64,
    pub roles_removed: u64,
    /// Clients taken off agent system accesses because a relation ended.
    pub clients_detached: u64,
    /// Roles of kinds not kept here (styre's deputy, contact person, …).
    pub roles_ignored: u64,
    /// Records or roles refused, each with a problem.
    pub refused: u64,
    pub problems: Vec<String>,
}

impl Summary {
    pub fn add(&mut self, other: Summary) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.roles_added += other.roles_added;
        self.roles_removed += other.roles_removed;
        self.clients_detached += other.clients_detached;
        self.roles_ignored += other.roles_ignored;
        self.refused += other.refused;
        for problem in other.problems {
            self.keep(problem);
        }
    }

    /// Counts a refused record or role and keeps the reason while there is room.
    pub fn refuse(&mut self, problem: String) {
        self.refused += 1;
        self.keep(problem);
    }

    fn keep(&mut self, problem: String) {
        if self.problems.len() < PROBLEMS_KEPT {
            self.problems.push(problem);
        }
    }
}

/// Applies the records in one transaction (again when a racing load of the same records
/// took a key first: then they are found as stored).
pub fn apply(conn: &mut DbConnection, records: &[Record]) -> Result<Summary, AppError> {
    super::retrying(conn, |conn| {
        let mut summary = Summary::default();
        for record in records {
            match record {
                Record::Organisation(r) => organisation(conn, r, &mut summary)?,
                Record::Person(r) => {
                    person(conn, &r.pid, Some(&r.name), true, &mut summary)?;
                }
                Record::Roles(r) => roles(conn, r, &mut summary)?,
                Record::Resource(r) => resource(conn, r, &mut summary)?,
                Record::Package(r) => package(conn, r, &mut summary)?,
            }
        }
        Ok(summary)
    })
}

/// Applies the records whole or not at all: a refused one is the caller's error.
pub fn apply_all(conn: &mut DbConnection, records: &[Record]) -> Result<Summary, AppError> {
    super::retrying(conn, |conn| {
        let summary = apply(conn, records)?;
        match summary.refused {
            0 => Ok(summary),
            _ => Err(AppError::BadRequest(summary.problems.join("; "))),
        }
    })
}

/// Our code for a role the register names by its own (REGN, REVI, FFØR); any other
/// code as it is.
fn our_code(code: &str) -> &str {
    match code {
        "REGN" => "REGNSKAPSFORER",
        "REVI" => "REVISOR",
        "FFØR" => "FORRETNINGSFORER",
        other => other,
    }
}

/// A person's role as the register or our format names it: one of the register's own
/// (daglig leder, styrets leder, styremedlem, regnskapsfører, revisor).
fn person_role(code: &str) -> Option<Role> {
    Role::from_code(our_code(code)).filter(|r| !r.is_given_in_portal())
}

/// The client relation a role of one organisation for another makes, as stored.
pub fn relation(code: &str) -> Option<&'static str> {
    ["REGNSKAPSFORER", "REVISOR", "FORRETNINGSFORER"].into_iter().find(|r| *r == our_code(code))
}

/// A person's number as a report names it: the last digits, enough to find the line.
fn masked(pid: &str) -> String {
    format!("person …{}", pid.get(6..).unwrap_or_default())
}

/// A name or id: given, not too long, and showing what it holds (no control character,
/// none invisible or turning the text's direction: see [`super::limits::is_visible_text`]).
fn fits(text: &str) -> bool {
    !text.trim().is_empty() && text.len() <= LONGEST && super::limits::is_visible_text(text)
}

/// A longer text (a description): lines allowed, NUL not.
fn text_fits(text: &str) -> bool {
    text.len() <= LONGEST && !text.contains('\0')
}

fn organisation(conn: &mut DbConnection, r: &OrganisationRecord, s: &mut Summary) -> Result<(), AppError> {
    let Some(org_no) = OrgNo::parse(&r.org_no) else {
        s.refuse(format!("organisation {:?}: not a valid organisation number", r.org_no));
        return Ok(());
    };
    if !fits(&r.name) || !fits(&r.org_form) {
        s.refuse(format!("organisation {org_no}: the name and form must be given (at most {LONGEST} bytes)"));
        return Ok(());
    }
    let wanted = Organisation::of_form(org_no.as_str(), r.name.trim(), r.org_form.trim());
    match parties::organisation(conn, org_no.as_str())? {
        None => {
            parties::insert_organisation(conn, &wanted)?;
            s.created += 1;
        }
        Some(old) if old.name == wanted.name && old.org_form == wanted.org_form => s.unchanged += 1,
        Some(old) => {
            let updated = Organisation { party_uuid: old.party_uuid, ..wanted };
            parties::update_organisation(conn, &updated)?;
            db::clients::rename_client(conn, &updated.org_no, &updated.name, &updated.org_form)?;
            // A relation may give a package for some forms only (forretningsfører: ESEK, BRL).
            if old.org_form != updated.org_form {
                for (facilitator, _) in db::clients::relations_of_client(conn, &updated.org_no)? {
                    s.clients_detached += clients::drop_lapsed(conn, &facilitator, &updated)? as u64;
                }
            }
            s.updated += 1;
        }
    }
    Ok(())
}

/// Creates or renames the person (a name not given keeps a known person's); None when
/// refused. A person met again in a role is counted only when it changes.
fn person(
    conn: &mut DbConnection,
    pid: &str,
    name: Option<&str>,
    count_unchanged: bool,
    s: &mut Summary,
) -> Result<Option<Person>, AppError> {
    let Some(pid) = Pid::parse(pid) else {
        s.refuse("a person: not a valid national identity number".to_owned());
        return Ok(None);
    };
    let stored = parties::person(conn, pid.as_str())?;
    let name = match (name.map(str::trim), &stored) {
        (Some(name), _) if fits(name) => name,
        (None, Some(old)) => old.name.as_str(),
        _ => {
            s.refuse(format!("{}: a name must be given", masked(pid.as_str())));
            return Ok(None);
        }
    }
    .to_owned();
    Ok(Some(match stored {
        None => {
            let person = Person::new(pid.as_str(), &name);
            parties::insert_person(conn, &person)?;
            s.created += 1;
            person
        }
        Some(old) if old.name == name => {
            s.unchanged += u64::from(count_unchanged);
            old
        }
        Some(old) => {
            parties::rename_person(conn, &old.pid, &name)?;
            s.updated += 1;
            Person { name, ..old }
        }
    }))
}

fn roles(conn: &mut DbConnection, r: &RolesRecord, s: &mut Summary) -> Result<(), AppError> {
    let Some(org) = OrgNo::parse(&r.org_no).map(|o| parties::organisation(conn, o.as_str())).transpose()?.flatten()
    else {
        s.refuse(format!("roles of {:?}: no such organisation", r.org_no));
        return Ok(());
    };
    // Held register roles (a person's portal roles are the portal's), and relations.
    let held: Vec<(Person, Role)> = parties::people_of(conn, &org.org_no)?
        .into_iter()
        .filter_map(|(p, code)| Role::from_code(&code).filter(|r| !r.is_given_in_portal()).map(|r| (p, r)))
        .collect();
    let relations = db::clients::relations_of_client(conn, &org.org_no)?;
    // The first load of an organisation's roles is the register's state, not a change.
    let audited = !held.is_empty() || !relations.is_empty();
    if let Some(wanted) = &r.persons {
        person_roles(conn, &org, wanted, &held, audited, s)?;
    }
    if let Some(wanted) = &r.organisations {
        organisation_roles(conn, &org, wanted, &relations, s)?;
    }
    Ok(())
}

fn person_roles(
    conn: &mut DbConnection,
    org: &Organisation,
    wanted: &[PersonRole],
    held: &[(Person, Role)],
    audited: bool,
    s: &mut Summary,
) -> Result<(), AppError> {
    let mut kept: Vec<(String, Role)> = Vec::new();
    // A person whose entry is refused keeps what they hold: a typo is no resignation.
    let mut untouched: Vec<String> = Vec::new();
    for w in wanted {
        let Some(role) = person_role(&w.role) else {
            s.roles_ignored += 1;
            continue;
        };
        let Some(person) = person(conn, &w.pid, w.name.as_deref(), false, s)? else {
            untouched.extend(Pid::parse(&w.pid).map(|p| p.as_str().to_owned()));
            continue;
        };
        if !held.iter().any(|(p, r)| p.pid == person.pid && *r == role) && !kept.contains(&(person.pid.clone(), role)) {
            parties::insert_role(
                conn,
                &NewPartyRole { pid: &person.pid, org_no: &org.org_no, role_code: role.code() },
            )?;
            s.roles_added += 1;
            if audited {
                audit::record(conn, By::Register, &org.org_no, Action::RoleGive, &person.party_uuid, role.code())?;
            }
        }
        kept.push((person.pid, role));
    }
    let gone = held.iter().filter(|(p, r)| !kept.contains(&(p.pid.clone(), *r)) && !untouched.contains(&p.pid));
    for (person, role) in gone {
        parties::delete_role(conn, &NewPartyRole { pid: &person.pid, org_no: &org.org_no, role_code: role.code() })?;
        s.roles_removed += 1;
        audit::record(conn, By::Register, &org.org_no, Action::RoleRemove, &person.party_uuid, role.code())?;
    }
    Ok(())
}

fn organisation_roles(
    conn: &mut DbConnection,
    client: &Organisation,
    wanted: &[OrganisationRole],
    held: &[(String, String)],
    s: &mut Summary,
) -> Result<(), AppError> {
    let mut kept: Vec<(String, &str)> = Vec::new();
    for w in wanted {
        let Some(code) = relation(&w.role) else {
            s.roles_ignored += 1;
            continue;
        };
        let known = OrgNo::parse(&w.holder).map(|o| parties::organisation(conn, o.as_str())).transpose()?.flatten();
        let Some(holder) = known.filter(|h| h.org_no != client.org_no) else {
            s.refuse(format!("roles of {}: {code} held by {:?}, no other organisation known", client.org_no, w.holder));
            continue;
        };
        let pair = (holder.org_no, code);
        if !held.iter().any(|(f, c)| *f == pair.0 && c == code) && !kept.contains(&pair) {
            db::clients::insert_relation(conn, &pair.0, &client.org_no, code)?;
            s.roles_added += 1;
        }
        kept.push(pair);
    }
    let mut lapsed: Vec<&str> = Vec::new();
    for (facilitator, code) in held.iter().filter(|(f, c)| !kept.iter().any(|(kf, kc)| kf == f && kc == c)) {
        db::clients::delete_relation(conn, facilitator, &client.org_no, code)?;
        s.roles_removed += 1;
        if !lapsed.contains(&facilitator.as_str()) {
            lapsed.push(facilitator);
        }
    }
    for facilitator in lapsed {
        s.clients_detached += clients::drop_lapsed(conn, facilitator, client)? as u64;
    }
    Ok(())
}

/// Texts as stored: bokmål is required; nynorsk and English left empty read as bokmål.
fn texts_fit(texts: &[String; 3]) -> bool {
    fits(&texts[0]) && texts.iter().all(|t| t.is_empty() || fits(t))
}

fn resource(conn: &mut DbConnection, r: &ResourceRecord, s: &mut Summary) -> Result<(), AppError> {
    if !fits(&r.id) || !texts_fit(&r.title) || !r.description.iter().all(|t| text_fits(t)) {
        s.refuse(format!("service {:?}: an id and a title in bokmål must be given", r.id));
        return Ok(());
    }
    if let Some(unknown) = r.granted_by.iter().find(|c| Role::from_code(c).is_none()) {
        s.refuse(format!("service {}: no role {unknown:?}", r.id));
        return Ok(());
    }
    if r.actions.is_empty() || !r.actions.iter().all(|a| is_action(a)) || !(0..=4).contains(&r.authentication_level) {
        s.refuse(format!(
            "service {}: actions are words such as \"read\" and the authentication level is 0 to 4",
            r.id
        ));
        return Ok(());
    }
    let [title, title_nn, title_en] = r.title.clone();
    let [description, description_nn, description_en] = r.description.clone();
    let mut actions = r.actions.clone();
    actions.dedup();
    let wanted = Resource {
        id: r.id.clone(),
        title,
        description,
        title_nn,
        title_en,
        description_nn,
        description_en,
        actions: actions.join(","),
        authentication_level: r.authentication_level,
    };
    let mut roles: Vec<&str> = r.granted_by.iter().map(String::as_str).collect();
    roles.sort_unstable();
    roles.dedup();
    let stored = resources::by_ids(conn, std::slice::from_ref(&r.id))?.pop();
    let stored_roles: Vec<String> =
        resources::grant_roles(conn, std::slice::from_ref(&r.id))?.into_iter().map(|(_, c)| c).collect();
    match stored {
        Some(old) if old == wanted && stored_roles == roles => s.unchanged += 1,
        old => {
            resources::save(conn, &wanted, &roles)?;
            if old.is_some() { s.updated += 1 } else { s.created += 1 }
        }
    }
    Ok(())
}

fn package(conn: &mut DbConnection, r: &PackageRecord, s: &mut Summary) -> Result<(), AppError> {
    if !r.urn.starts_with("urn:") || !fits(&r.urn) || !texts_fit(&r.name) || !r.description.iter().all(|t| text_fits(t))
    {
        s.refuse(format!("package {:?}: a URN and a name in bokmål must be given", r.urn));
        return Ok(());
    }
    // One carrier a relation: its forms merged, an empty or missing list meaning every form.
    let mut carriers: Vec<Carrier> = Vec::new();
    for given in &r.given_by {
        let Some(code) = relation(&given.role_code).or_else(|| Role::from_code(&given.role_code).map(Role::code))
        else {
            s.refuse(format!("package {}: no role or relation {:?}", r.urn, given.role_code));
            return Ok(());
        };
        let forms = given.org_forms.clone().filter(|f| !f.is_empty());
        match carriers.iter_mut().find(|c| c.role_code == code) {
            Some(known) => {
                known.org_forms = known.org_forms.take().zip(forms).map(|(a, b)| a.into_iter().chain(b).collect())
            }
            None => carriers.push(Carrier { role_code: code.to_owned(), org_forms: forms }),
        }
    }
    for carrier in &mut carriers {
        if let Some(forms) = &mut carrier.org_forms {
            forms.sort_unstable();
            forms.dedup();
        }
    }
    carriers.sort_unstable_by(|a, b| a.role_code.cmp(&b.role_code));
    let known = resources::by_ids(conn, &r.resources)?;
    if let Some(missing) = r.resources.iter().find(|id| !known.iter().any(|k| &k.id == *id)) {
        s.refuse(format!("package {}: no service {missing:?}", r.urn));
        return Ok(());
    }
    let [name, name_nn, name_en] = r.name.clone();
    let [description, description_nn, description_en] = r.description.clone();
    let wanted = AccessPackage {
        urn: r.urn.clone(),
        name,
        description,
        assignable: r.assignable,
        delegable: r.delegable,
        name_nn,
        name_en,
        description_nn,
        description_en,
    };
    let mut holds = r.resources.clone();
    holds.sort_unstable();
    holds.dedup();
    let stored = packages::by_urns(conn, std::slice::from_ref(&r.urn))?.pop();
    let stored_carriers: Vec<Carrier> =
        packages::relation_packages(conn)?.into_iter().filter(|(urn, _)| *urn == r.urn).map(|(_, c)| c).collect();
    let stored_holds = packages::resources_of(conn, std::slice::from_ref(&r.urn))?;
    match stored {
        Some(old) if old == wanted && stored_carriers == carriers && stored_holds == holds => s.unchanged += 1,
        old => {
            packages::save(conn, &wanted, &carriers, &holds)?;
            if old.is_some() { s.updated += 1 } else { s.created += 1 }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    const APE: &str = "310000019";
    const KONSERT: &str = "17827510025";
    const LOVE: &str = "22857030021";

    fn texts(nb: &str) -> [String; 3] {
        [nb.to_owned(), String::new(), String::new()]
    }

    fn organisation(org_no: &str, name: &str) -> Record {
        Record::Organisation(OrganisationRecord { org_no: org_no.into(), name: name.into(), org_form: "AS".into() })
    }

    fn held(conn: &mut DbConnection, org_no: &str) -> Vec<(String, String)> {
        parties::people_of(conn, org_no).unwrap().into_iter().map(|(p, code)| (p.name, code)).collect()
    }

    #[test]
    fn organisations_and_persons_are_created_renamed_and_left_alone_when_the_same() {
        let mut conn = demo_db();
        let new = [organisation("310000264", "NY OG FIN AS"), organisation(APE, "TILFELDIG SUBTIL APE")];
        let summary = apply(&mut conn, &new).unwrap();
        assert_eq!((summary.created, summary.updated, summary.unchanged), (1, 0, 1));
        let renamed = [organisation("310000043", "OMDØPT ELG AS")];
        assert_eq!(apply(&mut conn, &renamed).unwrap().updated, 1);
        let org = parties::organisation(&mut conn, "310000043").unwrap().unwrap();
        assert_eq!((org.name.as_str(), org.search_key.as_str()), ("OMDØPT ELG AS", "omdøptelgas"));
        use crate::db::schema::client_relations as cr;
        use diesel::prelude::*;
        let stored: Vec<String> =
            cr::table.filter(cr::client_org_no.eq("310000043")).select(cr::client_name).load(&mut conn).unwrap();
        assert_eq!(stored, ["OMDØPT ELG AS"], "the name kept with the client's relations follows");

        let person = Record::Person(PersonRecord { pid: LOVE.into(), name: "FORSIKTIG LØVE HANSEN".into() });
        assert_eq!(apply(&mut conn, &[person]).unwrap().updated, 1);
        assert_eq!(parties::person(&mut conn, LOVE).unwrap().unwrap().name, "FORSIKTIG LØVE HANSEN");
    }

    #[test]
    fn an_organisations_roles_are_synced_portal_roles_kept_and_changes_audited() {
        let mut conn = demo_db();
        let love_uuid = parties::person(&mut conn, LOVE).unwrap().unwrap().party_uuid;
        let chair = crate::domain::ids::synthetic_pids(10).next().unwrap();
        // The register no longer lists her as regnskapsfører; a board chair is new.
        let roles = Record::Roles(RolesRecord {
            org_no: APE.into(),
            persons: Some(vec![
                PersonRole { role: "DAGL".into(), pid: KONSERT.into(), name: None },
                PersonRole { role: "LEDE".into(), pid: chair, name: Some("NY STYRELEDER".into()) },
                PersonRole { role: "KONT".into(), pid: KONSERT.into(), name: None },
            ]),
            organisations: None,
        });
        let summary = apply(&mut conn, std::slice::from_ref(&roles)).unwrap();
        assert_eq!((summary.roles_added, summary.roles_removed, summary.roles_ignored), (1, 1, 1), "{summary:?}");
        assert_eq!(summary.created, 1, "the chair is a new person");
        let now = held(&mut conn, APE);
        assert!(now.contains(&("FORSIKTIG LØVE".into(), "TILGANGSSTYRER".into())), "a portal role stays: {now:?}");
        assert!(!now.contains(&("FORSIKTIG LØVE".into(), "REGNSKAPSFORER".into())), "{now:?}");
        assert!(now.contains(&("NY STYRELEDER".into(), "LEDE".into())), "{now:?}");
        let events = db::audit::for_subject_in(&mut conn, &love_uuid, APE).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].action.as_str(), events[0].actor.as_str()), ("role.remove", "register"));
        let again = apply(&mut conn, &[roles]).unwrap();
        assert_eq!((again.roles_added, again.roles_removed), (0, 0), "applying again changes nothing");
    }

    #[test]
    fn a_refused_entry_keeps_what_the_person_holds() {
        let mut conn = demo_db();
        let newcomer = crate::domain::ids::synthetic_pids(10).next().unwrap();
        let roles = Record::Roles(RolesRecord {
            org_no: APE.into(),
            persons: Some(vec![
                // A name left out: fine for a known person, refused for a new one.
                PersonRole { role: "DAGL".into(), pid: KONSERT.into(), name: None },
                PersonRole { role: "REGN".into(), pid: LOVE.into(), name: Some("\0".into()) },
                PersonRole { role: "LEDE".into(), pid: newcomer, name: None },
            ]),
            organisations: None,
        });
        let summary = apply(&mut conn, &[roles]).unwrap();
        assert_eq!((summary.refused, summary.roles_removed), (2, 0), "{summary:?}");
        assert!(held(&mut conn, APE).contains(&("FORSIKTIG LØVE".into(), "REGNSKAPSFORER".into())));
    }

    #[test]
    fn bad_records_are_refused_with_a_reason_and_the_rest_applied() {
        let mut conn = demo_db();
        let records = [
            organisation("123456789", "FEIL AS"),
            organisation("310000264", " "),
            Record::Person(PersonRecord { pid: "12345678901".into(), name: "NOEN".into() }),
            Record::Roles(RolesRecord {
                org_no: APE.into(),
                persons: None,
                organisations: Some(vec![OrganisationRole { role: "REGN".into(), holder: "310000264".into() }]),
            }),
            Record::Resource(ResourceRecord {
                id: "ny-tjeneste".into(),
                title: texts("Ny tjeneste"),
                description: texts(""),
                granted_by: vec!["SJEF".into()],
                actions: vec!["read".into()],
                authentication_level: 2,
            }),
            Record::Resource(ResourceRecord {
                id: "ny-tjeneste".into(),
                title: texts("Ny tjeneste"),
                description: texts(""),
                granted_by: Vec::new(),
                actions: vec!["read,write".into()],
                authentication_level: 2,
            }),
            organisation("310000272", "GODTATT AS"),
            // A description with NUL, refused as a service's is (PostgreSQL would refuse it).
            Record::Package(PackageRecord {
                urn: "urn:altinn:accesspackage:nul".into(),
                name: texts("Nul"),
                description: texts("a\0b"),
                assignable: true,
                delegable: true,
                given_by: Vec::new(),
                resources: Vec::new(),
            }),
        ];
        let summary = apply(&mut conn, &records).unwrap();
        assert_eq!((summary.refused, summary.created), (7, 1), "{summary:?}");
        assert!(summary.problems[0].contains("not a valid organisation number"), "{:?}", summary.problems);
        assert!(summary.problems[3].contains("no other organisation known"), "{:?}", summary.problems);
        assert!(summary.problems[4].contains("no role \"SJEF\""), "{:?}", summary.problems);
        assert!(summary.problems[5].contains("actions are words"), "{:?}", summary.problems);
    }

    #[test]
    fn services_and_packages_are_written_and_synced() {
        let mut conn = demo_db();
        let service = |title: &str| {
            Record::Resource(ResourceRecord {
                id: "mva-melding".into(),
                title: [title.into(), "Mva-melding".into(), "VAT return".into()],
                description: texts("Sende mva-melding"),
                granted_by: vec!["REGNSKAPSFORER".into(), "DAGL".into()],
                actions: vec!["read".into(), "write".into()],
                authentication_level: 3,
            })
        };
        let package = Record::Package(PackageRecord {
            urn: "urn:altinn:accesspackage:merverdiavgift".into(),
            name: texts("Merverdiavgift"),
            description: texts("Mva"),
            assignable: true,
            delegable: true,
            given_by: vec![
                Carrier { role_code: "FFØR".into(), org_forms: Some(vec!["ESEK".into()]) },
                Carrier { role_code: "REGN".into(), org_forms: Some(Vec::new()) },
                Carrier { role_code: "FORRETNINGSFORER".into(), org_forms: Some(vec!["BRL".into(), "ESEK".into()]) },
            ],
            resources: vec!["mva-melding".into()],
        });
        let first = apply(&mut conn, &[service("Mva-melding"), package.clone()]).unwrap();
        assert_eq!(first.created, 2, "{first:?}");
        let same = apply(&mut conn, &[service("Mva-melding"), package]).unwrap();
        assert_eq!(same.unchanged, 2, "{same:?}");
        assert_eq!(apply(&mut conn, &[service("Merverdiavgift")]).unwrap().updated, 1);
        let stored = resources::by_ids(&mut conn, &["mva-melding".into()]).unwrap();
        assert_eq!(stored[0].titles(), ["Merverdiavgift", "Mva-melding", "VAT return"]);
        assert_eq!((stored[0].actions.as_str(), stored[0].authentication_level), ("read,write", 3));
        let Record::Resource(mut signed) = service("Merverdiavgift") else { unreachable!() };
        signed.actions.push("sign".into());
        assert_eq!(apply(&mut conn, &[Record::Resource(signed)]).unwrap().updated, 1, "a new action is a change");
        assert_eq!(resources::policies(&mut conn, &["mva-melding"]).unwrap()[0].actions, "read,write,sign");
        let roles = resources::grant_roles(&mut conn, &["mva-melding".into()]).unwrap();
        assert_eq!(roles.len(), 2);
        let urn = "urn:altinn:accesspackage:merverdiavgift".to_owned();
        assert_eq!(packages::resources_of(&mut conn, std::slice::from_ref(&urn)).unwrap(), ["mva-melding"]);
        let carriers: Vec<Carrier> = packages::relation_packages(&mut conn)
            .unwrap()
            .into_iter()
            .filter(|(u, _)| *u == urn)
            .map(|(_, c)| c)
            .collect();
        let forms = |f: &[&str]| Some(f.iter().map(|f| f.to_string()).collect());
        assert_eq!(
            carriers,
            [
                Carrier { role_code: "FORRETNINGSFORER".into(), org_forms: forms(&["BRL", "ESEK"]) },
                Carrier { role_code: "REGNSKAPSFORER".into(), org_forms: None },
            ],
            "the register's codes stored as the relations', one each, forms merged, none meaning every form"
        );
    }
}
