//! The people of an organisation and the roles given them in the portal: who may give
//! which role, finding a person by identity number and surname as Altinn asks, and the
//! audit of every change.

use crate::db::parties::{self, NewPartyRole, Person};
use crate::db::{self, DbConnection};
use crate::domain::ids::Pid;
use crate::error::AppError;

use super::actor::Actor;
use super::audit::{self, Action, By};
use super::delegation::MissingRight;
use super::requests::{self, Expiry, UserType};
use super::roles::Role;

/// A person holding roles for the party.
#[derive(Debug, Clone)]
pub struct Member {
    pub person: Person,
    pub roles: Vec<Role>,
}

/// One person's roles for the party as an access manager sees them.
#[derive(Debug, Clone)]
pub struct PersonRoles {
    pub person: Person,
    /// Roles from the Enhetsregister the person holds, shown but not changed here.
    pub from_register: Vec<Role>,
    /// Every role given in the portal: whether the person holds it and whether the
    /// viewer may change that.
    pub portal: Vec<PortalRole>,
    pub history: Vec<RoleEvent>,
    /// The requests the person sent on because they lack a right, with what would let
    /// them approve: the manager gives the role right there.
    pub waiting: Vec<Waiting>,
}

/// An open request the person forwarded because they lack a right it asks for.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub request_id: String,
    pub agent: bool,
    /// The system's name in bokmål, nynorsk and English.
    pub system_names: [String; 3],
    pub missing: Vec<MissingRight>,
    /// The portal roles that would give what is missing, the viewer may give, and the
    /// person does not hold.
    pub give: Vec<Role>,
}

#[derive(Debug, Clone, Copy)]
pub struct PortalRole {
    pub role: Role,
    pub held: bool,
    pub changeable: Changeable,
}

/// Whether the viewer may give or take a role, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changeable {
    Yes,
    /// Only daglig leder and hovedadministrator give roles they do not hold themselves.
    NotTheirs,
    /// Nobody takes their own roles: an access manager could lock the party out.
    OwnRole,
}

/// A role given or removed, by whom and when.
#[derive(Debug, Clone)]
pub struct RoleEvent {
    pub at: chrono::NaiveDateTime,
    pub given: bool,
    pub role: Option<Role>,
    pub by: String,
}

/// The people a page lists at most; the others are found by number and surname.
pub const LISTED: i64 = 100;

/// The first [`LISTED`] of the party's people with their roles, by name, and how many
/// hold a role in all. Only access managers see them.
pub fn members(conn: &mut DbConnection, actor: &Actor) -> Result<(Vec<Member>, i64), AppError> {
    let org = managed_party(actor)?;
    let mut members: Vec<Member> = Vec::new();
    for (person, code) in parties::first_people_of(conn, org, LISTED)? {
        let role = Role::from_code(&code);
        match members.last_mut() {
            Some(last) if last.person.pid == person.pid => last.roles.extend(role),
            _ => members.push(Member { person, roles: role.into_iter().collect() }),
        }
    }
    for member in &mut members {
        member.roles.sort_unstable();
    }
    let total = match members.len() as i64 {
        shown if shown < LISTED => shown,
        _ => parties::count_people_of(conn, org)?,
    };
    Ok((members, total))
}

/// The person with this identity number and surname (the end of their registered name,
/// in any case). Either not matching is the same answer, so the form tells nothing about
/// a number without the right surname.
pub fn find(conn: &mut DbConnection, actor: &Actor, pid: &str, surname: &str) -> Result<Person, AppError> {
    managed_party(actor)?;
    let pid = Pid::parse(pid).ok_or(AppError::InvalidPid)?;
    let wanted: Vec<String> = surname.split_whitespace().map(str::to_lowercase).collect();
    let person = parties::person(conn, pid.as_str())?.ok_or(AppError::PersonNotFound)?;
    let names: Vec<String> = person.name.split_whitespace().map(str::to_lowercase).collect();
    match !wanted.is_empty() && names.len() > wanted.len() && names.ends_with(&wanted) {
        true => Ok(person),
        false => Err(AppError::PersonNotFound),
    }
}

