//! What the vendor is told after its customers act: the change feed, webhooks delivered to
//! a real receiver (signatures checked by npm `standardwebhooks`, events read by npm
//! `cloudevents`), and the vendor letting go of a system user.

use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;
use crate::webhooks::{Receiver, types};

const FEED: &str = "/authentication/api/v1/systemuser/vendor/events";
const WEBHOOKS: &str = "/systemtilgang/api/v1/vendor/webhooks";
const ENDUSER: &str = "/authentication/api/v1/enduser/systemuser";
const KLIENT: &str = "310000035_smartcloud_klient";
const SIGNERING: &str = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";

on_both_backends!(
    each_change_is_told_once_from_its_cause,
    the_feed_pages_and_is_polled_from_next,
    webhooks_deliver_signed_cloud_events_and_retry_until_taken,
    a_receiver_that_is_gone_turns_its_webhook_off,
    the_vendor_lets_go_of_its_own_system_users_only,
    webhooks_are_for_https_known_types_and_their_vendor,
    the_register_taking_a_client_away_is_told,
    an_access_made_in_the_portal_and_an_agent_let_go_are_told,
);

/// A request for the demo company approved (or rejected) by STADIG KONSERT; its id.
async fn handled(app: &TestApp, system: &str, rights: &[&str], approve: bool) -> String {
    if approve {
        return app.approved_by_konsert(system, rights).await;
    }
    let request = app.create_request(system, rights, None).await;
    let id = request["id"].as_str().unwrap().to_owned();
    let done = app
        .logged_in(KONSERT)
        .await
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={id}"),
            "/accessmanagement/ui/systemuser/request/reject",
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    id
}

