//! The logged-in user as a handler argument: anonymous visitors are sent to the login
//! page and brought back afterwards.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::cookie;
use super::error_page::PageError;
use crate::app::state::AppState;
use crate::auth::sessions::{self, Ended, SessionLimits};
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::error::AppError;

pub struct CurrentUser {
    pub actor: Actor,
    pub csrf: String,
    pub session: Session,
    /// Why the last form was not carried out, said once at the top of the page.
    pub flash: Option<String>,
}

impl CurrentUser {
    /// Refuses the form unless it carries the session's CSRF token.
    pub fn verify_csrf(&self, token: &str) -> Result<(), AppError> {
        cookie::verify_csrf(&self.session, token)
    }

    /// Acts for another party the person can represent from now on; the session follows.
    pub async fn switch_party(&mut self, state: &AppState, org_no: &str) -> Result<(), AppError> {
        let actor = self.for_party(state, org_no).await?;
        self.act_as(actor)
    }

    /// The person acting for `org_no` (one they can represent), the session untouched:
    /// a form that names its party is done for it, and only a change that was made
    /// moves the session there ([`CurrentUser::act_as`]).
    pub async fn for_party(&self, state: &AppState, org_no: &str) -> Result<Actor, AppError> {
        // Already acting for it (a form naming the page's party): no trip to the database.
        if self.actor.party.as_ref().is_some_and(|p| p.org_no == org_no) {
            return Ok(self.actor.clone());
        }
        let (mut actor, org) = (self.actor.clone(), org_no.to_owned());
        state
            .db(move |conn| match actor.represent(conn, &org)? {
                true => Ok(actor),
                false => Err(AppError::CannotRepresent),
            })
            .await
    }

    /// Acts as `actor` (the same person for another party) from now on.
    pub fn act_as(&mut self, actor: Actor) -> Result<(), AppError> {
        keep_party(&self.session, &actor)?;
        self.actor = actor;
        Ok(())
    }
}

/// Remembers the party the person acts for in the session, when it changed.
fn keep_party(session: &Session, actor: &Actor) -> Result<(), AppError> {
    match &actor.party {
        Some(party) if cookie::party(session).as_deref() != Some(&party.org_no) => {
            cookie::set_party(session, &party.org_no)
        }
        _ => Ok(()),
    }
}

/// A visitor before the database is asked who they are (if anyone). A page takes
/// this instead of [`CurrentUser`] to look the person up together with its own reading,
/// in one trip to the database (one blocking hop and one pooled connection per page).
pub struct Visitor {
    session: Session,
    /// Where to come back to after logging in.
    next: String,
}

impl Visitor {
    /// The logged-in person, with `work` done for them on the same connection. `work`
    /// may make them act for another party (`Actor::represent`); the session follows.
    pub async fn with<T, F>(self, state: &AppState, work: F) -> Result<(CurrentUser, T), PageError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, &mut Actor) -> Result<T, AppError> + Send + 'static,
    {
        let Visitor { session, next } = self;
        let Some(id) = cookie::id(&session) else {
            return Err(AppError::LoginRequired { next }.into());
        };
        let (preferred, limits) = (cookie::party(&session), state.sessions);
        let found = state
            .db(move |conn| {
                let pid = match sessions::resume(conn, &id, limits)? {
                    Ok(pid) => pid,
                    Err(ended) => return Ok(Err(ended)),
                };
                let Some(mut actor) = Actor::load(conn, &pid, preferred.as_deref())? else {
                    return Ok(Err(Ended::LoggedOut));
                };
                let out = work(conn, &mut actor);
                Ok(Ok((actor, out)))
            })
            .await?;
        let (actor, out) = match found {
            Ok(found) => found,
            Err(ended) => {
                log_out_telling(&session, ended, limits)?;
                return Err(AppError::LoginRequired { next }.into());
            }
        };
        keep_party(&session, &actor)?;
        let csrf = cookie::csrf_token(&session)?;
        let flash = cookie::take_flash(&session);
        let user = CurrentUser { actor, csrf, session, flash };
        // An error page of this request (what `work` refused, say) keeps the menu.
        super::context::found(&super::Layout::new(&user));
        Ok((user, out?))
    }
}

/// Ends the cookie's login, keeping for the login page why, when it was a limit: the
/// person is told what happened rather than finding the login page unexplained.
fn log_out_telling(session: &Session, ended: Ended, limits: SessionLimits) -> Result<(), AppError> {
    match ended {
        Ended::Idle => told(session, "login.ended_idle", limits.idle.num_minutes()),
        Ended::Lifetime => told(session, "login.ended_lifetime", limits.lifetime.num_hours()),
        Ended::LoggedOut => {
            cookie::log_out(session);
            Ok(())
        }
    }
}

/// Logs out saying the text `key` about `n` minutes or hours: its singular (`.one`) for one.
fn told(session: &Session, key: &str, n: i64) -> Result<(), AppError> {
    let key = if n == 1 { format!("{key}.one") } else { key.to_owned() };
    cookie::log_out_saying(session, &key, &n.to_string())
}

/// Whether the request posts a form (anything but reading a page).
pub fn is_form(req: &HttpRequest) -> bool {
    !matches!(*req.method(), Method::GET | Method::HEAD)
}

/// Where to come back to after logging in: the page itself, or for a form (which has no
/// page at its address) the page it was posted from, as the browser names it in
/// `Referer` (sent to this site only: `Referrer-Policy: same-origin`), else the overview.
/// The form is not posted again: the person decides again on the page, with its buttons.
pub fn come_back_to(req: &HttpRequest) -> String {
    if !is_form(req) {
        return req.uri().path_and_query().map(|pq| pq.as_str().to_owned()).unwrap_or_default();
    }
    let host = req.connection_info().host().to_owned();
    let referer =
        req.headers().get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(|r| url::Url::parse(r).ok());
    match referer {
        Some(url) if url[url::Position::BeforeHost..url::Position::AfterPort] == host => {
            url[url::Position::BeforePath..url::Position::AfterQuery].to_owned()
        }
        _ => super::OVERVIEW.to_owned(),
    }
}

impl FromRequest for Visitor {
    type Error = PageError;
    type Future = std::future::Ready<Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Visitor { session: req.get_session(), next: come_back_to(req) }))
    }
}

impl FromRequest for CurrentUser {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let visitor = Visitor::from_request(req, payload).into_inner();
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Internal("application state missing".into()))?;
            Ok(visitor?.with(&state, |_, _| Ok(())).await?.0)
        })
    }
}
