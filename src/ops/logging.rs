//! Log lines, as text or as JSON (one object a line), each carrying the id of the request
//! it was written for. The id is the caller's `X-Request-Id` when it is a plausible one,
//! else a new one; the answer carries it back, so a user's report or a vendor's log can
//! be found in ours.

use std::cell::RefCell;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

use crate::auth::proxy::Proxies;
use crate::support::random_bytes;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `2026-11-27T08:26:09Z INFO target [req 3f…] message`
    Text,
    /// `{"time":…,"level":…,"target":…,"request_id":…,"message":…}`
    Json,
}

const HEADER: &str = "x-request-id";

thread_local! {
    /// The request whose work this thread is doing now (set around each poll of its
    /// future, and around its blocking database work).
    static CURRENT: RefCell<Option<Arc<str>>> = const { RefCell::new(None) };
}

/// The format chosen at start, for what is written beside the log (the banner).
static FORMAT: std::sync::OnceLock<LogFormat> = std::sync::OnceLock::new();

/// Starts logging to standard error at `RUST_LOG`'s levels (default `info`).
pub fn init(format: LogFormat) {
    let _ = FORMAT.set(format);
    let mut builder = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    builder.format(move |out, record| {
        let time = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let request = current();
        match format {
            LogFormat::Text => {
                let request = request.map(|id| format!(" [req {id}]")).unwrap_or_default();
                writeln!(out, "{time} {} {}{request} {}", record.level(), record.target(), record.args())
            }
            LogFormat::Json => {
                let line = serde_json::json!({
                    "time": time.to_string(),
                    "level": record.level().as_str(),
                    "target": record.target(),
                    "request_id": request.as_deref(),
                    "message": record.args().to_string(),
                });
                writeln!(out, "{line}")
            }
        }
    });
    builder.init();
}

/// Writes the start banner to standard error whatever the levels: as plain lines, or as
/// log objects of the `banner` target when the log is JSON, so a collector reading the
/// stream sees nothing but JSON.
pub fn banner(lines: &[String]) {
    let mut err = std::io::stderr().lock();
    for line in lines {
        let written = match FORMAT.get() {
            Some(LogFormat::Json) => {
                let time = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
                let object = serde_json::json!({"time": time, "level": "INFO", "target": "banner",
                    "request_id": null, "message": line});
                writeln!(err, "{object}")
            }
            _ => writeln!(err, "{line}"),
        };
        if written.is_err() {
            return;
        }
    }
}

/// The id of the request being served on this thread, if any.
pub fn current() -> Option<Arc<str>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Runs `work` (blocking work for a request, on another thread) as part of `request`.
pub fn within<T>(request: Option<Arc<str>>, work: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|c| c.replace(request));
    let result = work();
    CURRENT.with(|c| *c.borrow_mut() = before);
    result
}

/// A request's future, marked as that request's whenever it runs.
struct Marked<F> {
    id: Arc<str>,
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for Marked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let id = Some(self.id.clone());
        within(id, || self.inner.as_mut().poll(cx))
    }
}

/// A path as the access line quotes it: a quote, backslash or control character in it is
/// escaped as JSON escapes it, so the line reads back the same however odd the path.
fn quoted(path: &str) -> String {
    let json = serde_json::Value::String(path.to_owned()).to_string();
    json[1..json.len() - 1].to_owned()
}

/// A caller's id is kept when it is short and plain (it goes into our logs verbatim).
fn plausible(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Gives the request its id, marks all its work with it, answers with it, and writes the
/// access log line: client address, method, path (never the query, which can hold a
/// login code), status and time to the answer's head.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let begun = Instant::now();
    let given = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).filter(|id| plausible(id));
    let id: Arc<str> = match given {
        Some(id) => id.into(),
        None => random_bytes::<8>().iter().map(|b| format!("{b:02x}")).collect::<String>().into(),
    };
    let proxies = req.app_data::<Proxies>().copied().unwrap_or(Proxies::None);
    let address = proxies.client_address(req.headers(), req.peer_addr());
    let (method, path) = (req.method().clone(), quoted(req.path()));
    let mut answer = Marked { id: id.clone(), inner: Box::pin(next.call(req)) }.await?;
    let status = answer.status().as_u16();
    within(
        Some(id.clone()),
        || log::info!(target: "access", "{address} \"{method} {path}\" {status} {:.3}ms", begun.elapsed().as_secs_f64() * 1e3),
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        answer.headers_mut().insert(HeaderName::from_static(HEADER), value);
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_from_the_caller() {
        assert!(plausible("3f2a-req_1"));
        assert!(!plausible(""));
        assert!(!plausible("a b"));
        assert!(!plausible("line\nbreak"));
        assert!(!plausible(&"x".repeat(65)));
    }

    #[test]
    fn quotes_in_a_path_are_escaped_in_the_access_line() {
        assert_eq!(quoted("/plain/path"), "/plain/path");
        assert_eq!(quoted(r#"/a" 200 0.1ms "x"#), r#"/a\" 200 0.1ms \"x"#);
        assert_eq!(quoted("/back\\slash\u{1}"), "/back\\\\slash\\u0001");
    }

    #[test]
    fn blocking_work_is_marked_with_its_request_and_unmarked_after() {
        assert_eq!(current(), None);
        let seen = within(Some("abc".into()), current);
        assert_eq!(seen.as_deref(), Some("abc"));
        assert_eq!(current(), None);
    }
}
