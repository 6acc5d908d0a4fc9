//! Starts the real application on port 0 against a fresh database (a new SQLite file, or
//! a new PostgreSQL database) and drives it like a browser or a vendor would. Shared by
//! the test suites, each of which uses only part of it.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::sync::OnceLock;

use actix_web::{App, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};

use diesel::{Connection, RunQueryDsl};
use reqwest::redirect::Policy;
use scraper::{Html, Selector};
use serde_json::Value;
use systemtilgang::app::config::Config;
use systemtilgang::db::{DatabaseUrl, DbConnection};
use systemtilgang::domain::requests::Expiry;
use systemtilgang::server::Application;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend for each named `async fn(TestApp)` of the module.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::common::TestApp::spawn($crate::common::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}

pub const KONSERT: &str = "17827510025";
pub const LOVE: &str = "22857030021";
pub const PINGVIN: &str = "11929030046";
pub const DRESS: &str = "03868120095";
/// SMIDIG TAPPER SKILPADDE, daglig leder of the accounting firm.
pub const SKILPADDE: &str = "12898010013";
pub const APE: &str = "310000019";
pub const TIGER: &str = "310000027";
pub const SMARTCLOUD: &str = "310000035_smartcloud";
pub const SMARTCLOUD_LONN: &str = "310000035_smartcloud_lonn";
pub const RECEIPT: &str = "https://smartcloud.example/kvittering";
pub const KRAV: &str = "ske-krav-og-betalinger";
pub const A_MELDING: &str = "a-melding";

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub backend: Backend,
    /// For API calls: no cookies, no redirects followed.
    pub http: reqwest::Client,
    /// The first node on a database made for the test drops it when the test is done;
    /// other nodes on it ([`TestApp::restart`], [`TestApp::node_with`]) leave it.
    owns_database: bool,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.owns_database {
            drop_database(&self.database_url);
        }
    }
}

/// Removes a database made for a test: a PostgreSQL database, or a SQLite file and its
/// journal.
fn drop_database(database_url: &str) {
    match DatabaseUrl::parse(database_url) {
        Ok(DatabaseUrl::Postgres(url)) => {
            let name = url.split('?').next().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
            if let Ok(mut conn) = diesel::PgConnection::establish(&admin_url()) {
                drop_postgres_database(&mut conn, &name);
            }
        }
        Ok(DatabaseUrl::Sqlite(path)) => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        Err(_) => {}
    }
}

/// A database made for a test and not touched yet (not even migrated), for the real
/// binary to set up as an operator would; dropped when the test is done.
pub struct EmptyDatabase {
    pub url: String,
}

impl EmptyDatabase {
    /// None (outside CI only) when PostgreSQL is not reachable.
    pub async fn new(backend: Backend) -> Option<EmptyDatabase> {
        let url = match backend {
            Backend::Sqlite => fresh_sqlite_url(),
            Backend::Postgres => tokio::task::spawn_blocking(fresh_postgres_database).await.unwrap()?,
        };
        Some(EmptyDatabase { url })
    }
}

impl Drop for EmptyDatabase {
    fn drop(&mut self) {
        drop_database(&self.url);
    }
}

/// The test server's maintenance database. Without TLS: the tests' servers are on this
/// machine, and a test process that exits while a pool's thread is inside libpq's TLS
/// would crash in OpenSSL's exit handlers (a thread of a node's outbox often is).
fn admin_url() -> String {
    let url =
        std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if url.contains("sslmode=") { url } else { format!("{url}?sslmode=disable") }
}

