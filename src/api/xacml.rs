//! XACML 3.0's JSON profile as Altinn's PDP speaks it (docs/altinn-wire.md §10): the
//! request read into the domain's questions, the answer written in Altinn's camelCase
//! with its nulls, its status codes and its texts.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::body::Body;
use crate::domain::decisions::{Decision, Party, Question, Subject};

const SYSTEM_USER: &str = "urn:altinn:systemuser:uuid";
const PERSON: &str = "urn:altinn:person:identifier-no";
const PARTY_UUID: &str = "urn:altinn:party:uuid";
const USER_ID: &str = "urn:altinn:userid";
const ORGANISATION: &str = "urn:altinn:organization:identifier-no";
const LEGACY_ORGANISATION: &str = "urn:altinn:organizationnumber";
const PARTY_ID: &str = "urn:altinn:partyid";
const RESOURCE: &str = "urn:altinn:resource";
const ACTION: &str = "urn:oasis:names:tc:xacml:1.0:action:action-id";
const STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";

const OK: &str = "urn:oasis:names:tc:xacml:1.0:status:ok";
const PROCESSING_ERROR: &str = "urn:oasis:names:tc:xacml:1.0:status:processing-error";
const SYNTAX_ERROR: &str = "urn:oasis:names:tc:xacml:1.0:status:syntax-error";

/// `{"Request": …}`; member names are read in any case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct XacmlRoot {
    #[serde(alias = "Request")]
    pub request: Option<XacmlRequest>,
}

