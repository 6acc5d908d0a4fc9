//! The contract the code cites lives in the repository: every `docs/….md §N` cited in
//! the sources, the tests and README names a section that exists, and nothing points
//! outside the repository.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file of the project that cites the docs: the sources, the tests and README.
fn citing_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    let mut stack = vec![root().join("src"), root().join("tests"), root().join("examples"), root().join("scripts")];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_none_or(|e| e == "rs" || e == "md" || e == "mjs" || e == "sh") {
            files.push(path);
        }
    }
    files
}

/// The section numbers a document's headings carry (`## 3. Endpoints`, `### 3.4 System register`).
fn sections(document: &str) -> Vec<String> {
    document
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.trim_end_matches('.').to_owned())
        .filter(|n| n.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .collect()
}

#[test]
fn every_cited_section_exists_and_nothing_points_outside() {
    let mut cited = 0;
    for file in citing_files() {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let name = file.strip_prefix(root()).unwrap().display().to_string();
        if name == "tests/docs.rs" {
            continue;
        }
        assert!(!text.contains("../shared"), "{name} points outside the repository");
        for (at, _) in text.match_indices("docs/") {
            let rest = &text[at..];
            let Some(end) = rest.find(".md") else { continue };
            let doc = &rest[..end + 3];
            if doc.contains(char::is_whitespace) {
                continue;
            }
            let path = root().join(doc);
            let document =
                std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{name} cites {doc}, which does not exist"));
            // `docs/altinn-wire.md §3.4 and §4`: each § right after the name.
            let mut after = rest[end + 3..].trim_start_matches([' ', '(']);
            while let Some(section) = after.strip_prefix('§') {
                let number: String = section.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
                let number = number.trim_end_matches('.');
                assert!(sections(&document).iter().any(|s| s == number), "{name} cites {doc} §{number}, not a section");
                cited += 1;
                after = section[number.len()..].trim_start_matches([' ', ',']).trim_start_matches("and ");
            }
        }
    }
    assert!(cited >= 10, "only {cited} citations found");
}
