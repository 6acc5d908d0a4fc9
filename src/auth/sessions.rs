//! Login sessions: the cookie carries a random id, and the database says whether the
//! session still holds. It ends at logout, after a spell of idleness and at the end of
//! its lifetime, on every portal node at once; a copy of the cookie is worth no more.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;

use crate::db::sessions::{self, Session};
use crate::db::{self, DbConnection};
use crate::error::AppError;
use crate::support::{hash_secret, random_bytes};

/// How long a session lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// Unused this long, the session ends.
    pub idle: Duration,
    /// This long after the login, the session ends however busy it is.
    pub lifetime: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self { idle: Duration::minutes(30), lifetime: Duration::hours(12) }
    }
}

/// A session is marked as used again at most this often, so pages need not write.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// Starts a session for the person; returns the id for the cookie.
pub fn start(conn: &mut DbConnection, pid: &str, limits: SessionLimits) -> Result<String, AppError> {
    let id = URL_SAFE_NO_PAD.encode(random_bytes::<32>());
    let now = db::now();
    sessions::forget_old(conn, pid, now - limits.lifetime, now - limits.idle)?;
    let session =
        Session { id_hash: hash_secret(&id), pid: pid.to_owned(), started_at: now, last_seen_at: now, ended_at: None };
    sessions::insert(conn, &session)?;
    Ok(id)
}

/// Why a session no longer logs anyone in, for what the login page tells the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Unused for longer than the idle limit.
    Idle,
    /// Older than the lifetime limit, however busy.
    Lifetime,
    /// Logged out, forgotten or never known.
    LoggedOut,
}

/// The person of a session that still holds, marking it as used; why not once it has ended.
pub fn resume(conn: &mut DbConnection, id: &str, limits: SessionLimits) -> Result<Result<String, Ended>, AppError> {
    let Some(session) = sessions::find(conn, &hash_secret(id))? else {
        return Ok(Err(Ended::LoggedOut));
    };
    let now = db::now();
    if session.ended_at.is_some() {
        return Ok(Err(Ended::LoggedOut));
    }
    if now - session.started_at >= limits.lifetime {
        return Ok(Err(Ended::Lifetime));
    }
    if now - session.last_seen_at >= limits.idle {
        return Ok(Err(Ended::Idle));
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        sessions::touch(conn, &session.id_hash, now)?;
    }
    Ok(Ok(session.pid))
}

/// Ends the session (logout); its cookie no longer logs anyone in.
pub fn end(conn: &mut DbConnection, id: &str) -> Result<(), AppError> {
    Ok(sessions::end(conn, &hash_secret(id), db::now())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    const KONSERT: &str = "17827510025";

    #[test]
    fn a_session_holds_until_logout_idleness_or_its_lifetime() {
        let mut conn = demo_db();
        let limits = SessionLimits::default();
        let id = start(&mut conn, KONSERT, limits).unwrap();
        assert_eq!(resume(&mut conn, &id, limits).unwrap(), Ok(KONSERT.to_owned()));
        assert_eq!(resume(&mut conn, "made-up", limits).unwrap(), Err(Ended::LoggedOut));
        let idle = SessionLimits { idle: Duration::zero(), ..limits };
        assert_eq!(resume(&mut conn, &id, idle).unwrap(), Err(Ended::Idle));
        let short = SessionLimits { lifetime: Duration::zero(), ..limits };
        assert_eq!(resume(&mut conn, &id, short).unwrap(), Err(Ended::Lifetime));
        end(&mut conn, &id).unwrap();
        assert_eq!(resume(&mut conn, &id, limits).unwrap(), Err(Ended::LoggedOut));
        // A new login forgets the ended session.
        let again = start(&mut conn, KONSERT, limits).unwrap();
        assert!(sessions::find(&mut conn, &hash_secret(&id)).unwrap().is_none());
        assert!(resume(&mut conn, &again, limits).unwrap().is_ok());
    }
}
