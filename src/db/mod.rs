//! Storage: one connection type over SQLite and PostgreSQL, the pool, migrations and
//! the queries each table needs. Nothing above this module writes SQL.

pub mod assertions;
pub mod audit;
pub mod change_requests;
pub mod clients;
pub mod decisions;
pub mod kinds;
pub mod packages;
pub mod parties;
pub mod requests;
pub mod resources;
pub mod schema;
pub mod secrets;
pub mod sessions;
pub mod system_users;
pub mod systems;
pub mod vendor_clients;
pub mod vendor_events;
pub mod webhooks;

use std::path::Path;
use std::time::Duration;

use diesel::prelude::*;
use diesel::r2d2::{self, R2D2Connection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// A connection to whichever backend the database URL names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;

/// Rows per multi-row insert: well under both backends' limits on bound parameters.
pub const BATCH_ROWS: usize = 1000;

/// Inserts `rows` into `table` in multi-row statements of [`BATCH_ROWS`]. Multi-row
/// inserts are per backend (the shared connection type has none), hence a macro.
macro_rules! insert_batches {
    ($conn:expr, $table:expr, $rows:expr) => {{
        for chunk in $rows.chunks($crate::db::BATCH_ROWS) {
            let insert = diesel::insert_into($table).values(chunk);
            match &mut *$conn {
                $crate::db::DbConnection::Postgresql(c) => insert.execute(c)?,
                $crate::db::DbConnection::Sqlite(c) => insert.execute(c)?,
            };
        }
        diesel::QueryResult::Ok(())
    }};
}
pub(crate) use insert_batches;

/// Runs `$body` with `$c` bound to the backend's own connection rather than the shared
/// type. Through the shared type diesel finds a prepared statement by rebuilding the
/// query's text on every call, which costs more than running a small query; on the
/// backend's own connection it finds it by the query's type. For the hottest paths.
macro_rules! natively {
    ($conn:expr, |$c:ident| $body:expr) => {
        match &mut *$conn {
            $crate::db::DbConnection::Postgresql($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use natively;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Where the data lives, decided by the URL's scheme alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://…` / `postgresql://…` is PostgreSQL; `sqlite://path` or a plain path is
    /// SQLite; any other scheme is refused rather than guessed at.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("the database URL is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        if let Some(path) = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err("the SQLite URL names no file".into());
            }
            return Ok(Self::Sqlite(path.to_owned()));
        }
        if let Some((scheme, _)) = raw.split_once("://") {
            return Err(format!(
                "unsupported database scheme `{scheme}` (use a file path, sqlite://path or postgres://…)"
            ));
        }
        Ok(Self::Sqlite(raw.to_owned()))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// r2d2 manager that opens the backend named by the URL and tunes SQLite connections.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                diesel::PgConnection::establish(url).map(DbConnection::Postgresql).map_err(r2d2::Error::ConnectionError)
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the one writer; busy_timeout makes writers
                // queue instead of failing at once.
                diesel::connection::SimpleConnection::batch_execute(
                    &mut conn,
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        match conn {
            DbConnection::Postgresql(c) => c.ping(),
            DbConnection::Sqlite(c) => c.ping(),
        }
        .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        match conn {
            DbConnection::Postgresql(c) => c.is_broken(),
            DbConnection::Sqlite(c) => c.is_broken(),
        }
    }
}

/// Opens one connection, failing with one readable sentence when the database cannot be
/// reached: for the one-shot commands, which need no pool. (A pool's background threads
/// may still be opening a connection as the process exits, and libpq's TLS torn down
/// under them crashes it.)
pub fn open(url: &DatabaseUrl) -> Result<DbConnection, String> {
    if let DatabaseUrl::Sqlite(path) = url {
        let parent = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(dir) = parent {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
        }
    }
    r2d2::ManageConnection::connect(&Manager { url: url.clone() }).map_err(|e| format!("cannot open the database: {e}"))
}

/// Opens the pool, failing with one readable sentence when the database cannot be reached.
pub fn connect(url: &DatabaseUrl, max_size: u32) -> Result<Pool, String> {
    // One direct attempt first, so the user sees the database's own reason.
    drop(open(url)?);
    let manager = Manager { url: url.clone() };
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        // No test query on every checkout: a broken connection is found by its first
        // failing statement and then dropped (`has_broken`).
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
        .map_err(|e| format!("cannot open the database: {e}"))
}

/// Brings the schema up to date. On PostgreSQL an advisory lock keeps nodes that start
/// together from migrating at the same time.
pub fn migrate(conn: &mut DbConnection) -> Result<(), String> {
    let result = match conn {
        DbConnection::Postgresql(c) => {
            diesel::sql_query("SELECT pg_advisory_lock(7301)").execute(c).map_err(|e| e.to_string())?;
            let outcome = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ());
            diesel::sql_query("SELECT pg_advisory_unlock(7301)").execute(c).map_err(|e| e.to_string())?;
            outcome
        }
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| format!("cannot migrate the database: {e}"))
}

/// Whether this build knows migrations the database has not had: a node of a newer
/// release next to an older schema. Reading the migrations table is also a round trip
/// that shows the database answers.
pub fn has_pending_migrations(conn: &mut DbConnection) -> Result<bool, String> {
    match conn {
        DbConnection::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    }
    .map_err(|e| e.to_string())
}

/// Now, in UTC, to the microsecond (what PostgreSQL keeps): every stored timestamp is UTC.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::Timelike;
    let now = chrono::Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now)
}

