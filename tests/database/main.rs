//! The database as both backends have it: the migrated schema is the one the code
//! describes (`schema`), and no query a page or an endpoint runs reads through a table that grows with the
//! country (organisations, persons, roles, requests, system users, clients, sessions):
//! the real app answers the hot pages and endpoints on each backend while every
//! statement is recorded, and then each statement's plan is asked for. SQLite without
//! statistics plans as for big tables and shows every walk through a whole table or
//! index; PostgreSQL is asked for its generic plan with sequential scans priced out, so
//! one shows only where no index can serve.

#[path = "../common/mod.rs"]
mod common;
mod feed_order;
mod outbox;
mod schema;

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use serde_json::{Value, json};
use systemtilgang::db::DbConnection;

use common::*;

/// Tables whose rows grow with the number of organisations, persons, requests or
/// system users. The system register, resources and packages stay small.
const GROWING: &[&str] = &[
    "organisations",
    "persons",
    "party_roles",
    "system_user_requests",
    "request_rights",
    "request_access_packages",
    "request_escalations",
    "system_users",
    "system_user_rights",
    "system_user_access_packages",
    "change_requests",
    "change_request_items",
    "client_relations",
    "client_delegations",
    "audit_events",
    "used_assertions",
    "sessions",
    "vendor_events",
    "webhook_deliveries",
];

static RECORDING: AtomicBool = AtomicBool::new(false);
static STATEMENTS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
/// The database whose statements are recorded: other tests of this process use others.
static RECORDED_DATABASE: Mutex<String> = Mutex::new(String::new());

/// Keeps the text of every statement run on the recorded database while recording
/// (without its bound values). One recorder a connection, knowing its database.
#[derive(Default)]
struct Recorder {
    database: String,
}

