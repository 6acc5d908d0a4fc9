//! What every page knows besides its own data: the visitor's language and whether the
//! portal runs as a demo (then the header says so).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::language;
use crate::app::config::Mode;
use crate::app::state::AppState;
use crate::i18n;

tokio::task_local! {
    static DEMO: bool;
}

/// Renders everything the request answers in the visitor's language, marked as a demo
/// in demo mode.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let demo = req.app_data::<web::Data<AppState>>().is_some_and(|s| s.mode == Mode::Demo);
    let lang = language::of(&req);
    DEMO.scope(demo, i18n::with_language(lang, next.call(req))).await
}

/// Whether the page being rendered belongs to a demo portal.
pub fn is_demo() -> bool {
    DEMO.try_with(|d| *d).unwrap_or(false)
}
