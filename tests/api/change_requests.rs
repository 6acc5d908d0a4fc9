//! Change requests on an existing system user: sent by the vendor, approved or
//! rejected in the portal.

use serde_json::{Value, json};

use crate::common::*;
use crate::on_both_backends;

const CHANGES: &str = "/authentication/api/v1/systemuser/changerequest/vendor";

on_both_backends!(
    a_change_adds_rights_all_or_nothing_and_removes_unwanted,
    change_requests_are_validated_found_and_withdrawn
);

fn right(id: &str) -> Value {
    json!({"resource": [{"id": "urn:altinn:resource", "value": id}]})
}

/// A SmartCloud Lønn system user for the demo company with only Krav og betalinger.
async fn lonn_user(app: &TestApp) -> String {
    let request = app.create_request(SMARTCLOUD_LONN, &[KRAV], None).await;
    let id = request["id"].as_str().unwrap().to_owned();
    app.logged_in(KONSERT)
        .await
        .submit(
            &format!("/accessmanagement/ui/systemuser/request?id={id}"),
            "/accessmanagement/ui/systemuser/request/approve",
        )
        .await;
    id
}

fn path_of(url: &Value) -> String {
    let url = url.as_str().unwrap();
    url[url.find("/accessmanagement").unwrap()..].to_owned()
}

