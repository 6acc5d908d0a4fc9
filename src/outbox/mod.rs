//! The background work of a node: the outbox's deliveries to vendors' webhooks, and
//! telling vendors of requests that timed out. Every node runs it; the database decides
//! who sends what (see `db::webhooks`), so nodes share the work and never send one
//! delivery at the same time. A slow receiver holds one sender for at most the timeout;
//! the portal and the API never wait for a receiver.

mod signing;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::db::webhooks::Taken;
use crate::db::{DbConnection, Pool};
use crate::domain::requests::Expiry;
use crate::domain::vendor_events;
use crate::domain::webhooks::{self, Answer, Retries};
use crate::error::AppError;

/// How the outbox works.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub retries: Retries,
    /// How long a taken delivery is a node's own; longer than `timeout`, so it is sent
    /// again only when its node died.
    pub lease: Duration,
    /// How often an idle node looks for work.
    pub poll: StdDuration,
    /// Deliveries a node sends at once.
    pub senders: usize,
    /// How long a receiver has to answer.
    pub timeout: StdDuration,
    /// How often a node looks for requests that timed out.
    pub timeouts_every: StdDuration,
    /// Whether receivers on this machine may be sent to (the demo).
    pub loopback_allowed: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            retries: Retries::default(),
            lease: Duration::seconds(60),
            poll: StdDuration::from_millis(500),
            senders: 8,
            timeout: StdDuration::from_secs(10),
            timeouts_every: StdDuration::from_secs(30),
            loopback_allowed: false,
        }
    }
}

/// The node's outbox at work.
pub struct Running {
    outbox: Arc<Outbox>,
}

impl Running {
    /// Takes nothing more and waits (up to the receivers' timeout) for what is being sent,
    /// so that no thread is inside a send or the database when the process ends. What is
    /// left is sent by another node, or by this one when it starts again.
    pub async fn stop(self) {
        self.outbox.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
        let all = u32::try_from(self.outbox.settings.senders).unwrap_or(u32::MAX);
        let waited = self.outbox.settings.timeout + StdDuration::from_secs(1);
        let _ = tokio::time::timeout(waited, self.outbox.senders.acquire_many(all)).await;
    }
}

/// Starts the node's outbox on the runtime; it runs until stopped or the runtime ends.
pub fn start(pool: Pool, settings: Settings, public_url: &str, expiry: Expiry) -> Running {
    let source = format!("{public_url}/authentication/api/v1/systemuser/vendor/events");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let senders = Arc::new(tokio::sync::Semaphore::new(settings.senders));
    let stopping = std::sync::atomic::AtomicBool::new(false);
    let outbox = Arc::new(Outbox { pool, settings, source, agent, expiry, senders, stopping });
    tokio::spawn(outbox.clone().deliver());
    tokio::spawn(outbox.clone().tell_timeouts());
    Running { outbox }
}

struct Outbox {
    pool: Pool,
    settings: Settings,
    source: String,
    agent: ureq::Agent,
    expiry: Expiry,
    /// A permit a delivery being sent.
    senders: Arc<tokio::sync::Semaphore>,
    stopping: std::sync::atomic::AtomicBool,
}

impl Outbox {
    /// Takes what is due as senders come free, and sends each on a thread of its own.
    async fn deliver(self: Arc<Self>) {
        let senders = self.senders.clone();
        while !self.stopped() {
            let free = senders.available_permits();
            let taken = if free == 0 { Vec::new() } else { self.take(free).await };
            if taken.is_empty() {
                tokio::time::sleep(self.settings.poll).await;
                continue;
            }
            for delivery in taken {
                let Ok(permit) = senders.clone().acquire_owned().await else { return };
                let outbox = self.clone();
                tokio::task::spawn_blocking(move || {
                    outbox.send(&delivery);
                    drop(permit);
                });
            }
        }
    }

