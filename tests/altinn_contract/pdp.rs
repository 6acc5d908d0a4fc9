//! Conformance with Altinn's PDP (docs/altinn-wire.md §10): XACML 3.0's JSON profile at
//! `/authorization/api/v1/authorize` and `/decision`, each row of the contract: the
//! answer's shape with its nulls, every status code and text, the subject's and the
//! party's attributes, actions, multi requests. The texts are written from the contract.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Answer, call, lonn_user, post};
use crate::common::*;
use crate::on_both_backends;

const AUTHORIZE: &str = "/authorization/api/v1/authorize";
const DECISION: &str = "/authorization/api/v1/decision";
const OK: &str = "urn:oasis:names:tc:xacml:1.0:status:ok";
const PROCESSING_ERROR: &str = "urn:oasis:names:tc:xacml:1.0:status:processing-error";
const SYNTAX_ERROR: &str = "urn:oasis:names:tc:xacml:1.0:status:syntax-error";
const SYSTEM_USER: &str = "urn:altinn:systemuser:uuid";
const PERSON: &str = "urn:altinn:person:identifier-no";
const PARTY_UUID: &str = "urn:altinn:party:uuid";
const ORGANISATION: &str = "urn:altinn:organization:identifier-no";

on_both_backends!(
    a_permit_in_altinns_shape_with_the_authentication_level,
    nothing_delegated_and_actions_not_offered_are_not_applicable,
    bad_input_is_indeterminate_with_altinns_status_and_text,
    persons_are_asked_about_by_identity_number_and_party_uuid,
    parties_by_organisation_number_legacy_attribute_and_party_uuid,
    multi_requests_answer_each_reference_and_echo_what_it_includes,
    the_pdp_needs_its_scopes,
);

fn attribute(id: &str, value: &str) -> Value {
    json!({"AttributeId": id, "Value": value})
}

/// One request: the subject's attributes, the service, the action and the party's attribute.
fn asking(subject: Vec<Value>, resource: &str, action: &str, party: (&str, &str)) -> Value {
    json!({"Request": {
        "ReturnPolicyIdList": true,
        "AccessSubject": [{"Attribute": subject}],
        "Action": [{"Attribute": [{"AttributeId": "urn:oasis:names:tc:xacml:1.0:action:action-id", "Value": action,
                                   "DataType": "http://www.w3.org/2001/XMLSchema#string"}]}],
        "Resource": [{"Attribute": [attribute("urn:altinn:resource", resource), attribute(party.0, party.1)]}],
    }})
}

async fn ask(app: &TestApp, path: &str, body: &Value) -> Answer {
    let token = app.token_for("demo-skatteetaten", None).await;
    let answer = post(app, &token, path, body).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(answer.content_type.starts_with("application/json"), "{}", answer.content_type);
    answer
}

/// The decision of a call with one request.
async fn decision(app: &TestApp, body: &Value) -> String {
    let answer = ask(app, AUTHORIZE, body).await;
    assert_eq!(answer.body["response"].as_array().map(Vec::len), Some(1), "{}", answer.text);
    answer.body["response"][0]["decision"].as_str().unwrap().to_owned()
}

/// The one Indeterminate result of a call, as status code and message.
async fn indeterminate(app: &TestApp, path: &str, body: &Value) -> (String, Value) {
    let answer = ask(app, path, body).await;
    let result = &answer.body["response"][0];
    assert_eq!((answer.body["response"].as_array().unwrap().len(), &result["decision"]), (1, &json!("Indeterminate")));
    (result["status"]["statusCode"]["value"].as_str().unwrap().to_owned(), result["status"]["statusMessage"].clone())
}

async fn a_permit_in_altinns_shape_with_the_authentication_level(app: TestApp) {
    let user = lonn_user(&app).await;
    let body = asking(vec![attribute(SYSTEM_USER, &user)], KRAV, "read", (ORGANISATION, APE));
    let answer = ask(&app, AUTHORIZE, &body).await;
    assert_eq!(
        answer.body,
        json!({"response": [{
            "decision": "Permit",
            "status": {"statusMessage": null, "statusDetails": null, "statusCode": {"value": OK, "statusCode": null}},
            "obligations": [{"id": "urn:altinn:obligation:authenticationLevel1", "attributeAssignment": [{
                "attributeId": "urn:altinn:obligation-assignment:1", "value": "2",
                "category": "urn:altinn:minimum-authenticationlevel",
                "dataType": "http://www.w3.org/2001/XMLSchema#integer", "issuer": null}]}],
            "associateAdvice": null, "category": null, "policyIdentifierList": null,
        }]}),
        "nulls written, camelCase"
    );
    // Member names bind in any case, and the internal endpoint answers alike.
    let lower =
        serde_json::from_str::<Value>(&body.to_string().to_lowercase().replace(&user.to_lowercase(), &user)).unwrap();
    assert_eq!(ask(&app, AUTHORIZE, &lower).await.body, answer.body, "{lower}");
    assert_eq!(ask(&app, DECISION, &body).await.body, answer.body);
}

