//! The portal in a real browser: headless Chromium driven over WebDriver clicks through
//! the flows as a person would, and axe-core checks every page it visits against
//! WCAG 2.1 A and AA. Needs `chromium`, `chromedriver` and `node_modules/axe-core`
//! (`.ci/run` installs them); outside CI a missing piece skips the suite with a note.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use systemtilgang::config::{Config, Mode};
use systemtilgang::db::DatabaseUrl;
use systemtilgang::domain::requests::Expiry;
use systemtilgang::startup::Application;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Everything the suite needs, or None (outside CI) when something is missing.
fn prerequisites() -> Option<String> {
    let axe = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    let missing = if !std::path::Path::new("/usr/bin/chromedriver").exists() {
        Some("chromedriver (Debian package chromium-driver)")
    } else if !axe.exists() {
        Some("node_modules/axe-core (npm install axe-core)")
    } else {
        None
    };
    match missing {
        Some(what) if std::env::var("CI").as_deref() == Ok("true") => panic!("the browser suite needs {what} in CI"),
        Some(what) => {
            eprintln!("SKIPPED: the browser suite needs {what}");
            None
        }
        None => Some(std::fs::read_to_string(axe).unwrap()),
    }
}

async fn start_app() -> String {
    let dir = std::env::temp_dir().join("systemtilgang-browser");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("{}.db", uuid::Uuid::new_v4()));
    let config = Config {
        bind: "127.0.0.1:0".into(),
        database_url: DatabaseUrl::parse(db.to_str().unwrap()).unwrap(),
        public_url: None,
        request_expiry: Expiry(chrono::Duration::days(180)),
        page_size: 100,
        pool_size: 4,
        workers: Some(2),
        trusted_issuer: None,
        mode: Mode::Demo,
        cookie_key: None,
        oidc: None,
    };
    let app = Application::build(config).await.unwrap();
    let url = app.public_url().to_owned();
    tokio::spawn(app.run_until_stopped());
    url
}

async fn browser() -> (Driver, Client) {
    let port = free_port();
    let child = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--no-first-run",
                     "--disable-sync", "--window-size=1280,900", "--lang=nb"],
            // A Norwegian user's browser: the portal answers in bokmål.
            "prefs": {"intl.accept_languages": "nb,no"},
        }),
    );
    for _ in 0..50 {
        if let Ok(client) =
            ClientBuilder::native().capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")).await
        {
            return (driver, client);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not answer");
}

/// Runs axe-core on the current page and fails on any WCAG 2.1 A/AA violation, at
/// desktop and at phone width. With `SYSTEMTILGANG_SCREENSHOTS=<dir>` it also saves the
/// page at both widths (that is how `docs/screenshots` is made).
async fn audit(client: &Client, axe: &str, what: &str) {
    let shots = std::env::var("SYSTEMTILGANG_SCREENSHOTS").ok();
    let name: String = what.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    for (width, height, label) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await.unwrap();
        let violations = violations(client, axe).await;
        assert_eq!(violations, json!([]), "accessibility violations on {what} ({label}): {violations:#}");
        if let Some(dir) = &shots {
            std::fs::create_dir_all(dir).unwrap();
            let png = client.screenshot().await.unwrap();
            std::fs::write(format!("{dir}/{name}-{label}.png"), png).unwrap();
        }
    }
    client.set_window_size(1280, 900).await.unwrap();
}

/// axe-core's WCAG 2.1 A/AA violations on the current page.
async fn violations(client: &Client, axe: &str) -> Value {
    client.execute(axe, vec![]).await.unwrap();
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
            .then(r => done(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html)}))));
    "#;
    client.execute_async(script, vec![]).await.unwrap()
}

/// Clicks and waits for the next page: every button and link here loads a new page.
async fn click(client: &Client, locator: Locator<'_>, what: &str) {
    let old = client.find(Locator::Css("html")).await.unwrap();
    client.find(locator).await.unwrap_or_else(|_| panic!("nothing to click: {what}")).click().await.unwrap();
    wait_for_next_page(client, old, what).await;
}

