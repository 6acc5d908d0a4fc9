//! Conformance with Altinn's vendor API as `docs/altinn-wire.md` describes it: one
//! test per row of its endpoint tables (§3.1–3.4) and per error code the server can
//! produce (§5), each asserting status, content type, the shape of the body and Altinn's
//! exact title text. The expected texts are written here from the contract, never read
//! from the server's own list. On SQLite and PostgreSQL.

#[path = "../common/mod.rs"]
mod common;
mod pdp;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

const V1: &str = "/authentication/api/v1";
const REQUESTS: &str = "/authentication/api/v1/systemuser/request/vendor";
const AGENT: &str = "/authentication/api/v1/systemuser/request/vendor/agent";
const CHANGES: &str = "/authentication/api/v1/systemuser/changerequest/vendor";
const REGISTER: &str = "/authentication/api/v1/systemregister/vendor";
const KLIENT: &str = "310000035_smartcloud_klient";
const PACKAGE: &str = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";

/// Altinn's title of each code the server answers with (docs/altinn-wire.md §2 and §5).
const TITLES: &[(&str, &str)] = &[
    ("STD-00000", "One or more validation errors occurred."),
    ("AUTH-00000", "Can't resolve the Organisation Number from the logged in Reportee PartyId."),
    ("AUTH-00001", "One or more Right not found or not delegable."),
    ("AUTH-00004", "Failed to create new SystemUser, existing SystemUser tied to the given System-Id."),
    ("AUTH-00010", "The Id does not refer to a Request in our system."),
    ("AUTH-00011", "The Id does not refer to a Registered System."),
    ("AUTH-00015", "The SystemUser was not found."),
    ("AUTH-00021", "The RedirectUri was not found or not valid."),
    ("AUTH-00026", "No redirect uris are set for the system"),
    ("AUTH-00043", "Unauthorized"),
    ("AUTH-00044", "Forbidden"),
    ("AUTH-00058", "No AccessPackages found, an Agent SystemUser must have at least one"),
    ("AUTH-00059", "No AccessPackages or Single Rights found, a SystemUser must have at least one"),
    (
        "AUTH-00061",
        "The Status of the Request is not New. Please generate a new CorrellationId for a new Change Request",
    ),
    ("AUTH-00063", "One or more accesspackage is not found in the referenced system in the System Register."),
    (
        "AUTH-00064",
        "One or more access packages cannot be delegated. Either they are intended for clients or they cannot be delegated further.",
    ),
    (
        "AUTH-00065",
        "One or more access packages cannot be delegated because they are not intended for client relationships",
    ),
    ("AUTH-00079", "Client not found."),
    ("AUTH-00080", "Client does not have the accesspackages the agent system user requires"),
    ("AUTH.VLD-00000", "the org number identifier is not valid ISO6523 identifier"),
    ("AUTH.VLD-00001", "The system id does not match the format orgnumber_xxxx..."),
    ("AUTH.VLD-00002", "The system id already exists"),
    ("AUTH.VLD-00003", "One or more resources specified in rights were not found in Altinn's resource register."),
    ("AUTH.VLD-00004", "One of the client id is already tagged with an existing system"),
    ("AUTH.VLD-00005", "One or more of the redirect urls format is not valid. The valid format is https://xxx.xx"),
    ("AUTH.VLD-00006", "One or more duplicate rights found"),
    ("AUTH.VLD-00007", "One or more duplicate access package(s) found"),
    ("AUTH.VLD-00008", "One or all the accesspackage(s) is not found in altinn's access packages or is not delegable"),
    ("AUTH.VLD-00009", "One or more resource id is in wrong format. The valid format is urn:altinn:resource"),
    ("AUTH.VLD-00011", "Request contains duplicate client ids"),
    ("AUTH.VLD-00012", "The system ID in the request body does not match the system ID in the URL"),
    ("AUTH.VLD-00013", "System ID cannot have spaces in id (leading, trailing or in between the id)"),
    ("AUTH.VLD-00014", "The agent query parameter is missing or invalid"),
    ("AUTH.VLD-00015", "SystemUser is not a valid system user of type agent"),
    ("AUTH.VLD-00016", "The client query parameter is missing or invalid"),
    (
        "AUTH.VLD-00018",
        "Access packages meant for system user for client relations can't be used in combination with the flag isVisible: true",
    ),
];

fn title(code: &str) -> &'static str {
    TITLES.iter().find(|(c, _)| *c == code).map(|(_, t)| *t).unwrap_or_else(|| panic!("no title for {code}"))
}

on_both_backends!(
    post_request_creates_then_answers_with_the_live_request,
    post_agent_request_carries_packages_only,
    get_request_by_id_for_each_kind,
    get_request_by_external_reference,
    requests_by_system_are_paged_as_altinn_pages,
    delete_request_answers_202_whatever_the_status,
    post_change_request_in_altinns_query_form,
    change_requests_are_read_listed_and_deleted,
    system_users_by_query_and_by_system,
    register_post_answers_with_the_guid,
    register_get_list_and_one,
    register_put_and_partial_puts_answer_succeeded,
    register_delete_and_changelog,
    request_error_codes_with_altinns_titles,
    change_request_error_codes_with_altinns_titles,
    validation_errors_with_altinns_codes_and_paths,
    token_and_scope_errors,
    input_is_read_as_altinn_reads_it,
    confirm_urls_lead_to_the_portal,
    client_and_ordinary_packages_go_their_own_ways,
    client_delegation_in_altinns_shapes,
    a_client_id_never_seen_is_taken_and_is_the_vendors_from_then_on,
    system_user_tokens_and_the_lookup_follow_altinns_rule,
);

/// An answer as a vendor's client sees it.
struct Answer {
    status: u16,
    content_type: String,
    location: Option<String>,
    text: String,
    body: Value,
}

async fn call(app: &TestApp, method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Answer {
    let url = if path.starts_with("http") { path.to_owned() } else { app.url(path) };
    let mut request = app.http.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    let (status, content_type, location) =
        (response.status().as_u16(), header("content-type").unwrap_or_default(), header("location"));
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, content_type, location, text, body }
}

async fn get(app: &TestApp, token: &str, path: &str) -> Answer {
    call(app, Method::GET, path, Some(token), None).await
}

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> Answer {
    call(app, Method::POST, path, Some(token), Some(body)).await
}

async fn delete(app: &TestApp, token: &str, path: &str) -> Answer {
    call(app, Method::DELETE, path, Some(token), None).await
}

/// The member names of a JSON object, sorted.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> =
        value.as_object().unwrap_or_else(|| panic!("not an object: {value}")).keys().map(String::as_str).collect();
    keys.sort();
    keys
}

fn sorted<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut names = names.to_vec();
    names.sort();
    names
}

