//! What every page knows besides its own data: the visitor's language, whether the
//! portal runs as a demo (then the header says so), and for an error page, what the
//! request already knew: the person's menu, and the page a form was posted from.

use std::cell::RefCell;

use actix_session::{Session, SessionExt};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::{Layout, current_user, language};
use crate::app::config::Mode;
use crate::app::state::AppState;
use crate::i18n;

tokio::task_local! {
    static DEMO: bool;
    static REQUEST: Known;
}

/// What an error page may use of the request it answers.
struct Known {
    /// The person's menu, once the request found out who they are.
    layout: RefCell<Option<Layout>>,
    /// For a form: the page it was posted from, and the session to leave a word in.
    form: Option<(String, Session)>,
}

/// Renders everything the request answers in the visitor's language, marked as a demo
/// in demo mode.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let demo = req.app_data::<web::Data<AppState>>().is_some_and(|s| s.mode == Mode::Demo);
    let lang = language::of(&req);
    let form =
        current_user::is_form(req.request()).then(|| (current_user::come_back_to(req.request()), req.get_session()));
    let known = Known { layout: RefCell::new(None), form };
    REQUEST.scope(known, DEMO.scope(demo, i18n::with_language(lang, next.call(req)))).await
}

/// Keeps the person's menu for an error page of this request.
pub fn found(layout: &Layout) {
    let _ = REQUEST.try_with(|known| *known.layout.borrow_mut() = Some(layout.clone()));
}

/// The person's menu, when the request found out who they are.
pub fn layout() -> Option<Layout> {
    REQUEST.try_with(|known| known.layout.borrow().clone()).ok().flatten()
}

/// For a form: the page it came from and its session.
pub fn form() -> Option<(String, Session)> {
    REQUEST.try_with(|known| known.form.clone()).ok().flatten()
}

/// Whether the page being rendered belongs to a demo portal.
pub fn is_demo() -> bool {
    DEMO.try_with(|d| *d).unwrap_or(false)
}
