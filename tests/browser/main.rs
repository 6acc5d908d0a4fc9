//! The portal in a real browser: headless Chromium driven over WebDriver goes through
//! every flow as a person would, twice. First with the keyboard alone (Tab, Enter,
//! Space, typing), checking that the focus is visible and that axe-core finds no
//! WCAG 2.1 A/AA violation on any page; then with the mouse and JavaScript switched off.
//! Login is tested both ways: the demo's test login and OpenID Connect at a real
//! provider (oidc-provider). Needs `chromium`, `chromedriver` and `npm ci` (`.ci/run`
//! installs them); outside CI a missing piece skips the suite with a note.

#[path = "../common/mod.rs"]
mod common;
#[path = "../oidc/provider.rs"]
mod provider;

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use common::{Backend, KONSERT, TIGER, TestApp};

/// chromedriver in a process group of its own, so that a failed run also ends the
/// Chromium it started.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.0.id())]).status();
        let _ = self.0.wait();
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
        Some("node_modules/axe-core (npm ci)")
    } else {
        None
    };
    match missing {
        Some(what) if std::env::var("CI").as_deref() == Ok("true") => panic!("the browser suite needs {what} in CI"),
        Some(what) => {
            common::skipped("the browser", &format!("the browser suite needs {what}"));
            None
        }
        None => Some(std::fs::read_to_string(axe).unwrap()),
    }
}

/// Starts the portal on a fresh SQLite file, logging people in at the test provider too.
/// STADIG KONSERT also gets a role in the accounting firm, so there is a party to switch to.
async fn start_app(issuer: &str) -> TestApp {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.page_size = 100;
        config.oidc = Some(provider::settings(issuer));
    })
    .await
    .expect("SQLite needs no server");
    app.grant_role(KONSERT, TIGER, "UTINN");
    app
}

