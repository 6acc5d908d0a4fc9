//! `systemtilgang import`: loads register files into the database. Our own JSON Lines
//! format carries everything (see `jsonl`); Brønnøysundregistrene's public bulk files
//! carry organisations (enheter) and the roles organisations hold for each other (roller),
//! see `brreg`. Files may be gzip-compressed (`.gz`). Every record is a sync, so a file
//! can be loaded again after it changed.

mod brreg;
mod jsonl;

pub use jsonl::Line;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::db::DbConnection;
use crate::domain::register::{self, Record, Summary};
use crate::error::AppError;

/// Records applied in one transaction.
const BATCH: usize = 1000;

/// The longest record read (a line of our format, an element of a bulk file): room for
/// an organisation with thousands of roles. A longer one is refused by its number
/// without being held.
const LONGEST_RECORD: usize = 1 << 20;

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Our JSON Lines format: one record a line.
    Jsonl,
    /// Brønnøysundregistrene's enheter (a JSON array of units).
    Enheter,
    /// Brønnøysundregistrene's roller (a JSON array of units with their role groups).
    Roller,
}

impl Format {
    /// Guessed from the file's name: `enheter…` and `roller…` are the bulk files.
    fn of(path: &Path) -> Format {
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        if name.contains("enheter") {
            Format::Enheter
        } else if name.contains("roller") {
            Format::Roller
        } else {
            Format::Jsonl
        }
    }

    /// Whether the file holds records of this pass: everything else before roles.
    fn has(self, roles_pass: bool) -> bool {
        match self {
            Format::Jsonl => true,
            Format::Enheter => !roles_pass,
            Format::Roller => roles_pass,
        }
    }
}

