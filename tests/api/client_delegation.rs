//! Client delegation by API (docs/altinn-wire.md §3.5): a person's end-user system lists the
//! firm's agent system users and adds or removes clients under the portal's rules, and
//! an agent system user sees the clients it may act for.

use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

const ENDUSER: &str = "/authentication/api/v1/enduser/systemuser";
const KLIENT: &str = "310000035_smartcloud_klient";
const REVISJON: &str = "310000035_smartcloud_revisjon";
const SIGNERING: &str = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet";
const ANSVARLIG_REVISOR: &str = "urn:altinn:accesspackage:ansvarlig-revisor";
const LONN: &str = "urn:altinn:accesspackage:regnskapsforer-lonn";
const READ: &str = "altinn:clientdelegations.read";
const WRITE: &str = "altinn:clientdelegations.write";

on_both_backends!(
    a_client_administrator_adds_and_removes_clients_by_api,
    the_client_api_answers_bad_input_as_altinn_does,
    the_client_api_keeps_to_the_portals_roles,
    a_client_must_give_every_package_of_the_system_user,
    an_agent_system_user_lists_the_parties_it_acts_for,
);

/// Tests that start the app with their own settings, once per backend.
mod own_settings {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_person_token_from_the_trusted_issuer_is_accepted_sqlite() {
        super::a_person_token_from_the_trusted_issuer_is_accepted(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_person_token_from_the_trusted_issuer_is_accepted_postgres() {
        super::a_person_token_from_the_trusted_issuer_is_accepted(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn five_thousand_clients_are_attached_by_api_sqlite() {
        super::five_thousand_clients_are_attached_by_api(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn five_thousand_clients_are_attached_by_api_postgres() {
        super::five_thousand_clients_are_attached_by_api(Backend::Postgres).await;
    }
}

/// The party UUID of an organisation.
fn party_uuid(app: &TestApp, org_no: &str) -> String {
    systemtilgang::db::parties::organisation(&mut app.db(), org_no).unwrap().unwrap().party_uuid
}

async fn send(app: &TestApp, method: reqwest::Method, token: &str, path: &str) -> (u16, Value) {
    let response = app.http.request(method, app.url(path)).bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every client of a paged client list, following `links.next`.
async fn all_pages(app: &TestApp, token: &str, path: &str) -> (Vec<String>, Value) {
    let mut next = Some(app.url(path));
    let (mut numbers, mut last) = (Vec::new(), Value::Null);
    while let Some(url) = next {
        let response = app.http.get(&url).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        for client in page["data"].as_array().unwrap() {
            numbers.push(client["clientOrganizationNumber"].as_str().unwrap().to_owned());
        }
        next = page["links"]["next"].as_str().map(str::to_owned);
        last = page;
    }
    (numbers, last)
}

/// The validation code of an STD-00000 answer.
fn validation_code(problem: &Value) -> &str {
    assert_eq!(problem["code"], "STD-00000", "{problem}");
    problem["validationErrors"][0]["code"].as_str().unwrap()
}

async fn a_client_administrator_adds_and_removes_clients_by_api(app: TestApp) {
    let id = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let token = app.person_token(DRESS, &[READ, WRITE]);

    let (status, agents) = app.api_get(&token, &format!("{ENDUSER}/agents?party={TIGER}")).await;
    assert_eq!(status, 200, "{agents}");
    let agent = &agents.as_array().unwrap()[0];
    assert_eq!(agents.as_array().unwrap().len(), 1);
    assert_eq!((agent["id"].as_str(), agent["userType"].as_str()), (Some(id.as_str()), Some("agent")));
    assert_eq!(agent["accessPackages"], json!([{"urn": SIGNERING}]));
    assert_eq!(agent["partyUuId"], party_uuid(&app, TIGER));
    assert!(agent["systemInternalId"].as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok()), "{agent}");

    // The regnskapsfører clients can be added; revisor and forretningsfører ones cannot.
    let (mut available, last) = all_pages(&app, &token, &format!("{ENDUSER}/clients/available?agent={id}")).await;
    available.sort();
    assert_eq!(available.len(), 13, "{available:?}");
    assert!(available.contains(&"310000213".to_owned()) && !available.contains(&"310000124".to_owned()));
    assert_eq!(last["systemUserInformation"], json!({"systemUserId": id, "systemUserOwnerOrg": TIGER}));

    let elg = party_uuid(&app, "310000043");
    let add = format!("{ENDUSER}/clients?agent={id}&client={elg}");
    for _ in 0..2 {
        let (status, body) = send(&app, reqwest::Method::POST, &token, &add).await;
        assert_eq!((status, body), (200, json!({"agent": id, "client": elg})), "adding twice is harmless");
    }
    let (attached, _) = all_pages(&app, &token, &format!("{ENDUSER}/clients?agent={id}")).await;
    assert_eq!(attached, ["310000043"]);
    let (_, page) = app.api_get(&token, &format!("{ENDUSER}/clients?agent={id}")).await;
    assert_eq!(
        page["data"],
        json!([{"clientId": elg, "clientOrganizationNumber": "310000043", "clientOrganizationName": "LYSTIG ROLIG ELG AS"}])
    );
    let (available, _) = all_pages(&app, &token, &format!("{ENDUSER}/clients/available?agent={id}")).await;
    assert_eq!(available.len(), 12, "an attached client is no longer available");

    // The portal shows what the API did, and the audit names the person.
    let dress = app.logged_in(DRESS).await;
    let clients_page = dress.get(&format!("/accessmanagement/ui/systemuser/{id}/agentdelegation?show=added")).await;
    assert_eq!(clients_page.texts("#candidates strong"), ["LYSTIG ROLIG ELG AS"]);
    let (status, body) = send(&app, reqwest::Method::DELETE, &token, &add).await;
    assert_eq!((status, body), (200, json!({"agent": id, "client": elg})));
    assert!(all_pages(&app, &token, &format!("{ENDUSER}/clients?agent={id}")).await.0.is_empty());
    let events = systemtilgang::db::audit::for_subject(&mut app.db(), &id).unwrap();
    let client_events: Vec<(String, String)> =
        events.into_iter().filter(|e| e.action.starts_with("client.")).map(|e| (e.action, e.actor)).collect();
    let by_dress = format!("person:{DRESS}");
    assert_eq!(
        client_events,
        [("client.add".to_owned(), by_dress.clone()), ("client.remove".to_owned(), by_dress)],
        "one add (the second changed nothing) and one removal"
    );
}

async fn the_client_api_answers_bad_input_as_altinn_does(app: TestApp) {
    let id = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let token = app.person_token(DRESS, &[READ, WRITE]);
    let standard = app.create_request(SMARTCLOUD, &[KRAV], None).await["id"].as_str().unwrap().to_owned();
    app.logged_in(KONSERT)
        .await
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={standard}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    let elg = party_uuid(&app, "310000043");
    let unknown = uuid::Uuid::new_v4();
    for (path, code) in [
        (format!("{ENDUSER}/clients/available"), "AUTH.VLD-00014"),
        (format!("{ENDUSER}/clients/available?agent=not-a-uuid"), "AUTH.VLD-00014"),
        (format!("{ENDUSER}/clients?agent={unknown}"), "AUTH.VLD-00014"),
        (format!("{ENDUSER}/clients?agent={standard}"), "AUTH.VLD-00014"),
    ] {
        let (status, problem) = app.api_get(&token, &path).await;
        assert_eq!((status, validation_code(&problem)), (400, code), "{path}: {problem}");
    }
    // DRESS MINST has no role for the standard user's party, so it is not found for him;
    // for a client administrator of that party it is no agent.
    app.grant_role(DRESS, APE, "KLIENTADMINISTRATOR");
    let (status, problem) = app.api_get(&token, &format!("{ENDUSER}/clients?agent={standard}")).await;
    assert_eq!((status, validation_code(&problem)), (400, "AUTH.VLD-00015"), "{problem}");
    assert_eq!(problem["validationErrors"][0]["title"], "SystemUser is not a valid system user of type agent");

    for (query, status, code) in [
        (format!("agent={id}"), 400, "AUTH.VLD-00016"),
        (format!("agent={id}&client=abc"), 400, "AUTH.VLD-00016"),
        (format!("client={elg}"), 400, "AUTH.VLD-00014"),
    ] {
        let (got, problem) = send(&app, reqwest::Method::POST, &token, &format!("{ENDUSER}/clients?{query}")).await;
        assert_eq!((got, validation_code(&problem)), (status, code), "{query}: {problem}");
    }
    // The agent is checked first: an unknown agent with an unknown client is the agent's fault.
    let path = format!("{ENDUSER}/clients?agent={}&client={unknown}", uuid::Uuid::new_v4());
    let (status, problem) = send(&app, reqwest::Method::POST, &token, &path).await;
    assert_eq!((status, validation_code(&problem)), (400, "AUTH.VLD-00014"), "{problem}");
    for (client, code, title) in [
        (party_uuid(&app, "310000132"), "AUTH-00079", "Client not found."),
        (unknown.to_string(), "AUTH-00079", "Client not found."),
        (
            party_uuid(&app, "310000124"),
            "AUTH-00080",
            "Client does not have the accesspackages the agent system user requires",
        ),
    ] {
        let path = format!("{ENDUSER}/clients?agent={id}&client={client}");
        let (status, problem) = send(&app, reqwest::Method::POST, &token, &path).await;
        assert_eq!((status, problem["code"].as_str(), problem["title"].as_str()), (400, Some(code), Some(title)));
    }
    let (status, problem) = app.api_get(&token, &format!("{ENDUSER}/agents?party=999999999")).await;
    assert_eq!((status, problem["title"].as_str()), (404, Some("Party not found")), "{problem}");
}

async fn the_client_api_keeps_to_the_portals_roles(app: TestApp) {
    let id = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let elg = party_uuid(&app, "310000043");
    let add = format!("{ENDUSER}/clients?agent={id}&client={elg}");
    // The scope counts: reading does not let a system write, and writing does not read.
    let reader = app.person_token(DRESS, &[READ]);
    let (status, problem) = send(&app, reqwest::Method::POST, &reader, &add).await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("AUTH-00044")));
    let writer = app.person_token(DRESS, &[WRITE]);
    assert_eq!(app.api_get(&writer, &format!("{ENDUSER}/clients?agent={id}")).await.0, 403);
    // A vendor's token names no person.
    app.add_vendor_client("vendor-with-client-scopes", "310000035", &format!("{READ} {WRITE}"));
    let vendor = app.token_for("vendor-with-client-scopes", None).await;
    assert_eq!(send(&app, reqwest::Method::POST, &vendor, &add).await.0, 403);
    // The daglig leder is no client administrator: he sees the agent, but neither lists
    // nor changes its clients.
    let manager = app.person_token(SKILPADDE, &[READ, WRITE]);
    let (status, problem) = app.api_get(&manager, &format!("{ENDUSER}/agents?party={TIGER}")).await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("STG-00023")), "{problem}");
    assert_eq!(app.api_get(&manager, &format!("{ENDUSER}/clients/available?agent={id}")).await.0, 403);
    assert_eq!(send(&app, reqwest::Method::POST, &manager, &add).await.0, 403);
    // Someone with no role in the firm does not find the agent at all.
    let outsider = app.person_token(KONSERT, &[READ, WRITE]);
    let (status, problem) = send(&app, reqwest::Method::POST, &outsider, &add).await;
    assert_eq!((status, validation_code(&problem)), (400, "AUTH.VLD-00014"));
    let (status, _) = app.api_get(&outsider, &format!("{ENDUSER}/agents?party={TIGER}")).await;
    assert_eq!(status, 403);
    assert!(systemtilgang::db::clients::count_attached(&mut app.db(), &id).unwrap() == 0);
}

async fn a_client_must_give_every_package_of_the_system_user(app: TestApp) {
    // A system user that takes both a revisor package and a regnskapsfører package.
    systemtilgang::db::packages::add_to_system(&mut app.db(), REVISJON, LONN).unwrap();
    let both = app.approved_agent(REVISJON, &[ANSVARLIG_REVISOR, LONN], DRESS).await;
    let token = app.person_token(DRESS, &[READ, WRITE]);
    let (available, _) = all_pages(&app, &token, &format!("{ENDUSER}/clients/available?agent={both}")).await;
    assert_eq!(available, ["310000213"], "only the client with both relations");
    // A revisor-only client gives one of the two packages: not enough.
    let maur = party_uuid(&app, "310000191");
    let (status, problem) =
        send(&app, reqwest::Method::POST, &token, &format!("{ENDUSER}/clients?agent={both}&client={maur}")).await;
    assert_eq!((status, problem["code"].as_str()), (400, Some("AUTH-00080")), "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains(LONN), "{problem}");
    let bie = party_uuid(&app, "310000213");
    let (status, _) =
        send(&app, reqwest::Method::POST, &token, &format!("{ENDUSER}/clients?agent={both}&client={bie}")).await;
    assert_eq!(status, 200);

    // A regnskapsfører system user does not take a revisor-only client either.
    let klient = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let (status, problem) =
        send(&app, reqwest::Method::POST, &token, &format!("{ENDUSER}/clients?agent={klient}&client={maur}")).await;
    assert_eq!((status, problem["code"].as_str()), (400, Some("AUTH-00080")), "{problem}");

    // Forretningsfører gives its package for sameier and borettslag, not for an AS.
    let eiendom = app
        .approved_agent("310000035_smartcloud_eiendom", &["urn:altinn:accesspackage:forretningsforer-eiendom"], DRESS)
        .await;
    let (mut available, _) = all_pages(&app, &token, &format!("{ENDUSER}/clients/available?agent={eiendom}")).await;
    available.sort();
    assert_eq!(available, ["310000221", "310000248"]);
    let havnegata = party_uuid(&app, "310000256");
    let path = format!("{ENDUSER}/clients?agent={eiendom}&client={havnegata}");
    let (status, problem) = send(&app, reqwest::Method::POST, &token, &path).await;
    assert_eq!((status, problem["code"].as_str()), (400, Some("AUTH-00080")), "{problem}");
}

async fn a_person_token_from_the_trusted_issuer_is_accepted(backend: Backend) {
    let (pkcs8, jwk) = outside_key_pair();
    let url = serve_jwks(json!({"keys": [jwk]}));
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.trusted_issuer = Some(systemtilgang::auth::trusted_issuer::TrustedIssuerSettings {
            issuer: "https://idporten.test/".into(),
            jwks_url: url,
            audience: Some("https://systemtilgang.test/".into()),
        })
    })
    .await
    else {
        return;
    };
    let id = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": "https://idporten.test/", "aud": "https://systemtilgang.test/", "iat": now, "exp": now + 120,
        "client_id": "accounting-system", "scope": format!("{READ} {WRITE}"), "pid": DRESS,
    });
    let sign = |claims: &Value| {
        let header = jsonwebtoken::Header {
            kid: Some("mp-1".into()),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256)
        };
        jsonwebtoken::encode(&header, claims, &jsonwebtoken::EncodingKey::from_ec_der(&pkcs8)).unwrap()
    };
    let token = sign(&claims);
    let (status, agents) = app.api_get(&token, &format!("{ENDUSER}/agents?party={TIGER}")).await;
    assert_eq!(status, 200, "{agents}");
    // Details of a kind we do not know do not make the token unreadable.
    let mut with_details = claims.clone();
    with_details["authorization_details"] = json!([{"type": "urn:altinn:consent", "id": 7}]);
    let (status, _) = app.api_get(&sign(&with_details), &format!("{ENDUSER}/agents?party={TIGER}")).await;
    assert_eq!(status, 200);
    // A token that names an organisation as well is a vendor's, not a person's.
    let mut vendor = claims.clone();
    vendor["consumer"] = json!({"authority": "iso6523-actorid-upis", "ID": "0192:310000035"});
    let (status, problem) = app.api_get(&sign(&vendor), &format!("{ENDUSER}/agents?party={TIGER}")).await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("AUTH-00044")));
    let elg = party_uuid(&app, "310000043");
    let (status, _) =
        send(&app, reqwest::Method::POST, &token, &format!("{ENDUSER}/clients?agent={id}&client={elg}")).await;
    assert_eq!(status, 200);
    assert_eq!(systemtilgang::db::clients::count_attached(&mut app.db(), &id).unwrap(), 1);
}

