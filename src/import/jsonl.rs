//! Our register format: JSON Lines, one record a line, its `type` naming the kind.
//!
//! ```text
//! {"type":"organisation","orgNo":"310000043","name":"LYSTIG ROLIG ELG AS","orgForm":"AS",
//!  "personRoles":[{"role":"DAGL","pid":"…","name":"…"}],"organisationRoles":[{"role":"REGN","orgNo":"310000027"}]}
//! {"type":"person","pid":"…","name":"…"}
//! {"type":"resource","id":"a-melding","title":{"nb":"A-melding","nn":"…","en":"…"},
//!  "description":{"nb":"…"},"grantedBy":["LONNSINNSENDER","DAGL"],"actions":["read","write"],
//!  "authenticationLevel":2}
//! {"type":"package","urn":"urn:altinn:accesspackage:…","name":{"nb":"…"},"description":{"nb":"…"},
//!  "assignable":false,"delegable":true,"givenBy":[{"role":"REGN"},{"role":"FFØR","orgForms":["ESEK","BRL"]}],
//!  "resources":["…"]}
//! ```
//!
//! An organisation's `personRoles`, when given, are all its persons' Enhetsregister roles,
//! and its `organisationRoles` all the roles other organisations hold for it: those left
//! out are removed. A list not given is left alone, so the bulk `roller` file can bring
//! the relations and this format the persons. README documents the format.

use std::io::BufRead;

use serde::Deserialize;
use utoipa::ToSchema;

use super::{Batch, LONGEST_RECORD};
use crate::db::packages::Carrier;
use crate::domain::register::{
    OrganisationRecord, OrganisationRole, PackageRecord, PersonRecord, PersonRole, Record, ResourceRecord, RolesRecord,
};

/// One record of the register: a line of a file, or the body of the admin API's call.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Line {
    #[serde(rename_all = "camelCase")]
    Organisation {
        org_no: String,
        name: String,
        org_form: String,
        person_roles: Option<Vec<PersonRoleLine>>,
        organisation_roles: Option<Vec<OrganisationRoleLine>>,
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
        /// Read-only when not given.
        #[serde(default = "only_read")]
        actions: Vec<String>,
        #[serde(default = "level_two")]
        authentication_level: i64,
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

/// A person's role for the organisation; `name` may be left out for a person already known.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonRoleLine {
    role: String,
    pid: String,
    name: Option<String>,
}

/// A role another organisation (`orgNo`) holds for this one.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganisationRoleLine {
    role: String,
    org_no: String,
}

/// A text in bokmål (required), nynorsk and English (empty: as in bokmål).
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GivenBy {
    role: String,
    org_forms: Option<Vec<String>>,
}

pub(super) fn read(mut reader: impl BufRead, batch: &mut Batch) -> Result<(), String> {
    let mut line = Vec::new();
    for number in 1.. {
        match bounded_line(&mut reader, &mut line, LONGEST_RECORD).map_err(|e| e.to_string())? {
            Read::End => break,
            Read::TooLong => {
                batch.refuse(format!("line {number}: longer than {} MiB", LONGEST_RECORD >> 20));
                continue;
            }
            Read::Line => {}
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Line>(&line) {
            Ok(parsed) => parsed.records().into_iter().try_for_each(|r| batch.push(r))?,
            Err(e) => batch.refuse(format!("line {number}: {e}")),
        }
    }
    Ok(())
}

/// What [`bounded_line`] found.
#[derive(Debug, PartialEq, Eq)]
enum Read {
    Line,
    /// The line was longer than the limit; it was read past, not kept.
    TooLong,
    End,
}

/// Reads the next line (with its newline, if any) into `line`, keeping at most `limit`
/// bytes: a longer line is read through to its end in the reader's own buffer, a piece
/// at a time, and reported as too long.
fn only_read() -> Vec<String> {
    vec!["read".to_owned()]
}

fn level_two() -> i64 {
    2
}

fn bounded_line(reader: &mut impl BufRead, line: &mut Vec<u8>, limit: usize) -> std::io::Result<Read> {
    line.clear();
    let mut too_long = false;
    let mut seen_any = false;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(match (seen_any, too_long) {
                (false, _) => Read::End,
                (true, true) => Read::TooLong,
                (true, false) => Read::Line,
            });
        }
        seen_any = true;
        let (piece, ended) = match buffer.iter().position(|b| *b == b'\n') {
            Some(at) => (&buffer[..=at], true),
            None => (buffer, false),
        };
        if !too_long && line.len() + piece.len() <= limit {
            line.extend_from_slice(piece);
        } else {
            too_long = true;
            line.clear();
        }
        let used = piece.len();
        reader.consume(used);
        if ended {
            return Ok(if too_long { Read::TooLong } else { Read::Line });
        }
    }
}

impl Line {
    /// The records the line makes: an organisation with roles makes two.
    pub fn records(self) -> Vec<Record> {
        match self {
            Line::Organisation { org_no, name, org_form, person_roles, organisation_roles } => {
                let mut records =
                    vec![Record::Organisation(OrganisationRecord { org_no: org_no.clone(), name, org_form })];
                if person_roles.is_none() && organisation_roles.is_none() {
                    return records;
                }
                // The persons named come before any roles, as person records do, so a role
                // elsewhere may name one of them without repeating the name.
                for role in person_roles.iter().flatten() {
                    if let Some(name) = &role.name {
                        records.push(Record::Person(PersonRecord { pid: role.pid.clone(), name: name.clone() }));
                    }
                }
                records.push(Record::Roles(RolesRecord {
                    org_no,
                    persons: person_roles.map(|roles| {
                        roles.into_iter().map(|r| PersonRole { role: r.role, pid: r.pid, name: r.name }).collect()
                    }),
                    organisations: organisation_roles.map(|roles| {
                        roles.into_iter().map(|r| OrganisationRole { role: r.role, holder: r.org_no }).collect()
                    }),
                }));
                records
            }
            Line::Person { pid, name } => vec![Record::Person(PersonRecord { pid, name })],
            Line::Resource { id, title, description, granted_by, actions, authentication_level } => {
                vec![Record::Resource(ResourceRecord {
                    id,
                    title: title.three(),
                    description: description.three(),
                    granted_by,
                    actions,
                    authentication_level,
                })]
            }
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_longer_than_the_limit_is_skipped_without_being_kept() {
        let text = format!("short\n{}\nafter", "x".repeat(100));
        let mut reader = std::io::BufReader::with_capacity(8, text.as_bytes());
        let mut line = Vec::new();
        assert_eq!(bounded_line(&mut reader, &mut line, 10).unwrap(), Read::Line);
        assert_eq!(line, b"short\n");
        assert_eq!(bounded_line(&mut reader, &mut line, 10).unwrap(), Read::TooLong);
        assert!(line.capacity() <= 16, "never held whole: {}", line.capacity());
        assert_eq!(bounded_line(&mut reader, &mut line, 10).unwrap(), Read::Line);
        assert_eq!(line, b"after");
        assert_eq!(bounded_line(&mut reader, &mut line, 10).unwrap(), Read::End);
    }
}
