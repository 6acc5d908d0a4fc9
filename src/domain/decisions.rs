//! Decisions for public services: may this system user act on this resource for this
//! party? Reads only live rows, so revocation and client removal count at once.

use std::collections::{HashMap, HashSet};

use crate::db::parties::Organisation;
use crate::db::resources::Policy;
use crate::db::{self, DbConnection, system_users};
use crate::error::AppError;

use super::requests::UserType;

/// A party a system user may act for, and what it may do there.
#[derive(Debug, Clone)]
pub struct AuthorizedParty {
    pub organisation: Organisation,
    pub packages: Vec<String>,
    /// Resources held through single rights or the packages.
    pub resources: Vec<String>,
}

/// Every party the live system user may act for, as [`decide`] would permit: a standard
/// one its own party, an agent one each attached client (by name). None for a deleted or
/// unknown system user.
pub fn authorized_parties(conn: &mut DbConnection, system_user_id: &str) -> Result<Vec<AuthorizedParty>, AppError> {
    let Some(user) = system_users::find_live(conn, system_user_id)? else {
        return Ok(Vec::new());
    };
    let packages: Vec<String> =
        db::packages::of_system_user(conn, system_user_id)?.into_iter().map(|p| p.urn).collect();
    let mut resources = db::packages::resources_of(conn, &packages)?;
    let parties: Vec<Organisation> = match user.user_type {
        UserType::Standard => {
            resources.extend(system_users::rights(conn, system_user_id)?.into_iter().map(|r| r.id));
            resources.sort();
            resources.dedup();
            db::parties::organisation(conn, &user.party_org_no)?.into_iter().collect()
        }
        UserType::Agent => {
            db::clients::attached(conn, system_user_id, i64::MAX)?.into_iter().map(|(_, org)| org).collect()
        }
    };
    Ok(parties
        .into_iter()
        .map(|organisation| AuthorizedParty { organisation, packages: packages.clone(), resources: resources.clone() })
        .collect())
}

/// Who a question is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    SystemUser(String),
    /// A person by national identity number.
    Person(String),
    /// A person by party uuid.
    PersonParty(String),
    /// Nobody the PDP knows how to look up (no subject, or an Altinn user id).
    Nobody,
}

/// The party a question is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    Organisation(String),
    /// An organisation or a person by party uuid.
    Uuid(String),
    /// A person acting for themselves: nothing here is delegated to that.
    Person,
    Nobody,
}

/// May `subject` perform `action` on the service `resource` for `party`?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub subject: Subject,
    pub resource: String,
    pub action: String,
    pub party: Party,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// With the authentication level the service asks of its users.
    Permit(i64),
    NotApplicable,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Permit(_) => "Permit",
            Decision::NotApplicable => "NotApplicable",
        }
    }
}

/// Why no question of the call could be answered: Altinn's texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownService,
    UnknownPerson,
}

impl Refusal {
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::UnknownService => "Policy not found for resource",
            Refusal::UnknownPerson => "Invalid person-id",
        }
    }
}

/// The answer to each question, in order, from a handful of statements whatever their
/// number. A system user is permitted a service it holds (a standard one by a single
/// right or a package, for its own party; an agent one by a package, for a client
/// attached to it); a person when a role they hold for the organisation lets them give
/// the service. A service that does not offer the action is NotApplicable; a service
/// or person unknown refuses the whole call, as Altinn's PDP does.
pub fn decide_all(conn: &mut DbConnection, questions: &[Question]) -> Result<Result<Vec<Decision>, Refusal>, AppError> {
    // What service owners ask most, one system user for one organisation: one statement.
    if let [Question { subject: Subject::SystemUser(id), resource, action, party: Party::Organisation(org) }] =
        questions
    {
        let Some(s) = db::decisions::standing(conn, id, resource, org)? else {
            return Ok(Err(Refusal::UnknownService));
        };
        let permitted = offers(&s.actions, action)
            && match (s.user_type, s.party_org_no) {
                (Some(kind), Some(own)) => system_user_may(kind, &own, org, s.by_right, s.by_package, s.attached),
                _ => false,
            };
        return Ok(Ok(vec![if permitted {
            Decision::Permit(s.authentication_level)
        } else {
            Decision::NotApplicable
        }]));
    }
    db::reading(conn, |conn| decide_reading(conn, questions))
}

/// The rule for system users: a standard one acts for its own party, through a single
/// right or a package; an agent one for a client attached to it, through a package.
fn system_user_may(kind: UserType, own: &str, org: &str, by_right: bool, by_package: bool, attached: bool) -> bool {
    match kind {
        UserType::Standard => own == org && (by_right || by_package),
        UserType::Agent => attached && by_package,
    }
}

