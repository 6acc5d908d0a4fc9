//! What operators ask of a node: is it alive, is it ready to serve, and its metrics.

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(a_node_is_ready_only_with_the_schema_of_its_release, metrics_count_requests_tokens_and_decisions);

/// The value of the metric line starting with `series` (name and labels), 0 if absent.
fn metric(text: &str, series: &str) -> f64 {
    text.lines().find_map(|l| l.strip_prefix(series)?.trim().parse().ok()).unwrap_or(0.0)
}

/// Metrics are kept per process, shared by the tests running in it: each check compares
/// before and after.
async fn metrics_count_requests_tokens_and_decisions(app: TestApp) {
    let scrape = || async {
        let answer = reqwest::get(app.url("/metrics")).await.unwrap();
        assert_eq!(answer.status(), 200);
        assert!(answer.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
        answer.text().await.unwrap()
    };
    let tokens = r#"tokens_issued_total{kind="vendor"}"#;
    let denied = r#"decisions_total{outcome="Deny"}"#;
    let overviews =
        r#"http_requests_total{method="GET",route="/accessmanagement/ui/systemuser/overview",status="303"}"#;
    let before = scrape().await;
    app.vendor_token(None).await;
    let service = app.token_for("demo-skatteetaten", None).await;
    let body = serde_json::json!({"subject": {"systemUserId": "no-such-user"}, "resource": KRAV, "action": "read",
                                  "partyOrgNo": APE});
    assert_eq!(app.api_post(&service, "/authorization/api/v1/decision", &body).await.1["decision"], "Deny");
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/accessmanagement/ui/systemuser/overview"))
        .send()
        .await
        .unwrap();
    let after = scrape().await;
    assert!(metric(&after, tokens) >= metric(&before, tokens) + 2.0, "{after}");
    assert!(metric(&after, denied) >= metric(&before, denied) + 1.0, "{after}");
    assert!(metric(&after, overviews) >= metric(&before, overviews) + 1.0, "by route and status: {after}");
    assert!(after.contains("http_request_duration_seconds_bucket{"), "latency buckets");
    assert!(after.contains("db_pool_connections "), "the pool");
    assert!(!after.contains("no-such-user"), "never an id in a label");
}

async fn a_node_is_ready_only_with_the_schema_of_its_release(app: TestApp) {
    use diesel::prelude::*;
    let client = reqwest::Client::new();
    let get = |path: &'static str| {
        let (client, url) = (client.clone(), app.url(path));
        async move {
            let answer = client.get(url).send().await.unwrap();
            (answer.status().as_u16(), answer.json::<serde_json::Value>().await.unwrap())
        }
    };
    assert_eq!(get("/health/live").await, (200, serde_json::json!({"status": "live"})));
    assert_eq!(get("/health/ready").await, (200, serde_json::json!({"status": "ready"})));

    // The schema loses its newest migration, as when a newer release starts beside an
    // older database: still alive, not ready.
    diesel::sql_query(
        "DELETE FROM __diesel_schema_migrations WHERE version = (SELECT MAX(version) FROM __diesel_schema_migrations)",
    )
    .execute(&mut app.db())
    .unwrap();
    assert_eq!(get("/health/live").await.0, 200);
    let (status, body) = get("/health/ready").await;
    assert_eq!(status, 503);
    assert_eq!(body["status"], "not ready");
    assert_eq!(body["reason"], "the database schema is older than this release");
}
