//! Login with the OpenID provider (ID-porten), and in demo mode the test login: choose
//! one of the demo persons. Logout ends the session, at the provider too.

use std::sync::Arc;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::error_page::PageError;
use super::{CurrentUser, html, safe_next, see_other, session};
use crate::config::Mode;
use crate::db::parties::Person;
use crate::domain::actor;
use crate::error::AppError;
use crate::i18n::I18n;
use crate::ids::Pid;
use crate::oidc::PendingLogin;
use crate::state::AppState;
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
        Mode::Demo => state.db(actor::demo_persons).await?,
        Mode::Production => Vec::new(),
    };
    let page = LoginPage {
        i: I18n::current(),
        persons,
        provider: state.oidc.as_ref().map(|o| o.name.clone()),
        csrf: session::csrf_token(session)?,
        next: next.to_owned(),
        error,
    };
    html(status, &page)
}

pub async fn page(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(query.next.as_deref()).to_owned();
    render(&state, &session, &next, None, StatusCode::OK).await
}

pub async fn test_login(
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    session::verify_csrf(&session, &form.csrf)?;
    let next = safe_next(form.next.as_deref()).to_owned();
    let known = match Pid::parse(&form.pid) {
        Some(pid) => state.db(move |conn| actor::person(conn, &pid)).await?,
        None => None,
    };
    let Some(person) = known else {
        let error = I18n::current().t("login.unknown_person");
        return render(&state, &session, &next, Some(error), StatusCode::BAD_REQUEST).await;
    };
    session::log_in(&session, &person.pid, None)?;
    Ok(see_other(&next))
}

/// `GET /login/oidc`: sends the person to the OpenID provider.
pub async fn start_oidc(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let oidc = state.oidc.as_ref().ok_or(AppError::NotFound)?;
    let next = safe_next(query.next.as_deref()).to_owned();
    let (url, pending) = oidc.start(next, I18n::current().lang());
    session::set_pending_login(&session, &pending)?;
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
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, PageError> {
    let Some(oidc) = &state.oidc else {
        return Err(AppError::NotFound.into());
    };
    let query = query.into_inner();
    if !oidc.answered_by_us(query.iss.as_deref()) {
        return Err(AppError::LoginFailed(format!("an answer from another issuer: {:?}", query.iss)).into());
    }
    let matching = |pending: &PendingLogin| {
        query.state.as_deref().is_some_and(|s| constant_time_eq(s.as_bytes(), pending.state.as_bytes()))
    };
    let Some(pending) = session::take_pending_login(&session).filter(matching) else {
        return Err(AppError::LoginFailed("no login under way in this browser with that state".into()).into());
    };
    match (query.error, query.code) {
        (Some(error), _) if error == "access_denied" => Err(AppError::LoginCancelled.into()),
        (Some(error), _) => Err(AppError::LoginFailed(format!("the provider answered {error}")).into()),
        (None, None) => Err(AppError::LoginFailed("the provider sent no code".into()).into()),
        (None, Some(code)) => {
            let next = pending.next.clone();
            let oidc = Arc::clone(oidc);
            let logged_in = web::block(move || oidc.finish(code, pending))
                .await?
                .map_err(|e| AppError::LoginFailed(e.to_string()))?;
            let pid = logged_in.pid.clone();
            let person = state.db(move |conn| actor::person(conn, &pid)).await?.ok_or(AppError::UnknownPerson)?;
            session::log_in(&session, &person.pid, Some(&logged_in.id_token))?;
            Ok(see_other(&next))
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
    let id_token = session::id_token(&user.session);
    session::log_out(&user.session);
    let back = format!("{}/login", state.public_url);
    let at_provider = state.oidc.as_ref().zip(id_token).and_then(|(oidc, token)| oidc.logout_url(&token, &back));
    Ok(see_other(at_provider.as_deref().unwrap_or("/login")))
}
