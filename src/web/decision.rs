//! What the request pages share: the sentences that say why a request cannot be handled
//! now, from the domain's [`Handling`]; the decision forms and where they lead back to;
//! and which refusals a page explains itself, after a redirect to it.

use actix_session::Session;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Deserialize;

use super::error_page::PageError;

use crate::app::state::AppState;
use crate::domain::handling::{Closed, Handling};
use crate::error::AppError;
use crate::i18n::I18n;
use crate::paths;
use crate::support::urlencode;

/// `?id=` of a request page; the vendor's link adds `DONTCHOOSEREPORTEE=true`.
#[derive(Deserialize)]
pub struct IdQuery {
    pub id: Option<String>,
    #[serde(rename = "DONTCHOOSEREPORTEE")]
    dont_choose_reportee: Option<String>,
}

impl IdQuery {
    /// The page was opened from the vendor's link (Altinn's marker on it).
    pub fn opened_from_vendor(&self) -> bool {
        self.dont_choose_reportee.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// What the Approve and Reject buttons ask for, as the last segment of the path they
/// post to (`…/request/approve`, `…/changerequest/reject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approve,
    Reject,
}

/// The Approve, Reject and Forward forms.
#[derive(Deserialize)]
pub struct DecisionForm {
    pub id: String,
    pub csrf: String,
    /// Posted from the page of a request for clients (`agentrequest`), to return to.
    #[serde(default)]
    pub agent: bool,
    /// Posted from a page opened from the vendor's link.
    #[serde(default)]
    pub vendor_link: bool,
}

impl DecisionForm {
    /// The page the form was posted from (`page`, or the agent request's), to send the
    /// browser back to.
    pub fn page(&self, page: &str) -> String {
        let page = if self.agent { paths::AGENT_REQUEST } else { page };
        let from_vendor = if self.vendor_link { "&DONTCHOOSEREPORTEE=true" } else { "" };
        format!("{page}?id={}{from_vendor}", urlencode(&self.id))
    }

    /// Back to the page the form came from (`page` of its kind), saying why it was refused.
    pub fn refused(&self, session: &Session, error: &AppError, page: &str) -> Result<HttpResponse, PageError> {
        super::refused_saying(session, I18n::current().t(error.text_key()), &self.id, &self.page(page))
    }

    /// Whether to log the person out after the decision, if the way on is back to the
    /// vendor's system (the callers check that the request names one: our own receipt
    /// needs the login).
    pub fn logs_out(&self, state: &AppState) -> bool {
        self.vendor_link && state.logout_after_vendor_decision
    }
}

/// Why the page offers no Approve or Reject, if it does not.
/// Someone who cannot act for the party is not told which party it is: the link may
/// have reached the wrong person.
fn closed_reason(i: &I18n, handling: &Handling) -> Option<String> {
    match handling.closed {
        Some(Closed::CannotRepresent) => Some(i.t("request.cannot_represent")),
        Some(Closed::Expired) => Some(i.t("request.expired")),
        Some(Closed::Handled(status)) => Some(match &handling.decided_by {
            Some((name, at)) => i.t3("request.already_decided", i.t(&status.text_key()), name, i.datetime(at)),
            None => i.t1("request.already_handled", i.t(&status.text_key())),
        }),
        None if handling.covered_by.is_some() => Some(i.t("request.covered")),
        None if !handling.access_manager => Some(i.t("request.not_access_manager")),
        None => None,
    }
}

/// The refusal of the last decision posted and the request's state, as the page shows
/// them: where the request was decided meanwhile (a race), one alert saying by whom and
/// when, rather than a refusal beside the state that repeats it.
pub fn alerts(i: &I18n, handling: &Handling, refused: Option<String>) -> (Option<String>, Option<String>) {
    let state = closed_reason(i, handling);
    match (refused, handling.closed) {
        (Some(_), Some(Closed::Handled(_))) => (state, None),
        (refused, _) => (refused, state),
    }
}

/// The page's status: 403 for someone who cannot act for the party.
pub fn http_status(handling: &Handling) -> StatusCode {
    if handling.represents() { StatusCode::OK } else { StatusCode::FORBIDDEN }
}

/// Refusals of Approve or Reject that the request page explains itself, with the
/// request's current state, instead of an error page.
pub fn shown_on_page(error: &AppError) -> bool {
    matches!(
        error,
        AppError::MissingRights(_)
            | AppError::NotAccessManager
            | AppError::CannotRepresent
            | AppError::RequestNotNew(_)
            | AppError::RequestExpired
            | AppError::SystemUserExists
            | AppError::ForwardNotNeeded
    )
}
