//! The admin API for the register: one record at a time, whole or not at all.

use serde_json::json;

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(
    a_record_is_applied_once_and_a_refused_one_changes_nothing,
    only_the_import_scope_may_load_records,
    the_same_records_sent_at_the_same_moment_all_succeed,
);

const RECORDS: &str = "/systemtilgang/api/v1/register/records";

async fn operator(app: &TestApp) -> String {
    app.add_vendor_client("operator", "310000035", "systemtilgang:register.import");
    app.token_for("operator", None).await
}

async fn a_record_is_applied_once_and_a_refused_one_changes_nothing(app: TestApp) {
    let token = operator(&app).await;
    let firm = json!({
        "type": "organisation", "orgNo": "310000264", "name": "NY REGNSKAP AS", "orgForm": "AS",
        "personRoles": [{"role": "DAGL", "pid": KONSERT, "name": "STADIG KONSERT"}, {"role": "NEST", "pid": LOVE}],
    });
    let (status, body) = app.api_post(&token, RECORDS, &firm).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["created"], 1);
    assert_eq!((body["rolesAdded"].as_u64(), body["rolesIgnored"].as_u64()), (Some(1), Some(1)), "{body}");
    let (_, again) = app.api_post(&token, RECORDS, &firm).await;
    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64(), again["rolesAdded"].as_u64()),
        (Some(0), Some(2), Some(0))
    );
    // The firm takes a client: LYSTIG ROLIG ELG AS now also has it as regnskapsfører.
    let client = json!({
        "type": "organisation", "orgNo": "310000043", "name": "LYSTIG ROLIG ELG AS", "orgForm": "AS",
        "organisationRoles": [{"role": "REGN", "orgNo": "310000027"}, {"role": "REVI", "orgNo": "310000264"}],
    });
    let (status, body) = app.api_post(&token, RECORDS, &client).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rolesAdded"], 1, "{body}");

    // A role held by an organisation nobody knows: the whole record is refused.
    let refused = json!({
        "type": "organisation", "orgNo": "310000272", "name": "HALV AS", "orgForm": "AS",
        "organisationRoles": [{"role": "REGN", "orgNo": "310000280"}],
    });
    let (status, problem) = app.api_post(&token, RECORDS, &refused).await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["code"], "STG-00400");
    assert!(problem["detail"].as_str().unwrap().contains("no other organisation known"), "{problem}");
    let (status, again) = app
        .api_post(
            &token,
            RECORDS,
            &json!({"type": "organisation", "orgNo": "310000272", "name": "HALV AS", "orgForm": "AS"}),
        )
        .await;
    assert_eq!((status, again["created"].as_u64()), (200, Some(1)), "the refused record left nothing: {again}");

    for (bad, says) in [
        (json!({"type": "planet", "name": "x"}), "unknown variant"),
        (json!({"type": "person", "pid": "12345678901", "name": "NOEN"}), "not a valid national identity number"),
        (
            json!({"type": "organisation", "orgNo": "310000299", "name": "X", "orgForm": "AS", "roles": [{"role": "DAGL"}]}),
            "unknown field `roles`",
        ),
        (
            json!({"type": "organisation", "orgNo": "310000299", "name": "X", "orgForm": "AS", "personRoles": [{"role": "DAGL"}]}),
            "missing field `pid`",
        ),
        (json!({"type": "organisation", "orgNo": "310000299", "name": "X\u{0}", "orgForm": "AS"}), "NUL characters"),
    ] {
        let (status, problem) = app.api_post(&token, RECORDS, &bad).await;
        assert_eq!(status, 400, "{bad}: {problem}");
        assert!(problem["detail"].as_str().unwrap_or_default().contains(says), "{bad}: {problem}");
    }
}

async fn only_the_import_scope_may_load_records(app: TestApp) {
    let vendor = app.vendor_token(None).await;
    let record = json!({"type": "person", "pid": SKILPADDE, "name": "SMIDIG TAPPER SKILPADDE"});
    let (status, problem) = app.api_post(&vendor, RECORDS, &record).await;
    assert_eq!(status, 403, "{problem}");
    let response = reqwest::Client::new().post(app.url(RECORDS)).json(&record).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let (status, _) = app.api_get(&operator(&app).await, RECORDS).await;
    assert_eq!(status, 405, "records are posted");
}

/// The operator's tooling retrying, or two feeds at once: the same new organisation,
/// person and role sent many times at the same moment are each applied (once), never a
/// 409 and never a database's words.
async fn the_same_records_sent_at_the_same_moment_all_succeed(app: TestApp) {
    let token = operator(&app).await;
    for round in 0..10 {
        let org_no = systemtilgang::domain::ids::org_numbers_from(420_000_000 + round * 100).next().unwrap();
        let pid = systemtilgang::domain::ids::synthetic_pids(60).nth(round as usize).unwrap();
        let record = json!({
            "type": "organisation", "orgNo": org_no, "name": format!("SAMTIDIG {round} AS"), "orgForm": "AS",
            "personRoles": [{"role": "DAGL", "pid": pid, "name": format!("SAMTIDIG LEDER {round}")}],
        });
        let mut sent = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (http, url, token, record) = (app.http.clone(), app.url(RECORDS), token.clone(), record.clone());
            sent.spawn(async move {
                let answer = http.post(url).bearer_auth(token).json(&record).send().await.unwrap();
                (answer.status().as_u16(), answer.text().await.unwrap())
            });
        }
        let mut created = 0;
        while let Some(done) = sent.join_next().await {
            let (status, body) = done.unwrap();
            assert_eq!(status, 200, "round {round}: {body}");
            created += serde_json::from_str::<serde_json::Value>(&body).unwrap()["created"].as_u64().unwrap();
        }
        assert_eq!(created, 2, "round {round}: the organisation and the person, once each");
    }
}
