//! The vendor API: tokens, requests, validation codes, pagination and scopes.

use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

const REQUESTS: &str = "/authentication/api/v1/systemuser/request/vendor";

on_both_backends!(
    unknown_api_paths_are_problems_and_api_answers_carry_no_session,
    the_same_pending_request_is_returned_instead_of_a_duplicate,
    invalid_requests_get_problem_details_with_stable_codes,
    malformed_bodies_are_400_problems_never_500,
    a_live_system_user_blocks_a_new_request_until_deleted,
    requests_are_found_by_id_external_ref_and_system_with_paging,
    a_vendor_deletes_requests_in_any_state_to_ask_again,
    a_vendor_sees_only_its_own_systems,
    tokens_and_scopes_are_enforced,
    the_token_endpoint_follows_oauth2,
    the_scope_is_checked_before_the_body,
);

fn problem_code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or_else(|| panic!("no problem code in {body}"))
}

async fn the_same_pending_request_is_returned_instead_of_a_duplicate(app: TestApp) {
    let token = app.vendor_token(None).await;
    let body = request_body(SMARTCLOUD, APE, &[KRAV], Some(RECEIPT));
    let (status, first) = app.api_post(&token, REQUESTS, &body).await;
    assert_eq!(status, 201);
    assert_eq!(first["status"], "New");
    assert_eq!(first["externalRef"], APE);
    assert_eq!(first["partyOrgNo"], APE);
    assert_eq!(first["systemId"], SMARTCLOUD);
    assert_eq!(first["timedOut"], false);
    assert_eq!(first["rights"], json!([{"resource": [{"id": "urn:altinn:resource", "value": KRAV}]}]));
    let (status, second) = app.api_post(&token, REQUESTS, &body).await;
    assert_eq!(status, 200);
    assert_eq!(second["id"], first["id"]);
    // Another external reference is another triple.
    let mut other = body.clone();
    other["externalRef"] = json!("avdeling-2");
    let (status, third) = app.api_post(&token, REQUESTS, &other).await;
    assert_eq!(status, 201);
    assert_ne!(third["id"], first["id"]);
}

async fn invalid_requests_get_problem_details_with_stable_codes(app: TestApp) {
    let token = app.vendor_token(None).await;
    let cases = [
        (request_body("310000035_finnes_ikke", APE, &[KRAV], None), 404, "AUTH-00011"),
        (request_body(SMARTCLOUD, APE, &[A_MELDING], None), 400, "AUTH-00001"),
        (request_body(SMARTCLOUD, APE, &[KRAV], Some("https://evil.example/kvittering")), 400, "AUTH-00021"),
        (request_body(SMARTCLOUD, APE, &[KRAV], Some("https://smartcloud.example/annet")), 400, "AUTH-00021"),
        (request_body(SMARTCLOUD, "310000018", &[KRAV], None), 400, "AUTH-00000"),
        (request_body(SMARTCLOUD, "999999999", &[KRAV], None), 400, "AUTH-00000"),
        (request_body(SMARTCLOUD, "31000001", &[KRAV], None), 400, "AUTH-00000"),
    ];
    for (body, status, code) in cases {
        let response = app.http.post(app.url(REQUESTS)).bearer_auth(&token).json(&body).send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{body}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem_code(&problem), code, "{body}");
        assert_eq!(problem["status"], status);
    }
    let mut with_package = request_body(SMARTCLOUD, APE, &[KRAV], None);
    with_package["accessPackages"] =
        json!([{"urn": "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"}]);
    let (status, problem) = app.api_post(&token, REQUESTS, &with_package).await;
    assert_eq!((status, problem_code(&problem)), (400, "AUTH-00063"));
    // Nothing was created by any of them.
    let (_, list) = app.api_get(&token, &format!("{REQUESTS}/bysystem/{SMARTCLOUD}")).await;
    assert_eq!(list["data"], json!([]));
}