/// A problem in Altinn's shape with the code's title.
fn assert_problem(answer: &Answer, status: u16, code: &str) {
    let body = &answer.body;
    assert_eq!((answer.status, body["code"].as_str()), (status, Some(code)), "{}", answer.text);
    assert_eq!(answer.content_type, "application/problem+json");
    assert_eq!(body["title"], title(code), "{code}");
    assert_eq!(body["status"], status);
    if code.starts_with("AUTH") || code.starts_with("STD") {
        assert_eq!(body["type"], format!("urn:altinn:error:{code}"));
    }
    let reason = reqwest::StatusCode::from_u16(status).unwrap().canonical_reason().unwrap();
    assert_eq!(body["statusDescription"], reason);
    let trace = body["traceId"].as_str().unwrap();
    let parts: Vec<&str> = trace.split('-').collect();
    assert!(
        parts.len() == 4 && parts[0] == "00" && parts[1].len() == 32 && parts[2].len() == 16 && parts[3] == "01",
        "{trace}"
    );
}

/// A validation problem holding the check `code` at `path`.
fn assert_validation(answer: &Answer, code: &str, path: &str) {
    assert_problem(answer, 400, "STD-00000");
    let found = answer.body["validationErrors"].as_array().unwrap();
    let item = found.iter().find(|e| e["code"] == code).unwrap_or_else(|| panic!("no {code} in {}", answer.text));
    assert_eq!(item["title"], title(code));
    assert_eq!(item["paths"], json!([path]));
}

fn right(id: &str) -> Value {
    json!({"resource": [{"id": "urn:altinn:resource", "value": id}]})
}

fn request(external_ref: &str) -> Value {
    json!({"systemId": SMARTCLOUD, "partyOrgNo": APE, "externalRef": external_ref, "rights": [right(KRAV)]})
}

fn agent_request(external_ref: &str) -> Value {
    json!({"systemId": KLIENT, "partyOrgNo": TIGER, "externalRef": external_ref, "accessPackages": [{"urn": PACKAGE}]})
}

const REQUEST_KEYS: &[&str] = &[
    "id",
    "integrationTitle",
    "externalRef",
    "systemId",
    "partyOrgNo",
    "rights",
    "accessPackages",
    "status",
    "confirmUrl",
    "escalated",
    "created",
    "timedOut",
];

async fn approve(app: &TestApp, pid: &str, page: &str, id: &str) {
    let done = app
        .logged_in(pid)
        .await
        .submit(
            &format!("/accessmanagement/ui/systemuser/{page}?id={id}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    assert_eq!(done.status, 303);
}

async fn reject(app: &TestApp, id: &str) {
    app.logged_in(KONSERT)
        .await
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={id}"),
            "/accessmanagement/ui/systemuser/request/reject",
        )
        .await;
}

async fn post_request_creates_then_answers_with_the_live_request(app: TestApp) {
    let token = app.vendor_token(None).await;
    let created = post(&app, &token, REQUESTS, &request("ordre-1")).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.content_type, "application/json");
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.location, Some(format!("{}{V1}/systemuser/request/{id}", app.address)));
    assert_eq!(keys(&created.body), sorted(REQUEST_KEYS), "no redirectUrl member without one");
    assert_eq!(created.body["integrationTitle"], "SmartCloud", "the system's name by default");
    assert_eq!((&created.body["status"], &created.body["escalated"]), (&json!("New"), &json!(false)));
    // Asked again: 200 with the same, then with it rejected, and anew once deleted.
    let again = post(&app, &token, REQUESTS, &request("ordre-1")).await;
    assert_eq!((again.status, &again.body["id"]), (200, &json!(id)));
    reject(&app, &id).await;
    let rejected = post(&app, &token, REQUESTS, &request("ordre-1")).await;
    assert_eq!((rejected.status, &rejected.body["status"]), (200, &json!("Rejected")));
    assert_eq!(delete(&app, &token, &format!("{REQUESTS}/{id}")).await.status, 202);
    let renewed = post(&app, &token, REQUESTS, &request("ordre-1")).await;
    assert_eq!(renewed.status, 201);
    assert_ne!(renewed.body["id"], json!(id));
}

async fn post_agent_request_carries_packages_only(app: TestApp) {
    let token = app.vendor_token(None).await;
    let created = post(&app, &token, AGENT, &agent_request("klienter")).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(created.location, Some(format!("{}{V1}/systemuser/request/{id}", app.address)), "as in Altinn");
    let expected: Vec<&str> = REQUEST_KEYS.iter().copied().filter(|k| *k != "rights").collect();
    assert_eq!(keys(&created.body), sorted(&expected));
    assert_eq!(created.body["accessPackages"], json!([{"urn": PACKAGE}]));
    assert_eq!(post(&app, &token, AGENT, &agent_request("klienter")).await.status, 200);
    let mut without = agent_request("uten");
    without.as_object_mut().unwrap().remove("accessPackages");
    let refused = post(&app, &token, AGENT, &without).await;
    assert_eq!((refused.status, refused.content_type.as_str()), (400, "application/problem+json"));
    assert_eq!(refused.body["title"], "One or more validation errors occurred.");
    assert!(refused.body["errors"].is_object(), "ASP.NET's shape: {}", refused.text);
}

async fn get_request_by_id_for_each_kind(app: TestApp) {
    let token = app.vendor_token(None).await;
    let standard = post(&app, &token, REQUESTS, &request("a")).await.body["id"].as_str().unwrap().to_owned();
    let agent = post(&app, &token, AGENT, &agent_request("a")).await.body["id"].as_str().unwrap().to_owned();
    let one = get(&app, &token, &format!("{REQUESTS}/{standard}")).await;
    assert_eq!((one.status, keys(&one.body)), (200, sorted(REQUEST_KEYS)));
    let one = get(&app, &token, &format!("{AGENT}/{agent}")).await;
    assert_eq!((one.status, &one.body["id"]), (200, &json!(agent)));
    assert!(one.body.get("rights").is_none());
    // The wrong kind, or no such request: AUTH-00010.
    assert_problem(&get(&app, &token, &format!("{REQUESTS}/{agent}")).await, 404, "AUTH-00010");
    assert_problem(&get(&app, &token, &format!("{AGENT}/{standard}")).await, 404, "AUTH-00010");
    assert_problem(&get(&app, &token, &format!("{REQUESTS}/{}", uuid::Uuid::new_v4())).await, 404, "AUTH-00010");
    // Another vendor's system: AUTH-00011.
    app.add_vendor_client("other", "310000132", "altinn:authentication/systemuser.request.read");
    let other = app.token_for("other", None).await;
    assert_problem(&get(&app, &other, &format!("{REQUESTS}/{standard}")).await, 404, "AUTH-00011");
}

