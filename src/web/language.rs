//! The portal's language: chosen per request from the `lang` cookie or the browser's
//! `Accept-Language`, and changed with the menu in the header.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::ServiceRequest;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::local_path;
use crate::app::state::AppState;
use crate::i18n::{self, LANGUAGES};

const COOKIE: &str = "lang";

/// The visitor's language for this request.
pub fn of(req: &ServiceRequest) -> &'static str {
    let cookie = req.cookie(COOKIE).map(|c| c.value().to_owned());
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    i18n::choose(cookie.as_deref(), accept)
}

#[derive(Deserialize)]
pub struct Choice {
    lang: String,
    next: Option<String>,
}

/// `GET /language?lang=nn`: remembers the choice for a year and goes back to the page the
/// link was on (or `next`).
pub async fn choose(req: HttpRequest, state: web::Data<AppState>, query: web::Query<Choice>) -> HttpResponse {
    let back = query.next.clone().or_else(|| {
        let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
        let url = url::Url::parse(referer).ok()?;
        let same_site = url.host_str() == req.connection_info().host().split(':').next();
        same_site.then(|| format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default()))
    });
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, local_path(back.as_deref())));
    if let Some(lang) = LANGUAGES.into_iter().find(|l| *l == query.lang) {
        response.cookie(
            Cookie::build(COOKIE, lang)
                .path("/")
                .max_age(Duration::days(365))
                .same_site(SameSite::Lax)
                .http_only(true)
                .secure(state.https())
                .finish(),
        );
    }
    response.finish()
}
