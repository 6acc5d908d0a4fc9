//! What the request page and the change request page share: why a request cannot be
//! handled now, and which refusals are shown on the page itself.

use actix_web::http::StatusCode;

use crate::domain::requests::RequestStatus;
use crate::error::AppError;
use crate::i18n::I18n;

/// Where the viewer stands towards a request.
pub struct Standing<'a> {
    pub represents: bool,
    pub party_name: &'a str,
    pub timed_out: bool,
    pub status: RequestStatus,
    pub manager: bool,
}

impl Standing<'_> {
    /// Why the page offers no Approve or Reject, if it does not.
    pub fn closed_reason(&self, i: &I18n) -> Option<String> {
        if !self.represents {
            Some(i.t1("request.cannot_represent", self.party_name))
        } else if self.timed_out {
            Some(i.t("request.expired"))
        } else if self.status != RequestStatus::New {
            Some(i.t1("request.already_handled", i.t(&self.status.text_key())))
        } else if !self.manager {
            Some(i.t("request.not_access_manager"))
        } else {
            None
        }
    }

    /// The page's status: a refusal's own, 403 for someone who cannot act for the party.
    pub fn http_status(&self, error: Option<&AppError>) -> StatusCode {
        match (error, self.represents) {
            (Some(e), _) => e.status(),
            (None, false) => StatusCode::FORBIDDEN,
            (None, true) => StatusCode::OK,
        }
    }
}

/// Refusals of Approve or Reject that the request page explains itself, with the
/// request's current state, instead of an error page.
pub fn shown_on_page(error: &AppError) -> bool {
    matches!(
        error,
        AppError::MissingRights(_)
            | AppError::NotAccessManager
            | AppError::NotClientAdministrator
            | AppError::CannotRepresent
            | AppError::RequestNotNew(_)
            | AppError::RequestExpired
            | AppError::SystemUserExists
    )
}