async fn get_request_by_external_reference(app: TestApp) {
    let token = app.vendor_token(None).await;
    let id = post(&app, &token, REQUESTS, &request("lager-7")).await.body["id"].clone();
    let found = get(&app, &token, &format!("{REQUESTS}/byexternalref/{SMARTCLOUD}/{APE}/lager-7")).await;
    assert_eq!((found.status, &found.body["id"]), (200, &id));
    assert!(found.body["confirmUrl"].is_string());
    let agent = post(&app, &token, AGENT, &agent_request("lager-8")).await.body["id"].clone();
    let found = get(&app, &token, &format!("{AGENT}/byexternalref/{KLIENT}/{TIGER}/lager-8")).await;
    assert_eq!((found.status, &found.body["id"]), (200, &agent));
    let none = get(&app, &token, &format!("{REQUESTS}/byexternalref/{SMARTCLOUD}/{APE}/ukjent")).await;
    assert_problem(&none, 404, "AUTH-00010");
    let none = get(&app, &token, &format!("{REQUESTS}/byexternalref/310000035_ukjent/{APE}/x")).await;
    assert_problem(&none, 404, "AUTH-00011");
}

async fn requests_by_system_are_paged_as_altinn_pages(app: TestApp) {
    let token = app.vendor_token(None).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            post(&app, &token, REQUESTS, &request(&format!("side-{n}"))).await.body["id"].as_str().unwrap().to_owned(),
        );
    }
    ids.sort();
    // The test app pages by three; Altinn's size of 50 is the default.
    let first = get(&app, &token, &format!("{REQUESTS}/bysystem/{SMARTCLOUD}")).await;
    assert_eq!((first.status, keys(&first.body)), (200, vec!["data", "links"]));
    let items = first.body["data"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i.get("confirmUrl").is_none()), "no confirmUrl in lists");
    let next = first.body["links"]["next"].as_str().unwrap();
    let base = format!("{}{REQUESTS}/bysystem/{SMARTCLOUD}?token=", app.address);
    let token_value = next.strip_prefix(&base).unwrap_or_else(|| panic!("{next}"));
    let key: String = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token_value).unwrap()).unwrap();
    assert_eq!(key, ids[3], "the token is base64url of the next page's first key as a JSON string");
    let last = get(&app, &token, next).await;
    assert_eq!(last.body["links"], json!({}), "the last page has no next");
    let mut seen: Vec<String> = items
        .iter()
        .chain(last.body["data"].as_array().unwrap())
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    seen.sort();
    assert_eq!(seen, ids, "no item skipped or repeated");
    let agents = get(&app, &token, &format!("{AGENT}/bysystem/{KLIENT}")).await;
    assert_eq!((agents.status, &agents.body["links"]), (200, &json!({})));
    assert_problem(&get(&app, &token, &format!("{REQUESTS}/bysystem/310000035_ukjent")).await, 404, "AUTH-00011");
}

async fn delete_request_answers_202_whatever_the_status(app: TestApp) {
    let token = app.vendor_token(None).await;
    let id = post(&app, &token, REQUESTS, &request("slett")).await.body["id"].as_str().unwrap().to_owned();
    approve(&app, KONSERT, "request", &id).await;
    let deleted = delete(&app, &token, &format!("{REQUESTS}/{id}")).await;
    assert_eq!((deleted.status, deleted.text.as_str()), (202, ""));
    assert_problem(&get(&app, &token, &format!("{REQUESTS}/{id}")).await, 404, "AUTH-00010");
    assert_eq!(app.vendor_system_users(SMARTCLOUD).await, std::slice::from_ref(&id), "the system user stays");
    assert_problem(&delete(&app, &token, &format!("{REQUESTS}/{id}")).await, 404, "AUTH-00010");
    // Agent requests are deleted through the same path.
    let agent = post(&app, &token, AGENT, &agent_request("slett")).await.body["id"].as_str().unwrap().to_owned();
    assert_eq!(delete(&app, &token, &format!("{REQUESTS}/{agent}")).await.status, 202);
}