async fn an_agent_system_user_lists_the_parties_it_acts_for(app: TestApp) {
    let id = app.approved_agent(KLIENT, &[SIGNERING], DRESS).await;
    let token = app.person_token(DRESS, &[READ, WRITE]);
    for client in ["310000043", "310000051"] {
        let path = format!("{ENDUSER}/clients?agent={id}&client={}", party_uuid(&app, client));
        assert_eq!(send(&app, reqwest::Method::POST, &token, &path).await.0, 200);
    }
    const PARTIES: &str = "/accessmanagement/api/v1/enduser/authorizedparties";
    let system = app.system_user_token("demo-smartcloud-klient", TIGER).await;
    let (status, parties) = app.api_get(&system, PARTIES).await;
    assert_eq!(status, 200, "{parties}");
    let parties = parties.as_array().unwrap();
    let mut numbers: Vec<&str> = parties.iter().map(|p| p["organizationNumber"].as_str().unwrap()).collect();
    numbers.sort();
    assert_eq!(numbers, ["310000043", "310000051"]);
    let elg = parties.iter().find(|p| p["organizationNumber"] == "310000043").unwrap();
    assert_eq!(elg["partyUuid"], party_uuid(&app, "310000043"));
    assert_eq!(elg["type"], "Organization");
    assert_eq!(elg["authorizedAccessPackages"], json!([SIGNERING]));
    assert!(elg["authorizedResources"].as_array().unwrap().contains(&json!(KRAV)), "{elg}");
    // A removed client is gone from the list at once.
    let path = format!("{ENDUSER}/clients?agent={id}&client={}", party_uuid(&app, "310000043"));
    send(&app, reqwest::Method::DELETE, &token, &path).await;
    let (_, parties) = app.api_get(&system, PARTIES).await;
    assert_eq!(parties.as_array().unwrap().len(), 1);
    // A vendor token that acts as no system user is refused.
    let vendor = app.vendor_token(None).await;
    assert_eq!(app.api_get(&vendor, PARTIES).await.0, 403);
}

