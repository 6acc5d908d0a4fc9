//! The logged-in user as a handler argument: anonymous visitors are sent to the login
//! page and brought back afterwards.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::error_page::PageError;
use super::session;
use crate::domain::actor::Actor;
use crate::domain::sessions;
use crate::error::AppError;
use crate::state::AppState;

pub struct CurrentUser {
    pub actor: Actor,
    pub csrf: String,
    pub session: Session,
}

impl CurrentUser {
    /// Refuses the form unless it carries the session's CSRF token.
    pub fn verify_csrf(&self, token: &str) -> Result<(), AppError> {
        session::verify_csrf(&self.session, token)
    }

    /// Whether the person can act for `org_no`; when they can, they act for it from now on.
    pub async fn represent(&mut self, state: &AppState, org_no: &str) -> Result<bool, AppError> {
        if !self.actor.can_represent(org_no) {
            return Ok(false);
        }
        if self.actor.party.as_ref().map(|p| p.org_no.as_str()) != Some(org_no) {
            self.switch_party(state, org_no).await?;
        }
        Ok(true)
    }

    /// Acts for another party the person can represent from now on.
    pub async fn switch_party(&mut self, state: &AppState, org_no: &str) -> Result<(), AppError> {
        if !self.actor.can_represent(org_no) {
            return Err(AppError::CannotRepresent);
        }
        let (pid, org) = (self.actor.pid.clone(), org_no.to_owned());
        let actor = state.db(move |conn| Actor::load(conn, &pid, Some(&org))).await?;
        self.actor = actor.ok_or(AppError::CannotRepresent)?;
        session::set_party(&self.session, org_no)
    }
}

impl FromRequest for CurrentUser {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let next = req.uri().path_and_query().map(|pq| pq.as_str().to_owned()).unwrap_or_default();
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Internal("application state missing".into()))?;
            let Some(id) = session::id(&session) else {
                return Err(AppError::LoginRequired { next }.into());
            };
            let (preferred, limits) = (session::party(&session), state.sessions);
            let actor = state
                .db(move |conn| match sessions::resume(conn, &id, limits)? {
                    Some(pid) => Actor::load(conn, &pid, preferred.as_deref()),
                    None => Ok(None),
                })
                .await?;
            let Some(actor) = actor else {
                session::log_out(&session);
                return Err(AppError::LoginRequired { next }.into());
            };
            if let Some(party) = &actor.party
                && session::party(&session).as_deref() != Some(&party.org_no)
            {
                session::set_party(&session, &party.org_no)?;
            }
            let csrf = session::csrf_token(&session)?;
            Ok(CurrentUser { actor, csrf, session })
        })
    }
}