    async fn take(self: &Arc<Self>, limit: usize) -> Vec<Taken> {
        let lease = self.settings.lease;
        match self.clone().blocking(move |conn| webhooks::take(conn, lease, limit as i64)).await {
            Ok(taken) => taken,
            Err(e) => {
                log::warn!("the outbox could not take deliveries: {e}");
                Vec::new()
            }
        }
    }

    /// Database work on the blocking pool with a pooled connection.
    async fn blocking<T: Send + 'static>(
        self: Arc<Self>,
        work: impl FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, String> {
        tokio::task::spawn_blocking(move || self.with_connection(work)).await.map_err(|e| e.to_string())?
    }

    /// Database work with a pooled connection, on this thread.
    fn with_connection<T>(&self, work: impl FnOnce(&mut DbConnection) -> Result<T, AppError>) -> Result<T, String> {
        let mut conn = self.pool.get().map_err(|e| e.to_string())?;
        work(&mut conn).map_err(|e| e.to_string())
    }

    /// One attempt, and what came of it written down. Should the node die before that,
    /// the lease runs out and the delivery is sent again, with the same `webhook-id`.
    fn send(&self, delivery: &Taken) {
        let body = signing::cloud_event(delivery, &self.source);
        let timestamp = chrono::Utc::now().timestamp();
        let answer = match signing::signature(&delivery.secret, &delivery.event_id, timestamp, &body) {
            None => Answer::Unreachable("the webhook's secret is not base64".into()),
            Some(_) if !resolves_to_public(&delivery.url, self.settings.loopback_allowed) => {
                Answer::Unreachable("the host resolves to an address that is not public".into())
            }
            Some(signature) => {
                let sent = self
                    .agent
                    .post(&delivery.url)
                    .header("Content-Type", "application/cloudevents+json")
                    .header("webhook-id", &delivery.event_id)
                    .header("webhook-timestamp", timestamp.to_string())
                    .header("webhook-signature", signature)
                    .send(body);
                match sent {
                    Ok(response) => Answer::Status(response.status().as_u16()),
                    Err(e) => {
                        log::info!("webhook {} could not be reached: {e}", delivery.webhook_id);
                        // The vendor sees what kind of failure, not the details of our network.
                        Answer::Unreachable(match e {
                            ureq::Error::Timeout(_) => "no answer in time".into(),
                            ureq::Error::HostNotFound => "the host was not found".into(),
                            _ => "the receiver could not be reached".into(),
                        })
                    }
                }
            }
        };
        match self.with_connection(|conn| webhooks::settle(conn, delivery, answer, self.settings.retries)) {
            Ok(outcome) => crate::ops::metrics::delivery(outcome),
            Err(e) => log::warn!("the outcome of delivery {} was not written; it is sent again: {e}", delivery.id),
        }
    }

    fn stopped(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every little while: the vendors of requests that timed out are told.
    async fn tell_timeouts(self: Arc<Self>) {
        while !self.stopped() {
            let expiry = self.expiry.0;
            match self.clone().blocking(move |conn| vendor_events::tell_timeouts(conn, expiry, 100)).await {
                Ok(100) => continue,
                Ok(_) => {}
                Err(e) => log::warn!("timed-out requests could not be told: {e}"),
            }
            tokio::time::sleep(self.settings.timeouts_every).await;
        }
    }
}

/// Whether every address the URL's host resolves to may be sent to: a vendor's name must
/// not lead to this machine or a private network. (A name not found is let through: the
/// send says so.)
fn resolves_to_public(url: &str, loopback_allowed: bool) -> bool {
    use std::net::ToSocketAddrs;
    let Ok(url) = url::Url::parse(url) else { return false };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match (host, port).to_socket_addrs() {
        Ok(addresses) => addresses.into_iter().all(|a| webhooks::may_be_sent_to(a.ip(), loopback_allowed)),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_for_this_machine_is_not_sent_to_outside_the_demo() {
        assert!(!resolves_to_public("https://localhost:8443/hook", false));
        assert!(resolves_to_public("https://localhost:8443/hook", true));
        assert!(!resolves_to_public("https://10.1.2.3/hook", true));
        assert!(!resolves_to_public("not a url", true));
    }
}