async fn five_thousand_clients_are_attached_by_api(backend: Backend) {
    const CLIENTS: usize = 5000;
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.page_size = 1000;
        c.pool_size = 8;
        c.workers = Some(4);
    })
    .await
    else {
        return;
    };
    let firm = systemtilgang::seed::firm::generate_firm(&mut app.db(), CLIENTS).unwrap().unwrap();
    let token = app.person_token(&firm.pid, &[READ, WRITE]);
    let started = std::time::Instant::now();
    let available_path = format!("{ENDUSER}/clients/available?agent={}", firm.system_user_id);
    let mut next = Some(app.url(&available_path));
    let mut uuids = Vec::new();
    while let Some(url) = next {
        let page: Value = app.http.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        uuids.extend(page["data"].as_array().unwrap().iter().map(|c| c["clientId"].as_str().unwrap().to_owned()));
        next = page["links"]["next"].as_str().map(str::to_owned);
    }
    assert_eq!(uuids.len(), CLIENTS);
    // Eight at a time, as an accounting system would send them.
    let chunks: Vec<Vec<String>> = uuids.chunks(CLIENTS / 8).map(<[String]>::to_vec).collect();
    let mut workers = Vec::new();
    for chunk in chunks {
        let (http, token, base) = (app.http.clone(), token.clone(), app.url(ENDUSER));
        let agent = firm.system_user_id.clone();
        workers.push(tokio::spawn(async move {
            for client in chunk {
                let url = format!("{base}/clients?agent={agent}&client={client}");
                let status = http.post(&url).bearer_auth(&token).send().await.unwrap().status();
                assert_eq!(status, 200, "{client}");
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    eprintln!("{backend:?}: {CLIENTS} clients listed and attached by API in {:.1?}", started.elapsed());
    assert_eq!(
        systemtilgang::db::clients::count_attached(&mut app.db(), &firm.system_user_id).unwrap(),
        CLIENTS as i64
    );
    let (_, rest) = app.api_get(&token, &available_path).await;
    assert_eq!(rest["data"], json!([]), "nothing is left to add");
}