/// Creates a fresh PostgreSQL database, or None (outside CI only) when the server is down.
/// Its name carries this process's id: a test process drops its own databases when done
/// with them, and those of processes that are gone, never another live one's (so the
/// suites can run side by side, and under `cargo nextest`, a process a test).
fn fresh_postgres_database() -> Option<String> {
    static CLEANED: OnceLock<()> = OnceLock::new();
    let admin = admin_url();
    let mut conn = match diesel::PgConnection::establish(&admin) {
        Ok(conn) => conn,
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("PostgreSQL at {admin} is required in CI: {e}")
        }
        Err(e) => {
            skipped("PostgreSQL", &format!("PostgreSQL at {admin} is not reachable ({e}); set TEST_POSTGRES_URL"));
            return None;
        }
    };
    CLEANED.get_or_init(|| {
        #[derive(diesel::QueryableByName)]
        struct Name {
            #[diesel(sql_type = diesel::sql_types::Text)]
            datname: String,
        }
        let old: Vec<Name> = diesel::sql_query("SELECT datname FROM pg_database WHERE datname LIKE 'st_test_%'")
            .load(&mut conn)
            .unwrap();
        for db in old {
            let owner = db.datname.trim_start_matches("st_test_").split('_').next().unwrap_or_default().to_owned();
            let alive = owner.parse::<u32>().is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
            if !alive {
                drop_postgres_database(&mut conn, &db.datname);
            }
        }
    });
    let name = format!("st_test_{}_{}", std::process::id(), uuid::Uuid::new_v4().simple());
    diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).unwrap();
    let (base, query) = admin.split_once('?').map_or((admin.as_str(), ""), |(b, q)| (b, q));
    let base = base.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or_else(|| base.to_owned());
    Some(if query.is_empty() { format!("{base}/{name}") } else { format!("{base}/{name}?{query}") })
}

fn drop_postgres_database(conn: &mut diesel::PgConnection, name: &str) {
    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(conn);
}

/// Notes a test that could not run here for want of `what` (outside CI only: in CI it
/// fails instead), for the summary `cargo test` prints at its end (`tests/not_run.rs`).
pub fn skipped(what: &str, why: &str) {
    eprintln!("SKIPPED: {why}");
    let dir = not_run_dir();
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join(format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()));
    let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
    let _ = std::fs::write(file, format!("{what}\t{why}\n"));
}

/// Where skipped tests are noted for this run: one folder per `cargo test` (the parent
/// of every test process), read and emptied by the summary at the end.
pub fn not_run_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("systemtilgang-not-run-{}", std::os::unix::process::parent_id()))
}

