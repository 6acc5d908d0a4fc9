//! Login with the OpenID provider (ID-porten), and in demo mode the test login: choose
//! one of the demo persons. Logout ends the session, at the provider too.

use std::sync::Arc;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::error_page::PageError;
use super::{CurrentUser, cookie, html, local_path, see_other};
use crate::app::config::Mode;
use crate::app::state::AppState;
use crate::auth::oidc::{OidcLogin, PendingLogin};
use crate::auth::sessions;
use crate::db::parties::Person;
use crate::domain::actor;
use crate::domain::ids::Pid;
use crate::error::AppError;
use crate::i18n::I18n;
use crate::support::constant_time_eq;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    i: I18n,
    /// Test login's persons: demo mode only.
    persons: Vec<Person>,
    /// The OpenID provider's name, when one is configured.
    provider: Option<String>,
    csrf: String,
    next: String,
    error: Option<String>,
    /// What was just done (logging out) or why the login ended, said once, with the
    /// alert's kind: `success` for a logout asked for, `warning` for a limit reached.
    notice: Option<(String, &'static str)>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    pid: String,
    csrf: String,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

async fn render(
    state: &AppState,
    session: &Session,
    next: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let persons = match state.mode {
        Mode::Demo => state.db(|conn| Ok(crate::seed::demo::cast_persons(conn)?)).await?,
        Mode::Production => Vec::new(),
    };
    let i = I18n::current();
    let page = LoginPage {
        i,
        notice: cookie::take_notice(session).map(|(key, value)| {
            let kind = if key.starts_with("login.ended") { "warning" } else { "success" };
            (i.t1(&key, value), kind)
        }),
        persons,
        provider: state.oidc.as_ref().map(|o| o.name.clone()),
        csrf: cookie::csrf_token(session)?,
        next: next.to_owned(),
        // A stale login form is sent back here, and told why.
        error: error.or_else(|| cookie::take_flash(session).map(|key| i.t(&key))),
    };
    html(status, &page)
}

pub async fn page(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    // Back from the provider's logout after a decision: on to the vendor's system.
    if let Some(then) = cookie::take_then(&session) {
        return Ok(see_other(&then));
    }
    let next = local_path(query.next.as_deref());
    render(&state, &session, &next, None, StatusCode::OK).await
}

/// The key failed logins from the request's address are counted under.
fn failure_key(state: &AppState, req: &HttpRequest) -> [String; 1] {
    [format!("login from {}", state.source_address(req))]
}

/// Starts a login session for a person the portal knows, in the database and the cookie.
async fn start_session(
    state: &AppState,
    session: &Session,
    pid: Pid,
    id_token: Option<&str>,
) -> Result<bool, AppError> {
    let limits = state.sessions;
    let started = state
        .db(move |conn| match actor::person(conn, &pid)? {
            Some(person) => Ok(Some(sessions::start(conn, &person.pid, limits)?)),
            None => Ok(None),
        })
        .await?;
    match started {
        Some(id) => cookie::log_in(session, &id, id_token).map(|()| true),
        None => Ok(false),
    }
}

pub async fn test_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    cookie::verify_csrf(&session, &form.csrf)?;
    let key = failure_key(&state, &req);
    state.throttles.address.check(&key)?;
    let next = local_path(form.next.as_deref());
    let logged_in = match Pid::parse(&form.pid) {
        Some(pid) => start_session(&state, &session, pid, None).await?,
        None => false,
    };
    if !logged_in {
        if let Some(refusal) = state.throttles.address.count_failure(&key) {
            return Err(refusal.into());
        }
        let error = I18n::current().t("login.unknown_person");
        return render(&state, &session, &next, Some(error), StatusCode::BAD_REQUEST).await;
    }
    Ok(see_other(&next))
}

