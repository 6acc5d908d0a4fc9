//! The person using the portal and the party they act for.

use crate::db::{DbConnection, parties};
use crate::error::AppError;

use super::roles::Role;
use crate::domain::ids::Pid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub org_no: String,
    pub name: String,
}

/// A logged-in person, the party they represent now and their roles for it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub pid: String,
    pub name: String,
    /// Every organisation the person holds a role for.
    pub parties: Vec<Party>,
    /// The one being represented; None only for a person with no roles at all.
    pub party: Option<Party>,
    pub roles: Vec<Role>,
}

impl Actor {
    /// Loads the person acting for `preferred` when they may, else their first party.
    /// None when the person does not exist.
    pub fn load(conn: &mut DbConnection, pid: &str, preferred: Option<&str>) -> Result<Option<Actor>, AppError> {
        let held = parties::roles_of(conn, pid)?;
        let name = match held.first() {
            Some(role) => role.person_name.clone(),
            None => match parties::person(conn, pid)? {
                Some(person) => person.name,
                None => return Ok(None),
            },
        };
        let mut all: Vec<Party> = Vec::new();
        for role in &held {
            if all.last().is_none_or(|p| p.org_no != role.org_no) {
                all.push(Party { org_no: role.org_no.clone(), name: role.org_name.clone() });
            }
        }
        let party = preferred.and_then(|org| all.iter().find(|p| p.org_no == org)).or(all.first()).cloned();
        let roles = match &party {
            Some(p) => {
                held.iter().filter(|r| r.org_no == p.org_no).filter_map(|r| Role::from_code(&r.role_code)).collect()
            }
            None => Vec::new(),
        };
        Ok(Some(Actor { pid: pid.to_owned(), name, parties: all, party, roles }))
    }

    /// Opening a request or change request for a party the person can represent makes
    /// them act for that party from now on (`represents`: they can).
    pub fn follow(&mut self, conn: &mut DbConnection, represents: bool, org_no: &str) -> Result<(), AppError> {
        if represents {
            self.represent(conn, org_no)?;
        }
        Ok(())
    }

    /// Whether the person can act for `org_no`; when they can, they act for it from now on.
    pub fn represent(&mut self, conn: &mut DbConnection, org_no: &str) -> Result<bool, AppError> {
        if !self.can_represent(org_no) {
            return Ok(false);
        }
        if self.party.as_ref().map(|p| p.org_no.as_str()) != Some(org_no) {
            *self = Actor::load(conn, &self.pid, Some(org_no))?.ok_or(AppError::CannotRepresent)?;
        }
        Ok(true)
    }

    pub fn can_represent(&self, org_no: &str) -> bool {
        self.parties.iter().any(|p| p.org_no == org_no)
    }

    pub fn is_access_manager(&self) -> bool {
        self.roles.iter().any(|r| r.is_access_manager())
    }

    /// The party being represented, or an error for a person who has none.
    pub fn party(&self) -> Result<&Party, AppError> {
        self.party.as_ref().ok_or(AppError::CannotRepresent)
    }
}

pub fn roles_for(conn: &mut DbConnection, pid: &str, org_no: &str) -> Result<Vec<Role>, AppError> {
    Ok(parties::role_codes(conn, pid, org_no)?.iter().filter_map(|c| Role::from_code(c)).collect())
}

/// Names of the party's access managers, to tell others whom to ask.
pub fn access_manager_names(conn: &mut DbConnection, org_no: &str) -> Result<Vec<String>, AppError> {
    let codes = Role::ACCESS_MANAGERS.map(Role::code);
    Ok(parties::holders_of(conn, org_no, &codes)?)
}

/// Names of the people who can assign roles in the party (daglig leder, hovedadministrator).
pub fn role_assigner_names(conn: &mut DbConnection, org_no: &str) -> Result<Vec<String>, AppError> {
    let codes = Role::ROLE_ASSIGNERS.map(Role::code);
    Ok(parties::holders_of(conn, org_no, &codes)?)
}

/// Names of the party's client administrators, who add clients and approve agent requests.
pub fn client_administrator_names(conn: &mut DbConnection, org_no: &str) -> Result<Vec<String>, AppError> {
    Ok(parties::holders_of(conn, org_no, &[Role::Klientadministrator.code()])?)
}

/// The person with this national identity number, when the portal knows them.
pub fn person(conn: &mut DbConnection, pid: &Pid) -> Result<Option<parties::Person>, AppError> {
    Ok(parties::person(conn, pid.as_str())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    #[test]
    fn a_person_acts_for_the_chosen_party_only_when_they_hold_a_role_there() {
        let mut conn = demo_db();
        let dress = Actor::load(&mut conn, "03868120095", Some("310000019")).unwrap().unwrap();
        assert_eq!(dress.party.unwrap().org_no, "310000027");
        let konsert = Actor::load(&mut conn, "17827510025", Some("310000019")).unwrap().unwrap();
        assert_eq!(konsert.party.as_ref().unwrap().name, "TILFELDIG SUBTIL APE");
        assert!(konsert.is_access_manager());
        let pingvin = Actor::load(&mut conn, "11929030046", None).unwrap().unwrap();
        assert!(!pingvin.is_access_manager());
        assert!(Actor::load(&mut conn, "01010100000", None).unwrap().is_none());
    }

    #[test]
    fn access_managers_of_the_demo_company_are_named() {
        let mut conn = demo_db();
        let names = access_manager_names(&mut conn, "310000019").unwrap();
        assert_eq!(names, ["FORSIKTIG LØVE", "STADIG KONSERT"]);
        assert_eq!(role_assigner_names(&mut conn, "310000019").unwrap(), ["STADIG KONSERT"]);
    }
}