pub fn test_config(database_url: &str) -> Config {
    Config {
        bind: "127.0.0.1:0".into(),
        database_url: DatabaseUrl::parse(database_url).unwrap(),
        public_url: None,
        request_expiry: Expiry(chrono::Duration::days(180)),
        page_size: 3,
        pool_size: 4,
        workers: Some(2),
        trusted_issuer: None,
        mode: systemtilgang::app::config::Mode::Demo,
        cookie_key: None,
        oidc: None,
        sessions: systemtilgang::auth::sessions::SessionLimits::default(),
        proxies: systemtilgang::auth::proxy::Proxies::None,
        logout_after_vendor_decision: false,
        log_format: systemtilgang::ops::logging::LogFormat::Text,
        outbox: systemtilgang::outbox::Settings {
            retries: systemtilgang::domain::webhooks::Retries {
                first: chrono::Duration::milliseconds(200),
                ..Default::default()
            },
            poll: std::time::Duration::from_millis(100),
            timeout: std::time::Duration::from_secs(5),
            lease: chrono::Duration::seconds(10),
            loopback_allowed: true,
            ..Default::default()
        },
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts the app with settings changed by `adjust`.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let database_url = match backend {
            Backend::Sqlite => fresh_sqlite_url(),
            Backend::Postgres => tokio::task::spawn_blocking(fresh_postgres_database).await.unwrap()?,
        };
        let mut config = test_config(&database_url);
        adjust(&mut config);
        let mut app = Self::start(config, backend).await;
        app.owns_database = true;
        Some(app)
    }

    /// Starts another node on the same database and public URL (a restart, or a second
    /// node behind the same load balancer).
    pub async fn restart(&self) -> TestApp {
        let mut config = test_config(&self.database_url);
        config.public_url = Some(self.address.clone());
        Self::start(config, self.backend).await
    }

    /// Starts another node on the same database, on its own address, with settings
    /// changed by `adjust`.
    pub async fn node_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = test_config(&self.database_url);
        adjust(&mut config);
        Self::start(config, self.backend).await
    }

    async fn start(config: Config, backend: Backend) -> TestApp {
        let database_url = match &config.database_url {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
            DatabaseUrl::Postgres(url) => url.clone(),
        };
        let app = Application::build(config).await.expect("the application starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        TestApp { address, database_url, backend, http, owns_database: false }
    }

    /// A direct connection to the app's database, for setting up what no page offers.
    pub fn db(&self) -> DbConnection {
        let url = DatabaseUrl::parse(&self.database_url).unwrap();
        match url {
            DatabaseUrl::Sqlite(path) => DbConnection::Sqlite(diesel::SqliteConnection::establish(&path).unwrap()),
            DatabaseUrl::Postgres(url) => DbConnection::Postgresql(diesel::PgConnection::establish(&url).unwrap()),
        }
    }

    /// Gives a person one more role (setup for cases the demo cast lacks).
    pub fn grant_role(&self, pid: &str, org_no: &str, role: &str) {
        let mut conn = self.db();
        systemtilgang::db::parties::insert_role(
            &mut conn,
            &systemtilgang::db::parties::NewPartyRole { pid, org_no, role_code: role },
        )
        .unwrap();
    }

    /// Every (organisation, role code) the person holds, from the database.
    pub fn db_roles(&self, pid: &str) -> Vec<(String, String)> {
        let held = systemtilgang::db::parties::roles_of(&mut self.db(), pid).unwrap();
        held.into_iter().map(|r| (r.org_no, r.role_code)).collect()
    }

    /// The party uuid of the person (by identity number) or organisation (by number).
    pub fn db_party_uuid(&self, pid_or_org_no: &str) -> String {
        use systemtilgang::db::parties;
        let mut conn = self.db();
        match parties::person(&mut conn, pid_or_org_no).unwrap() {
            Some(person) => person.party_uuid,
            None => parties::organisation(&mut conn, pid_or_org_no).unwrap().expect("a known party").party_uuid,
        }
    }

    pub fn browser(&self) -> Browser {
        Browser {
            base: self.address.clone(),
            client: reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap(),
        }
    }

    /// A browser already logged in as the person.
    pub async fn logged_in(&self, pid: &str) -> Browser {
        let browser = self.browser();
        browser.login(pid).await;
        browser
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Registers another API client for the organisation; its secret is `<client_id>-secret`.
    pub fn add_vendor_client(&self, client_id: &str, org_no: &str, scopes: &str) {
        let mut conn = self.db();
        systemtilgang::db::vendor_clients::insert(
            &mut conn,
            &systemtilgang::db::vendor_clients::VendorClient::new(
                client_id,
                org_no,
                systemtilgang::support::hash_secret(&format!("{client_id}-secret")),
                &scopes.split_whitespace().collect::<Vec<_>>(),
            ),
        )
        .unwrap();
    }

    /// An access token for a client whose secret is `<client_id>-secret`.
    pub async fn token_for(&self, client_id: &str, scope: Option<&str>) -> String {
        let secret = format!("{client_id}-secret");
        let mut form = vec![("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", &secret)];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        let response = self.http.post(self.url("/token")).form(&form).send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// A vendor access token for the demo client, with all its scopes or just `scope`.
    pub async fn vendor_token(&self, scope: Option<&str>) -> String {
        self.token_for("demo-smartcloud", scope).await
    }

    pub async fn api_get(&self, token: &str, path: &str) -> (u16, Value) {
        let response = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn api_post(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let response = self.http.post(self.url(path)).bearer_auth(token).json(body).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The PDP's decision (Altinn's external endpoint): may the system user perform
    /// `action` on the service for the organisation?
    pub async fn decision(&self, token: &str, user: &str, resource: &str, action: &str, org_no: &str) -> String {
        let asked = xacml_for_system_user(user, resource, action, org_no);
        let (status, answer) = self.api_post(token, "/authorization/api/v1/authorize", &asked).await;
        assert_eq!(status, 200, "{answer}");
        answer["response"][0]["decision"].as_str().unwrap_or_else(|| panic!("{answer}")).to_owned()
    }

    /// A person's token for the client delegation API, signed by the app as
    /// `systemtilgang person-token` signs it.
    pub fn person_token(&self, pid: &str, scopes: &[&str]) -> String {
        let tokens = systemtilgang::auth::tokens::TokenService::load_or_create(&mut self.db(), &self.address).unwrap();
        tokens.issue_person(pid, "test-enduser-system", scopes).unwrap()
    }

    /// An agent request for the accounting firm approved in the portal by `approver`;
    /// returns the id of the agent system user.
    pub async fn approved_agent(&self, system: &str, packages: &[&str], approver: &str) -> String {
        let token = self.vendor_token(None).await;
        let packages: Vec<Value> = packages.iter().map(|p| serde_json::json!({"urn": p})).collect();
        let body = serde_json::json!({"systemId": system, "partyOrgNo": TIGER, "accessPackages": packages});
        let (status, request) =
            self.api_post(&token, "/authentication/api/v1/systemuser/request/vendor/agent", &body).await;
        assert_eq!(status, 201, "{request}");
        let id = request["id"].as_str().unwrap().to_owned();
        let page = format!("/accessmanagement/ui/systemuser/agentrequest?id={id}");
        let done =
            self.logged_in(approver).await.submit(&page, "/accessmanagement/ui/systemuser/request/approve").await;
        assert_eq!(done.status, 303, "{}", done.body);
        id
    }

    /// Asks the token endpoint for a system user token: a demo vendor client (secret
    /// `demo-smartcloud-secret`) acting for `org_no`. Returns the status and the body.
    pub async fn ask_system_user_token(&self, client_id: &str, org_no: &str) -> (u16, Value) {
        let details = serde_json::json!([{
            "type": "urn:altinn:systemuser",
            "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": format!("0192:{org_no}")},
        }])
        .to_string();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", "demo-smartcloud-secret"),
            ("authorization_details", details.as_str()),
        ];
        let response = self.http.post(self.url("/token")).form(&form).send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// A system user token that must be given.
    pub async fn system_user_token(&self, client_id: &str, org_no: &str) -> String {
        let (status, body) = self.ask_system_user_token(client_id, org_no).await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// Sends a standard request for the demo company and returns the response body.
    pub async fn create_request(&self, system: &str, rights: &[&str], redirect: Option<&str>) -> Value {
        let token = self.vendor_token(None).await;
        let (status, body) = self
            .api_post(
                &token,
                "/authentication/api/v1/systemuser/request/vendor",
                &request_body(system, APE, rights, redirect),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body
    }

    /// A standard request for the demo company approved in the portal by STADIG KONSERT;
    /// the id of the request and of the system user it made.
    pub async fn approved_by_konsert(&self, system: &str, rights: &[&str]) -> String {
        let request = self.create_request(system, rights, None).await;
        let id = request["id"].as_str().unwrap().to_owned();
        let page = format!("/accessmanagement/ui/systemuser/request?id={id}");
        let done = self.logged_in(KONSERT).await.submit(&page, "/accessmanagement/ui/systemuser/request/approve").await;
        assert_eq!(done.status, 303, "{}", done.body);
        id
    }

    pub async fn request_status(&self, id: &str) -> String {
        let token = self.vendor_token(None).await;
        let (status, body) =
            self.api_get(&token, &format!("/authentication/api/v1/systemuser/request/vendor/{id}")).await;
        assert_eq!(status, 200, "{body}");
        body["status"].as_str().unwrap().to_owned()
    }

    /// Half an hour passes with nobody doing anything: every session is idle (past the
    /// 30 minutes a session waits).
    pub fn leave_sessions_idle(&self) {
        use diesel::ExpressionMethods;
        use systemtilgang::db::schema::sessions;
        let idle = systemtilgang::db::now() - chrono::Duration::minutes(31);
        diesel::update(sessions::table).set(sessions::last_seen_at.eq(idle)).execute(&mut self.db()).unwrap();
    }

    /// The demo vendor asks for a change of the system user (`body` in Altinn's change
    /// shape); the change request it made, which must be new.
    pub async fn ask_change(&self, system_user_id: &str, body: &Value) -> Value {
        let token = self.vendor_token(None).await;
        let path = format!(
            "/authentication/api/v1/systemuser/changerequest/vendor?correlation-id={}&system-user-id={system_user_id}",
            uuid::Uuid::new_v4()
        );
        let (status, change) = self.api_post(&token, &path, body).await;
        assert_eq!(status, 201, "{change}");
        change
    }

    /// Ids of the live system users of a demo system, as the vendor sees them.
    pub async fn vendor_system_users(&self, system: &str) -> Vec<String> {
        let token = self.vendor_token(None).await;
        let (status, body) =
            self.api_get(&token, &format!("/authentication/api/v1/systemuser/vendor/bysystem/{system}")).await;
        assert_eq!(status, 200, "{body}");
        body["data"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_owned()).collect()
    }
}

/// The portal path of a request's confirmation link, as the vendor sends the user.
pub fn confirm_path(request: &Value) -> String {
    let url = request["confirmUrl"].as_str().unwrap();
    let path = url.split_once("127.0.0.1").unwrap().1;
    path[path.find('/').unwrap()..].to_owned()
}

pub fn request_body(system: &str, party: &str, rights: &[&str], redirect: Option<&str>) -> Value {
    let rights: Vec<Value> =
        rights.iter().map(|r| serde_json::json!({"resource": [{"id": "urn:altinn:resource", "value": r}]})).collect();
    let mut body = serde_json::json!({"systemId": system, "partyOrgNo": party, "rights": rights});
    if let Some(url) = redirect {
        body["redirectUrl"] = Value::String(url.into());
    }
    body
}

/// A cookie-keeping client that does not follow redirects, like a browser with eyes open.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
}

/// A response as a person would see it.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Browser {
    fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) }
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Page::from(self.client.post(self.url(path)).form(form).send().await.unwrap()).await
    }

    /// Follows a 303 as a browser would, to the page it names (fragment dropped).
    pub async fn follow(&self, redirect: &Page) -> Page {
        assert_eq!(redirect.status, 303, "{}", redirect.body);
        let location = redirect.location.as_deref().unwrap();
        self.get(location.split('#').next().unwrap()).await
    }

    /// Posts a form that the page refuses, as a forged or stale form would be: the answer
    /// sends the browser back to `page` at its message (so a reload never posts it again);
    /// returns the page it comes back to.
    pub async fn refused(&self, action: &str, form: &[(&str, &str)], page: &str) -> Page {
        let answer = self.post(action, form).await;
        // The vendor's link carries Altinn's DONTCHOOSEREPORTEE, which the page's forms
        // pass on; a form posted by hand here does not, nor does the way back then.
        let page = page.replace("&DONTCHOOSEREPORTEE=true", "");
        assert_eq!(answer.location.as_deref(), Some(format!("{page}#notice").as_str()), "{}", answer.body);
        self.follow(&answer).await
    }

    pub async fn login(&self, pid: &str) -> Page {
        let login = self.get("/login").await;
        let csrf = login.csrf();
        let page = self.post("/login/test", &[("pid", pid), ("csrf", &csrf)]).await;
        assert_eq!(page.status, 303, "login as {pid}: {}", page.body);
        page
    }

    /// Loads `path` and submits the form posting to `action` with its hidden fields.
    pub async fn submit(&self, path: &str, action: &str) -> Page {
        let page = self.get(path).await;
        let fields = page
            .form_fields(action)
            .unwrap_or_else(|| panic!("no form posting to {action} on {path}:\n{}", page.text()));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.post(action, &fields).await
    }
}

