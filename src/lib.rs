//! Systemtilgang: a portal and vendor API for system access in the style of Altinn.
//!
//! Layers point one way: [`web`] (HTML) and [`api`] (JSON) call [`domain`] (rules),
//! which calls [`db`] (schema and queries).

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod import;
pub mod ops;
pub mod outbox;
pub mod paths;
pub mod seed;
pub mod server;
pub mod support;
pub mod web;

rust_i18n::i18n!("locales", fallback = "nb");

#[cfg(test)]
pub(crate) mod testing {
    //! In-memory databases, with the demo data or empty, for rule tests without a server.
    use diesel::Connection;

    use crate::db::DbConnection;

    pub fn demo_db() -> DbConnection {
        let mut conn = empty_db();
        crate::seed::demo::seed(&mut conn).unwrap();
        conn
    }

    /// The schema and nothing in it, as production starts.
    pub fn empty_db() -> DbConnection {
        let mut conn = DbConnection::Sqlite(diesel::SqliteConnection::establish(":memory:").unwrap());
        diesel::connection::SimpleConnection::batch_execute(&mut conn, "PRAGMA foreign_keys = ON").unwrap();
        crate::db::migrate(&mut conn).unwrap();
        conn
    }
}

#[cfg(test)]
mod layers {
    //! The layers point one way, from the top: `main` and `cli`; `server` (which wires
    //! everything); the front-ends `web` (HTML) and `api` (JSON); `app` (the settings and the
    //! state they reach); the wings `import`, `seed`, `ops`, `auth` and `outbox`; `domain` (rules);
    //! `db`; and the leaves (`error`, `i18n`, `paths`, `support`). A source scan keeps it
    //! so, reading every `use` (grouped ones too) and every path written inline.

    use std::path::Path;

    /// Every `.rs` file under `place` (a folder or a file of `src`), with its text.
    fn sources(place: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(place)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
        assert!(!out.is_empty(), "no sources at src/{place}");
        out
    }

