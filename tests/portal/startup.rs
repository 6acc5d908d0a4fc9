//! Starting the portal, its database and the demo data.

use std::process::Command;

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(demo_cast_is_loaded_once_and_a_restart_keeps_data, the_one_shot_commands_end_cleanly_every_time);

/// The commands that do their work and stop exit 0 every time. (They once opened a pool
/// whose thread could still be opening a PostgreSQL connection over TLS as the process
/// exited, and about one run in six crashed after its work was done.)
async fn the_one_shot_commands_end_cleanly_every_time(app: TestApp) {
    for run in 0..20 {
        for command in [&["seed", "--scale", "5"][..], &["person-token", "--pid", DRESS], &["migrate"]] {
            let output = run_binary(&[&["--database-url", &app.database_url][..], command].concat());
            assert!(
                output.status.success(),
                "run {run} of {command:?}: {:?} {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

async fn demo_cast_is_loaded_once_and_a_restart_keeps_data(app: TestApp) {
    let login = app.browser().get("/login").await;
    assert_eq!(login.status, 200);
    let persons = login.texts("ul.cards button");
    assert_eq!(
        persons,
        [
            "Logg inn som DRESS MINST",
            "Logg inn som FORSIKTIG LØVE",
            "Logg inn som ROLIG PINGVIN",
            "Logg inn som SMIDIG TAPPER SKILPADDE",
            "Logg inn som STADIG KONSERT"
        ]
    );
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;

    // A restart (or a second node) on the same database keeps what is there and does
    // not load the cast again.
    let again = app.restart().await;
    let persons_after = again.browser().get("/login").await.texts("ul.cards button");
    assert_eq!(persons_after, persons);
    assert_eq!(again.request_status(request["id"].as_str().unwrap()).await, "New");
    // Tokens from one node are accepted by the other.
    let token = app.vendor_token(None).await;
    let (status, _) = again
        .api_get(
            &token,
            &format!("/authentication/api/v1/systemuser/request/vendor/{}", request["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 200);
}

fn run_binary(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_systemtilgang"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("SYSTEMTILGANG_BIND")
        .output()
        .unwrap()
}

#[test]
fn a_bad_database_url_is_one_clear_line_and_a_failure() {
    let output = run_binary(&["--database-url", "mysql://localhost/x", "migrate"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("unsupported database scheme `mysql`"), "{stderr}");
}

#[test]
fn an_unreachable_database_is_one_clear_line_and_a_failure() {
    let output = run_binary(&["--database-url", "postgres://nobody@127.0.0.1:1/none", "--bind", "127.0.0.1:0"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("cannot open the database"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_bad_bind_address_is_one_clear_line_and_a_failure() {
    let dir = std::env::temp_dir().join(format!("st-bind-{}", uuid::Uuid::new_v4()));
    let db = dir.join("x.db");
    let output = run_binary(&["--database-url", db.to_str().unwrap(), "--bind", "not-an-address"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.lines().any(|l| l.starts_with("error: cannot listen on not-an-address")), "{stderr}");
    // The SQLite file and its folder were made on the way.
    assert!(db.exists());
}

#[test]
fn seed_loads_the_demo_data_into_an_empty_sqlite_file_once() {
    let dir = std::env::temp_dir().join(format!("st-seed-{}", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}", dir.join("nested/demo.db").display());
    let first = run_binary(&["--database-url", &url, "seed"]);
    assert!(first.status.success(), "{first:?}");
    assert!(String::from_utf8_lossy(&first.stdout).contains("The demo data is loaded."));
    let second = run_binary(&["--database-url", &url, "seed"]);
    assert!(String::from_utf8_lossy(&second.stdout).contains("nothing was loaded"));
}

#[test]
fn production_mode_refuses_to_start_without_a_cookie_key_or_real_login() {
    let serve = ["--mode", "production", "--database-url", "sqlite::memory:", "--bind", "127.0.0.1:0", "serve"];
    let output = run_binary(&serve);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("production mode needs SYSTEMTILGANG_COOKIE_KEY"), "{stderr}");
    let key = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [7u8; 64]);
    let output = Command::new(env!("CARGO_BIN_EXE_systemtilgang"))
        .args(serve)
        .env("SYSTEMTILGANG_COOKIE_KEY", key)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("production mode needs OpenID Connect login"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // The operator's commands need only the database, in production too.
    let migrated = run_binary(&["--mode", "production", "--database-url", "sqlite::memory:", "migrate"]);
    assert!(migrated.status.success(), "{migrated:?}");
}

#[test]
fn production_mode_will_not_load_the_demo_data() {
    let key = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [7u8; 64]);
    let output = Command::new(env!("CARGO_BIN_EXE_systemtilgang"))
        .args(["--mode", "production", "--database-url", "sqlite::memory:", "seed"])
        .args(["--oidc-issuer", "https://idporten.example", "--oidc-client-id", "x", "--oidc-client-secret", "y"])
        .env("SYSTEMTILGANG_COOKIE_KEY", key)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("production mode refuses it"), "{stderr}");
    assert!(String::from_utf8(output.stdout).unwrap().is_empty());
}

#[test]
fn an_unreachable_openid_provider_is_one_clear_line_and_a_failure() {
    let dir = std::env::temp_dir().join(format!("st-oidc-{}", uuid::Uuid::new_v4()));
    let db = dir.join("x.db");
    let output = run_binary(&[
        "--database-url",
        db.to_str().unwrap(),
        "--bind",
        "127.0.0.1:0",
        "--oidc-issuer",
        "http://127.0.0.1:1",
        "--oidc-client-id",
        "portal",
        "--oidc-client-secret",
        "secret",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("cannot read the OpenID provider's configuration at http://127.0.0.1:1"), "{stderr}");
}

/// Run with `--log-format json`, the portal writes one JSON object a line, its banner
/// too and without the vendor secret, and the lines written for a request carry its id:
/// the caller's own `X-Request-Id`, echoed back.
#[test]
fn json_logs_carry_the_request_id_the_answer_names() {
    let mut served =
        Served::start(&["--database-url", &fresh_sqlite_url(), "--log-format", "json"], &[("RUST_LOG", "info")]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    served.wait_for(|l| l.contains("Vendor API client"));
    let (echoed, generated) = runtime.block_on(async {
        let client = reqwest::Client::new();
        let login = format!("{}/login", served.url);
        let mine = client.get(&login).header("X-Request-Id", "test-req-42").send().await.unwrap();
        let odd = client.get(&login).header("X-Request-Id", "not plain").send().await.unwrap();
        let id = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_owned();
        (id(&mine), id(&odd))
    });
    let (lines, stdout) = served.stop();
    assert_eq!(echoed, "test-req-42");
    assert_eq!(generated.len(), 16, "an id of our own instead of an odd one: {generated}");
    assert_eq!(stdout, "", "a log collector reads standard error; nothing goes beside it");
    let entries: Vec<serde_json::Value> =
        lines.iter().map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"))).collect();
    let entry = entries.iter().find(|e| e["request_id"] == "test-req-42").expect("a line for the request");
    assert_eq!(entry["level"], "INFO");
    assert!(entry["message"].as_str().unwrap().contains("\"GET /login\" 200"), "the access log: {entry}");
    assert!(entry["time"].as_str().unwrap().ends_with('Z'));
    let banner: Vec<&str> =
        entries.iter().filter(|e| e["target"] == "banner").filter_map(|e| e["message"].as_str()).collect();
    assert!(banner.iter().any(|m| m.contains("Vendor API client: demo-smartcloud")), "{banner:?}");
    assert!(!lines.iter().any(|l| l.contains("demo-smartcloud-secret")), "the secret stays out of the log");
}

/// In text mode the banner, with what a newcomer needs to try the API, goes to standard
/// error beside the log.
#[test]
fn the_text_banner_names_the_demo_logins_and_the_vendor_client() {
    let mut served = Served::start(&["--database-url", &fresh_sqlite_url()], &[]);
    served.wait_for(|l| l.starts_with("Vendor API client"));
    let (lines, stdout) = served.stop();
    assert_eq!(stdout, "");
    assert!(lines.iter().any(|l| l.starts_with("Demo login at http://127.0.0.1:")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("demo-smartcloud / demo-smartcloud-secret")), "{lines:?}");
}

/// Sends `request` as raw bytes (what no HTTP client library would send); the status line.
fn raw_request(base: &str, request: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

/// A path with quotes cannot forge the fields of its access line: they are escaped. And
/// load balancers' HEAD probes of the health checks are answered.
#[test]
fn access_lines_escape_quotes_and_health_answers_head() {
    let mut served = Served::start(&["--database-url", &fresh_sqlite_url()], &[]);
    let forged = r#"GET /x"%20200%200.1ms%20"y HTTP/1.1"#;
    assert_eq!(
        raw_request(&served.url, &format!("{forged}\r\nHost: t\r\nConnection: close\r\n\r\n")),
        "HTTP/1.1 404 Not Found"
    );
    let line = served.wait_for(|l| l.contains("access") && l.contains("/x"));
    assert!(line.contains(r#""GET /x\"%20200%200.1ms%20\"y" 404"#), "{line}");
    for path in ["/health/live", "/health/ready"] {
        let status = raw_request(&served.url, &format!("HEAD {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
        assert_eq!(status, "HTTP/1.1 200 OK", "HEAD {path}");
    }
}
