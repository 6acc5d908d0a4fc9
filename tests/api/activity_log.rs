//! The activity log for an end-user system: a person's token, the party by its UUID.

use serde_json::json;

use crate::common::*;
use crate::on_both_backends;

const LOG: &str = "/accessmanagement/api/v1/enduser/activitylog";

on_both_backends!(an_access_manager_reads_the_log_by_api);

async fn an_access_manager_reads_the_log_by_api(app: TestApp) {
    app.approved_by_konsert(SMARTCLOUD, &[KRAV]).await;
    let ape = app.db_party_uuid(APE);
    let token = app.person_token(KONSERT, &["altinn:portal/enduser"]);
    let (status, log) = app.api_get(&token, &format!("{LOG}?party={ape}")).await;
    assert_eq!(status, 200, "{log}");
    let first = &log["data"][0];
    assert_eq!(
        (&first["type"], &first["typeName"], &first["performedBy"], &first["performedByType"]),
        (
            &json!("request.approve"),
            &json!("Forespørsel om enkelttjeneste godkjent"),
            &json!("STADIG KONSERT"),
            &json!("person")
        )
    );
    assert_eq!((&first["subject"], &first["onBehalfOf"]), (&json!("SmartCloud"), &json!("TILFELDIG SUBTIL APE")));
    assert_eq!(log["data"][1]["performedByType"], "vendor");
    assert!(log["links"].get("next").is_none(), "{log}");
    // A page of one links on to the next, keeping the filters; the organisation number works too.
    let (_, paged) = app.api_get(&token, &format!("{LOG}?party={APE}&pageSize=1")).await;
    let next = paged["links"]["next"].as_str().unwrap();
    assert!(next.starts_with(&app.address) && next.contains("pageSize=1"), "{next}");
    let second: serde_json::Value = app.http.get(next).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(second["data"][0]["type"], "request.create");
    let (_, only) = app.api_get(&token, &format!("{LOG}?party={ape}&typeId=request.create")).await;
    assert_eq!(only["data"].as_array().unwrap().len(), 1);

    for (path, want) in [
        (format!("{LOG}?party={ape}&typeId=nothing"), 400),
        (format!("{LOG}?party={ape}&pageSize=5000"), 400),
        (format!("{LOG}?party={ape}&token=soon"), 400),
        (format!("{LOG}?party={}", uuid::Uuid::new_v4()), 404),
    ] {
        let (status, problem) = app.api_get(&token, &path).await;
        assert_eq!(status, want, "{path}: {problem}");
    }
    // Not an access manager there: refused.
    let pingvin = app.person_token(PINGVIN, &["altinn:portal/enduser"]);
    assert_eq!(app.api_get(&pingvin, &format!("{LOG}?party={ape}")).await.0, 403);
}
