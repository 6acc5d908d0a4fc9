//! Systemtilgang: a portal and vendor API for system access in the style of Altinn.
//!
//! Layers point one way: [`web`] (HTML) and [`api`] (JSON) call [`domain`] (rules),
//! which calls [`db`] (schema and queries).

pub mod api;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod ids;
pub mod import;
pub mod logging;
pub mod monitoring;
pub mod oidc;
pub mod proxy;
pub mod scale;
pub mod scopes;
pub mod startup;
pub mod state;
pub mod support;
pub mod throttle;
pub mod tokens;
pub mod trusted_issuer;
pub mod web;

rust_i18n::i18n!("locales", fallback = "nb");

#[cfg(test)]
pub(crate) mod testing {
    //! In-memory databases, with the demo data or empty, for rule tests without a server.
    use diesel::Connection;

    use crate::db::DbConnection;

    pub fn demo_db() -> DbConnection {
        let mut conn = empty_db();
        crate::demo::seed(&mut conn).unwrap();
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
    //! The layers point one way: `web` and `api` → `domain` → `db`, with the state, the
    //! application error and the leaf helpers below the front-ends. A source scan keeps it so.

    use std::path::Path;

    /// Every `.rs` file under `dir`, with its text.
    fn sources(dir: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
        assert!(!out.is_empty(), "no sources under src/{dir}");
        out
    }

    /// Fails when a file under `dir` names one of `forbidden` (a crate or a module path).
    fn never_imports(dir: &str, forbidden: &[&str]) {
        for (file, text) in sources(dir) {
            for name in forbidden {
                let hits = [format!("use {name}"), format!("{name}::"), format!("{name}:{{")];
                assert!(!hits.iter().any(|h| text.contains(h.as_str())), "{file} uses {name}, a layer above it");
            }
        }
    }

    #[test]
    fn rules_and_storage_know_nothing_of_http_or_the_front_ends() {
        let above = ["actix_web", "crate::web", "crate::api", "crate::startup", "crate::state", "crate::tokens"];
        never_imports("domain", &above);
        never_imports("db", &above);
        never_imports("db", &["crate::domain"]);
        never_imports("import", &["actix_web", "crate::web", "crate::api", "crate::state"]);
    }

    #[test]
    fn the_front_ends_do_not_use_each_other() {
        never_imports("web", &["crate::api"]);
        never_imports("api", &["crate::web"]);
    }

    #[test]
    fn the_error_and_the_helpers_stand_on_nothing_of_the_crate() {
        never_imports("error.rs", &["crate::"]);
        never_imports("support.rs", &["crate::"]);
        never_imports("tokens.rs", &["crate::domain", "crate::web", "crate::api"]);
    }
}
