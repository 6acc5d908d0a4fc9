//! A vendor's webhook receiver started by a test: `tests/webhooks/receiver.mjs`, which
//! verifies signatures with npm `standardwebhooks` and parses with npm `cloudevents`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Receiver {
    pub url: String,
    http: reqwest::Client,
    _child: Child,
    /// The receiver stops when this closes, when the test is done.
    _stdin: ChildStdin,
}

impl Receiver {
    /// A receiver of its own for the test; None (outside CI only) without `npm ci`.
    pub fn start() -> Option<Receiver> {
        let root = env!("CARGO_MANIFEST_DIR");
        if !Path::new(root).join("node_modules/standardwebhooks").is_dir() {
            let why = "the webhook receiver's libraries are missing (node_modules/standardwebhooks): run `npm ci`";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}; they are required in CI");
            crate::common::skipped("the webhook receiver", why);
            return None;
        }
        let mut child = Command::new("node")
            .arg("tests/webhooks/receiver.mjs")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node starts the webhook receiver");
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("listening ").unwrap_or_else(|| panic!("the receiver said {line:?}"));
        let url = format!("http://127.0.0.1:{port}");
        Some(Receiver { url, http: reqwest::Client::new(), _child: child, _stdin: stdin })
    }

    /// Where the portal delivers.
    pub fn hook(&self) -> String {
        format!("{}/hook", self.url)
    }

    pub async fn verify_with(&self, secret: &str) {
        self.control("secret", json!({"secret": secret})).await;
    }

    /// Answers `status` to every delivery from now on.
    pub async fn answer(&self, status: u16) {
        self.control("answer", json!({"status": status})).await;
    }

    /// Never answers from now on.
    pub async fn hang(&self) {
        self.control("answer", json!({"hang": true})).await;
    }

    async fn control(&self, what: &str, body: Value) {
        let sent = self.http.post(format!("{}/control/{what}", self.url)).json(&body).send().await.unwrap();
        assert!(sent.status().is_success());
    }

    /// Every delivery so far: `{webhookId, verified, answered, event: {id, type, subject, data, …}}`.
    pub async fn received(&self) -> Vec<Value> {
        let got = self.http.get(format!("{}/control/received", self.url)).send().await.unwrap();
        got.json().await.unwrap()
    }

    /// The deliveries it accepted (verified and answered 2xx), once `wanted` accepts them
    /// (waits up to 20 seconds).
    pub async fn accepted_until(&self, wanted: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let begun = Instant::now();
        loop {
            let accepted: Vec<Value> = self
                .received()
                .await
                .into_iter()
                .filter(|d| d["verified"] == true && d["answered"].as_u64().is_some_and(|s| (200..300).contains(&s)))
                .collect();
            if wanted(&accepted) {
                return accepted;
            }
            assert!(begun.elapsed() < Duration::from_secs(20), "the deliveries never came: {accepted:#?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The events' types of accepted deliveries, in arrival order.
pub fn types(accepted: &[Value]) -> Vec<String> {
    accepted.iter().map(|d| d["event"]["type"].as_str().unwrap_or_default().to_owned()).collect()
}