/// Headless Chromium, with JavaScript on or off.
async fn browser(javascript: bool) -> (Driver, Client) {
    let port = free_port();
    let child = Command::new("/usr/bin/chromedriver")
        .process_group(0)
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
            "prefs": {
                "intl.accept_languages": "nb,no",
                "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 },
            },
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

/// The header's height on the first page audited, at desktop and at phone width.
static HEADER_HEIGHTS: [std::sync::OnceLock<f64>; 2] = [std::sync::OnceLock::new(), std::sync::OnceLock::new()];

/// Runs axe-core on the current page and fails on any WCAG 2.1 A/AA violation, at
/// desktop and at phone width, and checks that the page is set in the portal's typeface
/// and fits a 320 px screen.
async fn audit(client: &Client, axe: &str, what: &str) {
    // Set in Inter, from the portal's own files, before anything is measured.
    let inter = r#"
        const done = arguments[arguments.length - 1];
        document.fonts.ready.then(() => done([...document.fonts]
            .filter(f => f.family.replace(/"/g, '') === 'Inter' && f.status === 'loaded').length));
    "#;
    let loaded = client.execute_async(inter, vec![]).await.unwrap();
    assert!(loaded.as_u64().unwrap() >= 1, "{what} is not set in Inter: {loaded}");
    for (at, (width, height, label)) in [(1280, 900, "desktop"), (390, 844, "phone")].into_iter().enumerate() {
        client.set_window_size(width, height).await.unwrap();
        let violations = violations(client, axe).await;
        assert_eq!(violations, json!([]), "accessibility violations on {what} ({label}): {violations:#}");
        // The header is one height on every page (logged in or not, whatever the names in it).
        let header = client
            .execute("return document.querySelector('.site-header').getBoundingClientRect().height", vec![])
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        let first = HEADER_HEIGHTS[at].get_or_init(|| header);
        assert_eq!(header, *first, "the header of {what} is {header} px ({label}), elsewhere {first} px");
    }

    // Nothing may need sideways scrolling (WCAG 1.4.10 reflow): on a tablet, where the
    // header's long names meet the full demo badge, and on the narrowest phones.
    for width in [768, 320] {
        client.set_window_size(width, 640).await.unwrap();
        let overflow = client
            .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth", vec![])
            .await
            .unwrap();
        assert_eq!(overflow, json!(0), "{what} scrolls sideways at {width} px");
    }
    // The header keeps to one line there, leaving the screen to the page.
    let header = client
        .execute("return document.querySelector('.site-header').getBoundingClientRect().height", vec![])
        .await
        .unwrap();
    assert!(header.as_f64().unwrap() <= 64.0, "the header of {what} takes {header} px of a 320 px phone");
    client.set_window_size(1280, 900).await.unwrap();
}

/// With `SYSTEMTILGANG_SCREENSHOTS=<dir>`, saves the page at desktop and phone width
/// (that is how `docs/screenshots` is made).
async fn screenshots(client: &Client, name: &str) {
    let Ok(dir) = std::env::var("SYSTEMTILGANG_SCREENSHOTS") else { return };
    std::fs::create_dir_all(&dir).unwrap();
    for (width, height, label) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        client.set_window_size(width, height).await.unwrap();
        std::fs::write(format!("{dir}/{name}-{label}.png"), client.screenshot().await.unwrap()).unwrap();
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

/// How the person works the pages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    /// Tab, Enter, Space and typing, with JavaScript on and axe-core auditing each page.
    Keyboard,
    /// Clicks, with JavaScript off.
    Mouse,
}

/// The person at the browser.
struct Person<'a> {
    client: &'a Client,
    input: Input,
    base: &'a str,
    axe: &'a str,
    /// The portal, for what only time does (a session going idle).
    app: &'a TestApp,
}

/// What the focused element says: its text, label or value, whether it matches the CSS
/// selector given, and whether its focus shows.
const FOCUSED: &str = "const e = document.activeElement; const s = getComputedStyle(e);
    return {text: (e.innerText || e.value || '').trim(), label: e.getAttribute('aria-label') || '',
            matches: e.matches(arguments[0]), outline: s.outlineStyle, shadow: s.boxShadow};";

impl Person<'_> {
    async fn goto(&self, path: &str) {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) };
        self.client.goto(&url).await.unwrap();
        self.arrived(path).await;
    }

    /// Every portal page reached is audited (in the keyboard run: the markup is the same
    /// with JavaScript off); the provider's pages are not ours to audit.
    async fn arrived(&self, what: &str) {
        if self.input == Input::Keyboard && self.url().await.starts_with(self.base) {
            audit(self.client, self.axe, what).await;
        }
    }

    /// Saves screenshots of the page under `name` (keyboard run only).
    async fn shot(&self, name: &str) {
        if self.input == Input::Keyboard {
            screenshots(self.client, name).await;
        }
    }

    /// Tabs until the focused element matches `css` and satisfies `wanted`, checking that
    /// its focus shows.
    async fn tab_to(&self, what: &str, css: &str, wanted: impl Fn(&Value) -> bool) -> fantoccini::elements::Element {
        for _ in 0..200 {
            self.client.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
            let focused = self.client.execute(FOCUSED, vec![json!(css)]).await.unwrap();
            if focused["matches"] == true && wanted(&focused) {
                let visible = focused["outline"] != "none" || focused["shadow"] != "none";
                assert!(visible, "the focus on {what} is not visible: {focused}");
                return self.client.active_element().await.unwrap();
            }
        }
        let main = self.client.find(Locator::Css("main")).await.unwrap().text().await.unwrap_or_default();
        panic!("Tab never reached {what} on {}: {main}", self.url().await);
    }

    /// Activates the button or link reading `text` (or labelled so) and waits for the next page.
    async fn press(&self, text: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        match self.input {
            Input::Keyboard => {
                let element = self.tab_to(text, "a, button", |f| f["text"] == text || f["label"] == text).await;
                element.send_keys(&Key::Enter.to_string()).await.unwrap();
            }
            Input::Mouse => {
                let xpath = format!(
                    "//button[normalize-space()='{text}' or @aria-label='{text}'] | \
                     //a[normalize-space()='{text}' or @aria-label='{text}']"
                );
                let target = self.client.find(Locator::XPath(&xpath)).await;
                target.unwrap_or_else(|_| panic!("nothing to click: {text}")).click().await.unwrap();
            }
        }
        wait_for_next_page(self.client, old, text).await;
        self.arrived(&format!("the page after {text}")).await;
    }

    /// Opens the disclosure (a `<details>` of the page, not the menu) whose button starts
    /// with `text`, and audits it open.
    async fn unfold(&self, text: &str) {
        match self.input {
            Input::Keyboard => {
                let summary = self
                    .tab_to(text, "main summary", |f| f["text"].as_str().is_some_and(|t| t.starts_with(text)))
                    .await;
                summary.send_keys(&Key::Enter.to_string()).await.unwrap();
            }
            Input::Mouse => {
                let xpath = format!("//main//summary[starts-with(normalize-space(), '{text}')]");
                self.client.find(Locator::XPath(&xpath)).await.unwrap().click().await.unwrap();
            }
        }
        let open = "return [...document.querySelectorAll('main details')].some(d => d.open)";
        assert_eq!(self.client.execute(open, vec![]).await.unwrap(), json!(true), "{text} opens");
        self.arrived(&format!("{text}, unfolded")).await;
    }

    /// Opens the header's menu (party, language, logging out) and audits it open.
    async fn open_menu(&self) {
        match self.input {
            Input::Keyboard => {
                let menu = self.tab_to("the menu", "summary.menu__button", |_| true).await;
                menu.send_keys(&Key::Enter.to_string()).await.unwrap();
            }
            Input::Mouse => {
                self.client.find(Locator::Css("summary.menu__button")).await.unwrap().click().await.unwrap()
            }
        }
        let open = self.client.execute("return document.querySelector('details.menu').open", vec![]).await.unwrap();
        assert_eq!(open, json!(true), "the menu opens");
        self.arrived("the open menu").await;
    }

    /// Logs out from the header's menu.
    async fn log_out(&self) {
        self.open_menu().await;
        self.press("Logg ut").await;
    }

    /// Types into the field matching `css`.
    async fn fill(&self, css: &str, text: &str) {
        let field = match self.input {
            Input::Keyboard => self.tab_to(css, css, |_| true).await,
            Input::Mouse => {
                let field = self.client.find(Locator::Css(css)).await.unwrap();
                field.click().await.unwrap();
                field
            }
        };
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Chooses the option starting with `option` in the drop-down `css` (typing its start
    /// on the keyboard).
    async fn choose(&self, css: &str, option: &str) {
        match self.input {
            Input::Keyboard => self.tab_to(css, css, |_| true).await.send_keys(option).await.unwrap(),
            Input::Mouse => {
                let select = self.client.find(Locator::Css(css)).await.unwrap();
                select
                    .select_by(Locator::XPath(&format!("option[starts-with(normalize-space(), '{option}')]")))
                    .await
                    .unwrap();
            }
        }
    }

    /// How long the page is on a 320 px phone, whose scroll bar takes no width: measured in
    /// a window taller than the page, so that no scroll bar narrows it here either.
    async fn height_at_320(&self) -> f64 {
        self.client.set_window_size(320, 4000).await.unwrap();
        // Where the page's last part ends, the page's least height (a share of the window)
        // left out.
        let measure = "const main = document.querySelector('main'); main.style.minHeight = '0';
            const bottom = Math.max(...[...document.body.children].map(e => e.getBoundingClientRect().bottom));
            main.style.minHeight = ''; return bottom + window.scrollY;";
        let height = self.client.execute(measure, vec![]).await.unwrap();
        self.client.set_window_size(1280, 900).await.unwrap();
        height.as_f64().unwrap()
    }

    async fn heading(&self) -> String {
        self.client.find(Locator::Css("h1")).await.unwrap().text().await.unwrap()
    }

    /// The id of the element that has the focus ("" for none).
    async fn focused_id(&self) -> String {
        let id = self.client.execute("return document.activeElement.id", vec![]).await.unwrap();
        id.as_str().unwrap_or_default().to_owned()
    }

    /// The text of the element matching `css`, no-break spaces read as spaces.
    async fn text(&self, css: &str) -> String {
        self.client.find(Locator::Css(css)).await.unwrap().text().await.unwrap().replace('\u{a0}', " ")
    }

    async fn url(&self) -> String {
        self.client.current_url().await.unwrap().to_string()
    }

    async fn test_login(&self, name: &str) {
        self.goto("/login").await;
        self.press(&format!("Logg inn som {name}")).await;
    }

    /// With the script (JavaScript on): Escape closes the open menu and puts the focus on
    /// its button; tabbing out of the open menu closes it.
    async fn menu_closes_on_escape_and_when_the_focus_leaves(&self) {
        let open = || async {
            self.client.execute("return document.querySelector('details.menu').open", vec![]).await.unwrap()
        };
        self.client.active_element().await.unwrap().send_keys(&Key::Escape.to_string()).await.unwrap();
        assert_eq!(open().await, json!(false), "Escape closes the menu");
        let on_button = "return document.activeElement.matches('summary.menu__button')";
        assert_eq!(self.client.execute(on_button, vec![]).await.unwrap(), json!(true), "the focus is on its button");
        self.open_menu().await;
        let inside = "return document.querySelector('details.menu').contains(document.activeElement)";
        for _ in 0..30 {
            if self.client.execute(inside, vec![]).await.unwrap() == json!(false) {
                break;
            }
            self.client.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
        }
        assert_eq!(open().await, json!(false), "tabbing out of the menu closes it");
    }
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

fn standard_request(system: &str, rights: &[&str], redirect: Option<&str>) -> Value {
    let rights: Vec<Value> =
        rights.iter().map(|r| json!({"resource": [{"id": "urn:altinn:resource", "value": r}]})).collect();
    let mut body = json!({"systemId": system, "partyOrgNo": "310000019", "rights": rights});
    if let Some(url) = redirect {
        body["redirectUrl"] = json!(url);
    }
    body
}

/// Every flow of the portal, start to end, as one person at one browser.
async fn every_flow(me: &Person<'_>) {
    let base = me.base;
    let vendor = "/authentication/api/v1/systemuser/request/vendor";
    let receipt = format!("{base}/demo/kvittering");

    // Test login, then the overview.
    me.goto("/login").await;
    me.shot("login").await;
    me.test_login("STADIG KONSERT").await;
    assert_eq!(me.heading().await, "Systemtilganger for TILBAKEHOLDEN USYMMETRISK TIGER AS");
    // He holds roles in two organisations and acts for the first; he switches to the other.
    assert!(me.text("header").await.contains("TILBAKEHOLDEN USYMMETRISK TIGER AS"), "named in the menu button");
    me.open_menu().await;
    assert!(me.text(".menu__panel").await.contains("TILBAKEHOLDEN USYMMETRISK TIGER AS (310 000 027)"));
    me.shot("menu").await;
    me.choose("#party-switch", "TILFELDIG").await;
    me.press("Bytt").await;
    me.open_menu().await;
    assert!(me.text(".menu__panel").await.contains("TILFELDIG SUBTIL APE (310 000 019)"));
    if me.input == Input::Keyboard {
        me.menu_closes_on_escape_and_when_the_focus_leaves().await;
    }
    me.shot("overview-empty").await;

    // Create a system access by searching and choosing; then delete it. A vendor's request
    // for the same access, waiting meanwhile, is shown as covered by it, with no Approve.
    let covered =
        vendor_request(base, vendor, standard_request("310000035_smartcloud_lonn", &["a-melding"], Some(&receipt)))
            .await;
    me.press("Lag ny systemtilgang").await;
    me.shot("create").await;
    me.fill("#q", "lønn").await;
    me.press("Søk").await;
    me.press("SmartCloud Lønn").await;
    me.shot("create-confirm").await;
    me.press("Opprett systemtilgang").await;
    assert_eq!(me.heading().await, "SmartCloud Lønn");
    let details = me.url().await[base.len()..].to_owned();
    me.shot("details").await;
    // In the overview the whole row leads to the access, as Altinn's list items do.
    if me.input == Input::Mouse {
        me.goto("/accessmanagement/ui/systemuser/overview").await;
        // A click on the row's small print lands on its link.
        let hit = "const r = document.querySelector(arguments[0]).getBoundingClientRect();
            const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return e.matches('a.list__link') ? e.textContent : e.outerHTML;";
        let row = json!("section[aria-labelledby=own-heading] .list__item--link .muted");
        assert_eq!(me.client.execute(hit, vec![row]).await.unwrap(), json!("SmartCloud Lønn"));
    }
    me.goto(covered["confirmUrl"].as_str().unwrap()).await;
    assert!(me.text("[role=status]").await.contains("Virksomheten har allerede denne systemtilgangen."));
    assert!(!me.client.source().await.unwrap().contains(">Godkjenn<"), "nothing left to approve");
    me.shot("request-covered").await;
    me.press("Gå til systemtilgangen").await;
    me.press("Slett systemtilgang").await;
    // The confirmation opens where the eye is: at the top, focused, naming the access.
    assert_eq!(me.focused_id().await, "delete-confirm");
    assert_eq!(me.text("#delete-confirm-heading").await, "Slette «SmartCloud Lønn»?");
    me.shot("delete-confirmation").await;
    me.press("Ja, slett systemtilgangen").await;
    assert!(me.client.source().await.unwrap().contains("Systemtilgangen «SmartCloud Lønn» er slettet."));
    assert_eq!(me.focused_id().await, "notice", "the focus is on the message");
    // Its page, opened again, says who deleted it and when, with the menu and a reference.
    me.goto(&details).await;
    assert_eq!(me.heading().await, "Systemtilgangen er slettet");
    assert!(me.text("[role=alert]").await.contains("ble slettet av STADIG KONSERT"), "who");
    assert!(me.text("header").await.contains("Meny"), "the menu is kept");
    assert!(me.text("main .small").await.starts_with("Feilkode 404"), "{}", me.text("main .small").await);
    me.shot("access-deleted").await;

    // A vendor request approved, and one rejected, each back to the vendor.
    let approve = vendor_request(
        base,
        vendor,
        standard_request("310000035_smartcloud", &["ske-krav-og-betalinger"], Some(&receipt)),
    )
    .await;
    me.goto(approve["confirmUrl"].as_str().unwrap()).await;
    me.shot("request").await;
    me.press("Godkjenn").await;
    assert_eq!(me.url().await, receipt);
    me.shot("demo-receipt").await;
    // The session ends while a request's page is open: Godkjenn leads to the login, which
    // says why, and after it to the same page with its buttons; nothing was decided.
    let mut body = standard_request("310000035_smartcloud", &["ske-krav-og-betalinger"], Some(&receipt));
    body["externalRef"] = json!("avdeling-2");
    let waiting = vendor_request(base, vendor, body).await;
    let waiting_url = waiting["confirmUrl"].as_str().unwrap();
    me.goto(waiting_url).await;
    // A form whose token has gone stale (here made so) comes back to its page, saying
    // nothing was done, with its buttons.
    if me.input == Input::Keyboard {
        let stale = "document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'stale')";
        me.client.execute(stale, vec![]).await.unwrap();
        me.press("Godkjenn").await;
        assert!(waiting_url.ends_with(&me.url().await[base.len()..].replace("#notice", "")), "{}", me.url().await);
        assert_eq!(me.text("#notice").await, "Skjemaet var utløpt, så ingenting ble gjort. Prøv igjen.");
        assert_eq!(me.focused_id().await, "notice", "the focus is on the message");
    }
    me.app.leave_sessions_idle();
    me.press("Godkjenn").await;
    assert_eq!(me.heading().await, "Logg inn");
    assert!(
        me.text("[role=status]").await.contains("Du ble logget ut etter 30 minutter uten aktivitet."),
        "the login says why"
    );
    me.shot("login-after-idle").await;
    me.press("Logg inn som STADIG KONSERT").await;
    assert!(waiting_url.ends_with(&me.url().await[base.len()..]), "back on {waiting_url}: {}", me.url().await);
    me.press("Godkjenn").await;
    assert_eq!(me.url().await, receipt);
    // The request the hand-made access covered is open again now that it is deleted.
    me.goto(covered["confirmUrl"].as_str().unwrap()).await;
    me.press("Avvis").await;
    assert_eq!(me.url().await, receipt);

    // Missing rights: FORSIKTIG LØVE may not give A-melding, and rejects.
    // Another external reference: the rejected request above still answers for its own.
    let mut both = standard_request("310000035_smartcloud_lonn", &["ske-krav-og-betalinger", "a-melding"], None);
    both["externalRef"] = json!("lonn-hovedkontor");
    let lonn = vendor_request(base, vendor, both).await;
    me.goto("/accessmanagement/ui/systemuser/overview").await;
    me.log_out().await;
    me.test_login("FORSIKTIG LØVE").await;
    me.goto(lonn["confirmUrl"].as_str().unwrap()).await;
    assert!(me.client.source().await.unwrap().contains("Du mangler rettigheter"));
    me.shot("missing-rights").await;
    // She can send it to the one who can give the right ...
    me.press("Send forespørselen til STADIG KONSERT").await;
    assert!(me.text("[role=status]").await.contains("Forespørselen er sendt videre til STADIG KONSERT."));
    assert_eq!(me.focused_id().await, "notice", "the focus is on the message");
    // ... or reject it (here another such request), which asks first, in a disclosure that
    // needs no script.
    let mut other = standard_request("310000035_smartcloud_lonn", &["ske-krav-og-betalinger", "a-melding"], None);
    other["externalRef"] = json!("lonn-filial");
    let other = vendor_request(base, vendor, other).await;
    me.goto(other["confirmUrl"].as_str().unwrap()).await;
    me.unfold("Avvis").await;
    assert!(me.text("details#reject").await.contains("Avviser du, må leverandøren sende en ny forespørsel."));
    me.shot("reject-first").await;
    me.press("Ja, avvis").await;
    me.shot("own-receipt").await;

    // ROLIG PINGVIN may not approve, and sends a request on to the access managers.
    let mut body = standard_request("310000035_smartcloud", &["ske-krav-og-betalinger"], None);
    body["externalRef"] = json!("second");
    let forward = vendor_request(base, vendor, body).await;
    me.log_out().await;
    me.test_login("ROLIG PINGVIN").await;
    me.goto(forward["confirmUrl"].as_str().unwrap()).await;
    me.shot("request-no-access-manager").await;
    me.press("Send videre til tilgangsstyrer").await;
    assert!(
        me.client
            .source()
            .await
            .unwrap()
            .contains("Forespørselen er sendt videre til FORSIKTIG LØVE og STADIG KONSERT.")
    );
    me.shot("request-forwarded").await;

    // The guide's way on: the daglig leder gives FORSIKTIG LØVE lønnsinnsender, and she
    // approves what she could not before.
    me.log_out().await;
    me.test_login("STADIG KONSERT").await;
    me.open_menu().await;
    me.choose("#party-switch", "TILFELDIG").await;
    me.press("Bytt").await;
    me.open_menu().await;
    me.press("Brukere og roller").await;
    me.shot("users").await;
    me.fill("#find-pid", "22857030021").await;
    me.fill("#find-surname", "Løve").await;
    me.press("Finn personen").await;
    assert_eq!(me.heading().await, "FORSIKTIG LØVE");
    // Her page says what the request she sent on waits for, with the role to give there.
    assert!(me.text("#waiting").await.contains("kan ikke godkjenne forespørselen fra SmartCloud Lønn"));
    me.shot("person-waiting").await;
    me.press("Gi rollen Lønnsinnsender til FORSIKTIG LØVE").await;
    assert!(me.text("[role=status]").await.contains("Rollen Lønnsinnsender er gitt."));
    assert_eq!(me.focused_id().await, "notice", "the focus is on the message");
    me.shot("person-roles").await;
    let mut again = standard_request("310000035_smartcloud_lonn", &["ske-krav-og-betalinger", "a-melding"], None);
    again["externalRef"] = json!("lonn-avdeling");
    let again = vendor_request(base, vendor, again).await;
    me.log_out().await;
    me.test_login("FORSIKTIG LØVE").await;
    me.goto(again["confirmUrl"].as_str().unwrap()).await;
    me.press("Godkjenn").await;
    assert!(me.url().await.contains("/accessmanagement/ui/systemuser/receipt"), "approved: {}", me.url().await);
    // The vendor asks to drop Krav og betalinger: the page shows today and after the change.
    let change = vendor_request(
        base,
        "/authentication/api/v1/systemuser/changerequest/vendor",
        json!({"systemId": "310000035_smartcloud_lonn", "partyOrgNo": "310000019", "externalRef": "lonn-avdeling",
               "unwantedRights": [{"resource": [{"id": "urn:altinn:resource", "value": "ske-krav-og-betalinger"}]}]}),
    )
    .await;
    me.goto(change["confirmUrl"].as_str().unwrap_or_else(|| panic!("{change}"))).await;
    assert!(me.text("#today").await.contains("Fjernes"), "{}", me.text("#today").await);
    assert!(!me.text("#after").await.contains("Krav og betalinger"), "{}", me.text("#after").await);
    me.shot("change-request").await;
    me.press("Godkjenn endringen").await;
    assert!(me.text("main").await.contains("Endring godkjent av FORSIKTIG LØVE"), "{}", me.text("main").await);

    // The organisation's activity log, from the menu: the newest first, then one kind.
    me.open_menu().await;
    me.press("Aktivitetslogg").await;
    assert_eq!(me.heading().await, "Aktivitetslogg");
    let newest = me.text("#activity tbody tr").await;
    assert!(newest.contains("Endring av systemtilgang godkjent") && newest.contains("FORSIKTIG LØVE"), "{newest}");
    me.shot("activity-log").await;
    me.choose("#kind", "Rolletildeling opprettet").await;
    me.press("Vis").await;
    assert!(me.text("#activity tbody").await.contains("FORSIKTIG LØVE – Lønnsinnsender"));
    let height = me.height_at_320().await;
    assert!(height < 2000.0, "the activity log is longer than 2000 px at 320 px: {height} px");

    // An agent request approved, then clients added and removed.
    let agent = vendor_request(
        base,
        "/authentication/api/v1/systemuser/request/vendor/agent",
        json!({
            "systemId": "310000035_smartcloud_klient", "partyOrgNo": "310000027",
            "accessPackages": [{"urn": "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"}],
        }),
    )
    .await;
    me.log_out().await;
    me.test_login("DRESS MINST").await;
    me.goto(agent["confirmUrl"].as_str().unwrap()).await;
    me.shot("agent-request").await;
    me.press("Godkjenn").await;
    me.press("Se systemtilgangen").await;
    me.press("Administrer klienter").await;
    me.shot("clients").await;
    me.press("Legg til LYSTIG ROLIG ELG AS").await;
    assert!(me.text("[role=status]").await.contains("Klienten LYSTIG ROLIG ELG AS (310 000 043) er lagt til."));
    assert_eq!(me.focused_id().await, "notice", "back on the message, not at the top of the page");
    me.shot("clients-one-added").await;
    me.press("Kan legges til (12)").await;
    assert!(!me.text("#candidates").await.contains("LYSTIG ROLIG ELG AS"));
    me.press("Lagt til (1)").await;
    me.press("Fjern LYSTIG ROLIG ELG AS").await;
    assert!(me.text("[role=status]").await.contains("Klienten LYSTIG ROLIG ELG AS (310 000 043) er fjernet."));

    // Another language, and back.
    me.open_menu().await;
    me.press("English").await;
    assert!(me.heading().await.starts_with("Clients"));
    me.goto("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(me.heading().await, "System accesses for TILBAKEHOLDEN USYMMETRISK TIGER AS");
    me.shot("overview-in-English").await;
    me.open_menu().await;
    me.press("Bokmål").await;
    me.log_out().await;

    // The firm's daglig leder approves a system access for the group and adds the firm
    // itself to it, then takes it off again.
    let own = vendor_request(
        base,
        "/authentication/api/v1/systemuser/request/vendor/agent",
        json!({
            "systemId": "310000035_smartcloud_konsern", "partyOrgNo": "310000027",
            "accessPackages": [{"urn": "urn:altinn:accesspackage:skattegrunnlag"}],
        }),
    )
    .await;
    me.test_login("SMIDIG TAPPER SKILPADDE").await;
    me.goto(own["confirmUrl"].as_str().unwrap()).await;
    me.press("Godkjenn").await;
    // The receipt offers adding the firm itself at once.
    me.press("Legg til TILBAKEHOLDEN USYMMETRISK TIGER AS").await;
    assert!(me.text("[role=status]").await.contains("TILBAKEHOLDEN USYMMETRISK TIGER AS (310 000 027) er lagt til."));
    me.shot("clients-own-firm").await;
    me.press("Fjern din virksomhet").await;
    assert!(me.text("[role=status]").await.contains("er fjernet. Klientene er ikke endret."));
    me.log_out().await;

    // A firm with sixty clients: one list that fits a phone, all of them added at once
    // after a confirmation, and one line of history for it.
    let firm = systemtilgang::seed::firm::generate_firm(&mut me.app.db(), 60).unwrap().unwrap();
    me.goto("/login").await;
    me.fill("#login-pid", &firm.pid).await;
    me.press("Logg inn").await;
    let details = format!("/accessmanagement/ui/systemuser/{}", firm.system_user_id);
    me.goto(&format!("{details}/agentdelegation")).await;
    assert_eq!(me.text("#filters").await, "Alle (60)\nLagt til (0)\nKan legges til (60)\nKan ikke legges til (0)");
    let height = me.height_at_320().await;
    assert!(height < 2000.0, "the client page is longer than 2000 px at 320 px: {height} px");
    me.shot("clients-big-firm").await;
    me.press("Legg til alle 60 klienter").await;
    assert_eq!(me.heading().await, "Legg til alle 60 klienter?");
    me.press("Ja, legg til alle 60").await;
    assert!(me.text("[role=status]").await.contains("60 klienter er lagt til."));
    assert_eq!(me.text("#done").await, "Alle klientene er lagt til.");
    assert!(me.client.find(Locator::Css(".button--secondary[href*=addall]")).await.is_err(), "nothing left to add");
    let height = me.height_at_320().await;
    assert!(height < 2000.0, "the client page is longer than 2000 px at 320 px, all added: {height} px");
    me.shot("clients-big-firm-all-added").await;
    me.goto(&details).await;
    assert!(me.text(".history__batch summary").await.starts_with("60 klienter lagt til av TRAVEL KLIENTSJEF"));
    let height = me.height_at_320().await;
    assert!(height < 2000.0, "the access with sixty clients is longer than 2000 px at 320 px: {height} px");
    me.unfold("60 klienter lagt til av TRAVEL KLIENTSJEF").await;
    assert!(me.text(".history__batch").await.contains("… og 10 til."));
    me.log_out().await;

    // OpenID Connect: the provider's login and consent, back to the portal.
    me.press("Logg inn med Testporten").await;
    me.fill("input[name=login]", "17827510025").await;
    me.fill("input[name=password]", "any").await;
    me.press("Sign-in").await;
    me.press("Continue").await;
    assert!(me.heading().await.starts_with("Systemtilganger for "));
    assert!(me.text("header").await.contains("STADIG KONSERT"));
    // Logging out ends the provider's session too.
    me.log_out().await;
    me.press("Yes, sign me out").await;
    assert_eq!(me.heading().await, "Logg inn");
    // Cancelling at the provider is explained, and announced.
    me.press("Logg inn med Testporten").await;
    me.press("[ Cancel ]").await;
    assert!(me.text("[role=alert]").await.contains("Du avbrøt innloggingen"));
    me.shot("login-cancelled").await;
    me.press("Logg inn på nytt").await;
    assert_eq!(me.heading().await, "Logg inn");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_flow_by_keyboard_passes_axe_and_works_without_javascript() {
    let Some(axe) = prerequisites() else { return };
    let Some(issuer) = provider::issuer() else { return };

    let (_driver, client) = browser(true).await;
    // The audit itself finds a plain violation (an image without a text alternative).
    client.goto("data:text/html,<html lang=en><title>t</title><main><img src=x.png></main></html>").await.unwrap();
    let found = violations(&client, &axe).await;
    assert!(found.as_array().unwrap().iter().any(|v| v["id"] == "image-alt"), "{found:#}");
    let app = start_app(issuer).await;
    every_flow(&Person { client: &client, input: Input::Keyboard, base: &app.address, axe: &axe, app: &app }).await;
    client.close().await.unwrap();

    let (_driver, client) = browser(false).await;
    // JavaScript is really off: the page's script does not run.
    client.goto("data:text/html,<title>off</title><script>document.title='on'</script>").await.unwrap();
    assert_eq!(client.title().await.unwrap(), "off");
    let app = start_app(issuer).await;
    every_flow(&Person { client: &client, input: Input::Mouse, base: &app.address, axe: &axe, app: &app }).await;
    client.close().await.unwrap();
}

/// Waits until `old` (the previous page's root) is gone and the new page has loaded.
async fn wait_for_next_page(client: &Client, old: fantoccini::elements::Element, what: &str) {
    for _ in 0..200 {
        if old.text().await.is_err() {
            let ready = client.execute("return document.readyState", vec![]).await.unwrap();
            if ready == "complete" {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no new page after {what}");
}