    /// The paths a `use` tree names, whole: `crate::{db, web::{a, b}}` gives `crate::db`,
    /// `crate::web::a` and `crate::web::b`.
    fn expand(prefix: &str, tree: &str) -> Vec<String> {
        let tree = tree.trim();
        // `web::{a, b}`: the part before the group joins the prefix.
        if let Some(brace) = tree.find('{').filter(|at| *at > 0) {
            let head = tree[..brace].trim_end_matches("::");
            let joined = if prefix.is_empty() { head.to_owned() } else { format!("{prefix}::{head}") };
            return expand(&joined, &tree[brace..]);
        }
        let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
            let path = tree.split(" as ").next().unwrap_or(tree).trim();
            return vec![match (prefix, path) {
                ("", _) => path.to_owned(),
                (_, "self") => prefix.to_owned(),
                _ => format!("{prefix}::{path}"),
            }];
        };
        let (mut depth, mut start, mut paths) = (0, 0, Vec::new());
        for (at, c) in inner.char_indices().chain([(inner.len(), ',')]) {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    let item = inner[start..at].trim();
                    start = at + 1;
                    if !item.is_empty() {
                        paths.extend(expand(prefix, item));
                    }
                }
                _ => {}
            }
        }
        paths
    }

    /// Every path of the crate (and every outside crate) a file names: its `use`
    /// statements expanded, and the `crate::…` paths written in its code.
    fn named_paths(text: &str) -> Vec<String> {
        let mut paths = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find("use ") {
            let before = &rest[..at];
            rest = &rest[at + 4..];
            // Only a statement: at the start of a line (after `pub`, `pub(crate)` …).
            let line_start = before.rsplit('\n').next().unwrap_or_default().trim();
            if !(line_start.is_empty() || line_start.starts_with("pub")) {
                continue;
            }
            if let Some(end) = rest.find(';') {
                let tree: String = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
                paths.extend(expand("", &tree));
            }
        }
        let bytes = text.as_bytes();
        for (at, _) in text.match_indices("crate::") {
            let end = text[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(text.len(), |n| at + n);
            let grouped = text[end..].starts_with('{');
            if !grouped && (at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_')) {
                paths.push(text[at..end].trim_end_matches(':').to_owned());
            }
        }
        paths
    }

    /// Fails when a file at `place` names one of `forbidden` (a crate or a module path),
    /// unless the path lies under one of `allowed`.
    fn never_uses(place: &str, forbidden: &[&str], allowed: &[&str]) {
        let under = |path: &str, module: &str| path == module || path.starts_with(&format!("{module}::"));
        for (file, text) in sources(place) {
            for path in named_paths(&text) {
                let bad = forbidden.iter().find(|f| under(&path, f));
                if let Some(module) = bad.filter(|_| !allowed.iter().any(|a| under(&path, a))) {
                    panic!("{file} uses {path}: {module} is a layer above it, or beside it");
                }
            }
        }
    }

    const FRONT_ENDS: [&str; 4] = ["crate::web", "crate::api", "crate::cli", "crate::demo"];
    const WINGS: [&str; 5] = ["crate::import", "crate::seed", "crate::ops", "crate::auth", "crate::outbox"];

    #[test]
    fn the_expansion_sees_grouped_and_nested_imports() {
        let paths = named_paths("use crate::{db, web::{a, b as c}};\nfn f() { crate::seed::demo::x(); }\n");
        assert_eq!(paths, ["crate::db", "crate::web::a", "crate::web::b", "crate::seed::demo::x"]);
    }

    #[test]
    fn rules_and_storage_know_nothing_of_http_the_wings_or_the_front_ends() {
        let above: Vec<&str> =
            ["actix_web", "actix_session", "crate::app"].into_iter().chain(FRONT_ENDS).chain(WINGS).collect();
        never_uses("domain", &above, &[]);
        never_uses("db", &above, &[]);
        never_uses("db", &["crate::domain"], &[]);
    }

    #[test]
    fn the_wings_stand_on_the_rules_and_storage_only() {
        let front: Vec<&str> = ["crate::app", "crate::server"].into_iter().chain(FRONT_ENDS).collect();
        never_uses("auth", &[&front[..], &["crate::import", "crate::seed", "crate::ops"]].concat(), &[]);
        never_uses("ops", &[&front[..], &["crate::import", "crate::seed"]].concat(), &["crate::auth::proxy"]);
        never_uses("seed", &[&front[..], &["actix_web", "crate::import", "crate::ops"]].concat(), &[]);
        never_uses("import", &[&front[..], &["actix_web", "crate::seed", "crate::ops", "crate::auth"]].concat(), &[]);
        never_uses(
            "outbox",
            &[&front[..], &["actix_web", "crate::import", "crate::seed", "crate::auth"]].concat(),
            &[],
        );
    }

    #[test]
    fn the_front_ends_do_not_use_each_other_nor_what_wires_them() {
        never_uses("web", &["crate::api", "crate::cli", "crate::server"], &[]);
        never_uses("api", &["crate::web", "crate::cli", "crate::server"], &[]);
        never_uses("app", &["crate::web", "crate::api", "crate::cli", "crate::server"], &[]);
        never_uses("app/config.rs", &["crate::app::state"], &[]);
        // The demo's service owner asks the portal over HTTP, as a real one must.
        never_uses(
            "demo",
            &["crate::web", "crate::api", "crate::cli", "crate::domain", "crate::db", "crate::app"],
            &[],
        );
    }

    #[test]
    fn the_leaves_stand_on_nothing_of_the_crate() {
        for leaf in ["error.rs", "support.rs", "i18n.rs", "paths.rs"] {
            never_uses(leaf, &["crate"], &[]);
        }
    }

    #[test]
    fn the_top_of_src_holds_few_loose_files() {
        let loose: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(loose.len() <= 8, "{loose:?}");
    }
}