/// A SmartCloud Lønn system user of the demo company holding only Krav og betalinger.
async fn lonn_user(app: &TestApp) -> String {
    let token = app.vendor_token(None).await;
    let body = json!({"systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "rights": [right(KRAV)]});
    let id = post(app, &token, REQUESTS, &body).await.body["id"].as_str().unwrap().to_owned();
    approve(app, KONSERT, "request", &id).await;
    id
}

const CHANGE_KEYS: &[&str] = &[
    "id",
    "externalRef",
    "systemId",
    "systemUserId",
    "partyOrgNo",
    "requiredRights",
    "unwantedRights",
    "requiredAccessPackages",
    "unwantedAccessPackages",
    "status",
    "confirmUrl",
    "created",
    "timedOut",
];

fn change_path(correlation: &str, user: &str) -> String {
    format!("{CHANGES}?correlation-id={correlation}&system-user-id={user}")
}

async fn post_change_request_in_altinns_query_form(app: TestApp) {
    let user = lonn_user(&app).await;
    let token = app.vendor_token(None).await;
    let correlation = uuid::Uuid::new_v4().to_string();
    let body = json!({"requiredRights": [right(A_MELDING)]});
    let created = post(&app, &token, &change_path(&correlation, &user), &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.location, Some(format!("{}{V1}/systemuser/changerequest/{correlation}", app.address)));
    assert_eq!(keys(&created.body), sorted(CHANGE_KEYS));
    assert_eq!((&created.body["id"], &created.body["systemUserId"]), (&json!(correlation), &json!(user)));
    // The same correlation id answers with it, whatever its status.
    let again = post(&app, &token, &change_path(&correlation, &user), &json!({"requiredRights": [right(KRAV)]})).await;
    assert_eq!((again.status, &again.body["id"]), (200, &json!(correlation)));
    // Nothing asked: the whole NoChangeNeeded answer.
    let nothing = post(&app, &token, &change_path(&uuid::Uuid::new_v4().to_string(), &user), &json!({})).await;
    assert_eq!(nothing.status, 200);
    assert_eq!(keys(&nothing.body), sorted(CHANGE_KEYS));
    assert_eq!(nothing.body["status"], "NoChangeNeeded");
    assert_eq!(nothing.body["confirmUrl"], "");
    assert_eq!(nothing.body["created"], "0001-01-01T00:00:00");
    // The query must name both ids, and differently.
    for path in
        [format!("{CHANGES}?system-user-id={user}"), change_path(&user, &user), change_path("ikke-en-uuid", &user)]
    {
        let refused = post(&app, &token, &path, &body).await;
        assert_eq!((refused.status, refused.content_type.as_str()), (400, "application/problem+json"), "{path}");
    }
}

async fn change_requests_are_read_listed_and_deleted(app: TestApp) {
    let user = lonn_user(&app).await;
    let token = app.vendor_token(None).await;
    let correlation = uuid::Uuid::new_v4().to_string();
    post(&app, &token, &change_path(&correlation, &user), &json!({"requiredRights": [right(A_MELDING)]})).await;
    let one = get(&app, &token, &format!("{CHANGES}/{correlation}")).await;
    assert_eq!((one.status, keys(&one.body)), (200, sorted(CHANGE_KEYS)));
    assert_eq!(one.body["requiredRights"], json!([right(A_MELDING)]));
    let by_ref = get(&app, &token, &format!("{CHANGES}/byexternalref/{SMARTCLOUD_LONN}/{APE}/{APE}")).await;
    assert_eq!((by_ref.status, &by_ref.body["id"]), (200, &json!(correlation)));
    let list = get(&app, &token, &format!("{CHANGES}/bysystem/{SMARTCLOUD_LONN}")).await;
    assert_eq!((list.status, &list.body["links"]), (200, &json!({})));
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    let deleted = delete(&app, &token, &format!("{CHANGES}/{correlation}")).await;
    assert_eq!((deleted.status, deleted.text.as_str()), (202, ""));
    assert_problem(&get(&app, &token, &format!("{CHANGES}/{correlation}")).await, 404, "AUTH-00010");
    assert_problem(&delete(&app, &token, &format!("{CHANGES}/{correlation}")).await, 404, "AUTH-00010");
    assert_problem(&get(&app, &token, &format!("{CHANGES}/bysystem/310000035_ukjent")).await, 404, "AUTH-00011");
}

const SYSTEM_USER_KEYS: &[&str] = &[
    "id",
    "integrationTitle",
    "systemId",
    "productName",
    "reporteeOrgNo",
    "created",
    "isDeleted",
    "supplierName",
    "supplierOrgno",
    "externalRef",
    "userType",
    "accessPackages",
];

async fn system_users_by_query_and_by_system(app: TestApp) {
    let id = lonn_user(&app).await;
    let write = app.vendor_token(Some("altinn:authentication/systemuser.request.write")).await;
    let found =
        get(&app, &write, &format!("{V1}/systemuser/vendor/byquery?system-id={SMARTCLOUD_LONN}&orgno={APE}")).await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(keys(&found.body), sorted(SYSTEM_USER_KEYS));
    assert_eq!(
        (&found.body["id"], &found.body["supplierOrgno"], &found.body["supplierName"], &found.body["productName"]),
        (&json!(id), &json!("310000035"), &json!(""), &json!(""))
    );
    let none = get(
        &app,
        &write,
        &format!("{V1}/systemuser/vendor/byquery?system-id={SMARTCLOUD_LONN}&orgno={APE}&external-ref=x"),
    )
    .await;
    assert_eq!(none.status, 404);
    let read = app.vendor_token(Some("altinn:authentication/systemuser.request.read")).await;
    let by_query = format!("{V1}/systemuser/vendor/byquery?system-id={SMARTCLOUD_LONN}&orgno={APE}");
    assert_problem(&get(&app, &read, &by_query).await, 403, "AUTH-00044");
    // By system: with the register scope, as in Altinn (and with the read scope too).
    let register = app.vendor_token(Some("altinn:authentication/systemregister.write")).await;
    for token in [&register, &read] {
        let page = get(&app, token, &format!("{V1}/systemuser/vendor/bysystem/{SMARTCLOUD_LONN}")).await;
        assert_eq!((page.status, &page.body["links"]), (200, &json!({})));
        assert_eq!(keys(&page.body["data"][0]), sorted(SYSTEM_USER_KEYS));
    }
}

fn system(id: &str) -> Value {
    json!({
        "id": id,
        "vendor": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
        "name": {"nb": "SmartCloud MVA", "en": "SmartCloud VAT"},
        "description": {"nb": "Sender mva-melding."},
        "rights": [right(KRAV)],
        "accessPackages": [],
        "clientId": [],
        "allowedRedirectUrls": ["https://smartcloud.example/mva"],
        "isVisible": true,
    })
}

async fn register_post_answers_with_the_guid(app: TestApp) {
    let token = app.vendor_token(None).await;
    let created = post(&app, &token, REGISTER, &system("310000035_mva")).await;
    assert_eq!((created.status, created.content_type.as_str()), (200, "application/json"), "{}", created.text);
    assert!(uuid::Uuid::parse_str(created.body.as_str().unwrap()).is_ok(), "{}", created.text);
}

async fn register_get_list_and_one(app: TestApp) {
    let token = app.vendor_token(None).await;
    post(&app, &token, REGISTER, &system("310000035_mva")).await;
    let list = get(&app, &token, REGISTER).await;
    assert_eq!(list.status, 200);
    let item = list.body.as_array().unwrap().iter().find(|s| s["systemId"] == "310000035_mva").unwrap();
    assert_eq!(
        keys(item),
        sorted(&[
            "systemId",
            "systemVendorOrgNumber",
            "systemVendorOrgName",
            "name",
            "description",
            "rights",
            "accessPackages",
            "isVisible"
        ])
    );
    assert_eq!((&item["systemVendorOrgNumber"], &item["systemVendorOrgName"]), (&json!("310000035"), &json!("")));
    let one = get(&app, &token, &format!("{REGISTER}/310000035_mva")).await;
    assert_eq!(one.status, 200);
    assert_eq!(
        keys(&one.body),
        sorted(&[
            "id",
            "vendor",
            "name",
            "description",
            "rights",
            "accessPackages",
            "isDeleted",
            "clientId",
            "isVisible",
            "allowedRedirectUrls"
        ])
    );
    assert_eq!(one.body["vendor"], json!({"ID": "0192:310000035"}), "the vendor has only its ID");
    assert_eq!(one.body["name"], json!({"nb": "SmartCloud MVA", "en": "SmartCloud VAT"}), "languages as sent");
    assert_eq!(get(&app, &token, &format!("{REGISTER}/310000035_ukjent")).await.status, 404);
    app.add_vendor_client("other", "310000132", "altinn:authentication/systemregister.write");
    let other = app.token_for("other", None).await;
    assert_problem(&get(&app, &other, &format!("{REGISTER}/310000035_mva")).await, 403, "AUTH-00044");
}

async fn register_put_and_partial_puts_answer_succeeded(app: TestApp) {
    let token = app.vendor_token(None).await;
    post(&app, &token, REGISTER, &system("310000035_mva")).await;
    let path = format!("{REGISTER}/310000035_mva");
    let mut changed = system("310000035_mva");
    changed["isVisible"] = json!(false);
    let succeeded = json!({"succeeded": true});
    let put = call(&app, Method::PUT, &path, Some(&token), Some(&changed)).await;
    assert_eq!((put.status, &put.body), (200, &succeeded), "{}", put.text);
    let rights =
        call(&app, Method::PUT, &format!("{path}/rights"), Some(&token), Some(&json!([right(A_MELDING)]))).await;
    assert_eq!((rights.status, &rights.body), (200, &succeeded));
    let packages = json!([{"urn": PACKAGE}]);
    let put = call(&app, Method::PUT, &format!("{path}/accesspackages"), Some(&token), Some(&packages)).await;
    assert_eq!((put.status, &put.body), (200, &succeeded));
    let one = get(&app, &token, &path).await;
    assert_eq!((&one.body["isVisible"], &one.body["rights"]), (&json!(false), &json!([right(A_MELDING)])));
    // Another id in the body than in the URL: VLD-00012 alone.
    let wrong = call(&app, Method::PUT, &path, Some(&token), Some(&system("310000035_annen"))).await;
    assert_validation(&wrong, "AUTH.VLD-00012", "/registersystemrequest/systemid");
    assert_eq!(wrong.body["validationErrors"].as_array().unwrap().len(), 1);
    let unknown = call(
        &app,
        Method::PUT,
        &format!("{REGISTER}/310000035_ukjent"),
        Some(&token),
        Some(&system("310000035_ukjent")),
    )
    .await;
    assert_problem(&unknown, 404, "AUTH-00011");
    assert_eq!(unknown.body["detail"], "System with ID '310000035_ukjent' not found.");
}

async fn register_delete_and_changelog(app: TestApp) {
    let token = app.vendor_token(None).await;
    let guid = post(&app, &token, REGISTER, &system("310000035_mva")).await.body.clone();
    let path = format!("{REGISTER}/310000035_mva");
    call(&app, Method::PUT, &format!("{path}/rights"), Some(&token), Some(&json!([right(A_MELDING)]))).await;
    let deleted = delete(&app, &token, &path).await;
    assert_eq!((deleted.status, &deleted.body), (200, &json!({"succeeded": true})));
    let changed = call(&app, Method::PUT, &path, Some(&token), Some(&system("310000035_mva"))).await;
    assert_eq!((changed.status, &changed.body["detail"]), (400, &json!("Cannot update a system marked as deleted.")));
    let log = get(&app, &token, &format!("{path}/changelog")).await;
    assert_eq!(log.status, 200);
    let entries = log.body.as_array().unwrap();
    let kinds: Vec<&str> = entries.iter().map(|e| e["changeType"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["delete", "rightsupdate", "create"], "newest first");
    assert_eq!(
        keys(&entries[1]),
        sorted(&["systemInternalId", "changedByOrgNumber", "changeType", "changedData", "clientId", "created"])
    );
    assert_eq!((&entries[1]["systemInternalId"], &entries[1]["changedByOrgNumber"]), (&guid, &json!("310000035")));
    assert_eq!(
        (&entries[1]["clientId"], &entries[1]["changedData"]),
        (&json!("demo-smartcloud"), &json!([right(A_MELDING)]))
    );
    assert!(entries[0].get("changedData").is_none(), "nothing sent for a deletion");
    assert_eq!(get(&app, &token, &format!("{REGISTER}/310000035_ukjent/changelog")).await.status, 404);
}

async fn request_error_codes_with_altinns_titles(app: TestApp) {
    let token = app.vendor_token(None).await;
    let with = |change: &dyn Fn(&mut Value)| {
        let mut body = request("feil");
        change(&mut body);
        body
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (with(&|b| b["partyOrgNo"] = json!("310000018")), 400, "AUTH-00000"),
        (with(&|b| b["rights"] = json!([right(A_MELDING)])), 400, "AUTH-00001"),
        (with(&|b| drop(b.as_object_mut().unwrap().remove("rights"))), 400, "AUTH-00001"),
        (with(&|b| b["redirectUrl"] = json!("https://evil.example/")), 400, "AUTH-00021"),
        (with(&|b| b["rights"] = json!([])), 400, "AUTH-00059"),
        (
            with(&|b| b["accessPackages"] = json!([{"urn": "urn:altinn:accesspackage:ansvarlig-revisor"}])),
            400,
            "AUTH-00063",
        ),
        (with(&|b| b["systemId"] = json!("310000035_ukjent")), 404, "AUTH-00011"),
    ];
    for (body, status, code) in cases {
        let answer = post(&app, &token, REQUESTS, &body).await;
        assert_problem(&answer, status, code);
        if code == "AUTH-00063" {
            assert_eq!(answer.body["NotFoundPackages"], "urn:altinn:accesspackage:ansvarlig-revisor");
        }
    }
    let agent =
        post(&app, &token, AGENT, &json!({"systemId": KLIENT, "partyOrgNo": TIGER, "accessPackages": []})).await;
    assert_problem(&agent, 400, "AUTH-00058");
    // A system without redirect URLs of its own: AUTH-00026 for any redirect URL.
    let mut bare = system("310000035_uten_retur");
    bare["allowedRedirectUrls"] = json!([]);
    assert_eq!(post(&app, &token, REGISTER, &bare).await.status, 200);
    let body =
        json!({"systemId": "310000035_uten_retur", "partyOrgNo": APE, "rights": [right(KRAV)], "redirectUrl": RECEIPT});
    assert_problem(&post(&app, &token, REQUESTS, &body).await, 400, "AUTH-00026");
    // A live system user for the triple: AUTH-00004.
    let id = post(&app, &token, REQUESTS, &request("levende")).await.body["id"].as_str().unwrap().to_owned();
    approve(&app, KONSERT, "request", &id).await;
    assert_eq!(delete(&app, &token, &format!("{REQUESTS}/{id}")).await.status, 202);
    assert_problem(&post(&app, &token, REQUESTS, &request("levende")).await, 400, "AUTH-00004");
}

async fn change_request_error_codes_with_altinns_titles(app: TestApp) {
    let user = lonn_user(&app).await;
    let token = app.vendor_token(None).await;
    let ask = |body: Value| {
        let (app, token, path) = (&app, &token, change_path(&uuid::Uuid::new_v4().to_string(), &user));
        async move { post(app, token, &path, &body).await }
    };
    assert_problem(&ask(json!({"requiredRights": [right("finnes-ikke")]})).await, 400, "AUTH-00001");
    assert_problem(
        &ask(json!({"requiredRights": [right(A_MELDING)], "redirectUrl": "https://evil.example/"})).await,
        400,
        "AUTH-00021",
    );
    let package = json!({"requiredAccessPackages": [{"urn": "urn:altinn:accesspackage:ansvarlig-revisor"}]});
    assert_problem(&ask(package).await, 400, "AUTH-00063");
    let unknown = change_path(&uuid::Uuid::new_v4().to_string(), &uuid::Uuid::new_v4().to_string());
    assert_problem(&post(&app, &token, &unknown, &json!({"requiredRights": [right(KRAV)]})).await, 404, "AUTH-00015");
    // Agent system users take no change requests.
    let agent = post(&app, &token, AGENT, &agent_request("endring")).await.body["id"].as_str().unwrap().to_owned();
    approve(&app, DRESS, "agentrequest", &agent).await;
    let path = change_path(&uuid::Uuid::new_v4().to_string(), &agent);
    assert_problem(
        &post(&app, &token, &path, &json!({"requiredAccessPackages": [{"urn": PACKAGE}]})).await,
        404,
        "AUTH-00015",
    );
    // Another vendor's correlation id: AUTH-00061.
    let correlation = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        post(&app, &token, &change_path(&correlation, &user), &json!({"requiredRights": [right(A_MELDING)]}))
            .await
            .status,
        201
    );
    app.add_vendor_client("other-vendor", "310000132", "altinn:authentication/systemuser.request.write");
    app.add_vendor_client("other-vendor-system", "310000132", "altinn:authentication/systemregister.write");
    let registrar = app.token_for("other-vendor-system", None).await;
    let mut theirs = system("310000132_deres");
    theirs["vendor"]["ID"] = json!("0192:310000132");
    theirs["allowedRedirectUrls"] = json!(["https://deres.example/"]);
    assert_eq!(post(&app, &registrar, REGISTER, &theirs).await.status, 200);
    let other = app.token_for("other-vendor", None).await;
    let their_request = json!({"systemId": "310000132_deres", "partyOrgNo": APE, "rights": [right(KRAV)]});
    let their_id = post(&app, &other, REQUESTS, &their_request).await.body["id"].as_str().unwrap().to_owned();
    approve(&app, KONSERT, "request", &their_id).await;
    let taken =
        post(&app, &other, &change_path(&correlation, &their_id), &json!({"unwantedRights": [right(KRAV)]})).await;
    assert_problem(&taken, 409, "AUTH-00061");
}

async fn validation_errors_with_altinns_codes_and_paths(app: TestApp) {
    app.add_vendor_client("smartcloud-mva-client", "310000035", "");
    let token = app.vendor_token(None).await;
    let with = |id: &str, change: &dyn Fn(&mut Value)| {
        let mut body = system(id);
        change(&mut body);
        body
    };
    const ID: &str = "/registersystemrequest/systemid";
    const RIGHTS: &str = "/registersystemrequest/rights/resource";
    const PACKAGES: &str = "/registersystemrequest/accesspackages";
    const CLIENTS: &str = "/registersystemrequest/clientid";
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with("310000035_a", &|b| b["vendor"]["ID"] = json!("310000035")),
            "AUTH.VLD-00000",
            "/registersystemrequest/vendor/id",
        ),
        (system("310000036_annen"), "AUTH.VLD-00001", ID),
        (system("310000035_smartcloud"), "AUTH.VLD-00002", ID),
        (with("310000035_b", &|b| b["rights"] = json!([right("finnes-ikke")])), "AUTH.VLD-00003", RIGHTS),
        (with("310000035_c", &|b| b["clientId"] = json!(["demo-smartcloud"])), "AUTH.VLD-00004", CLIENTS),
        (
            with("310000035_d", &|b| b["allowedRedirectUrls"] = json!(["ftp://x.example/"])),
            "AUTH.VLD-00005",
            "/registersystemrequest/allowedredirecturls",
        ),
        (with("310000035_e", &|b| b["rights"] = json!([right(KRAV), right(KRAV)])), "AUTH.VLD-00006", RIGHTS),
        (
            with("310000035_f", &|b| b["accessPackages"] = json!([{"urn": PACKAGE}, {"urn": PACKAGE}])),
            "AUTH.VLD-00007",
            PACKAGES,
        ),
        (with("310000035_j", &|b| b["accessPackages"] = json!([{"urn": PACKAGE}])), "AUTH.VLD-00018", PACKAGES),
        (
            with("310000035_g", &|b| b["accessPackages"] = json!([{"urn": "urn:altinn:accesspackage:finnes-ikke"}])),
            "AUTH.VLD-00008",
            PACKAGES,
        ),
        (
            with("310000035_h", &|b| b["rights"] = json!([{"resource": [{"id": "urn:altinn:app", "value": KRAV}]}])),
            "AUTH.VLD-00009",
            RIGHTS,
        ),
        (
            with("310000035_i", &|b| b["clientId"] = json!(["smartcloud-mva-client", "smartcloud-mva-client"])),
            "AUTH.VLD-00011",
            CLIENTS,
        ),
        (system("310000035_med mellomrom"), "AUTH.VLD-00013", ID),
    ];
    for (body, code, path) in cases {
        assert_validation(&post(&app, &token, REGISTER, &body).await, code, path);
    }
}

