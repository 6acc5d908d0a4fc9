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
    let denied = r#"decisions_total{outcome="NotApplicable"}"#;
    let overviews =
        r#"http_requests_total{method="GET",route="/accessmanagement/ui/systemuser/overview",status="303"}"#;
    let before = scrape().await;
    app.vendor_token(None).await;
    let service = app.token_for("demo-skatteetaten", None).await;
    let nobody = uuid::Uuid::new_v4().to_string();
    assert_eq!(app.decision(&service, &nobody, KRAV, "read", APE).await, "NotApplicable");
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
    assert!(!after.contains(&nobody), "never an id in a label");
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

/// The number of `http_requests_total` series the node's metrics page holds.
async fn request_series(client: &reqwest::Client, base: &str) -> (usize, String) {
    let text = client.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    (text.lines().filter(|l| l.starts_with("http_requests_total{")).count(), text)
}

/// Every label comes from a fixed set: thousands of made-up methods and paths add no
/// series, so nobody can grow a node's memory (or its scrape) through them. Run against
/// a process of its own, whose metrics no other test adds to.
#[test]
fn made_up_methods_and_paths_add_no_metric_series() {
    let served = Served::start(&["--database-url", &fresh_sqlite_url()], &[]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let send = |method: String, path: String| {
            let (client, url) = (client.clone(), format!("{}{path}", served.url));
            async move {
                let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                client.request(method, url).send().await.unwrap().status().as_u16()
            }
        };
        // One of each kind first, so the series they fall into exist.
        let kinds = |n: usize| {
            [
                (format!("BREW{n}"), format!("/no/such/{n}")),
                (format!("X-{}", "Q".repeat(n % 50)), "/login".to_owned()),
                ("GET".to_owned(), format!("/accessmanagement/ui/systemuser/{}", uuid::Uuid::new_v4())),
                ("GET".to_owned(), format!("/authentication/api/v1/nothing/{n}")),
            ]
        };
        for (method, path) in kinds(0) {
            send(method, path).await;
        }
        // The first scrape is counted in the second.
        request_series(&client, &served.url).await;
        let (before, _) = request_series(&client, &served.url).await;
        for round in 1..=750 {
            let mut sent = tokio::task::JoinSet::new();
            for (method, path) in kinds(round) {
                sent.spawn(send(method, path));
            }
            while let Some(status) = sent.join_next().await {
                assert!(status.unwrap() < 500, "round {round}");
            }
        }
        let (after, text) = request_series(&client, &served.url).await;
        assert_eq!(after, before, "3,000 odd requests added series:\n{text}");
        assert!(text.contains(r#"method="other""#), "made-up methods are counted as `other`");
        assert!(!text.contains("BREW") && !text.contains("/no/such"), "{text}");
    });
}
