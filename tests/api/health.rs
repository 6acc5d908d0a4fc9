//! The load balancer's questions: is the node alive, and ready to serve.

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(a_node_is_ready_only_with_the_schema_of_its_release);

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
