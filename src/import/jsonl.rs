//! Our register format: JSON Lines, one record a line, its `type` naming the kind.
//!
//! ```text
//! {"type":"organisation","orgNo":"310000043","name":"LYSTIG ROLIG ELG AS","orgForm":"AS",
//!  "roles":[{"role":"DAGL","pid":"…","name":"…"},{"role":"REGN","orgNo":"310000027"}]}
//! {"type":"person","pid":"…","name":"…"}
//! {"type":"resource","id":"a-melding","title":{"nb":"A-melding","nn":"…","en":"…"},
//!  "description":{"nb":"…"},"grantedBy":["LONNSINNSENDER","DAGL"]}
//! {"type":"package","urn":"urn:altinn:accesspackage:…","name":{"nb":"…"},"description":{"nb":"…"},
//!  "assignable":false,"delegable":true,"givenBy":[{"role":"REGN"},{"role":"FFØR","orgForms":["ESEK","BRL"]}],
//!  "resources":["…"]}
//! ```
//!
//! An organisation's `roles`, when given, are all its Enhetsregister roles: those left
//! out are removed. README documents the format.

use std::io::BufRead;

use serde::Deserialize;
use utoipa::ToSchema;

use super::Batch;
use crate::db::packages::Carrier;
use crate::domain::register::{
    OrganisationRecord, OrganisationRole, PackageRecord, PersonRecord, PersonRole, Record, ResourceRecord, RolesRecord,
};

/// One record of the register: a line of a file, or the body of the admin API's call.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Line {
    #[serde(rename_all = "camelCase")]
    Organisation {
        org_no: String,
        name: String,
        org_form: String,
        roles: Option<Vec<RoleLine>>,
    },
    Person {
        pid: String,
        name: String,
    },
    #[serde(rename_all = "camelCase")]
    Resource {
        id: String,
        title: Texts,
        #[serde(default)]
        description: Texts,
        #[serde(default)]
        granted_by: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    Package {
        urn: String,
        name: Texts,
        #[serde(default)]
        description: Texts,
        assignable: bool,
        delegable: bool,
        #[serde(default)]
        given_by: Vec<GivenBy>,
        #[serde(default)]
        resources: Vec<String>,
    },
}

/// A role of the organisation: held by a person (`pid`, `name`) or by another
/// organisation (`orgNo`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleLine {
    role: String,
    pid: Option<String>,
    name: Option<String>,
    org_no: Option<String>,
}

/// A text in bokmål (required), nynorsk and English (empty: as in bokmål).
#[derive(Deserialize, Default, ToSchema)]
pub struct Texts {
    nb: String,
    #[serde(default)]
    nn: String,
    #[serde(default)]
    en: String,
}

impl Texts {
    fn three(self) -> [String; 3] {
        [self.nb, self.nn, self.en]
    }
}

/// A relation (REGN, REVI, FFØR) or role that gives the package; `orgForms` limits a
/// relation to clients of those forms.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GivenBy {
    role: String,
    org_forms: Option<Vec<String>>,
}

pub(super) fn read(mut reader: impl BufRead, batch: &mut Batch) -> Result<(), String> {
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(|e| e.to_string())? == 0 {
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = serde_json::from_slice::<Line>(&line).map_err(|e| e.to_string()).and_then(Line::records);
        match parsed {
            Ok(records) => records.into_iter().try_for_each(|r| batch.push(r))?,
            Err(e) => batch.refuse(format!("line {number}: {e}")),
        }
    }
    Ok(())
}

impl Line {
    /// The records the line makes: an organisation with roles makes two.
    pub fn records(self) -> Result<Vec<Record>, String> {
        Ok(match self {
            Line::Organisation { org_no, name, org_form, roles } => {
                let organisation = Record::Organisation(OrganisationRecord { org_no: org_no.clone(), name, org_form });
                let Some(roles) = roles else { return Ok(vec![organisation]) };
                let (mut persons, mut organisations) = (Vec::new(), Vec::new());
                for role in roles {
                    match role {
                        RoleLine { role, pid: Some(pid), name, org_no: None } => {
                            persons.push(PersonRole { role, pid, name: name.unwrap_or_default() })
                        }
                        RoleLine { role, pid: None, org_no: Some(holder), .. } => {
                            organisations.push(OrganisationRole { role, holder })
                        }
                        RoleLine { role, .. } => {
                            return Err(format!("the role {role:?} needs either a pid or an orgNo"));
                        }
                    }
                }
                let roles = RolesRecord { org_no, persons: Some(persons), organisations: Some(organisations) };
                vec![organisation, Record::Roles(roles)]
            }
            Line::Person { pid, name } => vec![Record::Person(PersonRecord { pid, name })],
            Line::Resource { id, title, description, granted_by } => vec![Record::Resource(ResourceRecord {
                id,
                title: title.three(),
                description: description.three(),
                granted_by,
            })],
            Line::Package { urn, name, description, assignable, delegable, given_by, resources } => {
                vec![Record::Package(PackageRecord {
                    urn,
                    name: name.three(),
                    description: description.three(),
                    assignable,
                    delegable,
                    given_by: given_by
                        .into_iter()
                        .map(|g| Carrier { role_code: g.role, org_forms: g.org_forms })
                        .collect(),
                    resources,
                })]
            }
        })
    }
}
