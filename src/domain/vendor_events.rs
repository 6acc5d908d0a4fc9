//! What a vendor is told of its customers' doings: each change to a request or a system
//! user of its systems becomes an event, written with the audit row of the change (so in
//! its transaction: nothing is told that did not happen, nothing that happened is lost),
//! read from the feed and pushed to its webhooks.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::requests;
use crate::db::vendor_events::{self, NewEvent, Subject};
use crate::db::{self, DbConnection};
use crate::error::AppError;

/// The kinds of event, as the feed and the webhooks name them.
pub const TYPES: [&str; 10] = [
    "systemuser.created",
    "systemuser.deleted",
    "systemuser.changed",
    "systemuser.client.added",
    "systemuser.client.removed",
    "request.accepted",
    "request.rejected",
    "changerequest.accepted",
    "changerequest.rejected",
    "request.timedout",
];

/// An event as the vendor reads it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: &'static str,
    /// RFC 3339, UTC.
    pub time: String,
    pub system_id: String,
    /// None for a request that made no system user (rejected, timed out).
    pub system_user_id: Option<String>,
    pub party_org_no: String,
    pub external_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_org_no: Option<String>,
    /// Who deleted a system user: `customer`, `vendor`, `register` or `operator`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<&'static str>,
}

/// What a change tells its vendor.
#[derive(Debug, Clone, Copy)]
pub enum Told {
    /// A request approved (it made a system user) or rejected.
    Request {
        accepted: bool,
    },
    /// A request left until it expired.
    TimedOut,
    SystemUserCreated,
    /// By `customer`, `vendor`, `register` or `operator`.
    SystemUserDeleted {
        by: &'static str,
    },
    /// Clients (the details) put on or taken off an agent system user.
    Clients {
        added: bool,
    },
    /// A change request (the detail) approved (the system user changed) or rejected.
    Change {
        accepted: bool,
    },
}

/// Writes the events of a change to the request or system user `subject_id` in the
/// change's transaction; `details` are the clients of a client change, or the change
/// request of a change.
pub fn tell(conn: &mut DbConnection, told: Told, subject_id: &str, details: &[String]) -> diesel::QueryResult<()> {
    let kinds: &[&'static str] = match told {
        Told::Request { accepted: true } => &["request.accepted", "systemuser.created"],
        Told::Request { accepted: false } => &["request.rejected"],
        Told::TimedOut => &["request.timedout"],
        Told::SystemUserCreated => &["systemuser.created"],
        Told::SystemUserDeleted { .. } => &["systemuser.deleted"],
        Told::Clients { added: true } => &["systemuser.client.added"],
        Told::Clients { added: false } => &["systemuser.client.removed"],
        Told::Change { accepted: true } => &["changerequest.accepted", "systemuser.changed"],
        Told::Change { accepted: false } => &["changerequest.rejected"],
    };
    let Some(subject) = vendor_events::subject(conn, subject_id)? else { return Ok(()) };
    let at = db::now();
    // One event a client; one a kind otherwise.
    let details: &[String] = match told {
        Told::Clients { .. } => details,
        _ => &details[..details.len().min(1)],
    };
    let mut events = Vec::new();
    for kind in kinds {
        for detail in details {
            let mut event = Event::new(kind, &subject, subject_id, at);
            if kind.starts_with("request.") {
                event.request_id = Some(subject_id.to_owned());
            }
            // A request that made no system user.
            if matches!(told, Told::Request { accepted: false } | Told::TimedOut) {
                event.system_user_id = None;
            }
            match told {
                Told::Clients { .. } => event.client_org_no = Some(detail.clone()),
                Told::Change { .. } => event.change_request_id = Some(detail.clone()),
                Told::SystemUserDeleted { by } => event.by = Some(by),
                Told::Request { .. } | Told::TimedOut | Told::SystemUserCreated => {}
            }
            events.push(event.stored(&subject.vendor_org_no, subject_id, at));
        }
    }
    vendor_events::record(conn, &events)
}

impl Event {
    fn new(kind: &'static str, subject: &Subject, id: &str, at: NaiveDateTime) -> Self {
        Event {
            id: uuid::Uuid::now_v7().to_string(),
            event_type: kind,
            time: at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            system_id: subject.system_id.clone(),
            system_user_id: Some(id.to_owned()),
            party_org_no: subject.party_org_no.clone(),
            external_ref: subject.external_ref.clone(),
            request_id: None,
            change_request_id: None,
            client_org_no: None,
            by: None,
        }
    }

    fn stored(&self, vendor: &str, ordering: &str, at: NaiveDateTime) -> NewEvent {
        NewEvent {
            id: self.id.clone(),
            vendor_org_no: vendor.to_owned(),
            event_type: self.event_type.to_owned(),
            at,
            system_user_id: ordering.to_owned(),
            body: serde_json::to_string(self).unwrap_or_default(),
        }
    }
}

/// Events of the vendor after `position`, oldest first, at most `limit`: (position, the
/// event's JSON), and the position to read from next (the last one's, or `position` when
/// there were none).
pub fn feed(conn: &mut DbConnection, vendor: &str, position: i64, limit: i64) -> Result<(Vec<String>, i64), AppError> {
    let rows = vendor_events::after(conn, vendor, position, limit)?;
    let next = rows.last().map_or(position, |(p, _)| *p);
    Ok((rows.into_iter().map(|(_, body)| body).collect(), next))
}

/// Tells the vendors of requests that timed out (older than `expiry` and still new) since
/// the last look, at most `limit` a call; each is told once, whichever node looks. The
/// number told.
pub fn tell_timeouts(conn: &mut DbConnection, expiry: chrono::Duration, limit: i64) -> Result<usize, AppError> {
    let now = db::now();
    let mut told = 0;
    for request in requests::untold_timeouts(conn, now - expiry, limit)? {
        told += db::transaction::<_, AppError, _>(conn, |conn| {
            if !requests::tell_timeout(conn, &request.id, now)? {
                return Ok(0);
            }
            tell(conn, Told::TimedOut, &request.id, &[String::new()])?;
            Ok(1)
        })?;
    }
    Ok(told)
}
