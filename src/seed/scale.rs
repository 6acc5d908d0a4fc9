//! A national-scale dataset for benchmarks (`systemtilgang seed --scale N`): N system
//! users, each with the accepted request it came from, over N / 10 organisations, each
//! with its daglig leder, on top of the demo data. The demo party TILFELDIG SUBTIL APE
//! gets 50 of them, so its overview is a page of 50 accesses at any scale.

use chrono::Duration;
use diesel::QueryResult;
use indicatif::{ProgressBar, ProgressStyle};

use crate::db::kinds::{RequestStatus, UserType};
use crate::db::parties::{self, NewPartyRole, Organisation, Person};
use crate::db::requests::{self, Request};
use crate::db::system_users::{self, SystemUser};
use crate::db::{self, DbConnection};
use crate::domain::ids;

/// System users per generated organisation.
const PER_ORGANISATION: usize = 10;
/// System users of the demo party that the overview lists.
pub const DEMO_PARTY_ACCESSES: usize = 50;
const DEMO_PARTY: &str = "310000019";
/// Its daglig leder, STADIG KONSERT, who approved them.
const DEMO_MANAGER: &str = "17827510025";
const SYSTEM: (&str, &str) = ("310000035_smartcloud", "SmartCloud");
const RIGHT: &str = "ske-krav-og-betalinger";
/// Organisations written per transaction (with their people and system users).
const ORGANISATIONS_PER_TRANSACTION: usize = 1000;

/// Adds the dataset; does nothing (and says so) when it is there already.
pub fn generate(conn: &mut DbConnection, system_users: usize) -> QueryResult<bool> {
    // The demo party's first generated access marks a generated database: at a scale of
    // at most DEMO_PARTY_ACCESSES no organisation is generated to mark it.
    if db::system_users::find_live_by_triple(conn, DEMO_PARTY, SYSTEM.0, "skala-0")?.is_some() {
        return Ok(false);
    }
    let organisations = system_users.saturating_sub(DEMO_PARTY_ACCESSES).div_ceil(PER_ORGANISATION);
    let bar = ProgressBar::new(system_users as u64).with_style(
        ProgressStyle::with_template("{msg} {wide_bar} {human_pos}/{human_len} system users ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("seeding");
    db::prepare_bulk_load(conn)?;
    let now = db::now();
    db::transaction(conn, |conn| {
        let users: Vec<SystemUser> = (0..DEMO_PARTY_ACCESSES)
            .map(|k| system_user(DEMO_PARTY, &format!("skala-{k}"), now, DEMO_MANAGER))
            .collect();
        write_users(conn, &users, now)
    })?;
    bar.inc(DEMO_PARTY_ACCESSES as u64);
    let mut left = system_users.saturating_sub(DEMO_PARTY_ACCESSES);
    let mut org_numbers = ids::org_numbers_from(500_000_000);
    let mut pids = ids::synthetic_pids(40);
    let mut n = 0;
    while n < organisations {
        let batch = ORGANISATIONS_PER_TRANSACTION.min(organisations - n);
        let orgs: Vec<Organisation> = (n..n + batch)
            .map(|i| Organisation::new(&org_numbers.next().unwrap_or_default(), &format!("SKALA {} AS", i + 1)))
            .collect();
        let people: Vec<Person> = (n..n + batch)
            .map(|i| Person::new(&pids.next().unwrap_or_default(), &format!("DAGLIG LEDER {}", i + 1)))
            .collect();
        let roles: Vec<NewPartyRole> = orgs
            .iter()
            .zip(&people)
            .map(|(o, p)| NewPartyRole { pid: &p.pid, org_no: &o.org_no, role_code: "DAGL" })
            .collect();
        let mut users = Vec::with_capacity(batch * PER_ORGANISATION);
        for (org, manager) in orgs.iter().zip(&people) {
            for k in 0..PER_ORGANISATION.min(left) {
                let created = now - Duration::minutes(k as i64);
                users.push(system_user(&org.org_no, &format!("ref-{k}"), created, &manager.pid));
            }
            left = left.saturating_sub(PER_ORGANISATION);
        }
        db::transaction(conn, |conn| {
            parties::insert_many(conn, &orgs, &people, &roles)?;
            write_users(conn, &users, now)
        })?;
        bar.inc(users.len() as u64);
        n += batch;
    }
    bar.set_message("analysing");
    db::refresh_statistics(conn)?;
    bar.finish_with_message("seeded");
    Ok(true)
}

/// A system user of the party, approved by `by`.
fn system_user(party: &str, external_ref: &str, created: chrono::NaiveDateTime, by: &str) -> SystemUser {
    SystemUser {
        // Time-ordered ids go to the end of the key indexes, which keeps a load of
        // millions fast; the app reads them like any other UUID.
        id: uuid::Uuid::now_v7().to_string(),
        system_id: SYSTEM.0.into(),
        party_org_no: party.into(),
        external_ref: external_ref.into(),
        user_type: UserType::Standard,
        integration_title: SYSTEM.1.into(),
        created,
        created_by: by.into(),
        deleted_at: None,
        deleted_by: None,
    }
}

/// The system users and the accepted requests they came from (same ids).
fn write_users(conn: &mut DbConnection, users: &[SystemUser], now: chrono::NaiveDateTime) -> QueryResult<()> {
    let accepted: Vec<Request> = users
        .iter()
        .map(|u| Request {
            id: u.id.clone(),
            system_id: u.system_id.clone(),
            party_org_no: u.party_org_no.clone(),
            external_ref: u.external_ref.clone(),
            user_type: UserType::Standard,
            status: RequestStatus::Accepted,
            redirect_url: None,
            integration_title: Some(u.integration_title.clone()),
            created: u.created,
            handled_at: Some(now),
            handled_by: Some(u.created_by.clone()),
            deleted_at: None,
        })
        .collect();
    requests::insert_many(conn, &accepted, RIGHT)?;
    system_users::insert_many(conn, users, RIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dataset_has_what_it_promises_and_is_added_once() {
        let mut conn = crate::testing::demo_db();
        assert!(generate(&mut conn, 1000).unwrap());
        assert!(!generate(&mut conn, 1000).unwrap(), "a second run adds nothing");
        let live = |conn: &mut DbConnection, party: &str| system_users::live_for_party(conn, party).unwrap().len();
        assert_eq!(live(&mut conn, DEMO_PARTY), DEMO_PARTY_ACCESSES);
        let first = ids::org_numbers_from(500_000_000).next().unwrap();
        assert_eq!(live(&mut conn, &first), PER_ORGANISATION);
        let manager = parties::holders_of(&mut conn, &first, &["DAGL"]).unwrap();
        assert_eq!(manager, ["DAGLIG LEDER 1"]);
        // 50 for the demo party and 950 over 95 organisations.
        let last = ids::org_numbers_from(500_000_000).nth(94).unwrap();
        assert_eq!(live(&mut conn, &last), PER_ORGANISATION);
        let beyond = ids::org_numbers_from(500_000_000).nth(95).unwrap();
        assert!(parties::organisation(&mut conn, &beyond).unwrap().is_none());
    }
}
