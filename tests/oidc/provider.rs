//! The independent OpenID provider the login tests run against: `tests/oidc/provider.mjs`
//! (the npm package oidc-provider) started once per test binary on a loopback port.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;

pub const CLIENT_ID: &str = "systemtilgang";
pub const CLIENT_SECRET: &str = "provider-test-secret";

struct Running {
    issuer: String,
    _child: Child,
    /// The provider stops when this closes, at the end of the test binary.
    _stdin: ChildStdin,
}

/// The provider's issuer URL, or None (outside CI only) when `npm ci` has not been run.
pub fn issuer() -> Option<&'static str> {
    static PROVIDER: OnceLock<Option<Running>> = OnceLock::new();
    let issuer = PROVIDER.get_or_init(start).as_ref().map(|r| r.issuer.as_str());
    if issuer.is_none() {
        crate::common::skipped(
            "the OpenID provider",
            "the OpenID provider (node_modules/oidc-provider) is missing: run `npm ci`",
        );
    }
    issuer
}

fn start() -> Option<Running> {
    let root = env!("CARGO_MANIFEST_DIR");
    if !Path::new(root).join("node_modules/oidc-provider").is_dir() {
        let why = "the OpenID provider for the login tests is missing (node_modules/oidc-provider): run `npm ci`";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}; it is required in CI");
        return None;
    }
    let mut child = Command::new("node")
        .arg("tests/oidc/provider.mjs")
        .current_dir(root)
        .env("OIDC_CLIENT_ID", CLIENT_ID)
        .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        .env("OIDC_EXIT_WITH_STDIN", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts the OpenID provider");
    let stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let issuer = line.trim().strip_prefix("issuer ").unwrap_or_else(|| panic!("the provider said {line:?}")).to_owned();
    // Whatever else it says goes to the test output.
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            eprintln!("oidc-provider: {line}");
        }
    });
    Some(Running { issuer, _child: child, _stdin: stdin })
}

/// Settings for a portal that logs people in at the test provider.
pub fn settings(issuer: &str) -> systemtilgang::auth::oidc::OidcSettings {
    systemtilgang::auth::oidc::OidcSettings {
        issuer: issuer.to_owned(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        name: "Testporten".into(),
    }
}