async fn token_and_scope_errors(app: TestApp) {
    let none = call(&app, Method::GET, &format!("{REQUESTS}/bysystem/{SMARTCLOUD}"), None, None).await;
    assert_problem(&none, 401, "AUTH-00043");
    let read = app.vendor_token(Some("altinn:authentication/systemuser.request.read")).await;
    assert_problem(&post(&app, &read, REQUESTS, &request("x")).await, 403, "AUTH-00044");
    assert_problem(&get(&app, &read, REGISTER).await, 403, "AUTH-00044");
}

async fn input_is_read_as_altinn_reads_it(app: TestApp) {
    let token = app.vendor_token(None).await;
    // Names in any case, unknown members, strings with spaces around.
    let body = json!({"SystemId": " 310000035_smartcloud ", "PARTYORGNO": "310000019", "externalref": " innlest ",
        "Rights": [{"Resource": [{"Id": "urn:altinn:resource", "Value": "ske-krav-og-betalinger"}]}],
        "somethingAltinnAddsLater": true});
    let created = post(&app, &token, REQUESTS, &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!((&created.body["externalRef"], &created.body["systemId"]), (&json!("innlest"), &json!(SMARTCLOUD)));
    // A vendor without its authority, and Altinn's own lower-case example names.
    let system = json!({"Id": "310000035_lest", "Vendor": {"ID": "0192:310000035"}, "name": {"nb": "Lest"},
        "description": {"nb": "Lest inn."}, "rights": [], "allowedredirecturls": ["https://smartcloud.example/lest"]});
    let registered = post(&app, &token, REGISTER, &system).await;
    assert_eq!(registered.status, 200, "{}", registered.text);
    let one = get(&app, &token, &format!("{REGISTER}/310000035_lest")).await;
    assert_eq!(one.body["allowedRedirectUrls"], json!(["https://smartcloud.example/lest"]));
}

async fn confirm_urls_lead_to_the_portal(app: TestApp) {
    let token = app.vendor_token(None).await;
    let created = post(&app, &token, REQUESTS, &request("lenke")).await;
    let confirm = created.body["confirmUrl"].as_str().unwrap();
    assert!(confirm.ends_with("&DONTCHOOSEREPORTEE=true"), "{confirm}");
    let page = app.logged_in(KONSERT).await.get(confirm).await;
    assert_eq!(page.status, 200);
    assert!(page.has_form("/accessmanagement/ui/systemuser/request/approve"));
}

/// A package only clients give ([`PACKAGE`]), an ordinary one, and one an organisation
/// keeps to itself.
const ORDINARY: &str = "urn:altinn:accesspackage:skattegrunnlag";
const KEPT: &str = "urn:altinn:accesspackage:hovedadministrator";

async fn client_and_ordinary_packages_go_their_own_ways(app: TestApp) {
    let token = app.vendor_token(None).await;
    // A hidden system may carry every kind; a visible one no client package.
    let mut mixed = system("310000035_blandet");
    mixed["isVisible"] = json!(false);
    mixed["accessPackages"] = json!([{"urn": PACKAGE}, {"urn": ORDINARY}, {"urn": KEPT}]);
    assert_eq!(post(&app, &token, REGISTER, &mixed).await.status, 200);
    let visible = format!("{REGISTER}/310000035_smartcloud/accesspackages");
    let refused = call(&app, Method::PUT, &visible, Some(&token), Some(&json!([{"urn": PACKAGE}]))).await;
    assert_validation(&refused, "AUTH.VLD-00018", "/registersystemrequest/accesspackages");

    // A standard request takes ordinary packages, not client ones.
    let standard = |urns: &[&str], external_ref: &str| {
        let packages: Vec<Value> = urns.iter().map(|u| json!({"urn": u})).collect();
        json!({"systemId": "310000035_blandet", "partyOrgNo": APE, "externalRef": external_ref, "accessPackages": packages})
    };
    let answer = post(&app, &token, REQUESTS, &standard(&[PACKAGE, ORDINARY], "a")).await;
    assert_problem(&answer, 400, "AUTH-00064");
    assert_eq!(answer.body["NotDelegablePackages"], PACKAGE);
    assert_eq!(post(&app, &token, REQUESTS, &standard(&[ORDINARY, KEPT], "b")).await.status, 201);

    // An agent request takes packages that can be passed on: client and ordinary ones.
    let agent = |urns: &[&str], external_ref: &str| {
        let packages: Vec<Value> = urns.iter().map(|u| json!({"urn": u})).collect();
        json!({"systemId": "310000035_blandet", "partyOrgNo": TIGER, "externalRef": external_ref, "accessPackages": packages})
    };
    let answer = post(&app, &token, AGENT, &agent(&[ORDINARY, KEPT], "c")).await;
    assert_problem(&answer, 400, "AUTH-00065");
    assert_eq!(answer.body["NotDelegablePackages"], KEPT);
    assert_eq!(post(&app, &token, AGENT, &agent(&[PACKAGE, ORDINARY], "d")).await.status, 201);

    // A change request for a standard system user: no client packages either.
    let id = post(&app, &token, REQUESTS, &standard(&[ORDINARY], "e")).await.body["id"].as_str().unwrap().to_owned();
    approve(&app, KONSERT, "request", &id).await;
    let path = change_path(&uuid::Uuid::new_v4().to_string(), &id);
    let answer = post(&app, &token, &path, &json!({"requiredAccessPackages": [{"urn": PACKAGE}]})).await;
    assert_problem(&answer, 400, "AUTH-00064");
}

async fn client_delegation_in_altinns_shapes(app: TestApp) {
    let token = app.vendor_token(None).await;
    let id = post(&app, &token, AGENT, &agent_request("klienter")).await.body["id"].as_str().unwrap().to_owned();
    approve(&app, DRESS, "agentrequest", &id).await;
    let person = app.person_token(DRESS, &["altinn:clientdelegations.read", "altinn:clientdelegations.write"]);
    let enduser = format!("{V1}/enduser/systemuser");

    let agents = get(&app, &person, &format!("{enduser}/agents?party={TIGER}")).await;
    assert_eq!((agents.status, agents.content_type.as_str()), (200, "application/json"));
    let mut agent_keys = SYSTEM_USER_KEYS.to_vec();
    agent_keys.extend(["systemInternalId", "partyId", "partyUuId", "accessPackages"]);
    agent_keys.sort();
    agent_keys.dedup();
    assert_eq!(keys(&agents.body[0]), agent_keys);

    let available = get(&app, &person, &format!("{enduser}/clients/available?agent={id}")).await;
    assert_eq!(available.status, 200);
    assert_eq!(keys(&available.body), ["data", "links", "systemUserInformation"]);
    assert_eq!(keys(&available.body["data"][0]), ["clientId", "clientOrganizationName", "clientOrganizationNumber"]);
    assert_eq!(keys(&available.body["systemUserInformation"]), ["systemUserId", "systemUserOwnerOrg"]);
    let client = available.body["data"][0]["clientId"].as_str().unwrap().to_owned();
    let added = post(&app, &person, &format!("{enduser}/clients?agent={id}&client={client}"), &json!(null)).await;
    assert_eq!((added.status, &added.body), (200, &json!({"agent": id, "client": client})));
    let listed = get(&app, &person, &format!("{enduser}/clients?agent={id}")).await;
    assert_eq!(
        (listed.body["data"][0]["clientId"].as_str(), &listed.body["links"]),
        (Some(client.as_str()), &json!({}))
    );

    let missing = get(&app, &person, &format!("{enduser}/clients")).await;
    assert_validation(&missing, "AUTH.VLD-00014", "?agent");
    let no_client = post(&app, &person, &format!("{enduser}/clients?agent={id}"), &json!(null)).await;
    assert_validation(&no_client, "AUTH.VLD-00016", "?client");
    // An agent that is not there: VLD-00014 with its other title.
    let gone = get(&app, &person, &format!("{enduser}/clients?agent={}", uuid::Uuid::new_v4())).await;
    assert_problem(&gone, 400, "STD-00000");
    assert_eq!(gone.body["validationErrors"][0]["title"], "System user not found");
    assert_eq!(gone.body["validationErrors"][0]["paths"], json!(["?agent"]));
    let stranger = uuid::Uuid::new_v4();
    let unknown = post(&app, &person, &format!("{enduser}/clients?agent={id}&client={stranger}"), &json!(null)).await;
    assert_problem(&unknown, 400, "AUTH-00079");
    let ugle = systemtilgang::db::parties::organisation(&mut app.db(), "310000124").unwrap().unwrap().party_uuid;
    let lacking = post(&app, &person, &format!("{enduser}/clients?agent={id}&client={ugle}"), &json!(null)).await;
    assert_problem(&lacking, 400, "AUTH-00080");
    let nobody = get(&app, &person, &format!("{enduser}/agents?party=999999999")).await;
    assert_eq!((nobody.status, nobody.body["title"].as_str()), (404, Some("Party not found")));
    assert!(nobody.body.get("code").is_none(), "Altinn gives no code here: {}", nobody.text);
}

/// §9: a `clientId` that no system holds is taken, also one that is no client here (a
/// Maskinporten client's); from then on no other system and no other organisation has it.
async fn a_client_id_never_seen_is_taken_and_is_the_vendors_from_then_on(app: TestApp) {
    const CLIENTS: &str = "/registersystemrequest/clientid";
    let token = app.vendor_token(None).await;
    let mut first = system("310000035_mp");
    first["clientId"] = json!(["5b0c7e1a-maskinporten"]);
    let created = post(&app, &token, REGISTER, &first).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let read = get(&app, &token, &format!("{REGISTER}/310000035_mp")).await;
    assert_eq!(read.body["clientId"], json!(["5b0c7e1a-maskinporten"]));
    let mut second = system("310000035_mp2");
    second["clientId"] = json!(["5b0c7e1a-maskinporten"]);
    assert_validation(&post(&app, &token, REGISTER, &second).await, "AUTH.VLD-00004", CLIENTS);
    // Another organisation's client (the service owner's) is not the vendor's to list.
    second["clientId"] = json!(["demo-skatteetaten"]);
    assert_validation(&post(&app, &token, REGISTER, &second).await, "AUTH.VLD-00004", CLIENTS);
    // Deleting the system frees the id (§3.4).
    assert_eq!(delete(&app, &token, &format!("{REGISTER}/310000035_mp")).await.status, 200);
    second["clientId"] = json!(["5b0c7e1a-maskinporten"]);
    assert_eq!(post(&app, &token, REGISTER, &second).await.status, 200);
}

/// §7: a system user token goes to a client in the system's `clientId` of the system's
/// vendor, for the owner and reference; Maskinporten's `byExternalId` finds the same.
async fn system_user_tokens_and_the_lookup_follow_altinns_rule(app: TestApp) {
    let id = lonn_user(&app).await;
    let (status, body) = app.ask_system_user_token("demo-smartcloud-lonn", APE).await;
    assert_eq!(status, 200, "{body}");
    // The vendor's client of another system: that system has no system user here.
    let (status, body) = app.ask_system_user_token("demo-smartcloud", APE).await;
    assert_eq!((status, &body["error"]), (400, &json!("invalid_authorization_details")), "{body}");
    // A client of the vendor on no system.
    app.add_vendor_client("smartcloud-admin", "310000035", "altinn:authentication/systemregister.write");
    let details = json!([{"type": "urn:altinn:systemuser",
        "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": format!("0192:{APE}")}}]);
    let ask = |client: &'static str| {
        let form = [
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", client.to_owned()),
            ("client_secret", format!("{client}-secret")),
            ("authorization_details", details.to_string()),
        ];
        let request = app.http.post(app.url("/token")).form(&form);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = ask("smartcloud-admin").await;
    assert_eq!(status, 400);
    assert_eq!(body["error_description"], "the client is not a client of any registered system");
    // A client of another organisation, on the vendor's system (as data from before the
    // rule could hold): the system is not its organisation's, so no token.
    let token = app.vendor_token(None).await;
    let mut mp = system("310000035_mp");
    mp["clientId"] = json!(["tiger-client"]);
    assert_eq!(post(&app, &token, REGISTER, &mp).await.status, 200);
    app.add_vendor_client("tiger-client", TIGER, "altinn:authentication/systemuser.request.read");
    let body = json!({"systemId": "310000035_mp", "partyOrgNo": APE, "rights": [right(KRAV)]});
    let request_id = post(&app, &token, REQUESTS, &body).await.body["id"].as_str().unwrap().to_owned();
    approve(&app, KONSERT, "request", &request_id).await;
    let (status, body) = ask("tiger-client").await;
    assert_eq!(status, 400);
    assert_eq!(body["error_description"], "the system that lists this client belongs to another organisation");

    // Maskinporten's lookup, with its own scope.
    app.add_vendor_client("maskinporten", "974761076", "altinn:maskinporten/systemuser.read");
    let lookup = app.token_for("maskinporten", None).await;
    let by = |query: &str| format!("{V1}/systemuser/byExternalId?{query}");
    let found = get(
        &app,
        &lookup,
        &by(&format!("clientId=demo-smartcloud-lonn&systemProviderOrgNo=310000035&systemUserOwnerOrgNo={APE}")),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(keys(&found.body), sorted(SYSTEM_USER_KEYS));
    assert_eq!((&found.body["id"], &found.body["productName"]), (&json!(id), &json!(SMARTCLOUD_LONN)));
    let with_ref = by(&format!(
        "clientId=demo-smartcloud-lonn&systemProviderOrgNo=310000035&systemUserOwnerOrgNo={APE}&externalRef={APE}"
    ));
    assert_eq!(get(&app, &lookup, &with_ref).await.body["id"], json!(id), "the reference defaults to the owner");
    for unmatched in [
        format!("clientId=demo-smartcloud-lonn&systemProviderOrgNo=310000027&systemUserOwnerOrgNo={APE}"),
        format!("clientId=demo-smartcloud-lonn&systemProviderOrgNo=310000035&systemUserOwnerOrgNo={APE}&externalRef=x"),
        format!("clientId=demo-smartcloud-lonn&systemProviderOrgNo=310000035&systemUserOwnerOrgNo={TIGER}"),
        format!("clientId=nobody&systemProviderOrgNo=310000035&systemUserOwnerOrgNo={APE}"),
    ] {
        assert_eq!(get(&app, &lookup, &by(&unmatched)).await.status, 404, "{unmatched}");
    }
    for missing in [
        format!("systemProviderOrgNo=310000035&systemUserOwnerOrgNo={APE}"),
        format!("clientId=demo-smartcloud-lonn&systemUserOwnerOrgNo={APE}"),
        "clientId=demo-smartcloud-lonn&systemProviderOrgNo=310000035&systemUserOwnerOrgNo=".to_owned(),
    ] {
        assert_eq!(get(&app, &lookup, &by(&missing)).await.status, 400, "{missing}");
    }
    let vendor = app.vendor_token(None).await;
    let refused = get(
        &app,
        &vendor,
        &by(&format!("clientId=demo-smartcloud-lonn&systemProviderOrgNo=310000035&systemUserOwnerOrgNo={APE}")),
    )
    .await;
    assert_problem(&refused, 403, "AUTH-00044");
}