impl Page {
    async fn from(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let location = headers.get("location").map(|l| l.to_str().unwrap().to_owned());
        Page { status, location, headers, body: response.text().await.unwrap() }
    }

    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The page's visible text, whitespace collapsed.
    pub fn text(&self) -> String {
        let html = self.html();
        let body = Selector::parse("body").unwrap();
        let text: Vec<String> = html.select(&body).flat_map(|b| b.text()).map(str::to_owned).collect();
        text.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub fn csrf(&self) -> String {
        let html = self.html();
        let selector = Selector::parse("input[name=csrf]").unwrap();
        html.select(&selector).next().and_then(|e| e.value().attr("value")).expect("a CSRF field").to_owned()
    }

    /// The fields of the form posting to `action`, if the page has one.
    pub fn form_fields(&self, action: &str) -> Option<Vec<(String, String)>> {
        let html = self.html();
        let form = Selector::parse(&format!("form[method=post][action=\"{action}\"]")).unwrap();
        let input = Selector::parse("input").unwrap();
        let form = html.select(&form).next()?;
        Some(
            form.select(&input)
                .filter_map(|i| {
                    Some((i.value().attr("name")?.to_owned(), i.value().attr("value").unwrap_or("").to_owned()))
                })
                .collect(),
        )
    }

    pub fn has_form(&self, action: &str) -> bool {
        self.form_fields(action).is_some()
    }

    /// Texts of the elements matching a CSS selector.
    /// The attribute `name` of every element `css` selects.
    pub fn attrs(&self, css: &str, name: &str) -> Vec<String> {
        let selector = Selector::parse(css).unwrap();
        self.html().select(&selector).filter_map(|e| e.value().attr(name).map(str::to_owned)).collect()
    }

    pub fn texts(&self, css: &str) -> Vec<String> {
        let html = self.html();
        let selector = Selector::parse(css).unwrap();
        html.select(&selector)
            .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }
}

/// Serves `jwks` (an outside token issuer's keys) at `/jwks.json` on a free loopback port, as the outside issuer does.
pub fn serve_jwks(jwks: Value) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        let jwks = jwks.clone();
        App::new().route(
            "/jwks.json",
            web::get().to(move || {
                let jwks = jwks.clone();
                async move { HttpResponse::Ok().json(jwks) }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    url
}

pub fn outside_key_pair() -> (Vec<u8>, Value) {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap().as_ref().to_vec();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).unwrap();
    let point = pair.public_key().as_ref();
    let jwk = serde_json::json!({"kty": "EC", "crv": "P-256", "kid": "mp-1", "alg": "ES256",
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..65])});
    (pkcs8, jwk)
}

