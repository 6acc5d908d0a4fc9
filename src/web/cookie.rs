//! What the session cookie holds: the login session's id (the database says whether it
//! still holds, see `auth::sessions`), the party the person acts for and the CSRF
//! token. The cookie is signed and encrypted.

use actix_session::Session;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::auth::oidc::PendingLogin;
use crate::error::AppError;
use crate::support::{constant_time_eq, random_bytes};

const SESSION_ID: &str = "sid";
const PARTY: &str = "party";
const CSRF: &str = "csrf";
const PENDING_LOGIN: &str = "oidc_pending";
const ID_TOKEN: &str = "id_token";
const NOTICE: &str = "notice";
const ALERT: &str = "alert";
const THEN: &str = "then";
const FLASH: &str = "flash";

fn get(session: &Session, key: &str) -> Option<String> {
    session.get::<String>(key).ok().flatten()
}

fn set(session: &Session, key: &str, value: &(impl serde::Serialize + ?Sized)) -> Result<(), AppError> {
    session.insert(key, value).map_err(|e| AppError::Internal(format!("session: {e}")))
}

/// The id of the login session, if someone logged in with this browser.
pub fn id(session: &Session) -> Option<String> {
    get(session, SESSION_ID)
}

pub fn party(session: &Session) -> Option<String> {
    get(session, PARTY)
}

pub fn set_party(session: &Session, org_no: &str) -> Result<(), AppError> {
    set(session, PARTY, org_no)
}

/// The session's CSRF token, made on first use.
pub fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = get(session, CSRF) {
        return Ok(token);
    }
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<32>());
    set(session, CSRF, &token)?;
    Ok(token)
}

/// Refuses a form whose token is not the session's.
pub fn verify_csrf(session: &Session, given: &str) -> Result<(), AppError> {
    match get(session, CSRF) {
        Some(expected) if constant_time_eq(expected.as_bytes(), given.as_bytes()) => Ok(()),
        _ => Err(AppError::CsrfMismatch),
    }
}

/// Starts a fresh cookie for a login session (new CSRF token), keeping the ID token of an
/// OpenID login for logging out at the provider.
pub fn log_in(session: &Session, id: &str, id_token: Option<&str>) -> Result<(), AppError> {
    // Not purge(): a purged session ignores what is inserted afterwards.
    session.clear();
    session.renew();
    set(session, SESSION_ID, id)?;
    if let Some(token) = id_token {
        set(session, ID_TOKEN, token)?;
    }
    csrf_token(session).map(drop)
}

pub fn id_token(session: &Session) -> Option<String> {
    get(session, ID_TOKEN)
}

/// Remembers an OpenID login under way until the provider sends the person back.
pub fn set_pending_login(session: &Session, pending: &PendingLogin) -> Result<(), AppError> {
    set(session, PENDING_LOGIN, pending)
}

/// The OpenID login under way, if any; it can be finished once only.
pub fn take_pending_login(session: &Session) -> Option<PendingLogin> {
    session.remove_as::<PendingLogin>(PENDING_LOGIN).and_then(Result::ok)
}

pub fn log_out(session: &Session) {
    session.purge();
}

/// Ends the session's login as [`log_out`] does, keeping a notice for the next page
/// (a purged session would drop it).
pub fn log_out_saying(session: &Session, key: &str, value: &str) -> Result<(), AppError> {
    session.clear();
    session.renew();
    set_notice(session, key, value)
}

/// Ends the session's login as [`log_out`] does, keeping where to send the browser once
/// the OpenID provider has logged it out too and sent it back to the login page.
pub fn log_out_remembering(session: &Session, then: &str) -> Result<(), AppError> {
    session.clear();
    session.renew();
    set(session, THEN, &(then, chrono::Utc::now().timestamp()))
}

/// Where to go after logging out, once (see [`log_out_remembering`]); forgotten after a few
/// minutes, so that a person who left the provider's logout page half-way does not send
/// the next visitor of the login page to the vendor.
pub fn take_then(session: &Session) -> Option<String> {
    const FOR_SECONDS: i64 = 300;
    let (then, at) = session.remove_as::<(String, i64)>(THEN)?.ok()?;
    (chrono::Utc::now().timestamp() - at <= FOR_SECONDS).then_some(then)
}

/// Remembers what was just done, to say on the next page: a text key and its value,
/// both from the server (never from the URL).
pub fn set_notice(session: &Session, key: &str, value: &str) -> Result<(), AppError> {
    set(session, NOTICE, &(key, value))
}

/// Why a form was not carried out, for whichever page the browser is sent back to: the
/// text key, said once at the top of that page (see [`take_flash`]).
pub fn set_flash(session: &Session, key: &str) -> Result<(), AppError> {
    set(session, FLASH, &key)
}

/// The text key [`set_flash`] left, once.
pub fn take_flash(session: &Session) -> Option<String> {
    session.remove_as::<String>(FLASH).and_then(Result::ok)
}

/// What was just done, once.
pub fn take_notice(session: &Session) -> Option<(String, String)> {
    session.remove_as::<(String, String)>(NOTICE).and_then(Result::ok)
}

/// Why a form was refused, for the page it came from: the sentence to say and what the
/// person had typed, so the page shows it again.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Alert {
    pub message: String,
    pub typed: Vec<(String, String)>,
}

/// Remembers why a form about `about` (a request, a system access, a person) was
/// refused, for the page the refusal redirects to, so that reloading that page never
/// posts the form again.
pub fn set_alert(session: &Session, alert: &Alert, about: &str) -> Result<(), AppError> {
    set(session, ALERT, &(alert, about))
}

/// The refusal to say on the page about `about`, once.
pub fn take_alert(session: &Session, about: &str) -> Option<Alert> {
    let (alert, on) = session.remove_as::<(Alert, String)>(ALERT)?.ok()?;
    (on == about).then_some(alert)
}
