//! The stylesheet, the typeface, the menu's script and the icon, compiled into the binary
//! so the portal needs no files or CDN at run time.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::PageError;
use crate::error::AppError;

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

/// Inter, the typeface the stylesheet names, as the variable font's Latin and Latin
/// Extended files (`scripts/vendor-font` says where they come from), and its licence,
/// which goes with every copy.
const FONTS: [(&str, &str, &[u8]); 3] = [
    ("inter-latin-wght-normal.woff2", "font/woff2", include_bytes!("../../static/fonts/inter-latin-wght-normal.woff2")),
    (
        "inter-latin-ext-wght-normal.woff2",
        "font/woff2",
        include_bytes!("../../static/fonts/inter-latin-ext-wght-normal.woff2"),
    ),
    ("LICENSE-Inter.txt", "text/plain; charset=utf-8", include_bytes!("../../static/fonts/LICENSE-Inter.txt")),
];

pub async fn font(name: web::Path<String>) -> Result<HttpResponse, PageError> {
    let (_, content_type, body) =
        FONTS.iter().find(|(file, _, _)| *file == name.as_str()).ok_or(PageError(AppError::NotFound))?;
    Ok(HttpResponse::Ok()
        .content_type(*content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(*body))
}