/// Today's date as a Norwegian page writes it ("27. november 2026"), for either offset of
/// Norway's clock from UTC (winter and summer time).
pub fn today_in_norway() -> Vec<String> {
    const MONTHS: [&str; 12] = [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ];
    use chrono::Datelike;
    [1, 2]
        .map(|hours| chrono::Utc::now() + chrono::Duration::hours(hours))
        .iter()
        .map(|d| format!("{}. {} {}", d.day(), MONTHS[d.month0() as usize], d.year()))
        .collect()
}

/// A fresh SQLite file's URL, for the real binary.
pub fn fresh_sqlite_url() -> String {
    let dir = std::env::temp_dir().join("systemtilgang-tests");
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}", dir.join(format!("{}.db", uuid::Uuid::new_v4())).display())
}

/// The real binary serving on a port it bound itself (`--bind 127.0.0.1:0`), read from
/// the banner it writes to standard error; stopped when dropped.
pub struct Served {
    /// Its base URL, `http://127.0.0.1:<port>`.
    pub url: String,
    child: std::process::Child,
    /// What it writes to standard error, line by line (the banner and the log).
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Served {
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Served {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_systemtilgang"))
            .args(["--bind", "127.0.0.1:0"])
            .args(args)
            .envs(env.iter().copied())
            .env_remove("DATABASE_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (send, lines) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        let mut served = Served { url: String::new(), child, lines, seen: Vec::new() };
        loop {
            let line = served
                .lines
                .recv_timeout(std::time::Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("the binary never said where it runs:\n{}", served.seen.join("\n")));
            let running = line.split_once("is running at ").map(|(_, rest)| rest.to_owned());
            served.seen.push(line);
            if let Some(rest) = running {
                let end = rest.find("/accessmanagement").expect("the overview's URL");
                served.url = rest[..end].to_owned();
                return served;
            }
        }
    }

    /// Waits (up to a minute) for a line of standard error that `wanted` accepts.
    pub fn wait_for(&mut self, wanted: impl Fn(&str) -> bool) -> String {
        if let Some(line) = self.seen.iter().find(|l| wanted(l)) {
            return line.clone();
        }
        loop {
            let line = self.lines.recv_timeout(std::time::Duration::from_secs(60)).expect("the line never came");
            self.seen.push(line.clone());
            if wanted(&line) {
                return line;
            }
        }
    }

    /// Stops it; every line it wrote to standard error, and what it wrote to standard output.
    pub fn stop(mut self) -> (Vec<String>, String) {
        use std::io::Read;
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut lines = std::mem::take(&mut self.seen);
        // The reading thread ends at the end of the stream, once the process is gone.
        lines.extend(self.lines.iter());
        let mut out = String::new();
        if let Some(mut stdout) = self.child.stdout.take() {
            stdout.read_to_string(&mut out).unwrap();
        }
        (lines, out)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Altinn's XACML request (JSON profile) asking whether the system user may perform
/// `action` on the service for the organisation, as a service owner sends it.
pub fn xacml_for_system_user(user: &str, resource: &str, action: &str, org_no: &str) -> Value {
    xacml(("urn:altinn:systemuser:uuid", user), resource, action, ("urn:altinn:organization:identifier-no", org_no))
}

/// An XACML request with the subject's and the party's attribute given as (id, value).
pub fn xacml(subject: (&str, &str), resource: &str, action: &str, party: (&str, &str)) -> Value {
    serde_json::json!({"Request": {
        "AccessSubject": [{"Attribute": [{"AttributeId": subject.0, "Value": subject.1}]}],
        "Action": [{"Attribute": [{"AttributeId": "urn:oasis:names:tc:xacml:1.0:action:action-id", "Value": action,
                                   "DataType": "http://www.w3.org/2001/XMLSchema#string"}]}],
        "Resource": [{"Attribute": [{"AttributeId": "urn:altinn:resource", "Value": resource},
                                    {"AttributeId": party.0, "Value": party.1}]}],
    }})
}
