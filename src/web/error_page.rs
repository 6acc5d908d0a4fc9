//! Errors as the portal shows them: a page in the visitor's language with a heading, an
//! explanation and the stable code, or the login page for someone not logged in.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::{Layout, context, cookie, see_other};
use crate::error::AppError;
use crate::i18n::I18n;

/// An [`AppError`] answered as a friendly page (portal routes).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    i: I18n,
    title: String,
    status: u16,
    message: String,
    code: &'a str,
    /// Login errors offer a new login rather than the overview.
    login_again: bool,
    /// Ordinary states (an access deleted, a login cancelled) are not shown in red.
    calm: bool,
}

/// The error page for someone the request knew: with their menu.
#[derive(Template)]
#[template(path = "error_in_layout.html")]
struct ErrorInLayout<'a> {
    i: I18n,
    layout: Layout,
    title: String,
    status: u16,
    message: String,
    code: &'a str,
    login_again: bool,
    calm: bool,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log_if_internal();
        if let AppError::LoginRequired { next } = &self.0 {
            let location = format!("/login?next={}", crate::support::urlencode(next));
            return HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish();
        }
        // A stale form goes back to its page, which says so: nothing is lost but a click.
        if matches!(self.0, AppError::CsrfMismatch)
            && let Some((page, session)) = context::form()
            && cookie::set_flash(&session, "error.csrf_back").is_ok()
        {
            return see_other(&format!("{}#notice", super::local_path(Some(&page))));
        }
        let i = I18n::current();
        let login_again =
            matches!(self.0, AppError::LoginCancelled | AppError::LoginFailed(_) | AppError::UnknownPerson);
        let message = match &self.0 {
            AppError::AccessDeleted { title, by, by_vendor, at } => {
                let by = if *by_vendor { i.t1("audit.by_vendor", by) } else { by.clone() };
                i.t3(self.0.text_key(), title, &by, i.datetime(at))
            }
            other => i.t(other.text_key()),
        };
        let (title, status, code) = (i.t(title_key(&self.0)), self.status_code().as_u16(), self.0.code());
        let calm = matches!(self.0, AppError::AccessDeleted { .. } | AppError::LoginCancelled);
        let page = match context::layout() {
            Some(layout) => ErrorInLayout { i, layout, title, status, message, code, login_again, calm }.render(),
            None => ErrorPage { i, title, status, message, code, login_again, calm }.render(),
        };
        match page {
            Ok(html) => {
                let mut response = HttpResponse::build(self.status_code());
                if let AppError::TooManyAttempts(secs) = self.0 {
                    response.insert_header((header::RETRY_AFTER, secs.to_string()));
                }
                response.content_type(ContentType::html()).body(html)
            }
            Err(e) => {
                log::error!("cannot render the error page: {e}");
                HttpResponse::InternalServerError().finish()
            }
        }
    }
}

/// Key of the error page's heading: a login that did not happen says so.
fn title_key(error: &AppError) -> &'static str {
    match error {
        AppError::LoginCancelled => "error.login_cancelled_title",
        AppError::LoginFailed(_) | AppError::UnknownPerson => "error.login_failed_title",
        AppError::AccessDeleted { .. } => "error.access_deleted_title",
        _ => "error.title",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_text() {
        let i = I18n::current();
        for error in crate::error::every_kind() {
            assert_ne!(i.t(error.text_key()), error.text_key());
        }
    }
}