/// One person's roles for the party, what the viewer may change, and the history.
pub fn person_roles(
    conn: &mut DbConnection,
    actor: &Actor,
    party_uuid: &str,
    expiry: Expiry,
) -> Result<PersonRoles, AppError> {
    let org = managed_party(actor)?.to_owned();
    let person = parties::person_by_uuid(conn, party_uuid)?.ok_or(AppError::PersonNotFound)?;
    let held = super::actor::roles_for(conn, &person.pid, &org)?;
    let is_self = person.pid == actor.pid;
    let portal = Role::GIVEN_IN_PORTAL
        .into_iter()
        .map(|role| {
            let held = held.contains(&role);
            let changeable = match () {
                _ if !role.may_be_given_by(&actor.roles) => Changeable::NotTheirs,
                _ if is_self && held => Changeable::OwnRole,
                _ => Changeable::Yes,
            };
            PortalRole { role, held, changeable }
        })
        .collect();
    let mut names = audit::Names::default();
    let history = db::audit::for_subject_in(conn, &person.party_uuid, &org)?
        .into_iter()
        .map(|event| {
            Ok(RoleEvent {
                at: event.at,
                given: event.action == Action::RoleGive.as_str(),
                role: Role::from_code(&event.detail),
                by: names.of(conn, &event.actor)?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let mut waiting = Vec::new();
    for id in db::requests::forwarded_by_person(conn, &org, &person.pid)? {
        let ctx = requests::context(conn, &person.pid, &id, expiry)?;
        if ctx.handling.missing.is_empty() {
            continue;
        }
        let mut give: Vec<Role> = ctx.handling.missing.iter().flat_map(|m| m.granted_by.iter().copied()).collect();
        give.retain(|r| r.is_given_in_portal() && r.may_be_given_by(&actor.roles) && !held.contains(r));
        give.sort_unstable();
        give.dedup();
        waiting.push(Waiting {
            request_id: id,
            agent: ctx.details.user_type() == UserType::Agent,
            system_names: ctx.system.system.display_names().map(str::to_owned),
            missing: ctx.handling.missing,
            give,
        });
    }
    let from_register = held.into_iter().filter(|r| !r.is_given_in_portal()).collect();
    Ok(PersonRoles { person, from_register, portal, history, waiting })
}

/// Gives the person a role for the party (nothing when they hold it); the person.
pub fn give(conn: &mut DbConnection, actor: &Actor, party_uuid: &str, role: &str) -> Result<Person, AppError> {
    change(conn, actor, party_uuid, role, Action::RoleGive)
}

/// Takes a role from the person (nothing when they do not hold it); the person.
pub fn remove(conn: &mut DbConnection, actor: &Actor, party_uuid: &str, role: &str) -> Result<Person, AppError> {
    change(conn, actor, party_uuid, role, Action::RoleRemove)
}

fn change(
    conn: &mut DbConnection,
    actor: &Actor,
    party_uuid: &str,
    code: &str,
    action: Action,
) -> Result<Person, AppError> {
    let org = managed_party(actor)?.to_owned();
    let role = Role::from_code(code).ok_or_else(|| AppError::BadRequest(format!("no such role: {code}")))?;
    if !role.may_be_given_by(&actor.roles) {
        return Err(AppError::RoleNotGivable);
    }
    let person = parties::person_by_uuid(conn, party_uuid)?.ok_or(AppError::PersonNotFound)?;
    if action == Action::RoleRemove && person.pid == actor.pid {
        return Err(AppError::OwnRole);
    }
    super::retrying(conn, |conn| {
        let row = NewPartyRole { pid: &person.pid, org_no: &org, role_code: role.code() };
        let held = parties::role_codes(conn, &person.pid, &org)?.iter().any(|c| c == role.code());
        let changed = match action {
            Action::RoleGive if !held => parties::insert_role(conn, &row).map(|_| true)?,
            Action::RoleRemove if held => parties::delete_role(conn, &row)? > 0,
            _ => false,
        };
        if changed {
            audit::record(conn, By::Person(&actor.pid), &org, action, &person.party_uuid, role.code())?;
        }
        Ok(())
    })?;
    Ok(person)
}

/// The party the actor manages people for: an access manager's current party.
fn managed_party(actor: &Actor) -> Result<&str, AppError> {
    let party = actor.party()?;
    match actor.is_access_manager() {
        true => Ok(&party.org_no),
        false => Err(AppError::NotAccessManager),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    const KONSERT: &str = "17827510025";
    const LOVE: &str = "22857030021";
    const PINGVIN: &str = "11929030046";

    fn actor(conn: &mut DbConnection, pid: &str) -> Actor {
        Actor::load(conn, pid, Some("310000019")).unwrap().unwrap()
    }

    #[test]
    fn a_person_is_found_by_number_and_surname_only() {
        let mut conn = demo_db();
        let konsert = actor(&mut conn, KONSERT);
        assert_eq!(find(&mut conn, &konsert, LOVE, "løve").unwrap().name, "FORSIKTIG LØVE");
        assert_eq!(find(&mut conn, &konsert, &format!(" {LOVE} "), " LØVE ").unwrap().name, "FORSIKTIG LØVE");
        for surname in ["LØV", "FORSIKTIG LØVE", "", "KONSERT"] {
            assert!(matches!(find(&mut conn, &konsert, LOVE, surname), Err(AppError::PersonNotFound)), "{surname}");
        }
        assert!(matches!(find(&mut conn, &konsert, "22857030022", "LØVE"), Err(AppError::InvalidPid)));
        assert!(matches!(find(&mut conn, &konsert, "01010100000", "LØVE"), Err(AppError::InvalidPid)));
        let pingvin = actor(&mut conn, PINGVIN);
        assert!(matches!(find(&mut conn, &pingvin, LOVE, "LØVE"), Err(AppError::NotAccessManager)));
    }

    #[test]
    fn a_role_given_is_held_audited_and_given_once() {
        let mut conn = demo_db();
        let konsert = actor(&mut conn, KONSERT);
        let love = parties::person(&mut conn, LOVE).unwrap().unwrap();
        give(&mut conn, &konsert, &love.party_uuid, "LONNSINNSENDER").unwrap();
        give(&mut conn, &konsert, &love.party_uuid, "LONNSINNSENDER").unwrap();
        let roles = person_roles(&mut conn, &konsert, &love.party_uuid, Expiry(chrono::Duration::days(1))).unwrap();
        let held: Vec<Role> = roles.portal.iter().filter(|r| r.held).map(|r| r.role).collect();
        assert_eq!(held, [Role::Tilgangsstyrer, Role::Lonnsinnsender]);
        assert_eq!(roles.from_register, [Role::Regnskapsforer]);
        assert_eq!(roles.history.len(), 1, "giving a held role changes nothing");
        assert!(roles.history[0].given && roles.history[0].by == "STADIG KONSERT");
        remove(&mut conn, &konsert, &love.party_uuid, "LONNSINNSENDER").unwrap();
        let roles = person_roles(&mut conn, &konsert, &love.party_uuid, Expiry(chrono::Duration::days(1))).unwrap();
        assert!(!roles.portal.iter().any(|r| r.role == Role::Lonnsinnsender && r.held));
        assert_eq!(roles.history.len(), 2);
    }

    #[test]
    fn register_roles_others_roles_and_own_roles_are_refused() {
        let mut conn = demo_db();
        let love = actor(&mut conn, LOVE);
        let pingvin = parties::person(&mut conn, PINGVIN).unwrap().unwrap();
        let refused = |conn: &mut DbConnection, code: &str| give(conn, &love, &pingvin.party_uuid, code).unwrap_err();
        assert!(matches!(refused(&mut conn, "LONNSINNSENDER"), AppError::RoleNotGivable), "she lacks it herself");
        assert!(matches!(refused(&mut conn, "DAGL"), AppError::RoleNotGivable), "register roles change there");
        assert!(matches!(refused(&mut conn, "REGNSKAPSFORER"), AppError::RoleNotGivable), "even one she holds");
        assert!(matches!(refused(&mut conn, "NOPE"), AppError::BadRequest(_)));
        give(&mut conn, &love, &pingvin.party_uuid, "TILGANGSSTYRER").unwrap();
        let own = parties::person(&mut conn, LOVE).unwrap().unwrap().party_uuid;
        assert!(matches!(remove(&mut conn, &love, &own, "TILGANGSSTYRER"), Err(AppError::OwnRole)));
        let view = person_roles(&mut conn, &love, &own, Expiry(chrono::Duration::days(1))).unwrap();
        let tilgang = view.portal.iter().find(|r| r.role == Role::Tilgangsstyrer).unwrap();
        assert_eq!(tilgang.changeable, Changeable::OwnRole);
    }
}
