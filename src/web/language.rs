//! The portal's language: chosen per request from the `lang` cookie or the browser's
//! `Accept-Language`, and changed with the menu in the header.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::safe_next;
use crate::i18n::{self, LANGUAGES};

const COOKIE: &str = "lang";

/// Renders everything the request answers in the visitor's language.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let cookie = req.cookie(COOKIE).map(|c| c.value().to_owned());
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let lang = i18n::choose(cookie.as_deref(), accept.as_deref());
    i18n::with_language(lang, next.call(req)).await
}

#[derive(Deserialize)]
pub struct Choice {
    lang: String,
    next: Option<String>,
}

/// `GET /language?lang=nn`: remembers the choice for a year and goes back to the page the
/// link was on (or `next`).
pub async fn choose(req: HttpRequest, query: web::Query<Choice>) -> HttpResponse {
    let back = query.next.clone().or_else(|| {
        let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
        let url = url::Url::parse(referer).ok()?;
        let same_site = url.host_str() == req.connection_info().host().split(':').next();
        same_site.then(|| format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default()))
    });
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, safe_next(back.as_deref())));
    if let Some(lang) = LANGUAGES.into_iter().find(|l| *l == query.lang) {
        response.cookie(
            Cookie::build(COOKIE, lang)
                .path("/")
                .max_age(Duration::days(365))
                .same_site(SameSite::Lax)
                .http_only(true)
                .finish(),
        );
    }
    response.finish()
}