/// The members a decision does not need are read (and described) all the same, so a
/// request is taken as Altinn takes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct XacmlRequest {
    #[serde(alias = "ReturnPolicyIdList")]
    pub return_policy_id_list: Option<bool>,
    #[serde(alias = "CombinedDecision")]
    pub combined_decision: Option<bool>,
    #[serde(alias = "XPathVersion")]
    pub x_path_version: Option<String>,
    /// Categories of other kinds: accepted, not needed for a decision.
    #[serde(default, deserialize_with = "list", alias = "Category")]
    pub category: Vec<Category>,
    #[serde(default, deserialize_with = "list", alias = "Resource")]
    pub resource: Vec<Category>,
    #[serde(default, deserialize_with = "list", alias = "Action")]
    pub action: Vec<Category>,
    #[serde(default, deserialize_with = "list", alias = "AccessSubject")]
    pub access_subject: Vec<Category>,
    #[serde(default, deserialize_with = "list", alias = "RecipientSubject")]
    pub recipient_subject: Vec<Category>,
    #[serde(default, deserialize_with = "list", alias = "IntermediarySubject")]
    pub intermediary_subject: Vec<Category>,
    #[serde(default, deserialize_with = "list", alias = "RequestingMachine")]
    pub requesting_machine: Vec<Category>,
    #[serde(alias = "MultiRequests")]
    pub multi_requests: Option<MultiRequests>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Category {
    #[serde(alias = "CategoryId")]
    pub category_id: Option<String>,
    /// What a multi request's references name.
    #[serde(alias = "Id")]
    pub id: Option<String>,
    #[serde(alias = "Content")]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "list", alias = "Attribute")]
    pub attribute: Vec<Attribute>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    #[serde(alias = "AttributeId")]
    pub attribute_id: String,
    #[serde(default, alias = "Value")]
    pub value: Option<String>,
    #[serde(alias = "Issuer")]
    pub issuer: Option<String>,
    #[serde(alias = "DataType")]
    pub data_type: Option<String>,
    #[serde(default, alias = "IncludeInResult")]
    pub include_in_result: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MultiRequests {
    #[serde(default, deserialize_with = "list", alias = "RequestReference")]
    pub request_reference: Vec<RequestReference>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestReference {
    #[serde(default, deserialize_with = "list", alias = "ReferenceId")]
    pub reference_id: Vec<String>,
}

/// The request of the body, its member names read in any case. The spellings clients
/// send, XACML's (`AccessSubject`) and Altinn's answers' (`accessSubject`), are read
/// straight from the bytes; a body with a member in another case (or one unknown) goes
/// the long way, through [`Body::decode`], which renames every member first.
pub fn read(body: Body<XacmlRoot>) -> Option<XacmlRequest> {
    let mut straight = serde_json::Deserializer::from_slice(body.bytes());
    let mut other_members = false;
    let root = serde_ignored::deserialize(&mut straight, |_| other_members = true);
    match root {
        Ok(XacmlRoot { request }) if !other_members && straight.end().is_ok() => request,
        _ => body.decode().ok()?.request,
    }
}

/// A list that may be sent as `null` (as .NET clients write an empty one).
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Option::<Vec<T>>::deserialize(d).map(Option::unwrap_or_default)
}

/// `{"response": [one result a request]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct XacmlResponse {
    pub response: Vec<XacmlResult>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct XacmlResult {
    /// `Permit`, `Deny`, `NotApplicable` or `Indeterminate`.
    pub decision: &'static str,
    pub status: Status,
    pub obligations: Option<Vec<Obligation>>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub associate_advice: Option<Vec<serde_json::Value>>,
    /// The request's attributes marked `IncludeInResult`, by category.
    pub category: Option<Vec<Echoed>>,
    #[schema(value_type = Option<Object>)]
    pub policy_identifier_list: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub status_message: Option<String>,
    pub status_details: Option<Vec<String>>,
    pub status_code: StatusCode,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusCode {
    pub value: &'static str,
    #[schema(value_type = Option<Object>)]
    pub status_code: Option<Box<StatusCode>>,
}

/// The authentication level the service asks of its users, as Altinn obliges it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Obligation {
    pub id: &'static str,
    pub attribute_assignment: Vec<Assignment>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub attribute_id: &'static str,
    pub value: String,
    pub category: &'static str,
    pub data_type: &'static str,
    pub issuer: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Echoed {
    pub category_id: &'static str,
    pub id: Option<String>,
    pub content: Option<String>,
    pub attribute: Vec<EchoedAttribute>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EchoedAttribute {
    pub attribute_id: String,
    pub value: Option<String>,
    pub issuer: Option<String>,
    pub data_type: String,
    pub include_in_result: bool,
}

/// Why a request could not be read: its status and, for a processing error, Altinn's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    Processing(String),
    Syntax,
}

/// One request of the call: the question, and what it echoes.
pub struct Part {
    pub question: Question,
    pub echoed: Vec<Echoed>,
}

/// The requests of the call: one, or one per reference of a multi request (with fewer
/// than two references the whole is one request, as in Altinn). `external` is the
/// `authorize` endpoint, where a national identity number may be used.
pub fn parts(request: &XacmlRequest, external: bool) -> Result<Vec<Part>, Unreadable> {
    let references = request.multi_requests.as_ref().map_or(&[][..], |m| &m.request_reference[..]);
    if references.len() < 2 {
        let (subject, action) = (attributes(&request.access_subject), attributes(&request.action));
        return Ok(vec![part(subject, action, attributes(&request.resource), external)?]);
    }
    // A resource is one per id (the last of that id), as Altinn keys them.
    let resources: HashMap<&str, &Category> =
        request.resource.iter().filter_map(|c| Some((c.id.as_deref()?, c))).collect();
    references
        .iter()
        .map(|reference| {
            let ids = &reference.reference_id;
            let resource = attributes(ids.iter().filter_map(|id| resources.get(id.as_str()).copied()));
            let (subject, action) = (named(&request.access_subject, ids), named(&request.action, ids));
            part(attributes(subject), attributes(action), resource, external)
        })
        .collect()
}

fn attributes<'a>(categories: impl IntoIterator<Item = &'a Category>) -> Vec<&'a Attribute> {
    categories.into_iter().flat_map(|c| &c.attribute).collect()
}

/// The categories a reference names by their ids.
fn named<'a>(categories: &'a [Category], ids: &'a [String]) -> impl Iterator<Item = &'a Category> {
    ids.iter().flat_map(move |id| categories.iter().filter(move |c| c.id.as_deref() == Some(id.as_str())))
}