async fn nothing_delegated_and_actions_not_offered_are_not_applicable(app: TestApp) {
    let user = lonn_user(&app).await;
    let subject = || vec![attribute(SYSTEM_USER, &user)];
    // A service not given, another organisation, an action the service does not offer.
    for (resource, action, party) in [(A_MELDING, "write", APE), (KRAV, "read", TIGER), (KRAV, "sign", APE)] {
        let answer = ask(&app, AUTHORIZE, &asking(subject(), resource, action, (ORGANISATION, party))).await;
        let result = &answer.body["response"][0];
        assert_eq!(result["decision"], "NotApplicable", "{resource} {action} {party}");
        assert_eq!(result["status"]["statusCode"]["value"], OK);
        assert_eq!((&result["obligations"], &result["status"]["statusMessage"]), (&Value::Null, &Value::Null));
    }
    // A system user nobody knows, and one deleted.
    let nobody = uuid::Uuid::new_v4().to_string();
    let body = asking(vec![attribute(SYSTEM_USER, &nobody)], KRAV, "read", (ORGANISATION, APE));
    assert_eq!(decision(&app, &body).await, "NotApplicable");
    let konsert = app.logged_in(KONSERT).await;
    let details = format!("/accessmanagement/ui/systemuser/{user}");
    konsert.submit(&format!("{details}?confirm=delete"), &format!("{details}/delete")).await;
    let body = asking(subject(), KRAV, "read", (ORGANISATION, APE));
    assert_eq!(decision(&app, &body).await, "NotApplicable", "a deletion counts at once");
}

async fn bad_input_is_indeterminate_with_altinns_status_and_text(app: TestApp) {
    let user = lonn_user(&app).await;
    let processing = |text: &str| (PROCESSING_ERROR.to_owned(), json!(text));
    let beside = vec![attribute(SYSTEM_USER, &user), attribute(PERSON, KONSERT)];
    let cases = [
        (
            AUTHORIZE,
            asking(beside, KRAV, "read", (ORGANISATION, APE)),
            processing(
                "Subject attribute urn:altinn:systemuser:uuid can only be used by itself and not in combination with \
                 other subject identifiers.",
            ),
        ),
        (
            AUTHORIZE,
            asking(vec![attribute(SYSTEM_USER, "not-a-guid")], KRAV, "read", (ORGANISATION, APE)),
            processing("urn:altinn:systemuser:uuid: Not a valid uuid"),
        ),
        (
            AUTHORIZE,
            asking(vec![attribute(SYSTEM_USER, &user)], "no-such-service", "read", (ORGANISATION, APE)),
            processing("Policy not found for resource"),
        ),
        (
            AUTHORIZE,
            asking(vec![attribute(PERSON, "01010112345")], KRAV, "read", (ORGANISATION, APE)),
            processing("Invalid person-id"),
        ),
        (
            DECISION,
            asking(vec![attribute(PERSON, KONSERT)], KRAV, "read", (ORGANISATION, APE)),
            processing("Not allowed to use attribute urn:altinn:person:identifier-no for internal API"),
        ),
        (
            DECISION,
            asking(vec![attribute(SYSTEM_USER, &user)], KRAV, "read", (PERSON, KONSERT)),
            processing("Not allowed to use ssn for internal API"),
        ),
        (AUTHORIZE, json!({"request": null}), (SYNTAX_ERROR.to_owned(), Value::Null)),
        (AUTHORIZE, json!({"Request": {"AccessSubject": "not a list"}}), (SYNTAX_ERROR.to_owned(), Value::Null)),
    ];
    for (path, body, expected) in cases {
        assert_eq!(indeterminate(&app, path, &body).await, expected, "{body}");
    }
    // A body that is no JSON at all is an Indeterminate too, never a 400.
    let token = app.token_for("demo-skatteetaten", None).await;
    let response = app.http.post(app.url(AUTHORIZE)).bearer_auth(&token).body("{not json").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["response"][0]["status"]["statusCode"]["value"], SYNTAX_ERROR);
}

async fn persons_are_asked_about_by_identity_number_and_party_uuid(app: TestApp) {
    let person =
        |pid: &str, resource: &str| asking(vec![attribute(PERSON, pid)], resource, "read", (ORGANISATION, APE));
    // STADIG KONSERT is daglig leder; FORSIKTIG LØVE regnskapsfører; ROLIG PINGVIN neither.
    for (pid, resource, expected) in [
        (KONSERT, A_MELDING, "Permit"),
        (LOVE, KRAV, "Permit"),
        (LOVE, A_MELDING, "NotApplicable"),
        (PINGVIN, KRAV, "NotApplicable"),
    ] {
        assert_eq!(decision(&app, &person(pid, resource)).await, expected, "{pid} {resource}");
    }
    // A role given in the portal counts at once.
    app.grant_role(LOVE, APE, "LONNSINNSENDER");
    assert_eq!(decision(&app, &person(LOVE, A_MELDING)).await, "Permit");
    // The person by party uuid, at the internal endpoint too.
    let uuid = app.db_party_uuid(LOVE);
    let body = asking(vec![attribute(PARTY_UUID, &uuid)], KRAV, "read", (ORGANISATION, APE));
    assert_eq!(decision(&app, &body).await, "Permit");
    assert_eq!(ask(&app, DECISION, &body).await.body["response"][0]["decision"], "Permit");
}