/// `GET /login/oidc`: sends the person to the OpenID provider.
pub async fn start_oidc(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let oidc = state.oidc.as_ref().ok_or(AppError::NotFound)?;
    let next = local_path(query.next.as_deref());
    let (url, pending) = oidc.start(next, I18n::current().lang());
    cookie::set_pending_login(&session, &pending)?;
    Ok(see_other(&url))
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

/// `GET /login/oidc/callback`: the provider sends the person back with a code (or an
/// error); the login under way in this browser must match its `state`.
pub async fn oidc_callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, PageError> {
    let Some(oidc) = &state.oidc else {
        return Err(AppError::NotFound.into());
    };
    let key = failure_key(&state, &req);
    state.throttles.address.check(&key)?;
    match finish_oidc(&state, oidc, &session, query.into_inner()).await {
        Ok(next) => Ok(see_other(&next)),
        // A cancelled login is no guess; every other failure counts.
        Err(AppError::LoginCancelled) => Err(AppError::LoginCancelled.into()),
        Err(e) => Err(state.throttles.address.count_failure(&key).unwrap_or(e).into()),
    }
}

/// Checks the provider's answer and starts the session; gives the page to go on to.
async fn finish_oidc(
    state: &AppState,
    oidc: &Arc<OidcLogin>,
    session: &Session,
    query: CallbackQuery,
) -> Result<String, AppError> {
    if !oidc.answered_by_us(query.iss.as_deref()) {
        return Err(AppError::LoginFailed(format!("an answer from another issuer: {:?}", query.iss)));
    }
    let matching = |pending: &PendingLogin| {
        query.state.as_deref().is_some_and(|s| constant_time_eq(s.as_bytes(), pending.state.as_bytes()))
    };
    let Some(pending) = cookie::take_pending_login(session).filter(matching) else {
        return Err(AppError::LoginFailed("no login under way in this browser with that state".into()));
    };
    match (query.error, query.code) {
        (Some(error), _) if error == "access_denied" => Err(AppError::LoginCancelled),
        (Some(error), _) => Err(AppError::LoginFailed(format!("the provider answered {error}"))),
        (None, None) => Err(AppError::LoginFailed("the provider sent no code".into())),
        (None, Some(code)) => {
            let next = pending.next.clone();
            let oidc = Arc::clone(oidc);
            let logged_in = web::block(move || oidc.finish(code, pending))
                .await?
                .map_err(|e| AppError::LoginFailed(e.to_string()))?;
            if !start_session(state, session, logged_in.pid, Some(&logged_in.id_token)).await? {
                return Err(AppError::UnknownPerson);
            }
            Ok(next)
        }
    }
}

/// Ends the session, and the provider's session too for an OpenID login, coming back to
/// the login page.
pub async fn logout(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    end_login(&state, &user, |session, _| cookie::log_out_saying(session, "login.logged_out", ""), "/login").await
}

/// Logs the person out after a decision and sends them on to `then` (the vendor's
/// system), by way of the OpenID provider's logout when they logged in there.
pub async fn log_out_then(state: &AppState, user: &CurrentUser, then: &str) -> Result<HttpResponse, PageError> {
    let forget = |session: &Session, at_provider: bool| match at_provider {
        // The provider sends the browser back to the login page, which sends it on.
        true => cookie::log_out_remembering(session, then),
        false => {
            cookie::log_out(session);
            Ok(())
        }
    };
    end_login(state, user, forget, then).await
}

/// Ends the login session here and at the provider: `forget` clears the cookie session,
/// keeping what the next page needs (told whether the provider's logout follows);
/// without a provider login the browser goes to `without_provider`, else to the
/// provider, which sends it back to the login page.
async fn end_login(
    state: &AppState,
    user: &CurrentUser,
    forget: impl FnOnce(&Session, bool) -> Result<(), AppError>,
    without_provider: &str,
) -> Result<HttpResponse, PageError> {
    let id_token = cookie::id_token(&user.session);
    if let Some(id) = cookie::id(&user.session) {
        state.db(move |conn| sessions::end(conn, &id)).await?;
    }
    let back = format!("{}/login", state.public_url);
    let at_provider = state.oidc.as_ref().zip(id_token).and_then(|(oidc, token)| oidc.logout_url(&token, &back));
    forget(&user.session, at_provider.is_some())?;
    Ok(see_other(at_provider.as_deref().unwrap_or(without_provider)))
}
