//! A vendor's webhooks: where its events are pushed, with a secret of its own to check
//! them by, and how long a failing receiver is tried again.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;

use crate::db::webhooks::{self, DeliveryRow, Outcome, Taken, Webhook};
use crate::db::{self, DbConnection};
use crate::error::AppError;
use crate::support::random_bytes;

use super::vendor_events::TYPES;

/// Webhooks a vendor may have at once.
pub const MAX_PER_VENDOR: usize = 10;
/// Deliveries shown of a webhook.
pub const DELIVERIES_SHOWN: i64 = 100;

/// What the vendor asks for.
pub struct NewWebhook {
    pub url: String,
    /// None or empty: every type.
    pub types: Option<Vec<String>>,
}

/// Registers a webhook of the vendor. Only https, except a loopback address when
/// `loopback_allowed` (the demo); the types must be known ones.
pub fn create(
    conn: &mut DbConnection,
    vendor: &str,
    asked: NewWebhook,
    loopback_allowed: bool,
) -> Result<Webhook, AppError> {
    let url = checked_url(&asked.url, loopback_allowed)?;
    let mut types = asked.types.unwrap_or_default();
    if let Some(unknown) = types.iter().find(|t| !TYPES.contains(&t.as_str())) {
        return Err(AppError::BadRequest(format!("unknown event type `{unknown}`; known: {}", TYPES.join(", "))));
    }
    types.sort();
    types.dedup();
    if webhooks::of_vendor(conn, vendor)?.len() >= MAX_PER_VENDOR {
        return Err(AppError::BadRequest(format!("a vendor may have at most {MAX_PER_VENDOR} webhooks")));
    }
    let webhook = Webhook {
        id: uuid::Uuid::new_v4().to_string(),
        vendor_org_no: vendor.to_owned(),
        url,
        types: stored_types(&types),
        secret: format!("whsec_{}", STANDARD.encode(random_bytes::<32>())),
        created: db::now(),
        active: true,
        disabled_reason: None,
    };
    webhooks::insert(conn, &webhook)?;
    Ok(webhook)
}

/// `' a b '`, or `''` for every type (what the outbox's SQL matches on).
fn stored_types(types: &[String]) -> String {
    if types.is_empty() { String::new() } else { format!(" {} ", types.join(" ")) }
}

/// The types a stored webhook wants (empty: all).
pub fn types_of(webhook: &Webhook) -> Vec<String> {
    webhook.types.split_whitespace().map(str::to_owned).collect()
}

fn checked_url(raw: &str, loopback_allowed: bool) -> Result<String, AppError> {
    let bad = |why: &str| AppError::BadRequest(format!("url: {why}"));
    if raw.len() > 2000 {
        return Err(bad("longer than 2000 characters"));
    }
    let url = url::Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    let address = match url.host() {
        Some(url::Host::Domain("localhost")) => Some(std::net::Ipv4Addr::LOCALHOST.into()),
        Some(url::Host::Domain(_)) => None,
        Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
        None => return Err(bad("no host")),
    };
    let loopback = address.is_some_and(|ip| ip.is_loopback());
    if address.is_some_and(|ip| !may_be_sent_to(ip, loopback_allowed)) {
        return Err(bad("must be a public address"));
    }
    match url.scheme() {
        "https" => {}
        "http" if loopback && loopback_allowed => {}
        "http" if loopback => return Err(bad("http is allowed only to a loopback address in demo mode")),
        _ => return Err(bad("must be https")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("may not carry a user or password"));
    }
    Ok(url.to_string())
}

/// Whether deliveries may go to the address: a public one (never this machine's or a
/// private network's, which a vendor's URL must not reach), or loopback in the demo.
pub fn may_be_sent_to(ip: std::net::IpAddr, loopback_allowed: bool) -> bool {
    use std::net::IpAddr;
    let v4_public = |ip: std::net::Ipv4Addr| {
        let [a, b, ..] = ip.octets();
        !(ip.is_private()
            || ip.is_loopback()
            || ip.is_link_local()
            || ip.is_broadcast()
            || ip.is_documentation()
            || ip.is_unspecified()
            || ip.is_multicast()
            || a == 0
            || (a == 100 && (64..128).contains(&b)))
    };
    match ip {
        _ if ip.is_loopback() => loopback_allowed,
        IpAddr::V4(v4) => v4_public(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_public(v4),
            None => {
                let first = v6.segments()[0];
                !(v6.is_unspecified() || v6.is_multicast() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80)
            }
        },
    }
}

pub fn list(conn: &mut DbConnection, vendor: &str) -> Result<Vec<Webhook>, AppError> {
    Ok(webhooks::of_vendor(conn, vendor)?)
}