fn part(
    subject: Vec<&Attribute>,
    action: Vec<&Attribute>,
    resource: Vec<&Attribute>,
    external: bool,
) -> Result<Part, Unreadable> {
    let echoed = [
        ("urn:oasis:names:tc:xacml:1.0:subject-category:access-subject", &subject),
        ("urn:oasis:names:tc:xacml:3.0:attribute-category:action", &action),
        ("urn:oasis:names:tc:xacml:3.0:attribute-category:resource", &resource),
    ]
    .into_iter()
    .filter_map(|(category_id, attributes)| echo(category_id, attributes))
    .collect();
    let first = |attributes: &[&Attribute], id: &str| -> Option<String> {
        attributes.iter().find(|a| a.attribute_id == id).map(|a| a.value.clone().unwrap_or_default())
    };
    let question = Question {
        party: party(&resource, external)?,
        subject: subject_of(&subject, external)?,
        resource: first(&resource, RESOURCE).unwrap_or_default(),
        action: first(&action, ACTION).unwrap_or_default(),
    };
    Ok(Part { question, echoed })
}

fn echo(category_id: &'static str, attributes: &[&Attribute]) -> Option<Echoed> {
    let attribute: Vec<EchoedAttribute> = attributes
        .iter()
        .filter(|a| a.include_in_result == Some(true))
        .map(|a| EchoedAttribute {
            attribute_id: a.attribute_id.clone(),
            value: a.value.clone(),
            issuer: a.issuer.clone(),
            data_type: a.data_type.clone().unwrap_or_else(|| STRING.to_owned()),
            include_in_result: true,
        })
        .collect();
    (!attribute.is_empty()).then_some(Echoed { category_id, id: None, content: None, attribute })
}

/// The subject, with Altinn's refusals: a system user alone and by a GUID, a national
/// identity number only at the external endpoint and not beside a user id.
fn subject_of(attributes: &[&Attribute], external: bool) -> Result<Subject, Unreadable> {
    let processing = |text: String| Err(Unreadable::Processing(text));
    if attributes.iter().any(|a| a.attribute_id == SYSTEM_USER) && attributes.len() > 1 {
        return processing(format!(
            "Subject attribute {SYSTEM_USER} can only be used by itself and not in combination with other subject identifiers."
        ));
    }
    let mut subject = Subject::Nobody;
    let (mut person, mut user_id, mut organisation) = (false, false, false);
    for attribute in attributes {
        let value = attribute.value.as_deref().unwrap_or_default();
        match attribute.attribute_id.as_str() {
            SYSTEM_USER => match uuid::Uuid::try_parse(value.trim()) {
                Ok(id) => subject = Subject::SystemUser(id.to_string()),
                Err(_) => return processing(format!("{SYSTEM_USER}: Not a valid uuid")),
            },
            PERSON if !external => {
                return processing(format!("Not allowed to use attribute {PERSON} for internal API"));
            }
            PERSON => {
                person = true;
                subject = Subject::Person(value.to_owned());
            }
            USER_ID => {
                // Altinn's user ids are numbers; nobody here has one.
                value.trim().parse::<i32>().map_err(|_| Unreadable::Syntax)?;
                user_id = true;
            }
            PARTY_UUID => {
                let uuid = uuid::Uuid::try_parse(value.trim()).map_err(|_| Unreadable::Syntax)?;
                if !person {
                    subject = Subject::PersonParty(uuid.to_string());
                }
            }
            ORGANISATION | LEGACY_ORGANISATION => organisation = true,
            _ => {}
        }
    }
    if person && user_id {
        return processing("Not allowed to set userid and person-id for subject at the same time".into());
    }
    if external && organisation && (person || user_id) {
        return processing(
            "Not allowed to set organization number and person-id or userid for subject at the same time".into(),
        );
    }
    Ok(subject)
}

/// The party: a party id (which nobody here has) first, then an organisation number (the
/// current attribute before the legacy one), a person, a party uuid.
fn party(attributes: &[&Attribute], external: bool) -> Result<Party, Unreadable> {
    let value = |id: &str| attributes.iter().find(|a| a.attribute_id == id).and_then(|a| a.value.clone());
    if value(PARTY_ID).is_some() {
        return Ok(Party::Nobody);
    }
    if let Some(org_no) = value(ORGANISATION).or_else(|| value(LEGACY_ORGANISATION)) {
        return Ok(Party::Organisation(org_no.trim().to_owned()));
    }
    if value(PERSON).is_some() {
        if !external {
            return Err(Unreadable::Processing("Not allowed to use ssn for internal API".into()));
        }
        return Ok(Party::Person);
    }
    Ok(value(PARTY_UUID)
        .and_then(|v| uuid::Uuid::try_parse(v.trim()).ok())
        .map_or(Party::Nobody, |uuid| Party::Uuid(uuid.to_string())))
}

