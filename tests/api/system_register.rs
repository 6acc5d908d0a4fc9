//! Vendors keep their systems in the register.

use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

const REGISTER: &str = "/authentication/api/v1/systemregister/vendor";

on_both_backends!(
    a_vendor_registers_changes_and_deletes_its_system,
    invalid_systems_are_refused_with_validation_codes,
    vendors_change_only_their_own_systems_and_admins_any,
);

fn system(id: &str) -> Value {
    json!({
        "id": id,
        "vendor": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
        "name": {"nb": "SmartCloud MVA", "nn": "SmartCloud MVA", "en": "SmartCloud VAT"},
        "description": {"nb": "Sender mva-melding.", "nn": "Sender mva-melding.", "en": "Files VAT returns."},
        "rights": [{"resource": [{"id": "urn:altinn:resource", "value": KRAV}]}],
        "accessPackages": [],
        "clientId": ["smartcloud-mva-client"],
        "allowedRedirectUrls": ["https://smartcloud.example/mva/kvittering"],
        "isVisible": true,
    })
}

/// Registers the vendor's clients that the systems of these tests name.
fn vendor_clients(app: &TestApp) {
    for client in ["smartcloud-mva-client", "local-client"] {
        app.add_vendor_client(client, "310000035", "");
    }
}

