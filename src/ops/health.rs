//! Whether a node can serve: what a load balancer asks before sending it traffic.

use crate::db::{self, DbConnection};

/// Why a node that runs cannot serve yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// No connection to the database, or it does not answer.
    Database(String),
    /// The schema is older than this build (another node may still be migrating it).
    MigrationsPending,
}

/// Ready when the database answers on `conn` and its schema is this build's.
pub fn readiness(conn: &mut DbConnection) -> Result<(), NotReady> {
    match db::has_pending_migrations(conn) {
        Ok(false) => Ok(()),
        Ok(true) => Err(NotReady::MigrationsPending),
        Err(e) => Err(NotReady::Database(e)),
    }
}