async fn a_change_adds_rights_all_or_nothing_and_removes_unwanted(app: TestApp) {
    let user = lonn_user(&app).await;
    let token = app.vendor_token(None).await;
    let body = json!({"systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "requiredRights": [right(KRAV), right(A_MELDING)], "redirectUrl": RECEIPT});
    let (status, change) = app.api_post(&token, CHANGES, &body).await;
    assert_eq!(status, 201, "{change}");
    assert_eq!(change["systemUserId"], json!(user));
    assert_eq!(change["requiredRights"], json!([right(A_MELDING)]), "only what is missing is added");
    let page = path_of(&change["confirmUrl"]);
    let overview = app.logged_in(KONSERT).await.get("/accessmanagement/ui/systemuser/overview").await;
    let listed =
        format!("href=\"/accessmanagement/ui/systemuser/changerequest?id={}\"", change["id"].as_str().unwrap());
    assert!(overview.body.contains(&listed), "the change waits on the overview");

    // FORSIKTIG LØVE may not add A-melding; nothing changes.
    let love = app.logged_in(LOVE).await;
    let shown = love.get(&page).await;
    // As before and after: today Krav og betalinger; after the change A-melding too.
    assert_eq!(shown.texts("#today-heading"), ["I dag har systemet tilgang til"]);
    assert_eq!(shown.texts("#today .rights__title"), ["Krav og betalinger"]);
    assert!(shown.texts("#today .rights__change").is_empty(), "nothing of it goes");
    assert_eq!(shown.texts("#after .rights__title"), ["Krav og betalinger", "A-melding"]);
    assert_eq!(shown.texts("#after .rights__change"), ["Legges til"]);
    assert_eq!(shown.texts("#after .rights__missing"), ["Du kan ikke gi denne"], "what she lacks, marked in the list");
    assert!(
        shown.texts(".alert--warning")[0]
            .contains("For å godkjenne endringen må du selv kunne gi det systemet skal få i tillegg"),
        "the missing rights are told of the change"
    );
    assert!(shown.texts(".alert--warning")[0].contains("A-melding – gis med rollen Lønnsinnsender"));
    assert!(!shown.has_form("/accessmanagement/ui/systemuser/changerequest/approve"));
    // In English and nynorsk the access keeps the system's name in that language.
    for (lang, intro) in [
        ("en", "The change concerns the system access SmartCloud Payroll for TILFELDIG SUBTIL APE."),
        ("nn", "Endringa gjeld systemtilgangen SmartCloud Løn for TILFELDIG SUBTIL APE."),
    ] {
        love.client.get(app.url(&format!("/language?lang={lang}"))).send().await.unwrap();
        let translated = love.get(&page).await;
        assert!(translated.text().contains(intro), "{lang}: {}", translated.text());
    }
    love.client.get(app.url("/language?lang=nb")).send().await.unwrap();
    let forged = love
        .refused(
            "/accessmanagement/ui/systemuser/changerequest/approve",
            &[("id", change["id"].as_str().unwrap()), ("csrf", &shown.csrf())],
            &format!("/accessmanagement/ui/systemuser/changerequest?id={}", change["id"].as_str().unwrap()),
        )
        .await;
    assert!(forged.texts("[role=alert]")[0].contains("Du kan ikke gi systemet alle tilgangene"), "told why");

    let service = app.token_for("demo-skatteetaten", None).await;
    let decide = |resource: &'static str, action: &'static str| app.decision(&service, &user, resource, action, APE);
    assert_eq!(decide(A_MELDING, "write").await, "NotApplicable");
    let konsert = app.logged_in(KONSERT).await;
    assert_eq!(konsert.get(&page).await.texts(".actions button"), ["Godkjenn endringen", "Avvis endringen"]);
    let done = konsert.submit(&page, "/accessmanagement/ui/systemuser/changerequest/approve").await;
    assert_eq!(done.location.as_deref(), Some(RECEIPT));
    assert_eq!(decide(A_MELDING, "write").await, "Permit");
    let decided = konsert.get(&page).await.texts("[role=status]");
    assert!(decided.iter().any(|t| t.contains("allerede godkjent av STADIG KONSERT")), "who decided: {decided:?}");
    let (_, after) = app.api_get(&token, &format!("{CHANGES}/{}", change["id"].as_str().unwrap())).await;
    assert_eq!(after["status"], "Accepted");

    // Asking for what it has: no change needed. Removing Krav og betalinger works.
    let (status, none) = app
        .api_post(
            &token,
            CHANGES,
            &json!({"systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "requiredRights": [right(A_MELDING)]}),
        )
        .await;
    assert_eq!((status, &none["status"]), (200, &json!("NoChangeNeeded")));
    let (status, removal) = app.api_post(&token, CHANGES, &json!({"systemUserId": user, "systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "unwantedRights": [right(KRAV)]})).await;
    assert_eq!(status, 201, "{removal}");
    let konsert = app.logged_in(KONSERT).await;
    let shown = konsert.get(&path_of(&removal["confirmUrl"])).await;
    assert_eq!(shown.texts("#today .rights__item:has(.rights__change) .rights__title"), ["Krav og betalinger"]);
    assert_eq!(shown.texts("#today .rights__change"), ["Fjernes"]);
    assert_eq!(shown.texts("#after .rights__title"), ["A-melding"]);
    assert_eq!(decide(KRAV, "read").await, "Permit");
    let done =
        konsert.submit(&path_of(&removal["confirmUrl"]), "/accessmanagement/ui/systemuser/changerequest/approve").await;
    assert_eq!(done.location, Some(format!("/accessmanagement/ui/systemuser/{user}")));
    assert_eq!(decide(KRAV, "read").await, "NotApplicable", "a right removed counts at once");
    let details = konsert.get(&format!("/accessmanagement/ui/systemuser/{user}")).await;
    assert_eq!(details.texts(".rights__title"), ["A-melding"]);
    assert!(details.text().contains("Endring godkjent av STADIG KONSERT"));
}

async fn change_requests_are_validated_found_and_withdrawn(app: TestApp) {
    let token = app.vendor_token(None).await;
    let (status, problem) = app
        .api_post(
            &token,
            CHANGES,
            &json!({"systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "requiredRights": [right(A_MELDING)]}),
        )
        .await;
    assert_eq!((status, problem["code"].as_str()), (404, Some("AUTH-00015")), "no system user yet");
    let user = lonn_user(&app).await;
    let (status, problem) = app
        .api_post(
            &token,
            CHANGES,
            &json!({"systemId": SMARTCLOUD, "partyOrgNo": APE, "systemUserId": user, "requiredRights": [right(KRAV)]}),
        )
        .await;
    assert_eq!((status, problem["code"].as_str()), (404, Some("AUTH-00015")), "the system user is another system's");
    let (status, problem) = app
        .api_post(
            &token,
            CHANGES,
            &json!({"systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "requiredRights": [right("finnes-ikke")]}),
        )
        .await;
    assert_eq!((status, problem["code"].as_str()), (400, Some("AUTH-00001")));
    let (status, problem) = app.api_post(&token, CHANGES, &json!({"systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "requiredRights": [right(A_MELDING)], "redirectUrl": "https://evil.example/"})).await;
    assert_eq!((status, problem["code"].as_str()), (400, Some("AUTH-00021")));

    let correlation = uuid::Uuid::new_v4().to_string();
    let body = json!({"id": correlation, "systemId": SMARTCLOUD_LONN, "partyOrgNo": APE, "requiredRights": [right(A_MELDING)]});
    let (status, first) = app.api_post(&token, CHANGES, &body).await;
    assert_eq!((status, &first["id"]), (201, &json!(correlation)));
    let (status, again) = app.api_post(&token, CHANGES, &body).await;
    assert_eq!((status, &again["id"]), (200, &json!(correlation)));
    let (status, by_ref) = app.api_get(&token, &format!("{CHANGES}/byexternalref/{SMARTCLOUD_LONN}/{APE}/{APE}")).await;
    assert_eq!((status, &by_ref["id"]), (200, &json!(correlation)));
    let (status, list) = app.api_get(&token, &format!("{CHANGES}/bysystem/{SMARTCLOUD_LONN}")).await;
    assert_eq!((status, list["data"].as_array().unwrap().len()), (200, 1));
    let url = app.url(&format!("{CHANGES}/{correlation}"));
    assert_eq!(app.http.delete(&url).bearer_auth(&token).send().await.unwrap().status(), 202);
    let (status, _) = app.api_get(&token, &format!("{CHANGES}/{correlation}")).await;
    assert_eq!(status, 404);
}