async fn send(app: &TestApp, token: &str, method: reqwest::Method, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut request = app.http.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

async fn a_vendor_registers_changes_and_deletes_its_system(app: TestApp) {
    vendor_clients(&app);
    let token = app.vendor_token(None).await;
    let id = "310000035_smartcloud_mva";
    let (status, created) = send(&app, &token, reqwest::Method::POST, REGISTER, Some(&system(id))).await;
    assert_eq!(status, 200, "{created}");
    assert!(uuid::Uuid::parse_str(created.as_str().unwrap()).is_ok(), "the answer is the system's GUID: {created}");
    let (status, registered) = app.api_get(&token, &format!("{REGISTER}/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(registered["name"]["en"], "SmartCloud VAT");
    let (status, list) = app.api_get(&token, REGISTER).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 7, "the six demo systems and the new one");

    // End users find it, and vendors can send requests for it to its redirect URL.
    let konsert = app.logged_in(KONSERT).await;
    let page = konsert.get("/accessmanagement/ui/systemuser/create?q=mva").await;
    assert_eq!(page.texts("ul.list li a"), ["SmartCloud MVA"]);
    let body = request_body(id, APE, &[KRAV], Some("https://smartcloud.example/mva/kvittering"));
    let (status, _) = app.api_post(&token, "/authentication/api/v1/systemuser/request/vendor", &body).await;
    assert_eq!(status, 201);

    // Change the rights, the packages, then the whole system.
    let rights = json!([{"resource": [{"id": "urn:altinn:resource", "value": A_MELDING}]}]);
    let succeeded = json!({"succeeded": true});
    let (status, changed) =
        send(&app, &token, reqwest::Method::PUT, &format!("{REGISTER}/{id}/rights"), Some(&rights)).await;
    assert_eq!((status, &changed), (200, &succeeded));
    assert_eq!(app.api_get(&token, &format!("{REGISTER}/{id}")).await.1["rights"], rights);
    let packages = json!([{"urn": "urn:altinn:accesspackage:skattegrunnlag"}]);
    let (status, changed) =
        send(&app, &token, reqwest::Method::PUT, &format!("{REGISTER}/{id}/accesspackages"), Some(&packages)).await;
    assert_eq!((status, &changed), (200, &succeeded));
    assert_eq!(app.api_get(&token, &format!("{REGISTER}/{id}")).await.1["accessPackages"], packages);
    let mut renamed = system(id);
    renamed["name"]["nb"] = json!("SmartCloud Merverdiavgift");
    renamed["isVisible"] = json!(false);
    let (status, changed) = send(&app, &token, reqwest::Method::PUT, &format!("{REGISTER}/{id}"), Some(&renamed)).await;
    assert_eq!((status, &changed), (200, &succeeded));
    assert_eq!(app.api_get(&token, &format!("{REGISTER}/{id}")).await.1["name"]["nb"], "SmartCloud Merverdiavgift");
    assert!(konsert.get("/accessmanagement/ui/systemuser/create?q=mva").await.texts("ul.list li a").is_empty());

    let (status, log) = app.api_get(&token, &format!("{REGISTER}/{id}/changelog")).await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["changeType"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["update", "accesspackageupdate", "rightsupdate", "create"], "newest first");

    let (status, deleted) = send(&app, &token, reqwest::Method::DELETE, &format!("{REGISTER}/{id}"), None).await;
    assert_eq!((status, &deleted), (200, &succeeded));
    let (status, gone) = app.api_get(&token, &format!("{REGISTER}/{id}")).await;
    assert_eq!((status, &gone["isDeleted"]), (200, &json!(true)), "a deleted system can still be read");
    assert_eq!(app.api_get(&token, REGISTER).await.1.as_array().unwrap().len(), 6, "but is not listed");
    let (status, problem) = app.api_post(&token, "/authentication/api/v1/systemuser/request/vendor", &body).await;
    assert_eq!((status, problem["code"].as_str()), (404, Some("AUTH-00011")), "no requests for a deleted system");
}

async fn invalid_systems_are_refused_with_validation_codes(app: TestApp) {
    vendor_clients(&app);
    let token = app.vendor_token(None).await;
    let mut cases = Vec::new();
    cases.push((system("310000036_other"), "AUTH.VLD-00001"));
    cases.push((system("310000035_has space"), "AUTH.VLD-00013"));
    cases.push((system("310000035_smartcloud"), "AUTH.VLD-00002"));
    let mut unknown = system("310000035_a");
    unknown["rights"] = json!([{"resource": [{"id": "urn:altinn:resource", "value": "finnes-ikke"}]}]);
    cases.push((unknown, "AUTH.VLD-00003"));
    let mut taken_client = system("310000035_b");
    taken_client["clientId"] = json!(["demo-smartcloud"]);
    cases.push((taken_client, "AUTH.VLD-00004"));
    // Another organisation's client cannot be claimed.
    let mut others_client = system("310000035_b2");
    others_client["clientId"] = json!(["demo-skatteetaten"]);
    cases.push((others_client, "AUTH.VLD-00004"));
    for url in ["http://smartcloud.example/kvittering", "/relative", "ftp://smartcloud.example/"] {
        let mut bad_url = system("310000035_c");
        bad_url["allowedRedirectUrls"] = json!([url]);
        cases.push((bad_url, "AUTH.VLD-00005"));
    }
    let mut twice = system("310000035_d");
    twice["rights"] = json!([
        {"resource": [{"id": "urn:altinn:resource", "value": KRAV}]},
        {"resource": [{"id": "urn:altinn:resource", "value": KRAV}]},
    ]);
    cases.push((twice, "AUTH.VLD-00006"));
    let mut packages_twice = system("310000035_e");
    packages_twice["accessPackages"] = json!([{"urn": "urn:altinn:accesspackage:ansvarlig-revisor"}, {"urn": "urn:altinn:accesspackage:ansvarlig-revisor"}]);
    cases.push((packages_twice, "AUTH.VLD-00007"));
    let mut wrong_attribute = system("310000035_f");
    wrong_attribute["rights"] = json!([{"resource": [{"id": "urn:altinn:app", "value": KRAV}]}]);
    cases.push((wrong_attribute, "AUTH.VLD-00009"));
    let mut unknown_package = system("310000035_g");
    unknown_package["accessPackages"] = json!([{"urn": "urn:altinn:accesspackage:finnes-ikke"}]);
    cases.push((unknown_package, "AUTH.VLD-00008"));
    let mut clients_twice = system("310000035_h");
    clients_twice["clientId"] = json!(["smartcloud-mva-client", "smartcloud-mva-client"]);
    cases.push((clients_twice, "AUTH.VLD-00011"));
    for (body, code) in cases {
        let (status, problem) = app.api_post(&token, REGISTER, &body).await;
        assert_eq!((status, problem["code"].as_str()), (400, Some("STD-00000")), "{body}: {problem}");
        let codes: Vec<&str> =
            problem["validationErrors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&code), "{code} for {body}: {problem}");
    }
    // The vendor id is checked first, alone.
    let mut bad_vendor = system("310000035_i");
    bad_vendor["vendor"]["ID"] = json!("310000035");
    bad_vendor["rights"] = json!([{"resource": [{"id": "urn:altinn:resource", "value": "finnes-ikke"}]}]);
    let (status, problem) = app.api_post(&token, REGISTER, &bad_vendor).await;
    assert_eq!(status, 400);
    assert_eq!(problem["validationErrors"].as_array().unwrap().len(), 1, "{problem}");
    assert_eq!(problem["validationErrors"][0]["code"], "AUTH.VLD-00000");
    // Names in any languages are taken, as Altinn takes them.
    let mut two_languages = system("310000035_j");
    two_languages["name"] = json!({"nb": "Navn", "nn": "Namn"});
    two_languages["clientId"] = json!([]);
    assert_eq!(app.api_post(&token, REGISTER, &two_languages).await.0, 200);
    // Localhost may use http while developing.
    let mut local = system("310000035_local");
    local["clientId"] = json!(["local-client"]);
    local["allowedRedirectUrls"] = json!(["http://localhost:3000/kvittering"]);
    let (status, _) = app.api_post(&token, REGISTER, &local).await;
    assert_eq!(status, 200);
}

async fn vendors_change_only_their_own_systems_and_admins_any(app: TestApp) {
    vendor_clients(&app);
    app.add_vendor_client("other-vendor", "310000132", "altinn:authentication/systemregister.write");
    let other = app.token_for("other-vendor", None).await;
    let (status, _) = app.api_get(&other, &format!("{REGISTER}/{SMARTCLOUD}")).await;
    assert_eq!(status, 403);
    let rights = json!([]);
    let (status, _) =
        send(&app, &other, reqwest::Method::PUT, &format!("{REGISTER}/{SMARTCLOUD}/rights"), Some(&rights)).await;
    assert_eq!(status, 403);
    let (status, _) = send(&app, &other, reqwest::Method::DELETE, &format!("{REGISTER}/{SMARTCLOUD}"), None).await;
    assert_eq!(status, 403);
    let (status, problem) = app.api_post(&other, REGISTER, &system("310000035_stolen")).await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("AUTH-00044")));
    // Without the register scope, nothing.
    let read_only = app.vendor_token(Some("altinn:authentication/systemuser.request.read")).await;
    let (status, _) = app.api_get(&read_only, REGISTER).await;
    assert_eq!(status, 403);

    app.add_vendor_client("register-admin", "974761076", "altinn:authentication/systemregister.admin");
    let admin = app.token_for("register-admin", None).await;
    let (status, changed) = send(
        &app,
        &admin,
        reqwest::Method::PUT,
        &format!("{REGISTER}/{SMARTCLOUD}/rights"),
        Some(&json!([
            {"resource": [{"id": "urn:altinn:resource", "value": KRAV}]},
            {"resource": [{"id": "urn:altinn:resource", "value": A_MELDING}]},
        ])),
    )
    .await;
    assert_eq!((status, &changed), (200, &json!({"succeeded": true})));
    let (_, system) = app.api_get(&admin, &format!("{REGISTER}/{SMARTCLOUD}")).await;
    assert_eq!(system["rights"].as_array().unwrap().len(), 2);
}
