//! Brønnøysundregistrene's public bulk files: `enheter` (every unit, a JSON array) and
//! `roller` (every unit's role groups, a JSON array). Only the fields named here are read.
//! The public roles name persons by birth date, not identity number, so only the roles
//! organisations hold for each other (regnskapsfører, revisor, forretningsfører: the
//! client relations) are taken from `roller`; persons' roles come from our format.

use std::io::BufRead;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::{Batch, LONGEST_RECORD};
use crate::domain::register::{OrganisationRecord, OrganisationRole, Record, RolesRecord};

#[derive(Deserialize)]
struct Unit {
    organisasjonsnummer: String,
    #[serde(default)]
    navn: String,
    organisasjonsform: Option<Code>,
    /// Set for a unit that is deleted from the register.
    slettedato: Option<String>,
}

#[derive(Deserialize)]
struct Code {
    kode: String,
}

#[derive(Deserialize)]
struct UnitRoles {
    organisasjonsnummer: String,
    #[serde(default)]
    rollegrupper: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    #[serde(default)]
    roller: Vec<UnitRole>,
}

#[derive(Deserialize)]
struct UnitRole {
    #[serde(rename = "type")]
    kind: Code,
    /// The organisation holding the role; a person's role has none.
    enhet: Option<Holder>,
    /// Resigned: the role no longer holds.
    #[serde(default)]
    fratraadt: bool,
}

#[derive(Deserialize)]
struct Holder {
    organisasjonsnummer: String,
}

pub(super) fn read_units(reader: impl BufRead, batch: &mut Batch) -> Result<(), String> {
    each::<Unit>(reader, batch, |unit, batch| match unit.slettedato {
        Some(_) => Ok(()),
        None => batch.push(Record::Organisation(OrganisationRecord {
            org_no: unit.organisasjonsnummer,
            name: unit.navn,
            org_form: unit.organisasjonsform.map(|f| f.kode).unwrap_or_default(),
        })),
    })
}

pub(super) fn read_roles(reader: impl BufRead, batch: &mut Batch) -> Result<(), String> {
    each::<UnitRoles>(reader, batch, |unit, batch| {
        let organisations = unit
            .rollegrupper
            .into_iter()
            .flat_map(|g| g.roller)
            .filter(|r| !r.fratraadt)
            .filter_map(|r| r.enhet.map(|h| OrganisationRole { role: r.kind.kode, holder: h.organisasjonsnummer }))
            .collect();
        let roles = RolesRecord { org_no: unit.organisasjonsnummer, persons: None, organisations: Some(organisations) };
        batch.push(Record::Roles(roles))
    })
}

/// Calls `take` with each element of the file's JSON array, read one at a time so a
/// file of a million units is never held whole, and none longer than
/// [`LONGEST_RECORD`] held at all (the file is then refused, naming the element). An
/// element of another shape is refused and the rest read on.
fn each<T: DeserializeOwned>(
    reader: impl BufRead,
    batch: &mut Batch,
    take: impl FnMut(T, &mut Batch) -> Result<(), String>,
) -> Result<(), String> {
    struct Elements<'b, 'c, T, F> {
        batch: &'b mut Batch<'c>,
        take: F,
        shape: std::marker::PhantomData<T>,
        /// Bytes read since the element began.
        read: std::rc::Rc<std::cell::Cell<usize>>,
    }

    impl<'de, T: DeserializeOwned, F: FnMut(T, &mut Batch) -> Result<(), String>> Visitor<'de> for Elements<'_, '_, T, F> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array of units")
        }

        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            let mut number = 0;
            loop {
                self.read.set(0);
                let next = seq.next_element::<Box<RawValue>>().map_err(|e| match self.read.get() > LONGEST_RECORD {
                    true => {
                        A::Error::custom(format!("element {}: longer than {} MiB", number + 1, LONGEST_RECORD >> 20))
                    }
                    false => e,
                })?;
                let Some(raw) = next else { break };
                number += 1;
                match serde_json::from_str::<T>(raw.get()) {
                    Ok(element) => (self.take)(element, self.batch).map_err(A::Error::custom)?,
                    Err(e) => self.batch.refuse(format!("element {number}: {e}")),
                }
            }
            Ok(())
        }
    }

    let read = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut json = serde_json::Deserializer::from_reader(Bounded { inner: reader, read: read.clone() });
    json.deserialize_seq(Elements { batch, take, shape: std::marker::PhantomData, read })
        .and_then(|()| json.end())
        .map_err(|e| e.to_string())
}

/// A reader that stops with an error once more than [`LONGEST_RECORD`] bytes were read
/// since `read` was last set to 0 (at the start of each element).
struct Bounded<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<usize>>,
}

impl<R: std::io::Read> std::io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let room = (LONGEST_RECORD + 1).saturating_sub(self.read.get());
        if room == 0 {
            return Err(std::io::Error::other("an element is too long"));
        }
        let end = buf.len().min(room);
        let n = self.inner.read(&mut buf[..end])?;
        self.read.set(self.read.get() + n);
        Ok(n)
    }
}
