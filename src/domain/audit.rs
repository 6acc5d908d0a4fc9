//! Recording who changed what. Every change to requests and system users writes a row
//! in the same transaction as the change itself.

use diesel::QueryResult;

use crate::db::DbConnection;
use crate::db::audit::{self, NewAuditEvent};

/// Who did it: a person by identity number, or a vendor by organisation number.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Person(&'a str),
    Vendor(&'a str),
}

pub fn record(
    conn: &mut DbConnection,
    actor: Actor,
    party_org_no: &str,
    action: &str,
    subject_id: &str,
    detail: &str,
) -> QueryResult<()> {
    let actor = match actor {
        Actor::Person(pid) => format!("person:{pid}"),
        Actor::Vendor(org_no) => format!("vendor:{org_no}"),
    };
    audit::insert(
        conn,
        &NewAuditEvent {
            at: super::now(),
            actor,
            party_org_no: party_org_no.to_owned(),
            action: action.to_owned(),
            subject_id: subject_id.to_owned(),
            detail: detail.to_owned(),
        },
    )
}