/// Readies the connection for a bulk load: on SQLite a page cache of 256 MiB, so the
/// random keys of millions of rows are written without re-reading the file each time.
pub fn prepare_bulk_load(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA cache_size = -262144")
        }
        DbConnection::Postgresql(_) => Ok(()),
    }
}

/// Updates the planner's statistics after a bulk load (both backends know ANALYZE).
pub fn refresh_statistics(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::connection::SimpleConnection::batch_execute(conn, "ANALYZE")
}

/// Runs `work` in one transaction, committed when it returns `Ok` and rolled back when it
/// returns `Err`. On SQLite the write lock is taken up front (`BEGIN IMMEDIATE`), so a
/// writer that finds the database busy waits for it (`busy_timeout`) instead of failing
/// half-way with "database is locked". Inside a transaction it becomes a savepoint.
pub fn transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    E: From<diesel::result::Error>,
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    if in_transaction(conn) {
        return conn.transaction(work);
    }
    vendor_events::forget();
    match conn {
        DbConnection::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?,
        DbConnection::Postgresql(_) => Manager::begin_transaction(conn)?,
    }
    // What the transaction told vendors is given its place in the feed last, just before
    // the commit (see `vendor_events::seal`).
    let done = work(conn).and_then(|value| Ok(vendor_events::seal(conn).map(|()| value)?));
    match done {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            vendor_events::forget();
            match Manager::rollback_transaction(conn) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
                Err(rollback) => Err(rollback.into()),
            }
        }
    }
}

/// Whether a transaction is open on the connection.
pub fn in_transaction(conn: &mut DbConnection) -> bool {
    use diesel::connection::TransactionManager;
    type Manager = <DbConnection as Connection>::TransactionManager;
    Manager::transaction_manager_status_mut(conn).transaction_depth().is_ok_and(|depth| depth.is_some())
}

/// Runs several reads together: on SQLite in one deferred transaction, so the file is
/// locked once and not once a statement, and the reads see one state; on PostgreSQL as
/// they come (a transaction there would add two round trips).
pub fn reading<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    E: From<diesel::result::Error>,
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
{
    match conn {
        DbConnection::Postgresql(_) => work(conn),
        DbConnection::Sqlite(_) => conn.transaction(work),
    }
}

/// True when the error is a unique-constraint violation, on either backend.
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(err, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}