/// Keyboard only: Tab until the button or link reading `text` has focus, check that the
/// focus is visible, press Enter and wait for the next page.
async fn press_with_keyboard(client: &Client, text: &str) {
    let old = client.find(Locator::Css("html")).await.unwrap();
    for _ in 0..60 {
        client.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
        let focused = client.active_element().await.unwrap();
        if focused.text().await.unwrap_or_default().trim() == text {
            let outline = client
                .execute("const s = getComputedStyle(document.activeElement); return s.outlineStyle;", vec![])
                .await
                .unwrap();
            assert_ne!(outline, "none", "the focus on {text} is not visible");
            focused.send_keys(&Key::Enter.to_string()).await.unwrap();
            wait_for_next_page(client, old, text).await;
            return;
        }
    }
    panic!("Tab never reached {text}");
}

async fn wait_for_next_page(client: &Client, old: fantoccini::elements::Element, what: &str) {
    for _ in 0..100 {
        if old.text().await.is_err() {
            let ready = client.execute("return document.readyState", vec![]).await.unwrap();
            if ready == "complete" {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no new page after clicking {what}");
}

async fn click_button(client: &Client, text: &str) {
    let xpath = format!("//button[normalize-space()='{text}'] | //a[normalize-space()='{text}']");
    click(client, Locator::XPath(&xpath), text).await;
}

async fn login(client: &Client, base: &str, name: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    click_button(client, &format!("Logg inn som {name}")).await;
}

async fn heading(client: &Client) -> String {
    client.find(Locator::Css("h1")).await.unwrap().text().await.unwrap()
}

async fn vendor_request(base: &str, path: &str, body: Value) -> Value {
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-smartcloud"),
            ("client_secret", "demo-smartcloud-secret"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    http.post(format!("{base}{path}"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_flow_works_in_a_browser_and_passes_axe() {
    let Some(axe) = prerequisites() else { return };
    let base = start_app().await;
    let (_driver, client) = browser().await;

    // The audit itself finds a plain violation (an image without a text alternative).
    client.goto("data:text/html,<html lang=en><title>t</title><main><img src=x.png></main></html>").await.unwrap();
    let found = violations(&client, &axe).await;
    assert!(found.as_array().unwrap().iter().any(|v| v["id"] == "image-alt"), "{found:#}");

    // Log in and look at the overview.
    client.goto(&format!("{base}/login")).await.unwrap();
    audit(&client, &axe, "login").await;
    login(&client, &base, "STADIG KONSERT").await;
    assert_eq!(heading(&client).await, "Systemtilganger");
    audit(&client, &axe, "overview, empty").await;

    // Create a system access by searching and choosing.
    click_button(&client, "Lag ny systemtilgang").await;
    audit(&client, &axe, "create").await;
    client.find(Locator::Id("q")).await.unwrap().send_keys("lønn").await.unwrap();
    click_button(&client, "Søk").await;
    click(&client, Locator::LinkText("SmartCloud Lønn"), "SmartCloud Lønn").await;
    audit(&client, &axe, "create confirm").await;
    click_button(&client, "Opprett systemtilgang").await;
    assert_eq!(heading(&client).await, "SmartCloud Lønn");
    audit(&client, &axe, "details").await;

    // Delete it again, with the confirmation step.
    click_button(&client, "Slett systemtilgang").await;
    audit(&client, &axe, "delete confirmation").await;
    click_button(&client, "Ja, slett systemtilgangen").await;
    assert!(client.source().await.unwrap().contains("Systemtilgangen er slettet."));

    // A vendor request approved, then the vendor's receipt.
    let receipt = format!("{base}/demo/kvittering");
    let request = vendor_request(
        &base,
        "/authentication/api/v1/systemuser/request/vendor",
        json!({
            "systemId": "310000035_smartcloud", "partyOrgNo": "310000019", "redirectUrl": receipt,
            "rights": [{"resource": [{"id": "urn:altinn:resource", "value": "ske-krav-og-betalinger"}]}],
        }),
    )
    .await;
    client.goto(request["confirmUrl"].as_str().unwrap()).await.unwrap();
    audit(&client, &axe, "request").await;
    click_button(&client, "Godkjenn").await;
    assert_eq!(client.current_url().await.unwrap().as_str(), receipt);
    audit(&client, &axe, "demo receipt").await;

    // The missing-rights case, as FORSIKTIG LØVE.
    let lonn = vendor_request(
        &base,
        "/authentication/api/v1/systemuser/request/vendor",
        json!({
            "systemId": "310000035_smartcloud_lonn", "partyOrgNo": "310000019",
            "rights": [{"resource": [{"id": "urn:altinn:resource", "value": "ske-krav-og-betalinger"}]},
                       {"resource": [{"id": "urn:altinn:resource", "value": "a-melding"}]}],
        }),
    )
    .await;
    client.goto(&format!("{base}/accessmanagement/ui/systemuser/overview")).await.unwrap();
    click_button(&client, "Logg ut").await;
    login(&client, &base, "FORSIKTIG LØVE").await;
    client.goto(lonn["confirmUrl"].as_str().unwrap()).await.unwrap();
    assert!(client.source().await.unwrap().contains("Du mangler rettigheter"));
    audit(&client, &axe, "missing rights").await;
    click_button(&client, "Avvis").await;
    audit(&client, &axe, "own receipt").await;

    // An agent request, then clients added and removed.
    let agent = vendor_request(
        &base,
        "/authentication/api/v1/systemuser/request/vendor/agent",
        json!({
            "systemId": "310000035_smartcloud_klient", "partyOrgNo": "310000027",
            "accessPackages": [{"urn": "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"}],
        }),
    )
    .await;
    click_button(&client, "Logg ut").await;
    login(&client, &base, "DRESS MINST").await;
    client.goto(agent["confirmUrl"].as_str().unwrap()).await.unwrap();
    audit(&client, &axe, "agent request").await;
    click_button(&client, "Godkjenn").await;
    click_button(&client, "Se systemtilgangen").await;
    click_button(&client, "Administrer klienter").await;
    audit(&client, &axe, "clients").await;
    click(&client, Locator::Css("button[aria-label='Legg til LYSTIG ROLIG ELG AS']"), "add client").await;
    assert!(client.source().await.unwrap().contains("Klienten 310000043 er lagt til."));
    audit(&client, &axe, "clients, one added").await;
    click(&client, Locator::Css("#attached button"), "remove client").await;
    assert!(client.source().await.unwrap().contains("Klienten 310000043 er fjernet."));

    // Another language.
    click_button(&client, "English").await;
    assert!(heading(&client).await.starts_with("Clients"));
    client.goto(&format!("{base}/accessmanagement/ui/systemuser/overview")).await.unwrap();
    assert_eq!(heading(&client).await, "System access");
    audit(&client, &axe, "overview in English").await;

    // Keyboard only: log in and approve a request with Tab and Enter.
    click_button(&client, "Bokmål").await;
    click_button(&client, "Logg ut").await;
    client.goto(&format!("{base}/login")).await.unwrap();
    press_with_keyboard(&client, "Logg inn som STADIG KONSERT").await;
    assert_eq!(heading(&client).await, "Systemtilganger");
    let request = vendor_request(
        &base,
        "/authentication/api/v1/systemuser/request/vendor",
        json!({
            "systemId": "310000035_smartcloud_lonn", "partyOrgNo": "310000019", "redirectUrl": receipt,
            "rights": [{"resource": [{"id": "urn:altinn:resource", "value": "a-melding"}]}],
        }),
    )
    .await;
    client.goto(request["confirmUrl"].as_str().unwrap()).await.unwrap();
    press_with_keyboard(&client, "Godkjenn").await;
    assert_eq!(client.current_url().await.unwrap().as_str(), receipt);

    client.close().await.unwrap();
}