async fn parties_by_organisation_number_legacy_attribute_and_party_uuid(app: TestApp) {
    let user = lonn_user(&app).await;
    let (ape, tiger) = (app.db_party_uuid(APE), app.db_party_uuid(TIGER));
    for (party, expected) in [
        (("urn:altinn:organizationnumber", APE), "Permit"),
        ((PARTY_UUID, ape.as_str()), "Permit"),
        ((PARTY_UUID, tiger.as_str()), "NotApplicable"),
        (("urn:altinn:partyid", "50001337"), "NotApplicable"),
        // A person acting for themselves: nothing of a system user is for a person.
        ((PERSON, KONSERT), "NotApplicable"),
    ] {
        let body = asking(vec![attribute(SYSTEM_USER, &user)], KRAV, "read", party);
        assert_eq!(decision(&app, &body).await, expected, "{party:?}");
    }
}

async fn multi_requests_answer_each_reference_and_echo_what_it_includes(app: TestApp) {
    let user = lonn_user(&app).await;
    // A hundred references: the organisations 0..99 of a numbered run, APE among them.
    let parties: Vec<String> = (0..100).map(|n| format!("3100000{n:02}")).collect();
    let resources: Vec<Value> = parties
        .iter()
        .enumerate()
        .map(|(n, org)| {
            json!({"Id": format!("r{n}"), "Attribute": [attribute("urn:altinn:resource", KRAV),
                {"AttributeId": ORGANISATION, "Value": org, "IncludeInResult": true}]})
        })
        .collect();
    let references: Vec<Value> = (0..100).map(|n| json!({"ReferenceId": ["s1", "a1", format!("r{n}")]})).collect();
    let body = json!({"Request": {
        "AccessSubject": [{"Id": "s1", "Attribute": [attribute(SYSTEM_USER, &user)]}],
        "Action": [{"Id": "a1", "Attribute": [attribute("urn:oasis:names:tc:xacml:1.0:action:action-id", "read")]}],
        "Resource": resources,
        "MultiRequests": {"RequestReference": references},
    }});
    let answer = ask(&app, AUTHORIZE, &body).await;
    let results = answer.body["response"].as_array().unwrap();
    assert_eq!(results.len(), 100);
    for (org, result) in parties.iter().zip(results) {
        let expected = if org == APE { "Permit" } else { "NotApplicable" };
        assert_eq!(result["decision"], expected, "{org}");
        assert_eq!(
            result["category"],
            json!([{"categoryId": "urn:oasis:names:tc:xacml:3.0:attribute-category:resource", "id": null,
                    "content": null, "attribute": [{"attributeId": ORGANISATION, "value": org, "issuer": null,
                    "dataType": "http://www.w3.org/2001/XMLSchema#string", "includeInResult": true}]}]),
            "the party echoed, so the answers can be told apart"
        );
    }
    // One reference is one request.
    let mut one = body.clone();
    one["Request"]["MultiRequests"]["RequestReference"] = json!([{"ReferenceId": ["s1", "a1", "r19"]}]);
    one["Request"]["Resource"] = json!([body["Request"]["Resource"][19]]);
    assert_eq!(decision(&app, &one).await, "Permit");
}

async fn the_pdp_needs_its_scopes(app: TestApp) {
    let user = lonn_user(&app).await;
    let body = asking(vec![attribute(SYSTEM_USER, &user)], KRAV, "read", (ORGANISATION, APE));
    let none = call(&app, Method::POST, AUTHORIZE, None, Some(&body)).await;
    assert_eq!((none.status, none.content_type.as_str()), (401, "application/problem+json"));
    let vendor = app.vendor_token(None).await;
    assert_eq!(post(&app, &vendor, AUTHORIZE, &body).await.status, 403);
    assert_eq!(post(&app, &vendor, DECISION, &body).await.status, 403);
    app.add_vendor_client("pdp-admin", "974761076", "altinn:authorization/authorize.admin");
    let admin = app.token_for("pdp-admin", None).await;
    let answer = post(&app, &admin, AUTHORIZE, &body).await;
    assert_eq!((answer.status, &answer.body["response"][0]["decision"]), (200, &json!("Permit")), "{}", answer.text);
    // The demo's service client holds both scopes.
    let internal = app.token_for("demo-skatteetaten", Some("altinn:authorization/pdp")).await;
    assert_eq!(post(&app, &internal, DECISION, &body).await.status, 200);
    assert_eq!(post(&app, &internal, AUTHORIZE, &body).await.status, 403, "the internal scope is not the external's");
}