pub fn delete(conn: &mut DbConnection, vendor: &str, id: &str) -> Result<(), AppError> {
    let deleted = db::transaction::<_, AppError, _>(conn, |conn| Ok(webhooks::delete(conn, vendor, id)?))?;
    if deleted { Ok(()) } else { Err(AppError::WebhookNotFound) }
}

/// The vendor's webhook and its most recent deliveries, newest first.
pub fn deliveries(conn: &mut DbConnection, vendor: &str, id: &str) -> Result<Vec<DeliveryRow>, AppError> {
    webhooks::find(conn, vendor, id)?.ok_or(AppError::WebhookNotFound)?;
    Ok(webhooks::deliveries(conn, id, DELIVERIES_SHOWN)?)
}

/// How a failing receiver is tried again: after `first`, then twice as long each time up to
/// an hour, for `give_up_after` from the first try (at least a day in production).
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    pub first: Duration,
    pub give_up_after: Duration,
}

impl Default for Retries {
    fn default() -> Self {
        Retries { first: Duration::seconds(5), give_up_after: Duration::hours(25) }
    }
}

impl Retries {
    /// The pause after the `attempts`-th failed attempt.
    pub fn pause(&self, attempts: i64) -> Duration {
        let doubled = self.first * 2i32.saturating_pow(attempts.clamp(1, 20) as u32 - 1);
        doubled.min(Duration::hours(1).max(self.first))
    }
}

/// What a receiver answered: its status code, or why there was none.
pub enum Answer {
    Status(u16),
    Unreachable(String),
}

/// Takes deliveries that are due (see `db::webhooks`).
pub fn take(conn: &mut DbConnection, lease: Duration, limit: i64) -> Result<Vec<Taken>, AppError> {
    let now = db::now();
    Ok(webhooks::take(conn, now, now + lease, limit)?)
}

/// Writes what came of an attempt: delivered on a 2xx, the webhook turned off on 410,
/// otherwise tried again later or, once tried for long enough, failed. Which of the four
/// (`delivered`, `gone`, `retry`, `failed`).
pub fn settle(
    conn: &mut DbConnection,
    taken: &Taken,
    answer: Answer,
    retries: Retries,
) -> Result<&'static str, AppError> {
    let now = db::now();
    let (code, error) = match answer {
        Answer::Status(code) if (200..300).contains(&code) => {
            webhooks::finish(conn, taken, now, &Outcome::Delivered { code: code.into() })?;
            return Ok("delivered");
        }
        Answer::Status(410) => {
            webhooks::finish(conn, taken, now, &Outcome::Gone)?;
            return Ok("gone");
        }
        Answer::Status(code) => (Some(i64::from(code)), format!("answered {code}")),
        Answer::Unreachable(why) => (None, why),
    };
    let next_at = now + retries.pause(taken.attempts);
    let (outcome, name) = if next_at - taken.first_tried_at > retries.give_up_after {
        (Outcome::Failed { code, error }, "failed")
    } else {
        (Outcome::Retry { code, error, next_at }, "retry")
    };
    webhooks::finish(conn, taken, now, &outcome)?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_an_hour_and_cover_a_day() {
        let retries = Retries::default();
        assert_eq!(retries.pause(1), Duration::seconds(5));
        assert_eq!(retries.pause(2), Duration::seconds(10));
        assert_eq!(retries.pause(12), Duration::hours(1));
        let total: Duration = (1..=40).map(|n| retries.pause(n)).sum();
        assert!(total > Duration::hours(24), "40 attempts cover {total}");
    }

    #[test]
    fn only_https_or_loopback_in_the_demo() {
        assert!(checked_url("https://vendor.example/hook", false).is_ok());
        assert!(checked_url("http://127.0.0.1:9000/hook", true).is_ok());
        assert!(checked_url("http://localhost:9000/hook", true).is_ok());
        assert!(checked_url("http://127.0.0.1:9000/hook", false).is_err());
        assert!(checked_url("http://vendor.example/hook", true).is_err());
        assert!(checked_url("ftp://vendor.example/hook", true).is_err());
        assert!(checked_url("https://user:pw@vendor.example/hook", false).is_err());
        assert!(checked_url("not a url", true).is_err());
        // Not to this machine or a private network, except loopback in the demo.
        for private in [
            "https://10.0.0.1/hook",
            "https://192.168.1.1/hook",
            "https://169.254.169.254/latest",
            "https://[fd00::1]/hook",
            "https://127.0.0.1/hook",
        ] {
            assert!(checked_url(private, false).is_err(), "{private}");
        }
        assert!(checked_url("https://127.0.0.1/hook", true).is_ok());
        assert!(checked_url("https://8.8.8.8/hook", false).is_ok());
        assert!(!may_be_sent_to("100.64.0.1".parse().unwrap(), true));
        assert!(!may_be_sent_to("::ffff:10.1.2.3".parse().unwrap(), true));
        assert!(may_be_sent_to("2001:4860::8888".parse().unwrap(), false));
    }
}