/// Loads the files in two passes (organisations, persons, services and packages first,
/// then the roles that name them), so the order of files and lines does not matter.
pub fn run(conn: &mut DbConnection, paths: &[PathBuf], format: Option<Format>) -> Result<Summary, String> {
    let files: Vec<(PathBuf, Format, u64)> = paths
        .iter()
        .map(|p| {
            let size = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?.len();
            Ok((p.clone(), format.unwrap_or_else(|| Format::of(p)), size))
        })
        .collect::<Result<_, String>>()?;
    let total: u64 = [false, true].iter().flat_map(|pass| files.iter().filter(|f| f.1.has(*pass))).map(|f| f.2).sum();
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{msg} {wide_bar} {binary_bytes}/{binary_total_bytes} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut summary = Summary::default();
    for roles_pass in [false, true] {
        for (path, format, _) in files.iter().filter(|f| f.1.has(roles_pass)) {
            bar.set_message(format!("{} {}", if roles_pass { "roles of" } else { "loading" }, path.display()));
            let reader = open(path, &bar)?;
            // A file read in both passes tells what it could not read in the first.
            let reports = !roles_pass || !format.has(false);
            let mut batch =
                Batch { conn, records: Vec::with_capacity(BATCH), roles_pass, reports, summary: &mut summary };
            let read = match format {
                Format::Jsonl => jsonl::read(reader, &mut batch),
                Format::Enheter => brreg::read_units(reader, &mut batch),
                Format::Roller => brreg::read_roles(reader, &mut batch),
            };
            read.and_then(|()| batch.flush()).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    bar.finish_and_clear();
    Ok(summary)
}

/// What the import did, for the operator.
pub fn report(summary: &Summary, took: std::time::Duration) -> String {
    let mut out = format!(
        "Imported in {took:.1?}: {} new, {} changed, {} unchanged; roles: {} added, {} removed, {} of kinds not kept; \
         {} clients taken off system accesses; {} refused.",
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.roles_added,
        summary.roles_removed,
        summary.roles_ignored,
        summary.clients_detached,
        summary.refused,
    );
    for problem in &summary.problems {
        out.push_str(&format!("\n  refused: {problem}"));
    }
    if summary.refused > summary.problems.len() as u64 {
        out.push_str(&format!("\n  … and {} more", summary.refused - summary.problems.len() as u64));
    }
    out
}

/// Records gathered for one transaction, of the pass under way.
pub(crate) struct Batch<'a> {
    conn: &'a mut DbConnection,
    records: Vec<Record>,
    roles_pass: bool,
    /// Whether what cannot be read is told in this pass (once a file).
    reports: bool,
    summary: &'a mut Summary,
}

impl Batch<'_> {
    /// Takes a record of this pass; applies the batch when it is full.
    fn push(&mut self, record: Record) -> Result<(), String> {
        if record.is_roles() == self.roles_pass {
            self.records.push(record);
            if self.records.len() >= BATCH {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// A record that could not be read, told once a file.
    fn refuse(&mut self, problem: String) {
        if self.reports {
            self.summary.refuse(problem);
        }
    }

    /// Applies the batch in one transaction; when the database refuses it, record by
    /// record, so one bad record costs itself only.
    fn flush(&mut self) -> Result<(), String> {
        if self.records.is_empty() {
            return Ok(());
        }
        match register::apply(self.conn, &self.records) {
            Ok(done) => self.summary.add(done),
            Err(_) => {
                for record in &self.records {
                    match register::apply(self.conn, std::slice::from_ref(record)) {
                        Ok(done) => self.summary.add(done),
                        Err(AppError::Internal(cause)) => return Err(cause),
                        Err(refused) => self.summary.refuse(format!("{}: {refused}", record.subject())),
                    }
                }
            }
        }
        self.records.clear();
        Ok(())
    }
}

/// The file's text, unpacked when it is gzip, moving the bar as its bytes are read.
fn open(path: &Path, bar: &ProgressBar) -> Result<Box<dyn BufRead>, String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let counted = BufReader::with_capacity(1 << 16, Counted { inner: file, bar: bar.clone() });
    Ok(match path.extension().is_some_and(|e| e == "gz") {
        true => Box::new(BufReader::with_capacity(1 << 16, flate2::bufread::MultiGzDecoder::new(counted))),
        false => Box::new(counted),
    })
}

/// A reader that moves a progress bar by the bytes it reads.
struct Counted<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::testing::empty_db;

    fn sample(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/register").join(name)
    }

    #[test]
    fn our_format_and_the_bulk_files_load_in_any_order_gzip_or_not_and_again_change_nothing() {
        let dir = std::env::temp_dir().join(format!("import-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let packed = dir.join("roller_totalbestand.json.gz");
        let mut gz = flate2::write::GzEncoder::new(File::create(&packed).unwrap(), flate2::Compression::fast());
        gz.write_all(&std::fs::read(sample("roller_sample.json")).unwrap()).unwrap();
        gz.finish().unwrap();
        // Our format brings a client's persons; the bulk file its relations: neither undoes the other.
        let persons = dir.join("persons.jsonl");
        let line = r#"{"type":"organisation","orgNo":"310000051","name":"MUNTER FLINK HARE AS","orgForm":"AS","personRoles":[{"role":"DAGL","pid":"17827510025"}]}"#;
        std::fs::write(&persons, line).unwrap();
        // The roles name firms that only the last file brings.
        let files = [packed, sample("enheter_sample.json"), persons, sample("guide.jsonl")];
        let mut conn = empty_db();
        let first = run(&mut conn, &files, None).unwrap();
        assert_eq!((first.created, first.roles_added, first.refused), (15, 8, 0), "{first:?}");
        let again = run(&mut conn, &files, None).unwrap();
        assert_eq!((again.created, again.unchanged, again.roles_added, again.roles_removed), (0, 16, 0, 0));
        let relations = crate::db::clients::relations_of_client(&mut conn, "310000051").unwrap();
        assert_eq!(relations, [("310000027".to_owned(), "REGNSKAPSFORER".to_owned())]);
        let deleted = crate::db::parties::organisation(&mut conn, "310000078").unwrap();
        assert!(deleted.is_none(), "a unit deleted from the register is not loaded");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_bad_line_is_refused_with_its_number_and_the_rest_loaded() {
        let path = std::env::temp_dir().join(format!("register-{}.jsonl", uuid::Uuid::new_v4()));
        let lines = [
            r#"{"type":"person","pid":"17827510025","name":"STADIG KONSERT"}"#,
            r#"{"type":"organisation","orgNo":"310000019"}"#,
            "",
            "not json",
            r#"{"type":"organisation","orgNo":"310000019","name":"APE AS","orgForm":"AS","personRoles":[{"role":"DAGL"}]}"#,
        ];
        std::fs::write(&path, lines.join("\n")).unwrap();
        let summary = run(&mut empty_db(), std::slice::from_ref(&path), None).unwrap();
        std::fs::remove_file(path).unwrap();
        assert_eq!((summary.created, summary.refused), (1, 3), "{summary:?}");
        assert!(summary.problems[0].starts_with("line 2: missing field `name`"), "{:?}", summary.problems);
        assert!(summary.problems[1].starts_with("line 4: "), "{:?}", summary.problems);
        assert!(summary.problems[2].starts_with("line 5: missing field `pid`"), "{:?}", summary.problems);
    }

    #[test]
    fn a_line_or_element_too_long_is_refused_by_number_without_being_held() {
        let dir = std::env::temp_dir().join(format!("import-long-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let jsonl = dir.join("long.jsonl.gz");
        let mut gz = flate2::write::GzEncoder::new(File::create(&jsonl).unwrap(), flate2::Compression::fast());
        writeln!(gz, r#"{{"type":"person","pid":"17827510025","name":"STADIG KONSERT"}}"#).unwrap();
        writeln!(gz, r#"{{"type":"person","pid":"22857030021","name":"{}"}}"#, "L".repeat(8 << 20)).unwrap();
        writeln!(gz, r#"{{"type":"person","pid":"11929030046","name":"ROLIG PINGVIN"}}"#).unwrap();
        gz.finish().unwrap();
        let summary = run(&mut empty_db(), std::slice::from_ref(&jsonl), None).unwrap();
        assert_eq!((summary.created, summary.refused), (2, 1), "{summary:?}");
        assert_eq!(summary.problems, ["line 2: longer than 1 MiB"]);

        let units = dir.join("enheter.json");
        let long = format!(r#"{{"organisasjonsnummer":"310000043","navn":"{}"}}"#, "N".repeat(2 << 20));
        std::fs::write(&units, format!(r#"[{{"organisasjonsnummer":"310000019","navn":"APE"}},{long}]"#)).unwrap();
        let error = run(&mut empty_db(), std::slice::from_ref(&units), None).unwrap_err();
        assert!(error.contains("element 2: longer than 1 MiB"), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_bulk_element_of_another_shape_is_told_and_the_rest_loaded() {
        let path = std::env::temp_dir().join(format!("roller-{}.json", uuid::Uuid::new_v4()));
        std::fs::write(&path, r#"[{"rollegrupper": []}, {"organisasjonsnummer": "310000051", "rollegrupper": []}]"#)
            .unwrap();
        let summary = run(&mut empty_db(), std::slice::from_ref(&path), None).unwrap();
        std::fs::remove_file(path).unwrap();
        assert_eq!(summary.refused, 2, "{summary:?}");
        assert!(summary.problems[0].starts_with("element 1: missing field `organisasjonsnummer`"), "{summary:?}");
        assert!(summary.problems[1].contains("no such organisation"), "{summary:?}");
    }

    #[test]
    fn a_file_of_another_format_stops_with_its_name() {
        let error = run(&mut empty_db(), &[sample("guide.jsonl")], Some(Format::Enheter)).unwrap_err();
        assert!(error.contains("guide.jsonl") && error.contains("expected a JSON array of units"), "{error}");
        let missing = run(&mut empty_db(), &[sample("nope.jsonl")], None).unwrap_err();
        assert!(missing.contains("nope.jsonl"), "{missing}");
    }
}
