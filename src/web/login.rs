//! Demo login: choose one of the demo persons. Logout ends the session.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{CurrentUser, html, safe_next, see_other, session};
use crate::db::parties::Person;
use crate::domain::actor;
use crate::domain::ids::Pid;
use crate::error::PageError;
use crate::i18n::I18n;
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    i: I18n,
    persons: Vec<Person>,
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
    let persons = state.db(actor::demo_persons).await?;
    let page =
        LoginPage { i: I18n::current(), persons, csrf: session::csrf_token(session)?, next: next.to_owned(), error };
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
        Some(pid) => state.db(move |conn| Ok(crate::db::parties::person(conn, pid.as_str())?)).await?,
        None => None,
    };
    let Some(person) = known else {
        let error = I18n::current().t("login.unknown_person");
        return render(&state, &session, &next, Some(error), StatusCode::BAD_REQUEST).await;
    };
    session::log_in(&session, &person.pid)?;
    Ok(see_other(&next))
}

pub async fn logout(user: CurrentUser, form: web::Form<CsrfForm>) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    session::log_out(&user.session);
    Ok(see_other("/login"))
}