/// Every event of the feed from the start, following `links.next` until a page is empty.
async fn whole_feed(app: &TestApp, token: &str) -> Vec<Value> {
    let (mut events, mut url) = (Vec::new(), app.url(FEED));
    loop {
        let response = app.http.get(&url).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        let data = page["data"].as_array().unwrap().clone();
        let next = page["links"]["next"].as_str().expect("links.next is always given").to_owned();
        assert!(next.starts_with(&app.url(FEED)), "{page}");
        if data.is_empty() {
            return events;
        }
        events.extend(data);
        url = next;
    }
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

fn path_of(url: &Value) -> String {
    let url = url.as_str().unwrap();
    url[url.find("/accessmanagement").unwrap()..].to_owned()
}

async fn each_change_is_told_once_from_its_cause(app: TestApp) {
    let vendor = app.vendor_token(None).await;
    let lonn = handled(&app, SMARTCLOUD_LONN, &[KRAV], true).await;
    let rejected = handled(&app, SMARTCLOUD, &[KRAV], false).await;
    // A change request approved, one rejected.
    let konsert = app.logged_in(KONSERT).await;
    let right = |id: &str| json!({"resource": [{"id": "urn:altinn:resource", "value": id}]});
    let change = app
        .ask_change(
            &lonn,
            &json!({"systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "requiredRights": [right(A_MELDING)]}),
        )
        .await;
    konsert.submit(&path_of(&change["confirmUrl"]), "/accessmanagement/ui/systemuser/changerequest/approve").await;
    let unwanted = app
        .ask_change(&lonn, &json!({"systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "unwantedRights": [right(KRAV)]}))
        .await;
    konsert.submit(&path_of(&unwanted["confirmUrl"]), "/accessmanagement/ui/systemuser/changerequest/reject").await;
    // An agent system user gets a client by the client delegation API and loses it.
    let agent = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let person = app.person_token(DRESS, &["altinn:clientdelegations.read", "altinn:clientdelegations.write"]);
    let elg = app.db_party_uuid("310000043");
    let add = app.url(&format!("{ENDUSER}/clients?agent={agent}&client={elg}"));
    for method in [reqwest::Method::POST, reqwest::Method::POST, reqwest::Method::DELETE] {
        let sent = app.http.request(method, &add).bearer_auth(&person).send().await.unwrap();
        assert_eq!(sent.status(), 200);
    }
    // A request left until it timed out.
    let mut body = request_body(SMARTCLOUD, APE, &[KRAV], None);
    body["externalRef"] = json!("waiting");
    let (status, made) = app.api_post(&vendor, "/authentication/api/v1/systemuser/request/vendor", &body).await;
    assert_eq!(status, 201, "{made}");
    let waiting = made["id"].as_str().unwrap().to_owned();
    {
        use diesel::prelude::*;
        use systemtilgang::db::schema::system_user_requests as r;
        let old = systemtilgang::db::now() - chrono::Duration::days(181);
        diesel::update(r::table.find(&waiting)).set(r::created.eq(old)).execute(&mut app.db()).unwrap();
    }
    let expiry = chrono::Duration::days(180);
    for told in [1, 0] {
        assert_eq!(systemtilgang::domain::vendor_events::tell_timeouts(&mut app.db(), expiry, 100).unwrap(), told);
    }
    // The customer deletes one system user in the portal, the vendor the other by API.
    let details = format!("/accessmanagement/ui/systemuser/{lonn}");
    konsert.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    let deleted = app.http.delete(app.url(&format!("/authentication/api/v1/systemuser/vendor/{agent}")));
    assert_eq!(deleted.bearer_auth(&vendor).send().await.unwrap().status(), 202);

    let events = whole_feed(&app, &vendor).await;
    assert_eq!(
        kinds(&events),
        [
            "request.accepted",
            "systemuser.created",
            "request.rejected",
            "changerequest.accepted",
            "systemuser.changed",
            "changerequest.rejected",
            "request.accepted",
            "systemuser.created",
            "systemuser.client.added",
            "systemuser.client.removed",
            "request.timedout",
            "systemuser.deleted",
            "systemuser.deleted",
        ],
        "each cause once, in order: {events:#?}"
    );
    let event = |n: usize| &events[n];
    assert_eq!(event(0)["requestId"], json!(lonn));
    assert_eq!(
        (&event(1)["systemUserId"], &event(1)["systemId"], &event(1)["partyOrgNo"], &event(1)["externalRef"]),
        (&json!(lonn), &json!(SMARTCLOUD_LONN), &json!(APE), &json!(APE))
    );
    assert_eq!((&event(2)["requestId"], &event(2)["systemUserId"]), (&json!(rejected), &Value::Null));
    assert_eq!((&event(3)["changeRequestId"], &event(5)["changeRequestId"]), (&change["id"], &unwanted["id"]));
    assert_eq!((&event(8)["clientOrgNo"], &event(9)["clientOrgNo"]), (&json!("310000043"), &json!("310000043")));
    assert_eq!(event(8)["partyOrgNo"], json!(TIGER));
    assert_eq!((&event(10)["requestId"], &event(10)["systemUserId"]), (&json!(waiting), &Value::Null));
    assert_eq!(event(10)["externalRef"], "waiting");
    assert_eq!((&event(11)["systemUserId"], &event(11)["by"]), (&json!(lonn), &json!("customer")));
    assert_eq!((&event(12)["systemUserId"], &event(12)["by"]), (&json!(agent), &json!("vendor")));
    let ids: std::collections::BTreeSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "every event has an id of its own");
    assert!(events.iter().all(|e| chrono::DateTime::parse_from_rfc3339(e["time"].as_str().unwrap()).is_ok()));

    // Another vendor's feed holds none of it.
    app.add_vendor_client("other-vendor", "310000043", "altinn:authentication/systemuser.request.read");
    let other = app.token_for("other-vendor", None).await;
    assert!(whole_feed(&app, &other).await.is_empty());
}

async fn the_feed_pages_and_is_polled_from_next(app: TestApp) {
    let vendor = app.vendor_token(None).await;
    let (status, empty) = app.api_get(&vendor, FEED).await;
    assert_eq!(status, 200);
    assert_eq!(empty, json!({"links": {"next": app.url(&format!("{FEED}?token=0"))}, "data": []}));
    // 105 events: the register adds 105 clients to the firm's agent at once (each told).
    let agent = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let clients: Vec<String> = (0..103).map(|n| format!("3{n:08}")).collect();
    {
        let mut conn = app.db();
        systemtilgang::domain::audit::record_each(
            &mut conn,
            systemtilgang::domain::audit::By::Register,
            TIGER,
            systemtilgang::domain::audit::Action::ClientAdd,
            &agent,
            &clients,
        )
        .unwrap();
    }
    let (_, first) = app.api_get(&vendor, FEED).await;
    assert_eq!(first["data"].as_array().unwrap().len(), 100, "100 a page");
    let next = first["links"]["next"].as_str().unwrap();
    assert!(next.starts_with(&app.address), "an absolute URL: {next}");
    let response = app.http.get(next).bearer_auth(&vendor).send().await.unwrap();
    let second: Value = response.json().await.unwrap();
    assert_eq!(kinds(second["data"].as_array().unwrap()), ["systemuser.client.added"; 5]);
    // Polling from the end: nothing, and the same position; then what happens next.
    let end = second["links"]["next"].as_str().unwrap().to_owned();
    let polled: Value = app.http.get(&end).bearer_auth(&vendor).send().await.unwrap().json().await.unwrap();
    assert_eq!((polled["data"].as_array().unwrap().len(), polled["links"]["next"].as_str()), (0, Some(end.as_str())));
    let deleted = app.http.delete(app.url(&format!("/authentication/api/v1/systemuser/vendor/{agent}")));
    assert_eq!(deleted.bearer_auth(&vendor).send().await.unwrap().status(), 202);
    let polled: Value = app.http.get(&end).bearer_auth(&vendor).send().await.unwrap().json().await.unwrap();
    assert_eq!(kinds(polled["data"].as_array().unwrap()), ["systemuser.deleted"]);
    // A token this feed never gave is refused; the scopes are checked.
    let (status, problem) = app.api_get(&vendor, &format!("{FEED}?token=minus")).await;
    assert_eq!(status, 400, "{problem}");
    let register_only = app.token_for("demo-skatteetaten", None).await;
    assert_eq!(app.api_get(&register_only, FEED).await.0, 403);
}

async fn the_register_taking_a_client_away_is_told(app: TestApp) {
    let agent = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let person = app.person_token(DRESS, &["altinn:clientdelegations.read", "altinn:clientdelegations.write"]);
    let elg = app.db_party_uuid("310000043");
    let add = app.url(&format!("{ENDUSER}/clients?agent={agent}&client={elg}"));
    assert_eq!(app.http.post(&add).bearer_auth(&person).send().await.unwrap().status(), 200);
    // The register: LYSTIG ROLIG ELG AS has the firm as its auditor now, not as its
    // regnskapsfører (whose role gives the package).
    app.add_vendor_client("operator", "310000035", "systemtilgang:register.import");
    let operator = app.token_for("operator", None).await;
    let record = json!({
        "type": "organisation", "orgNo": "310000043", "name": "LYSTIG ROLIG ELG AS", "orgForm": "AS",
        "organisationRoles": [{"role": "REVI", "orgNo": TIGER}],
    });
    let (status, body) = app.api_post(&operator, "/systemtilgang/api/v1/register/records", &record).await;
    assert_eq!(status, 200, "{body}");
    let events = whole_feed(&app, &app.vendor_token(None).await).await;
    let last = events.last().unwrap();
    assert_eq!(
        (&last["type"], &last["clientOrgNo"]),
        (&json!("systemuser.client.removed"), &json!("310000043")),
        "{events:#?}"
    );
    assert_eq!(kinds(&events).iter().filter(|k| **k == "systemuser.client.removed").count(), 1);
}

async fn an_access_made_in_the_portal_and_an_agent_let_go_are_told(app: TestApp) {
    let vendor = app.vendor_token(None).await;
    let create = "/accessmanagement/ui/systemuser/create";
    let made = app.logged_in(KONSERT).await.submit(&format!("{create}?system={SMARTCLOUD_LONN}"), create).await;
    assert_eq!(made.status, 303, "{}", made.body);
    let events = whole_feed(&app, &vendor).await;
    assert_eq!(kinds(&events), ["systemuser.created"], "no request, so no request event");
    assert_eq!((&events[0]["systemId"], &events[0].get("requestId")), (&json!(SMARTCLOUD_LONN), &None));

    // The vendor lets go of an agent with a client: the client is taken off, then it goes.
    let agent = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let person = app.person_token(DRESS, &["altinn:clientdelegations.read", "altinn:clientdelegations.write"]);
    let add = app.url(&format!("{ENDUSER}/clients?agent={agent}&client={}", app.db_party_uuid("310000043")));
    assert_eq!(app.http.post(&add).bearer_auth(&person).send().await.unwrap().status(), 200);
    let deleted = app.http.delete(app.url(&format!("/authentication/api/v1/systemuser/vendor/{agent}")));
    assert_eq!(deleted.bearer_auth(&vendor).send().await.unwrap().status(), 202);
    let events = whole_feed(&app, &vendor).await;
    let of_agent: Vec<&Value> = events.iter().filter(|e| e["systemUserId"] == json!(agent)).collect();
    let told: Vec<(&str, Option<&str>)> = of_agent
        .iter()
        .map(|e| (e["type"].as_str().unwrap(), e["by"].as_str().or(e["clientOrgNo"].as_str())))
        .collect();
    assert_eq!(
        told,
        [
            ("request.accepted", None),
            ("systemuser.created", None),
            ("systemuser.client.added", Some("310000043")),
            ("systemuser.client.removed", Some("310000043")),
            ("systemuser.deleted", Some("vendor")),
        ]
    );
    let (_, attached) = app.api_get(&person, &format!("{ENDUSER}/clients?agent={agent}")).await;
    assert_ne!(attached["data"].as_array().map(Vec::len), Some(1), "no client is left on it: {attached}");
}

/// Registers a webhook for the receiver; returns the answer (with its secret).
async fn webhook_for(app: &TestApp, vendor: &str, receiver: &Receiver, types: Option<&[&str]>) -> Value {
    let mut body = json!({"url": receiver.hook()});
    if let Some(types) = types {
        body["types"] = json!(types);
    }
    let (status, made) = app.api_post(vendor, WEBHOOKS, &body).await;
    assert_eq!(status, 201, "{made}");
    receiver.verify_with(made["secret"].as_str().unwrap()).await;
    made
}

async fn webhooks_deliver_signed_cloud_events_and_retry_until_taken(app: TestApp) {
    let Some(receiver) = Receiver::start() else { return };
    let vendor = app.vendor_token(None).await;
    let made = webhook_for(&app, &vendor, &receiver, None).await;
    assert!(made["secret"].as_str().unwrap().starts_with("whsec_"), "{made}");
    let (_, listed) = app.api_get(&vendor, WEBHOOKS).await;
    assert_eq!(listed[0]["url"], made["url"]);
    assert!(listed[0].get("secret").is_none(), "the secret is shown once: {listed}");

    let id = handled(&app, SMARTCLOUD, &[KRAV], true).await;
    let accepted = receiver.accepted_until(|d| d.len() >= 2).await;
    assert_eq!(types(&accepted), ["request.accepted", "systemuser.created"]);
    let feed = whole_feed(&app, &vendor).await;
    let delivery = &accepted[1];
    assert_eq!(delivery["event"]["specversion"], "1.0");
    assert_eq!(delivery["event"]["id"], feed[1]["id"]);
    assert_eq!(delivery["webhookId"], feed[1]["id"], "webhook-id is the event's id");
    assert_eq!(delivery["event"]["subject"], json!(id));
    assert_eq!(delivery["event"]["data"], feed[1], "the data is the event as the feed shows it");
    assert_eq!(delivery["event"]["source"], json!(app.url(FEED)));

    // The receiver hangs: the portal does not wait for it. Then it is down a while (500s):
    // everything after still comes, in order, once taken, with the same webhook-id on
    // each try.
    receiver.hang().await;
    let details = format!("/accessmanagement/ui/systemuser/{id}");
    let konsert = app.logged_in(KONSERT).await;
    let begun = std::time::Instant::now();
    let done = konsert.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    assert_eq!(done.status, 303);
    // The test node gives a receiver 5 s: a delete waiting for it would take that long.
    assert!(begun.elapsed() < std::time::Duration::from_secs(4), "the delete waited for the receiver");
    receiver.answer(500).await;
    let lonn = handled(&app, SMARTCLOUD_LONN, &[KRAV], true).await;
    let refused = || async { receiver.received().await.into_iter().filter(|d| d["answered"] == 500).count() };
    let begun = std::time::Instant::now();
    while refused().await < 3 {
        assert!(begun.elapsed().as_secs() < 30, "the receiver was never tried again");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (_, deliveries) =
        app.api_get(&vendor, &format!("{WEBHOOKS}/{}/deliveries", made["id"].as_str().unwrap())).await;
    let waiting: Vec<&Value> = deliveries.as_array().unwrap().iter().filter(|d| d["status"] == "pending").collect();
    assert!(!waiting.is_empty(), "{deliveries:#}");
    assert!(waiting.iter().any(|d| d["answerCode"] == 500 && d["attempts"].as_i64() >= Some(1)), "{deliveries:#}");
    receiver.answer(200).await;
    let accepted = receiver.accepted_until(|d| d.len() >= 5).await;
    let of = |subject: &str| -> Vec<Value> {
        accepted.iter().filter(|d| d["event"]["subject"] == subject).cloned().collect()
    };
    // Each system user's events in their order (one system user's need not wait for another's).
    assert_eq!(types(&of(&id)), ["request.accepted", "systemuser.created", "systemuser.deleted"]);
    assert_eq!(types(&of(&lonn)), ["request.accepted", "systemuser.created"]);
    let deletion = &of(&id)[2];
    let tries = receiver.received().await.into_iter().filter(|d| d["webhookId"] == deletion["webhookId"]).count();
    assert!(tries >= 2, "tried again with the same webhook-id");
    let (_, deliveries) =
        app.api_get(&vendor, &format!("{WEBHOOKS}/{}/deliveries", made["id"].as_str().unwrap())).await;
    assert!(deliveries.as_array().unwrap().iter().all(|d| d["status"] == "delivered"), "{deliveries:#}");
    assert_eq!(deliveries[0]["answerCode"], 200);
}

async fn a_receiver_that_is_gone_turns_its_webhook_off(app: TestApp) {
    let Some(receiver) = Receiver::start() else { return };
    let vendor = app.vendor_token(None).await;
    let made = webhook_for(&app, &vendor, &receiver, Some(&["systemuser.deleted"])).await;
    assert_eq!(made["types"], json!(["systemuser.deleted"]));
    receiver.answer(410).await;
    let id = handled(&app, SMARTCLOUD, &[KRAV], true).await;
    let details = format!("/accessmanagement/ui/systemuser/{id}");
    app.logged_in(KONSERT).await.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    let hook = format!("{WEBHOOKS}/{}", made["id"].as_str().unwrap());
    let begun = std::time::Instant::now();
    loop {
        let (_, listed) = app.api_get(&vendor, WEBHOOKS).await;
        if listed[0]["active"] == false {
            assert_eq!(listed[0]["disabledReason"], "410 Gone");
            break;
        }
        assert!(begun.elapsed().as_secs() < 20, "never turned off: {listed}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let got = receiver.received().await;
    assert_eq!(got.len(), 1, "only the type asked for, once: {got:#?}");
    assert_eq!(got[0]["event"]["type"], "systemuser.deleted");
    let (_, deliveries) = app.api_get(&vendor, &format!("{hook}/deliveries")).await;
    assert_eq!((&deliveries[0]["status"], &deliveries[0]["answerCode"]), (&json!("failed"), &json!(410)));
    let gone = app.http.delete(app.url(&hook)).bearer_auth(&vendor).send().await.unwrap();
    assert_eq!(gone.status(), 204);
    assert_eq!(app.api_get(&vendor, &format!("{hook}/deliveries")).await.0, 404);
}

async fn the_vendor_lets_go_of_its_own_system_users_only(app: TestApp) {
    let vendor = app.vendor_token(None).await;
    let id = handled(&app, SMARTCLOUD, &[KRAV], true).await;
    let token = app.system_user_token("demo-smartcloud", APE).await;
    let service = app.token_for("demo-skatteetaten", None).await;
    assert_eq!(app.decision(&service, &id, KRAV, "read", APE).await, "Permit");
    let delete = |token: String, id: String| {
        let request = app.http.delete(app.url(&format!("/authentication/api/v1/systemuser/vendor/{id}")));
        async move { request.bearer_auth(token).send().await.unwrap().status().as_u16() }
    };
    // Another vendor finds nothing to delete.
    app.add_vendor_client("other-vendor", "310000043", "altinn:authentication/systemuser.request.write");
    let other = app.token_for("other-vendor", None).await;
    assert_eq!(delete(other, id.clone()).await, 404);
    assert_eq!(delete(vendor.clone(), uuid::Uuid::new_v4().to_string()).await, 404);
    assert_eq!(delete(vendor.clone(), id.clone()).await, 202);
    assert_eq!(delete(vendor.clone(), id.clone()).await, 404, "gone already");

    assert_eq!(app.decision(&service, &id, KRAV, "read", APE).await, "NotApplicable");
    let krav = app.http.get(app.url("/demo/skatteetaten/krav")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(krav.status(), 403, "the token it had no longer opens the service");
    assert_eq!(app.ask_system_user_token("demo-smartcloud", APE).await.0, 400);
    // The customer's history and the deleted page name the vendor.
    let konsert = app.logged_in(KONSERT).await;
    let page = konsert.get(&format!("/accessmanagement/ui/systemuser/{id}")).await;
    assert_eq!(page.status, 404);
    assert!(page.text().contains("ble slettet av leverandøren SMARTCLOUD AS"), "{}", page.text());
    let history: Vec<(String, String)> = systemtilgang::db::audit::for_subject(&mut app.db(), &id)
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.actor))
        .collect();
    assert_eq!(history.last(), Some(&("systemuser.delete".to_owned(), "vendor:310000035".to_owned())));
}

async fn webhooks_are_for_https_known_types_and_their_vendor(app: TestApp) {
    let vendor = app.vendor_token(None).await;
    for (body, why) in [
        (json!({"url": "http://vendor.example/hook"}), "https"),
        (json!({"url": "ftp://127.0.0.1/hook"}), "https"),
        (json!({"url": "not a url"}), "url"),
        (json!({"url": "https://vendor.example/hook", "types": ["systemuser.exploded"]}), "unknown event type"),
        (json!({"url": "https://vendor.example/hook", "extra": 1}), "extra"),
    ] {
        let (status, problem) = app.api_post(&vendor, WEBHOOKS, &body).await;
        assert_eq!(status, 400, "{body}: {problem}");
        assert!(problem["detail"].as_str().unwrap_or_default().contains(why), "{body}: {problem}");
    }
    let (status, made) = app.api_post(&vendor, WEBHOOKS, &json!({"url": "https://vendor.example/hook"})).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["types"], json!([]), "every type");
    app.add_vendor_client("other-vendor", "310000043", "altinn:authentication/systemuser.request.read");
    let other = app.token_for("other-vendor", None).await;
    let (_, theirs) = app.api_get(&other, WEBHOOKS).await;
    assert_eq!(theirs, json!([]));
    let hook = format!("{WEBHOOKS}/{}", made["id"].as_str().unwrap());
    assert_eq!(app.http.delete(app.url(&hook)).bearer_auth(&other).send().await.unwrap().status(), 404);
    assert_eq!(app.api_get(&vendor, WEBHOOKS).await.1.as_array().map(Vec::len), Some(1), "still the vendor's");
    assert_eq!(app.api_get(&other, &format!("{hook}/deliveries")).await.0, 404);
    let (status, _) = app.api_post(&app.token_for("demo-skatteetaten", None).await, WEBHOOKS, &json!({})).await;
    assert_eq!(status, 403);
}

/// The vendor's token from a served binary's token endpoint.
async fn served_vendor_token(http: &reqwest::Client, url: &str) -> String {
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", "demo-smartcloud"),
        ("client_secret", "demo-smartcloud-secret"),
    ];
    let answer: Value = http.post(format!("{url}/token")).form(&form).send().await.unwrap().json().await.unwrap();
    answer["access_token"].as_str().unwrap().to_owned()
}

/// The server is killed (`kill -9`) while its delivery of a committed event hangs at the
/// receiver: nothing is lost; the next server sends it, with the same `webhook-id`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_outlives_a_killed_server() {
    let Some(receiver) = Receiver::start() else { return };
    let database = fresh_sqlite_url();
    let settings = [("SYSTEMTILGANG_WEBHOOK_TIMEOUT_SECONDS", "2"), ("SYSTEMTILGANG_OUTBOX_LEASE_SECONDS", "4")];
    let first = Served::start(&["--database-url", &database], &settings);
    let http = reqwest::Client::new();
    let vendor = served_vendor_token(&http, &first.url).await;
    let post = |path: &str, body: Value| {
        let request = http.post(format!("{}{path}", first.url)).bearer_auth(&vendor).json(&body);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let made = post(WEBHOOKS, json!({"url": receiver.hook(), "types": ["systemuser.created"]})).await;
    receiver.verify_with(made["secret"].as_str().unwrap()).await;
    receiver.hang().await;
    // A request approved (by the portal's own rule, on the same database).
    let request =
        post("/authentication/api/v1/systemuser/request/vendor", request_body(SMARTCLOUD, APE, &[KRAV], None)).await;
    let id = request["id"].as_str().unwrap().to_owned();
    let mut conn = systemtilgang::db::open(&systemtilgang::db::DatabaseUrl::parse(&database).unwrap()).unwrap();
    let expiry = systemtilgang::domain::requests::Expiry(chrono::Duration::days(180));
    systemtilgang::domain::requests::approve(&mut conn, KONSERT, &id, expiry).unwrap();
    while receiver.received().await.is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    drop(first.stop()); // SIGKILL, mid-delivery
    receiver.answer(204).await;
    let second = Served::start(&["--database-url", &database], &settings);
    let accepted = receiver.accepted_until(|d| !d.is_empty()).await;
    assert_eq!(types(&accepted), ["systemuser.created"]);
    assert_eq!(accepted[0]["event"]["subject"], json!(id));
    let tries: Vec<Value> = receiver.received().await;
    assert_eq!(tries.len(), 2, "once hanging, once taken: {tries:#?}");
    assert_eq!(tries[0]["webhookId"], tries[1]["webhookId"]);
    drop(second);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", database.trim_start_matches("sqlite://")));
    }
}

/// Two nodes on one PostgreSQL share the outbox: every event is delivered, none twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_deliver_each_event_once() {
    let Some(receiver) = Receiver::start() else { return };
    let Some(app) = TestApp::spawn(Backend::Postgres).await else { return };
    let _second = app.node_with(|_| {}).await;
    let vendor = app.vendor_token(None).await;
    webhook_for(&app, &vendor, &receiver, None).await;
    // 30 system users approved together: 60 events, in 30 queues the nodes share.
    let mut ids = Vec::new();
    for n in 0..30 {
        let mut body = request_body(SMARTCLOUD, APE, &[KRAV], None);
        body["externalRef"] = json!(format!("node-test-{n}"));
        let (status, made) = app.api_post(&vendor, "/authentication/api/v1/systemuser/request/vendor", &body).await;
        assert_eq!(status, 201, "{made}");
        ids.push(made["id"].as_str().unwrap().to_owned());
    }
    let expiry = systemtilgang::domain::requests::Expiry(chrono::Duration::days(180));
    let mut conn = app.db();
    for id in &ids {
        systemtilgang::domain::requests::approve(&mut conn, KONSERT, id, expiry).unwrap();
    }
    let accepted = receiver.accepted_until(|d| d.len() >= 60).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let received = receiver.received().await;
    let mut webhook_ids: Vec<&str> = received.iter().map(|d| d["webhookId"].as_str().unwrap()).collect();
    webhook_ids.sort();
    webhook_ids.dedup();
    assert_eq!((received.len(), webhook_ids.len(), accepted.len()), (60, 60, 60), "each event once");
    for id in &ids {
        let of: Vec<Value> = accepted.iter().filter(|d| d["event"]["subject"] == json!(id)).cloned().collect();
        assert_eq!(types(&of), ["request.accepted", "systemuser.created"], "in order for {id}");
    }
}
