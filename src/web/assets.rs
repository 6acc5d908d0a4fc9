//! The stylesheet, the menu's script and the icon, compiled into the binary so the portal
//! needs no files or CDN at run time.

use actix_web::HttpResponse;
use actix_web::http::header;

const STYLESHEET: &str = include_str!("../../static/app.css");

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

const MENU_SCRIPT: &str = include_str!("../../static/menu.js");

/// Closes the header's menu on Escape and when the focus leaves it (the menu works
/// without it).
pub async fn menu_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(MENU_SCRIPT)
}

const ICON: &str = include_str!("../../static/favicon.svg");

/// The portal's icon, also where browsers look for one without being told (`/favicon.ico`).
pub async fn icon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(ICON)
}