/// Whether a service offering `actions` (comma-separated) offers `action`.
fn offers(actions: &str, action: &str) -> bool {
    actions.split(',').any(|a| a == action)
}

fn decide_reading(conn: &mut DbConnection, questions: &[Question]) -> Result<Result<Vec<Decision>, Refusal>, AppError> {
    let resources = distinct(questions.iter().map(|q| q.resource.as_str()));
    let policies: HashMap<String, Policy> =
        db::resources::policies(conn, &resources)?.into_iter().map(|p| (p.id.clone(), p)).collect();
    if resources.iter().any(|r| !policies.contains_key(*r)) {
        return Ok(Err(Refusal::UnknownService));
    }
    let uuids = distinct(questions.iter().filter_map(|q| match &q.party {
        Party::Uuid(uuid) => Some(uuid.as_str()),
        _ => None,
    }));
    let by_uuid: HashMap<String, String> = if uuids.is_empty() {
        HashMap::new()
    } else {
        db::decisions::organisations_by_uuid(conn, &uuids)?.into_iter().collect()
    };
    // The organisation each question is for, where the service offers the action asked.
    let asked: Vec<Option<&str>> = questions
        .iter()
        .map(|q| {
            let org = match &q.party {
                Party::Organisation(org_no) => Some(org_no.as_str()),
                Party::Uuid(uuid) => by_uuid.get(uuid).map(String::as_str),
                Party::Person | Party::Nobody => None,
            };
            org.filter(|_| offers(&policies[&q.resource].actions, &q.action))
        })
        .collect();
    let orgs = distinct(asked.iter().flatten().copied());
    let users = SystemUserStandings::read(conn, questions, &asked, &resources, &orgs)?;
    let persons = match PersonStandings::read(conn, questions, &asked, &resources, &orgs)? {
        Ok(persons) => persons,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(Ok(questions
        .iter()
        .zip(&asked)
        .enumerate()
        .map(|(i, (q, org))| {
            let permitted = org.is_some_and(|org| match &q.subject {
                Subject::SystemUser(id) => users.may(id, &q.resource, org),
                Subject::Person(_) | Subject::PersonParty(_) => persons.may(i, &q.resource, org),
                Subject::Nobody => false,
            });
            if permitted {
                Decision::Permit(policies[&q.resource].authentication_level)
            } else {
                Decision::NotApplicable
            }
        })
        .collect()))
}

/// What the system users asked about hold, read in sets.
#[derive(Default)]
struct SystemUserStandings {
    /// Live system users: kind and own party.
    system_users: HashMap<String, (UserType, String)>,
    /// (system user, service) held → (by a single right, by a package).
    holdings: HashMap<(String, String), (bool, bool)>,
    /// (agent system user, client) attached.
    attached: HashSet<(String, String)>,
}

impl SystemUserStandings {
    fn read(
        conn: &mut DbConnection,
        questions: &[Question],
        asked: &[Option<&str>],
        resources: &[&str],
        orgs: &[&str],
    ) -> Result<Self, AppError> {
        let mut standings = Self::default();
        let ids = distinct(questions.iter().zip(asked).filter_map(|(q, org)| match (&q.subject, org) {
            (Subject::SystemUser(id), Some(_)) => Some(id.as_str()),
            _ => None,
        }));
        if ids.is_empty() {
            return Ok(standings);
        }
        standings.system_users = db::decisions::live_system_users(conn, &ids)?
            .into_iter()
            .map(|(id, kind, party)| (id, (kind, party)))
            .collect();
        let live: Vec<&str> = standings.system_users.keys().map(String::as_str).collect();
        if live.is_empty() {
            return Ok(standings);
        }
        for (id, resource, by_package) in db::decisions::holdings(conn, &live, resources)? {
            let held = standings.holdings.entry((id, resource)).or_default();
            if by_package { held.1 = true } else { held.0 = true }
        }
        let agents: Vec<&str> = standings
            .system_users
            .iter()
            .filter(|(_, (kind, _))| *kind == UserType::Agent)
            .map(|(id, _)| id.as_str())
            .collect();
        if !agents.is_empty() {
            standings.attached = db::decisions::attached_among(conn, &agents, orgs)?.into_iter().collect();
        }
        Ok(standings)
    }

    fn may(&self, id: &str, resource: &str, org: &str) -> bool {
        let Some((kind, own)) = self.system_users.get(id) else { return false };
        let (by_right, by_package) =
            self.holdings.get(&(id.to_owned(), resource.to_owned())).copied().unwrap_or_default();
        let attached = self.attached.contains(&(id.to_owned(), org.to_owned()));
        system_user_may(*kind, own, org, by_right, by_package, attached)
    }
}

/// What the persons asked about hold, read in sets.
#[derive(Default)]
struct PersonStandings {
    /// The person each question is about, by its index.
    person_of: HashMap<usize, String>,
    /// (person, organisation) → the role codes held there.
    roles: HashMap<(String, String), Vec<String>>,
    /// Service → the role codes that let a person give it.
    grants: HashMap<String, Vec<String>>,
}

impl PersonStandings {
    fn read(
        conn: &mut DbConnection,
        questions: &[Question],
        asked: &[Option<&str>],
        resources: &[&str],
        orgs: &[&str],
    ) -> Result<Result<Self, Refusal>, AppError> {
        let mut standings = Self::default();
        let pids = distinct(questions.iter().filter_map(|q| match &q.subject {
            Subject::Person(pid) => Some(pid.as_str()),
            _ => None,
        }));
        let uuids = distinct(questions.iter().filter_map(|q| match &q.subject {
            Subject::PersonParty(uuid) => Some(uuid.as_str()),
            _ => None,
        }));
        if pids.is_empty() && uuids.is_empty() {
            return Ok(Ok(standings));
        }
        let known = db::decisions::persons_among(conn, &pids, &uuids)?;
        if pids.iter().any(|pid| !known.iter().any(|(p, _)| p == pid)) {
            return Ok(Err(Refusal::UnknownPerson));
        }
        for (i, q) in questions.iter().enumerate() {
            let person = known.iter().find(|(pid, uuid)| match &q.subject {
                Subject::Person(p) => p == pid,
                Subject::PersonParty(u) => u == uuid,
                _ => false,
            });
            if let (Some((pid, _)), Some(_)) = (person, asked[i]) {
                standings.person_of.insert(i, pid.clone());
            }
        }
        let asked_pids = distinct(standings.person_of.values().map(String::as_str));
        if asked_pids.is_empty() {
            return Ok(Ok(standings));
        }
        for (pid, org, role) in db::decisions::roles_among(conn, &asked_pids, orgs)? {
            standings.roles.entry((pid, org)).or_default().push(role);
        }
        let resources: Vec<String> = resources.iter().map(|r| (*r).to_owned()).collect();
        for (resource, role) in db::resources::grant_roles(conn, &resources)? {
            standings.grants.entry(resource).or_default().push(role);
        }
        Ok(Ok(standings))
    }

    fn may(&self, question: usize, resource: &str, org: &str) -> bool {
        let Some(pid) = self.person_of.get(&question) else { return false };
        let (Some(held), Some(granting)) = (self.roles.get(&(pid.clone(), org.to_owned())), self.grants.get(resource))
        else {
            return false;
        };
        held.iter().any(|role| granting.contains(role))
    }
}

/// The values once each, in the order first seen.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    values.filter(|v| seen.insert(*v)).collect()
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::domain::actor::Actor;
    use crate::domain::requests::{self, Expiry, NewRequest};
    use crate::testing::demo_db;

    const APE: &str = "310000019";
    const KRAV: &str = "ske-krav-og-betalinger";

    fn system_user(id: &str, resource: &str, action: &str, org_no: &str) -> Question {
        Question {
            subject: Subject::SystemUser(id.into()),
            resource: resource.into(),
            action: action.into(),
            party: Party::Organisation(org_no.into()),
        }
    }

    fn decided(conn: &mut DbConnection, questions: &[Question]) -> Vec<&'static str> {
        decide_all(conn, questions).unwrap().unwrap().into_iter().map(Decision::as_str).collect()
    }

    #[test]
    fn a_standard_system_user_acts_for_its_own_party_within_its_rights_until_deleted() {
        let mut conn = demo_db();
        let konsert = Actor::load(&mut conn, "17827510025", None).unwrap().unwrap();
        let id = crate::domain::system_users::create_by_user(&mut conn, &konsert, "310000035_smartcloud").unwrap();
        let questions = [
            system_user(&id, KRAV, "read", APE),
            system_user(&id, "a-melding", "read", APE),
            system_user(&id, KRAV, "read", "310000027"),
            system_user(&id, KRAV, "write", APE),
        ];
        assert_eq!(decided(&mut conn, &questions), ["Permit", "NotApplicable", "NotApplicable", "NotApplicable"]);
        assert_eq!(decide_all(&mut conn, &questions[..1]).unwrap().unwrap(), [Decision::Permit(2)]);
        crate::domain::system_users::delete(&mut conn, &konsert, &id).unwrap();
        assert_eq!(decided(&mut conn, &questions[..1]), ["NotApplicable"]);
        let unknown = [system_user(&id, "no-such-service", "read", APE)];
        assert_eq!(decide_all(&mut conn, &unknown).unwrap(), Err(Refusal::UnknownService));
    }

    #[test]
    fn an_agent_system_user_acts_for_attached_clients_within_its_packages() {
        let mut conn = demo_db();
        let request = NewRequest {
            user_type: UserType::Agent,
            system_id: "310000035_smartcloud_klient".into(),
            party_org_no: "310000027".into(),
            access_packages: Some(vec!["urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet".into()]),
            ..NewRequest::default()
        };
        let (request, _) = requests::create(&mut conn, "310000035", request, None).unwrap();
        let id = request.request.id;
        requests::approve(&mut conn, "03868120095", &id, Expiry(Duration::days(1))).unwrap();
        let dress = crate::domain::clients::Worker::person("03868120095");
        let ask = |org_no: &str| system_user(&id, "a-melding", "read", org_no);
        assert_eq!(decided(&mut conn, &[ask("310000043")]), ["NotApplicable"]);
        crate::domain::clients::add(&mut conn, dress, &id, "310000043").unwrap();
        let (client, other, firm) = (ask("310000043"), ask("310000051"), ask("310000027"));
        assert_eq!(decided(&mut conn, &[client, other, firm]), ["Permit", "NotApplicable", "NotApplicable"]);
        crate::domain::clients::remove(&mut conn, dress, &id, "310000043").unwrap();
        assert_eq!(decided(&mut conn, &[ask("310000043")]), ["NotApplicable"]);
    }

    #[test]
    fn a_person_may_what_a_role_they_hold_there_lets_them_give() {
        let mut conn = demo_db();
        let person = |pid: &str, resource: &str| Question {
            subject: Subject::Person(pid.into()),
            resource: resource.into(),
            action: "read".into(),
            party: Party::Organisation(APE.into()),
        };
        // STADIG KONSERT is daglig leder; FORSIKTIG LØVE regnskapsfører, not lønnsinnsender;
        // ROLIG PINGVIN holds no role that gives either.
        let questions = [
            person("17827510025", "a-melding"),
            person("22857030021", KRAV),
            person("22857030021", "a-melding"),
            person("11929030046", KRAV),
        ];
        assert_eq!(decided(&mut conn, &questions), ["Permit", "Permit", "NotApplicable", "NotApplicable"]);
        let love = crate::db::parties::person(&mut conn, "22857030021").unwrap().unwrap();
        let ape = crate::db::parties::organisation(&mut conn, APE).unwrap().unwrap();
        let by_uuid = Question {
            subject: Subject::PersonParty(love.party_uuid),
            party: Party::Uuid(ape.party_uuid),
            ..person("", KRAV)
        };
        assert_eq!(decided(&mut conn, &[by_uuid]), ["Permit"]);
        crate::db::parties::insert_role(
            &mut conn,
            &crate::db::parties::NewPartyRole { pid: "22857030021", org_no: APE, role_code: "LONNSINNSENDER" },
        )
        .unwrap();
        assert_eq!(
            decided(&mut conn, &[person("22857030021", "a-melding")]),
            ["Permit"],
            "a role given counts at once"
        );
        assert_eq!(decide_all(&mut conn, &[person("01010112345", KRAV)]).unwrap(), Err(Refusal::UnknownPerson));
    }

    /// Counts the statements a connection runs.
    struct Counter(std::sync::Arc<std::sync::atomic::AtomicUsize>);

    impl diesel::connection::Instrumentation for Counter {
        fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
            if let diesel::connection::InstrumentationEvent::StartQuery { .. } = event {
                self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
    }

    #[test]
    fn a_hundred_questions_take_a_handful_of_statements() {
        use diesel::Connection;
        let mut conn = demo_db();
        let konsert = Actor::load(&mut conn, "17827510025", None).unwrap().unwrap();
        let id = crate::domain::system_users::create_by_user(&mut conn, &konsert, "310000035_smartcloud").unwrap();
        let mut questions: Vec<Question> =
            (0..50).map(|n| system_user(&id, KRAV, "read", &format!("3100000{:02}", n % 60))).collect();
        questions.extend((0..50).map(|n| Question {
            subject: Subject::Person(["17827510025", "22857030021"][n % 2].into()),
            ..system_user("", ["a-melding", KRAV][n % 2], "read", APE)
        }));
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        conn.set_instrumentation(Counter(count.clone()));
        let decided = decided(&mut conn, &questions);
        assert_eq!(decided.iter().filter(|d| **d == "Permit").count(), 1 + 50, "{decided:?}");
        let statements = count.load(std::sync::atomic::Ordering::SeqCst);
        assert!(statements <= 8, "{statements} statements for 100 questions");
    }
}
