//! Both backends' migrations make the schema `src/db/schema.rs` describes: the same
//! tables, each with the same columns, types and nullability. A migration written for
//! one backend only, or a column added to one, fails here.

use std::collections::BTreeMap;

use diesel::sql_types::{Integer, Text};
use diesel::{QueryableByName, RunQueryDsl};
use systemtilgang::db::DbConnection;

use crate::common::*;
use crate::on_both_backends;

on_both_backends!(the_migrated_schema_is_the_described_one);

/// A column: its type as diesel names it (`Text`, `Nullable<Timestamp>`, …).
type Tables = BTreeMap<String, BTreeMap<String, String>>;

/// The tables of `src/db/schema.rs`, read from its `diesel::table!` blocks.
fn described() -> Tables {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs")).unwrap();
    let mut tables = Tables::new();
    for block in text.split("diesel::table! {").skip(1) {
        let mut lines = block.lines().map(str::trim).filter(|l| !l.is_empty());
        let name = lines.next().unwrap().split_whitespace().next().unwrap().to_owned();
        let columns = lines
            .take_while(|l| *l != "}")
            .filter_map(|l| l.trim_end_matches(',').split_once(" -> "))
            .map(|(column, kind)| (column.trim().trim_start_matches("r#").to_owned(), kind.trim().to_owned()))
            .collect();
        tables.insert(name, columns);
    }
    assert!(tables.len() > 20, "{tables:?}");
    tables
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    nullable: i32,
}

/// A backend's own name for a column type, as diesel's. SQLite keeps every integer in
/// eight bytes (and a rowid key must be spelled INTEGER), so its INTEGER is a BigInt.
fn diesel_type(backend: Backend, backend_type: &str, nullable: bool) -> String {
    let kind = match backend_type.to_lowercase().as_str() {
        "text" => "Text",
        "bigint" => "BigInt",
        "integer" if matches!(backend, Backend::Sqlite) => "BigInt",
        "integer" => "Integer",
        "boolean" => "Bool",
        "timestamp" | "timestamp without time zone" => "Timestamp",
        other => panic!("a column of type {other}, which schema.rs cannot describe"),
    };
    if nullable { format!("Nullable<{kind}>") } else { kind.to_owned() }
}

/// The tables the migrations made, with diesel's names for their types.
fn migrated(conn: &mut DbConnection, backend: Backend) -> Tables {
    let columns: Vec<Column> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             CASE WHEN p.\"notnull\" = 0 AND p.pk = 0 THEN 1 ELSE 0 END AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
        )
        .load(c),
        DbConnection::Postgresql(c) => diesel::sql_query(
            "SELECT table_name::text, column_name::text, data_type::text, \
             CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS nullable \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
        )
        .load(c),
    }
    .unwrap();
    let mut tables = Tables::new();
    for c in columns {
        tables
            .entry(c.table_name)
            .or_default()
            .insert(c.column_name, diesel_type(backend, &c.data_type, c.nullable == 1));
    }
    tables
}

async fn the_migrated_schema_is_the_described_one(app: TestApp) {
    let (described, migrated) = (described(), migrated(&mut app.db(), app.backend));
    assert_eq!(
        described.keys().collect::<Vec<_>>(),
        migrated.keys().collect::<Vec<_>>(),
        "the tables on {:?}",
        app.backend
    );
    for (table, columns) in &described {
        assert_eq!(Some(columns), migrated.get(table), "the columns of {table} on {:?}", app.backend);
    }
}
