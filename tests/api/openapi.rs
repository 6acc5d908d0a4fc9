//! The API description the server serves is the one committed in `docs/openapi.json`, so
//! a change to the API shows in review. After changing the API on purpose, write the new
//! one with `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it.

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_description_is_the_committed_one() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("SQLite needs no server");
    let served: serde_json::Value =
        reqwest::get(app.url("/authentication/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.json");
    let pretty = serde_json::to_string_pretty(&served).unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("docs/openapi.json is committed");
    let committed: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert!(
        committed == served,
        "the API changed; if on purpose, run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit docs/openapi.json"
    );
}
