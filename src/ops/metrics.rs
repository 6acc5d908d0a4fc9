//! Prometheus metrics: requests and their latency per route, the database pool, tokens
//! issued, decisions and webhook deliveries by outcome, served at `/metrics` for the operators' scraper.

use std::sync::OnceLock;
use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Latency buckets in seconds, from a cached page to a slow database.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];
const DURATION: &str = "http_request_duration_seconds";
/// How often recorded latencies are folded into their buckets. The recorder keeps every
/// sample until then: without this, a node nobody scrapes grows by each request's sample.
const UPKEEP: std::time::Duration = std::time::Duration::from_secs(5);

/// The process's recorder, installed once: metrics are kept per process, which may serve
/// more than one app (the tests do).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // Only an empty list of buckets is refused, and ours is not.
        let builder = PrometheusBuilder::new().set_buckets_for_metric(Matcher::Full(DURATION.into()), &BUCKETS);
        let recorder = builder.unwrap_or_default().build_recorder();
        let handle = recorder.handle();
        let upkeep = handle.clone();
        let folding = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || {
            loop {
                std::thread::sleep(UPKEEP);
                upkeep.run_upkeep();
            }
        });
        if let Err(e) = folding {
            log::warn!("latency samples are folded only when /metrics is read: {e}");
        }
        // Another recorder already installed (a library's) leaves ours unset: the
        // metrics page then shows nothing, the app still serves.
        if let Err(e) = metrics::set_global_recorder(recorder) {
            log::warn!("metrics are not recorded: {e}");
        }
        handle
    })
}

/// Counts every answer and times it, labelled by method, the route's pattern (never the
/// path itself, which holds ids) and status. Every label comes from a fixed set: a label
/// taken as the caller sent it would let anyone add series, and memory, without bound.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let begun = Instant::now();
    let method = method_label(req.method());
    let answer = next.call(req).await?;
    // A pattern is one of the routes the app declares; anything else matched none.
    let route = answer.request().match_pattern().unwrap_or_else(|| "unmatched".into());
    let status = status_label(answer.status());
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!(DURATION, &labels).record(begun.elapsed().as_secs_f64());
    Ok(answer)
}

/// The method as a label: the standard ones by name, any other token a client makes up
/// (HTTP allows any) as `other`.
fn method_label(method: &Method) -> String {
    const KNOWN: [Method; 7] =
        [Method::GET, Method::HEAD, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS];
    match KNOWN.contains(method) {
        true => method.as_str().to_owned(),
        false => "other".to_owned(),
    }
}

/// The status as a label: a code HTTP defines, else `other` (we answer none of those, but
/// the label set stays fixed whatever a handler does).
fn status_label(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(_) => status.as_str().to_owned(),
        None => "other".to_owned(),
    }
}

/// A token was issued: `kind` is "vendor" or "system_user".
pub fn token_issued(kind: &'static str) {
    metrics::counter!("tokens_issued_total", "kind" => kind).increment(1);
}

/// A decision was answered: `outcome` is "Permit" or "NotApplicable".
pub fn decided(outcome: &'static str) {
    metrics::counter!("decisions_total", "outcome" => outcome).increment(1);
}

/// A webhook delivery was tried: `outcome` is "delivered", "retry", "failed" or "gone".
pub fn delivery(outcome: &'static str) {
    metrics::counter!("webhook_deliveries_total", "outcome" => outcome).increment(1);
}

/// The pool's connections now, set when the metrics are read.
pub fn pool(connections: u32, idle: u32) {
    metrics::gauge!("db_pool_connections").set(connections);
    metrics::gauge!("db_pool_idle_connections").set(idle);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_fixed_sets() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::OPTIONS), "OPTIONS");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(method_label(&Method::from_bytes("X".repeat(5000).as_bytes()).unwrap()), "other");
        assert_eq!(status_label(StatusCode::NOT_FOUND), "404");
        assert_eq!(status_label(StatusCode::from_u16(599).unwrap()), "other");
    }
}
