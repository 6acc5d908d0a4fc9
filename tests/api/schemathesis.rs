//! Schemathesis (PyPI) against the API description: for a bounded number of generated
//! requests per operation, no answer is a server error, and every status, content type
//! and body is one the description documents. `scripts/test` installs it in
//! `target/schemathesis`; outside CI its absence skips the run with a note.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// The schemathesis command, or None (outside CI only) when it is not installed.
fn schemathesis() -> Option<PathBuf> {
    let installed = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/schemathesis/bin/st");
    if installed.exists() {
        return Some(installed);
    }
    let why = "schemathesis is not installed in target/schemathesis (scripts/test installs it)";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}; it is required in CI");
    skipped("schemathesis", why);
    None
}

async fn check(backend: Backend) {
    let Some(st) = schemathesis() else { return };
    let Some(app) = TestApp::spawn(backend).await else { return };
    let scopes = [
        "altinn:authentication/systemuser.request.read",
        "altinn:authentication/systemuser.request.write",
        "altinn:authentication/systemregister.write",
        "altinn:authorization/pdp",
        "altinn:authorization/authorize",
    ];
    app.add_vendor_client("schemathesis", "310000035", &scopes.join(" "));
    let token = app.token_for("schemathesis", None).await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = tokio::task::spawn_blocking(move || {
        Command::new(st)
            .current_dir(std::env::temp_dir())
            .arg("--config-file")
            .arg(root.join("tests/schemathesis/schemathesis.toml"))
            .arg("run")
            .arg(format!("{}/authentication/api/v1/openapi.json", app.address))
            .args(["--url", &app.address])
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .args([
                "-c",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            ])
            .args(["-n", "10", "--seed", "20261126", "--phases", "examples,coverage,fuzzing", "--no-color"])
            .output()
            .expect("schemathesis runs")
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "schemathesis found failures:\n{report}\n{}", String::from_utf8_lossy(&run.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_requests_get_documented_answers_sqlite() {
    check(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_requests_get_documented_answers_postgres() {
    check(Backend::Postgres).await;
}