impl Instrumentation for Recorder {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartEstablishConnection { url, .. } = event {
            self.database = url.to_owned();
        }
        if let InstrumentationEvent::StartQuery { query, .. } = event
            && RECORDING.load(Ordering::SeqCst)
            && self.database.contains(RECORDED_DATABASE.lock().unwrap().as_str())
        {
            let text = query.to_string();
            let sql = text.split(" -- binds: ").next().unwrap_or_default().trim().to_owned();
            STATEMENTS.lock().unwrap().insert(sql);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_hot_query_scans_a_growing_table() {
    diesel::connection::set_default_instrumentation(|| Some(Box::<Recorder>::default())).unwrap();
    // One backend after the other: the recorder is shared by every connection.
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let person_token = app.person_token(DRESS, &["altinn:clientdelegations.read"]);
        let name =
            app.database_url.split('?').next().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
        *RECORDED_DATABASE.lock().unwrap() = name;
        STATEMENTS.lock().unwrap().clear();
        RECORDING.store(true, Ordering::SeqCst);
        drive_hot_paths(&app, &person_token).await;
        RECORDING.store(false, Ordering::SeqCst);
        let statements = std::mem::take(&mut *STATEMENTS.lock().unwrap());
        assert!(statements.len() > 40, "too few statements recorded: {statements:#?}");
        let found: Vec<String> = tokio::task::spawn_blocking(move || {
            let mut conn = app.db();
            statements.iter().filter_map(|sql| full_scan(&mut conn, sql)).collect()
        })
        .await
        .unwrap();
        assert!(found.is_empty(), "{backend:?}: queries reading through a growing table:\n\n{}", found.join("\n\n"));
    }
}

/// What people and vendors do most: log in, look at the overview, a request, an access
/// and its clients; vendors ask for tokens, send and read requests; services ask for
/// decisions.
async fn drive_hot_paths(app: &TestApp, person_token: &str) {
    let vendor = app.vendor_token(None).await;
    let request = app.create_request(SMARTCLOUD_LONN, &[KRAV], Some(RECEIPT)).await;
    let id = request["id"].as_str().unwrap();
    for path in [
        format!("/authentication/api/v1/systemuser/request/vendor/{id}"),
        format!("/authentication/api/v1/systemuser/request/vendor/byexternalref/{SMARTCLOUD_LONN}/{APE}/{APE}"),
        format!("/authentication/api/v1/systemuser/request/vendor/bysystem/{SMARTCLOUD_LONN}"),
    ] {
        assert_eq!(app.api_get(&vendor, &path).await.0, 200, "{path}");
    }

    let feed = "/authentication/api/v1/systemuser/vendor/events?token=0";
    assert_eq!(app.api_get(&vendor, feed).await.0, 200);

    let login = app.browser().get("/login").await;
    assert_eq!(login.status, 200);
    let konsert = app.logged_in(KONSERT).await;
    let overview = konsert.get("/accessmanagement/ui/systemuser/overview").await;
    assert_eq!(overview.status, 200);
    let page = format!("/accessmanagement/ui/systemuser/request?id={id}");
    let approved = konsert.submit(&page, "/accessmanagement/ui/systemuser/request/approve").await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    assert_eq!(konsert.get(&format!("/accessmanagement/ui/systemuser/{id}")).await.status, 200);
    assert_eq!(konsert.get("/accessmanagement/ui/systemuser/create").await.status, 200);
    assert_eq!(konsert.get("/accessmanagement/ui/party").await.status, 200);
    for log in ["", "?kind=request.approve", "?person=person%3A17827510025&from=2026-01-01&to=2099-01-01"] {
        assert_eq!(konsert.get(&format!("/accessmanagement/ui/activitylog{log}")).await.status, 200, "{log}");
    }
    // The party's people: the list, finding a person, their roles, giving one.
    let people = konsert.get("/accessmanagement/ui/users").await;
    assert_eq!(people.status, 200);
    let found = konsert
        .post("/accessmanagement/ui/users/find", &[("csrf", &people.csrf()), ("pid", PINGVIN), ("surname", "Pingvin")])
        .await;
    let person = found.location.expect("found");
    assert_eq!(konsert.get(&person).await.status, 200);
    let form = [("csrf", people.csrf()), ("role", "LONNSINNSENDER".into()), ("party", APE.into())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let given = konsert.post(&format!("{person}/give"), &form).await;
    assert_eq!(given.status, 303);

    let users = format!("/authentication/api/v1/systemuser/vendor/bysystem/{SMARTCLOUD_LONN}");
    assert_eq!(app.api_get(&vendor, &users).await.0, 200);
    let byquery = format!("/authentication/api/v1/systemuser/vendor/byquery?system-id={SMARTCLOUD_LONN}&orgno={APE}");
    assert_eq!(app.api_get(&vendor, &byquery).await.0, 200);
    let change = json!({"systemId": SMARTCLOUD_LONN, "partyOrgNo": APE,
        "requiredRights": [{"resource": [{"id": "urn:altinn:resource", "value": A_MELDING}]}]});
    let (status, change) =
        app.api_post(&vendor, "/authentication/api/v1/systemuser/changerequest/vendor", &change).await;
    assert_eq!(status, 201, "{change}");
    let change_id = change["id"].as_str().unwrap();
    let change_path = format!("/authentication/api/v1/systemuser/changerequest/vendor/{change_id}");
    assert_eq!(app.api_get(&vendor, &change_path).await.0, 200);
    let change_page = konsert.get(&format!("/accessmanagement/ui/systemuser/changerequest?id={change_id}")).await;
    assert_eq!(change_page.status, 200);

    let system_user_token = app.system_user_token("demo-smartcloud-lonn", APE).await;
    let service = app.token_for("demo-skatteetaten", None).await;
    assert_eq!(app.decision(&service, id, KRAV, "read", APE).await, "Permit");
    // Persons, by identity number and by party uuid, for an organisation by party uuid.
    let ape = app.db_party_uuid(APE);
    for subject in
        [("urn:altinn:person:identifier-no", KONSERT), ("urn:altinn:party:uuid", &app.db_party_uuid(KONSERT))]
    {
        let asked = xacml(subject, KRAV, "read", ("urn:altinn:party:uuid", &ape));
        let (status, answer) = app.api_post(&service, "/authorization/api/v1/authorize", &asked).await;
        assert_eq!((status, &answer["response"][0]["decision"]), (200, &json!("Permit")), "{answer}");
    }
    let parties = app.api_get(&system_user_token, "/accessmanagement/api/v1/enduser/authorizedparties").await;
    assert_eq!(parties.0, 200);

    // An accounting firm's agent access, its client page and the client API.
    let agent = app.approved_agent(SMARTCLOUD_KLIENT, &[REGNSKAP_PACKAGE], DRESS).await;
    let dress = app.logged_in(DRESS).await;
    let clients = format!("/accessmanagement/ui/systemuser/{agent}/agentdelegation");
    let page = dress.get(&clients).await;
    assert_eq!(page.status, 200);
    assert_eq!(dress.get(&format!("{clients}?q=lystig")).await.status, 200);
    let added = dress.post(&format!("{clients}/add"), &[("csrf", &page.csrf()), ("client", "310000043")]).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let vendor_clients = format!("/authentication/api/v1/systemuser/vendor/agent/{agent}/clients");
    assert_eq!(app.api_get(&vendor, &vendor_clients).await.0, 200);
    for path in [
        format!("/authentication/api/v1/enduser/systemuser/agents?party={TIGER}"),
        format!("/authentication/api/v1/enduser/systemuser/clients?agent={agent}"),
        format!("/authentication/api/v1/enduser/systemuser/clients/available?agent={agent}"),
    ] {
        let (status, body) = app.api_get(person_token, &path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }

    // The register, one record at a time: a client whose relation ends, taken off.
    app.add_vendor_client("operator", "310000035", "systemtilgang:register.import");
    let operator = app.token_for("operator", None).await;
    let record = json!({"type": "organisation", "orgNo": "310000043", "name": "LYSTIG ROLIG ELG AS", "orgForm": "AS",
        "personRoles": [{"role": "DAGL", "pid": PINGVIN}], "organisationRoles": []});
    let (status, body) = app.api_post(&operator, "/systemtilgang/api/v1/register/records", &record).await;
    assert_eq!((status, body["clientsDetached"].as_u64()), (200, Some(1)), "{body}");
}

const SMARTCLOUD_KLIENT: &str = "310000035_smartcloud_klient";
const REGNSKAP_PACKAGE: &str = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";

/// The statement and its plan when the plan reads a growing table from end to end.
fn full_scan(conn: &mut DbConnection, sql: &str) -> Option<String> {
    let verb = sql.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
    if !["SELECT", "UPDATE", "DELETE", "INSERT", "WITH"].contains(&verb.as_str()) || sql == "SELECT 1" {
        return None;
    }
    let scans = match conn {
        DbConnection::Sqlite(c) => sqlite_scans(c, sql),
        DbConnection::Postgresql(c) => postgres_scans(c, sql),
    };
    (!scans.is_empty()).then(|| format!("{sql}\n  -> {}", scans.join("; ")))
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// `SCAN t` (with or without an index) reads all of `t`; `SEARCH t` uses a key.
fn sqlite_scans(conn: &mut diesel::SqliteConnection, sql: &str) -> Vec<String> {
    let plan: Vec<PlanLine> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
        .load(conn)
        .unwrap_or_else(|e| panic!("EXPLAIN QUERY PLAN {sql}: {e}"));
    plan.into_iter()
        .map(|line| line.detail)
        .filter(|detail| {
            let table = detail.strip_prefix("SCAN ").and_then(|rest| rest.split_whitespace().next());
            table.is_some_and(|t| GROWING.contains(&t))
        })
        .collect()
}

#[derive(QueryableByName)]
struct JsonPlan {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    plan: String,
}

/// Sequential scans of growing tables in the generic plan. With them priced out, one is
/// left only where no index at all can serve. (On tables this small PostgreSQL walks
/// whichever index is cheapest, so a walk through a whole index is judged on SQLite
/// above, which plans as for big tables; both backends have the same indexes.)
fn postgres_scans(conn: &mut diesel::PgConnection, sql: &str) -> Vec<String> {
    let parameters = (1..).take_while(|n| sql.contains(&format!("${n}"))).count();
    let nulls = vec!["NULL"; parameters].join(", ");
    let execute = if parameters == 0 { "EXECUTE hot".to_owned() } else { format!("EXECUTE hot({nulls})") };
    conn.batch_execute(&format!(
        "DEALLOCATE ALL; SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; PREPARE hot AS {sql}"
    ))
    .unwrap_or_else(|e| panic!("PREPARE {sql}: {e}"));
    let plan: Vec<JsonPlan> = diesel::sql_query(format!("EXPLAIN (FORMAT JSON) {execute}"))
        .load(conn)
        .unwrap_or_else(|e| panic!("EXPLAIN {sql}: {e}"));
    let plan: Value = serde_json::from_str(&plan[0].plan).unwrap();
    let mut scans = Vec::new();
    walk(&plan[0]["Plan"], &mut scans);
    scans
}

fn walk(node: &Value, scans: &mut Vec<String>) {
    let table = node["Relation Name"].as_str().unwrap_or_default();
    if node["Node Type"] == "Seq Scan" && GROWING.contains(&table) {
        scans.push(format!("Seq Scan on {table}"));
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        walk(child, scans);
    }
}