/// The result of a decision: Permit with the authentication level obliged.
pub fn decided(decision: Decision, echoed: Vec<Echoed>) -> XacmlResult {
    let obligations = match decision {
        Decision::Permit(level) => Some(vec![Obligation {
            id: "urn:altinn:obligation:authenticationLevel1",
            attribute_assignment: vec![Assignment {
                attribute_id: "urn:altinn:obligation-assignment:1",
                value: level.to_string(),
                category: "urn:altinn:minimum-authenticationlevel",
                data_type: INTEGER,
                issuer: None,
            }],
        }]),
        Decision::NotApplicable => None,
    };
    XacmlResult {
        decision: decision.as_str(),
        status: status(OK, None),
        obligations,
        associate_advice: None,
        category: (!echoed.is_empty()).then_some(echoed),
        policy_identifier_list: None,
    }
}

/// The one result of a call that could not be decided.
pub fn indeterminate(why: Unreadable) -> XacmlResponse {
    let status = match why {
        Unreadable::Processing(text) => status(PROCESSING_ERROR, Some(text)),
        Unreadable::Syntax => status(SYNTAX_ERROR, None),
    };
    XacmlResponse {
        response: vec![XacmlResult {
            decision: "Indeterminate",
            status,
            obligations: None,
            associate_advice: None,
            category: None,
            policy_identifier_list: None,
        }],
    }
}

fn status(code: &'static str, message: Option<String>) -> Status {
    Status { status_message: message, status_details: None, status_code: StatusCode { value: code, status_code: None } }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(id: &str, value: &str) -> Attribute {
        Attribute { attribute_id: id.into(), value: Some(value.into()), ..Attribute::default() }
    }

    fn category(id: Option<&str>, attributes: Vec<Attribute>) -> Category {
        Category { id: id.map(str::to_owned), attribute: attributes, ..Category::default() }
    }

    #[test]
    fn a_system_user_is_alone_and_a_guid_and_a_person_only_external() {
        let one = attribute(SYSTEM_USER, "A545CA29-7FB8-4810-A2F2-0BE171CB2A26");
        assert_eq!(
            subject_of(&[&one], false).unwrap(),
            Subject::SystemUser("a545ca29-7fb8-4810-a2f2-0be171cb2a26".into())
        );
        let uuid = attribute(PARTY_UUID, "a545ca29-7fb8-4810-a2f2-0be171cb2a26");
        assert!(
            matches!(subject_of(&[&one, &uuid], true), Err(Unreadable::Processing(t)) if t.starts_with("Subject attribute"))
        );
        assert_eq!(
            subject_of(&[&attribute(SYSTEM_USER, "nope")], true),
            Err(Unreadable::Processing("urn:altinn:systemuser:uuid: Not a valid uuid".into()))
        );
        let person = attribute(PERSON, "17827510025");
        assert_eq!(subject_of(&[&person], true).unwrap(), Subject::Person("17827510025".into()));
        assert!(matches!(subject_of(&[&person], false), Err(Unreadable::Processing(t)) if t.contains("internal API")));
        assert_eq!(subject_of(&[&attribute(USER_ID, "x")], true), Err(Unreadable::Syntax));
    }

    #[test]
    fn references_combine_the_categories_they_name() {
        let request = XacmlRequest {
            access_subject: vec![category(Some("s1"), vec![attribute(PERSON, "17827510025")])],
            action: vec![category(Some("a1"), vec![attribute(ACTION, "read")])],
            resource: vec![
                category(Some("r1"), vec![attribute(RESOURCE, "x"), attribute(ORGANISATION, "310000019")]),
                category(Some("r2"), vec![attribute(RESOURCE, "y"), attribute(PARTY_ID, "5")]),
            ],
            multi_requests: Some(MultiRequests {
                request_reference: ["r1", "r2"]
                    .map(|r| RequestReference { reference_id: vec!["s1".into(), "a1".into(), r.into()] })
                    .into(),
            }),
            ..XacmlRequest::default()
        };
        let parts = parts(&request, true).unwrap();
        let questions: Vec<_> = parts.iter().map(|p| (p.question.resource.as_str(), &p.question.party)).collect();
        assert_eq!(questions, [("x", &Party::Organisation("310000019".into())), ("y", &Party::Nobody)]);
        assert!(parts.iter().all(|p| p.question.action == "read"));
    }
}
