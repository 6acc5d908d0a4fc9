//! Scopes are checked first: by the API description's own `security` for each operation,
//! before the body or the query is read.

use serde_json::Value;

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    each_operation_refuses_a_token_with_every_scope_but_its_own,
    the_scope_is_checked_before_body_and_query
);

/// Every scope some operation names, and each operation with the scopes it takes.
async fn described(app: &TestApp) -> (Vec<String>, Vec<(String, String, Vec<String>)>) {
    let doc: Value = reqwest::get(app.url("/authentication/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let scopes: Vec<String> = operation["security"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|way| way.as_object().unwrap().values())
                .flat_map(|s| s.as_array().unwrap())
                .map(|s| s.as_str().unwrap().to_owned())
                .collect();
            operations.push((method.to_uppercase(), path.clone(), scopes));
        }
    }
    let mut all: Vec<String> = operations.iter().flat_map(|(_, _, s)| s.clone()).collect();
    all.sort();
    all.dedup();
    (all, operations)
}

/// For each operation that names scopes, a token holding every other scope the API knows
/// is refused with 403 (and Altinn's AUTH-00044), so the description says what is enforced.
async fn each_operation_refuses_a_token_with_every_scope_but_its_own(app: TestApp) {
    let (all, operations) = described(&app).await;
    assert!(all.len() >= 8, "{all:?}");
    let mut checked = 0;
    for (n, (method, path, scopes)) in operations.iter().enumerate() {
        if scopes.is_empty() {
            continue;
        }
        let others: Vec<&str> = all.iter().filter(|s| !scopes.contains(s)).map(String::as_str).collect();
        let client = format!("every-other-{n}");
        app.add_vendor_client(&client, "310000035", &others.join(" "));
        let token = app.token_for(&client, None).await;
        let concrete = path.split('/').map(|seg| if seg.starts_with('{') { "x" } else { seg }).collect::<Vec<_>>();
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let answer =
            app.http.request(method.clone(), app.url(&concrete.join("/"))).bearer_auth(&token).send().await.unwrap();
        let status = answer.status().as_u16();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 403, "{method} {path} with {others:?}: {body}");
        assert_eq!(body["code"], "AUTH-00044", "{method} {path}: {body}");
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} operations name scopes");
}

async fn the_scope_is_checked_before_body_and_query(app: TestApp) {
    let reader = app.vendor_token(Some("altinn:authentication/systemuser.request.read")).await;
    // A body over the limit, or one that is no JSON at all: the scope comes first.
    let huge = format!("{{\"systemId\":\"{}\"}}", "x".repeat(400 * 1024));
    for body in [huge, "not json".to_owned()] {
        let answer = app
            .http
            .post(app.url("/authentication/api/v1/systemuser/request/vendor"))
            .bearer_auth(&reader)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 403);
    }
    // A query `byquery` cannot read: still the scope first.
    let (status, problem) = app.api_get(&reader, "/authentication/api/v1/systemuser/vendor/byquery?orgno=1").await;
    assert_eq!(status, 403, "{problem}");
    // With the scope, the same query is the caller's mistake.
    let writer = app.vendor_token(Some("altinn:authentication/systemuser.request.write")).await;
    let (status, _) = app.api_get(&writer, "/authentication/api/v1/systemuser/vendor/byquery?orgno=1").await;
    assert_eq!(status, 400);
    // No token at all: 401 before anything.
    let answer =
        app.http.post(app.url("/authentication/api/v1/systemuser/request/vendor")).body("x").send().await.unwrap();
    assert_eq!(answer.status(), 401);
}