async fn malformed_bodies_are_400_problems_never_500(app: TestApp) {
    let token = app.vendor_token(None).await;
    let bodies = [
        ("application/json", "{not json"),
        ("application/json", "{}"),
        ("application/json", r#"{"systemId": "310000035_smartcloud"}"#),
        ("application/json", r#"{"systemId": 5, "partyOrgNo": "310000019"}"#),
        (
            "application/json",
            r#"{"systemId": "310000035_smartcloud", "partyOrgNo": "310000019", "rights": [{"resource": []}]}"#,
        ),
        ("application/json", r#"{"systemId": "310000035_smartcloud", "partyOrgNo": "310000019", "rights": []}"#),
        ("text/plain", r#"{"systemId": "310000035_smartcloud", "partyOrgNo": "310000019"}"#),
    ];
    for (content_type, body) in bodies {
        let response = app
            .http
            .post(app.url(REQUESTS))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{body}");
        let problem: Value = response.json().await.unwrap();
        assert!(problem["code"].is_string(), "{problem}");
    }
    let (status, problem) = app.api_get(&token, "/authentication/api/v1/no/such/endpoint").await;
    assert_eq!(status, 404);
    assert!(problem["code"].is_string());
}

async fn a_live_system_user_blocks_a_new_request_until_deleted(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let id = request["id"].as_str().unwrap();
    let browser = app.logged_in(KONSERT).await;
    browser
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={id}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    let token = app.vendor_token(None).await;
    let (status, problem) = app.api_post(&token, REQUESTS, &request_body(SMARTCLOUD, APE, &[KRAV], None)).await;
    assert_eq!((status, problem_code(&problem)), (400, "AUTH-00004"));

    browser
        .submit(
            &format!("/accessmanagement/ui/systemuser/{id}?confirm=delete"),
            &format!("/accessmanagement/ui/systemuser/{id}/delete"),
        )
        .await;
    // As in Altinn, the accepted request still answers for the triple until the vendor
    // deletes it; then a new one can be made.
    let (status, again) = app.api_post(&token, REQUESTS, &request_body(SMARTCLOUD, APE, &[KRAV], None)).await;
    assert_eq!((status, &again["id"], &again["status"]), (200, &json!(id), &json!("Accepted")));
    let deleted = app.http.delete(app.url(&format!("{REQUESTS}/{id}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(deleted.status(), 202);
    let (status, _) = app.api_post(&token, REQUESTS, &request_body(SMARTCLOUD, APE, &[KRAV], None)).await;
    assert_eq!(status, 201, "deleting the system user and the request frees the triple");
}

async fn requests_are_found_by_id_external_ref_and_system_with_paging(app: TestApp) {
    let token = app.vendor_token(None).await;
    let mut ids = Vec::new();
    for n in 0..4 {
        let mut body = request_body(SMARTCLOUD, APE, &[KRAV], None);
        body["externalRef"] = json!(format!("ref-{n}"));
        let (status, created) = app.api_post(&token, REQUESTS, &body).await;
        assert_eq!(status, 201);
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let (status, one) = app.api_get(&token, &format!("{REQUESTS}/{}", ids[2])).await;
    assert_eq!(status, 200);
    assert_eq!(one["externalRef"], "ref-2");
    let (status, by_ref) = app.api_get(&token, &format!("{REQUESTS}/byexternalref/{SMARTCLOUD}/{APE}/ref-1")).await;
    assert_eq!(status, 200);
    assert_eq!(by_ref["id"], json!(ids[1]));
    let (status, problem) = app.api_get(&token, &format!("{REQUESTS}/byexternalref/{SMARTCLOUD}/{APE}/ukjent")).await;
    assert_eq!((status, problem_code(&problem)), (404, "AUTH-00010"));
    let (status, problem) = app.api_get(&token, &format!("{REQUESTS}/{}", uuid::Uuid::new_v4())).await;
    assert_eq!((status, problem_code(&problem)), (404, "AUTH-00010"));

    // Pages of three (the test page size), following links.next to the end.
    let mut seen = Vec::new();
    let mut next = Some(app.url(&format!("{REQUESTS}/bysystem/{SMARTCLOUD}")));
    let mut pages = 0;
    while let Some(url) = next {
        let response = app.http.get(&url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        for item in page["data"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        next = page["links"]["next"].as_str().map(str::to_owned);
        pages += 1;
    }
    assert_eq!(pages, 2);
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);
}

async fn a_vendor_deletes_requests_in_any_state_to_ask_again(app: TestApp) {
    let token = app.vendor_token(None).await;
    let pending = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let url = app.url(&format!("{REQUESTS}/{}", pending["id"].as_str().unwrap()));
    let deleted = app.http.delete(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(deleted.status(), 202);
    assert_eq!(deleted.text().await.unwrap(), "", "no body");
    let (status, _) = app.api_get(&token, &format!("{REQUESTS}/{}", pending["id"].as_str().unwrap())).await;
    assert_eq!(status, 404);

    let handled = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let id = handled["id"].as_str().unwrap();
    app.logged_in(KONSERT)
        .await
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={id}"),
            "/accessmanagement/ui/systemuser/request/reject",
        )
        .await;
    // Asking again answers with the rejected request; deleting it lets the vendor ask anew.
    let (status, again) = app.api_post(&token, REQUESTS, &request_body(SMARTCLOUD, APE, &[KRAV], None)).await;
    assert_eq!((status, &again["id"], &again["status"]), (200, &json!(id), &json!("Rejected")));
    let response = app.http.delete(app.url(&format!("{REQUESTS}/{id}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 202);
    let (status, renewed) = app.api_post(&token, REQUESTS, &request_body(SMARTCLOUD, APE, &[KRAV], None)).await;
    assert_eq!(status, 201);
    assert_ne!(renewed["id"], json!(id));
    let again = app.http.delete(app.url(&format!("{REQUESTS}/{id}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(again.status(), 404, "deleted once");
}

async fn a_vendor_sees_only_its_own_systems(app: TestApp) {
    let request = app.create_request(SMARTCLOUD, &[KRAV], None).await;
    let id = request["id"].as_str().unwrap();
    // Another vendor with its own API client.
    app.add_vendor_client(
        "other-vendor",
        "310000132",
        "altinn:authentication/systemuser.request.read altinn:authentication/systemuser.request.write",
    );
    let other = &app.token_for("other-vendor", None).await;
    let checks = [
        (format!("{REQUESTS}/{id}"), "AUTH-00011"),
        (format!("{REQUESTS}/bysystem/{SMARTCLOUD}"), "AUTH-00011"),
        (format!("{REQUESTS}/byexternalref/{SMARTCLOUD}/{APE}/{APE}"), "AUTH-00011"),
        (format!("/authentication/api/v1/systemuser/vendor/bysystem/{SMARTCLOUD}"), "AUTH-00011"),
    ];
    for (path, code) in checks {
        let (status, problem) = app.api_get(other, &path).await;
        assert_eq!((status, problem_code(&problem)), (404, code), "{path}");
    }
    let (status, problem) = app.api_post(other, REQUESTS, &request_body(SMARTCLOUD, APE, &[KRAV], None)).await;
    assert_eq!((status, problem_code(&problem)), (404, "AUTH-00011"));
    let response = app.http.delete(app.url(&format!("{REQUESTS}/{id}"))).bearer_auth(other).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(app.request_status(id).await, "New");
}

async fn tokens_and_scopes_are_enforced(app: TestApp) {
    let body = request_body(SMARTCLOUD, APE, &[KRAV], None);
    let response = app.http.post(app.url(REQUESTS)).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let (status, _) = app.api_post("not.a.token", REQUESTS, &body).await;
    assert_eq!(status, 401);

    // A well-formed token signed with another key.
    let key = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &ring::rand::SystemRandom::new(),
    )
    .unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": app.address, "sub": "demo-smartcloud", "client_id": "demo-smartcloud",
        "scope": "altinn:authentication/systemuser.request.write", "iat": now, "exp": now + 600, "jti": "x",
        "consumer": {"authority": "iso6523-actorid-upis", "ID": "0192:310000035"},
    });
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256),
        &claims,
        &jsonwebtoken::EncodingKey::from_ec_der(key.as_ref()),
    )
    .unwrap();
    let (status, _) = app.api_post(&forged, REQUESTS, &body).await;
    assert_eq!(status, 401);

    // A read-only token may read but not write.
    let read = app.vendor_token(Some("altinn:authentication/systemuser.request.read")).await;
    let (status, problem) = app.api_post(&read, REQUESTS, &body).await;
    assert_eq!((status, problem_code(&problem)), (403, "AUTH-00044"));
    let (status, _) = app.api_get(&read, &format!("{REQUESTS}/bysystem/{SMARTCLOUD}")).await;
    assert_eq!(status, 200);
    let write = app.vendor_token(Some("altinn:authentication/systemuser.request.write")).await;
    let (status, _) = app.api_get(&write, &format!("{REQUESTS}/bysystem/{SMARTCLOUD}")).await;
    assert_eq!(status, 403);
}

async fn the_token_endpoint_follows_oauth2(app: TestApp) {
    let post = |form: Vec<(&'static str, &'static str)>| app.http.post(app.url("/token")).form(&form).send();
    let wrong =
        post(vec![("grant_type", "client_credentials"), ("client_id", "demo-smartcloud"), ("client_secret", "nope")])
            .await
            .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.json::<Value>().await.unwrap()["error"], "invalid_client");
    let grant = post(vec![
        ("grant_type", "password"),
        ("client_id", "demo-smartcloud"),
        ("client_secret", "demo-smartcloud-secret"),
    ])
    .await
    .unwrap();
    assert_eq!(grant.status(), 400);
    assert_eq!(grant.json::<Value>().await.unwrap()["error"], "unsupported_grant_type");
    let scope = post(vec![
        ("grant_type", "client_credentials"),
        ("client_id", "demo-smartcloud"),
        ("client_secret", "demo-smartcloud-secret"),
        ("scope", "altinn:authorization/pdp"),
    ])
    .await
    .unwrap();
    assert_eq!(scope.json::<Value>().await.unwrap()["error"], "invalid_scope");
    let missing = post(vec![]).await.unwrap();
    assert_eq!(missing.status(), 400);
    assert_eq!(missing.json::<Value>().await.unwrap()["error"], "invalid_request");

    // HTTP Basic client authentication works too, and the token verifies against the JWKS.
    let basic = app
        .http
        .post(app.url("/token"))
        .basic_auth("demo-smartcloud", Some("demo-smartcloud-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 200);
    let body: Value = basic.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    let token = body["access_token"].as_str().unwrap();
    let jwks: Value = app.http.get(app.url("/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
    let jwk = &jwks["keys"][0];
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.kid.as_deref(), jwk["kid"].as_str());
    let key =
        jsonwebtoken::DecodingKey::from_ec_components(jwk["x"].as_str().unwrap(), jwk["y"].as_str().unwrap()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.validate_aud = false;
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation).unwrap().claims;
    assert_eq!(claims["consumer"]["ID"], "0192:310000035");
    assert_eq!(claims["iss"], app.address);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_request_reports_timed_out_and_cannot_be_approved_sqlite() {
    expired(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_request_reports_timed_out_and_cannot_be_approved_postgres() {
    expired(Backend::Postgres).await;
}

async fn expired(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.request_expiry = systemtilgang::domain::requests::Expiry(chrono::Duration::zero());
    })
    .await
    else {
        return;
    };
    let request = app.create_request(SMARTCLOUD, &[KRAV], Some(RECEIPT)).await;
    let id = request["id"].as_str().unwrap();
    let token = app.vendor_token(None).await;
    let (_, body) = app.api_get(&token, &format!("{REQUESTS}/{id}")).await;
    assert_eq!(body["timedOut"], true);
    let browser = app.logged_in(KONSERT).await;
    let page = browser.get(&format!("/accessmanagement/ui/systemuser/request?id={id}")).await;
    assert!(page.text().contains("Forespørselen er utløpt"));
    assert!(!page.has_form("/accessmanagement/ui/systemuser/request/approve"));
    let path = format!("/accessmanagement/ui/systemuser/request?id={id}");
    let forged = browser
        .refused("/accessmanagement/ui/systemuser/request/approve", &[("id", id), ("csrf", &page.csrf())], &path)
        .await;
    assert!(forged.texts("[role=alert]")[0].contains("utløpt"), "told why");
    assert!(app.vendor_system_users(SMARTCLOUD).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_description_is_served() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let response = app.http.get(app.url("/authentication/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/authentication/api/v1/systemuser/request/vendor"]["post"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert_eq!(doc["info"]["x-problem-codes"]["AUTH-00021"], "The RedirectUri was not found or not valid.");
}

async fn the_scope_is_checked_before_the_body(app: TestApp) {
    let read_only = app.vendor_token(Some("altinn:authentication/systemuser.request.read")).await;
    for (path, body) in [
        ("/authentication/api/v1/systemuser/request/vendor", "{not json"),
        ("/authentication/api/v1/systemuser/changerequest/vendor", "[]"),
        ("/authentication/api/v1/systemregister/vendor", "{\"id\": 5}"),
    ] {
        let response = app
            .http
            .post(app.url(path))
            .bearer_auth(&read_only)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
}

/// Each API prefix answers an unknown path with a problem+json 404 and a known path with
/// the wrong method with 405; other paths get the portal's page. The API keeps no
/// session: its answers set no cookie.
async fn unknown_api_paths_are_problems_and_api_answers_carry_no_session(app: TestApp) {
    for prefix in ["/authentication/api/v1", "/authorization/api/v1", "/accessmanagement/api/v1"] {
        let response = app.http.get(app.url(&format!("{prefix}/no-such-thing"))).send().await.unwrap();
        let kind = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert_eq!((response.status().as_u16(), kind.as_str()), (404, "application/problem+json"), "{prefix}");
    }
    let response = app.http.get(app.url("/authorization/api/v1/decision")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let page = app.browser().get("/accessmanagement/ui/no-such-page").await;
    assert_eq!(page.status, 404);
    assert!(page.headers["content-type"].to_str().unwrap().starts_with("text/html"));

    let token = app.vendor_token(None).await;
    let response = app.http.get(app.url(&format!("{REQUESTS}/bysystem/{SMARTCLOUD}"))).bearer_auth(&token).send();
    let response = response.await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("set-cookie").is_none(), "{:?}", response.headers());
    // The portal still keeps one.
    assert!(app.browser().get("/login").await.headers.get("set-cookie").is_some());
}
