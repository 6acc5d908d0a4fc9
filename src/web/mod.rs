//! The portal: server-rendered pages for end users. Every state change is a form post
//! with a CSRF token; everything works without JavaScript.

mod activity;
mod assets;
mod change_request;
mod clients;
mod context;
mod cookie;
mod create;
mod current_user;
mod decision;
mod details;
mod error_page;
mod granted;
mod language;
mod login;
mod missing;
mod overview;
mod party;
mod people;
mod receipt;
mod request;

use actix_session::Session;
use actix_web::http::header;
use actix_web::{HttpResponse, guard, web};
use askama::Template;

use crate::app::config::Mode;
use crate::domain::actor::Party;
use crate::error::AppError;
use crate::i18n::I18n;
use crate::paths;
pub use error_page::PageError;

pub use context::{is_demo, middleware as page_context};
pub use current_user::{CurrentUser, Visitor};

pub use crate::paths::OVERVIEW;

/// A page's route: GET, and HEAD, which answers the same headers without the body.
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// The portal's pages; the test login and the demo vendor's receipt exist in demo mode only.
pub fn routes(cfg: &mut web::ServiceConfig, mode: Mode) {
    if mode == Mode::Demo {
        cfg.route("/login/test", web::post().to(login::test_login))
            .route(crate::seed::demo::DEMO_RECEIPT_PATH, read().to(receipt::demo_vendor_receipt));
    }
    cfg.app_data(
        web::FormConfig::default().error_handler(|e, _| PageError(AppError::BadRequest(e.to_string())).into()),
    )
    .app_data(web::QueryConfig::default().error_handler(|e, _| PageError(AppError::BadRequest(e.to_string())).into()))
    .app_data(web::PathConfig::default().error_handler(|_, _| PageError(AppError::NotFound).into()))
    .route("/", read().to(|| async { see_other(OVERVIEW) }))
    .route("/static/app.css", read().to(assets::stylesheet))
    .route("/static/menu.js", read().to(assets::menu_script))
    .route("/static/favicon.svg", read().to(assets::icon))
    .route("/static/fonts/{name}", read().to(assets::font))
    .route("/favicon.ico", read().to(assets::icon))
    .route("/language", read().to(language::choose))
    .route("/login", read().to(login::page))
    .route("/login/oidc", read().to(login::start_oidc))
    .route(crate::auth::oidc::CALLBACK_PATH, read().to(login::oidc_callback))
    .route("/logout", web::post().to(login::logout))
    // The pages the API links to, by the words it links with.
    .route(paths::REQUEST, read().to(request::page))
    .route(paths::AGENT_REQUEST, read().to(request::page))
    .route(paths::CHANGE_REQUEST, read().to(change_request::page))
    .route(&format!("{}/escalate", paths::REQUEST), web::post().to(request::escalate))
    .route(&format!("{}/{{decision}}", paths::REQUEST), web::post().to(request::decide))
    .route(&format!("{}/{{decision}}", paths::CHANGE_REQUEST), web::post().to(change_request::decide))
    .route(OVERVIEW, read().to(overview::page))
    .service(
        web::scope("/accessmanagement/ui")
            .route("/activitylog", read().to(activity::page))
            .route("/activitylog.csv", read().to(activity::download))
            .route("/party", read().to(party::page))
            .route("/party", web::post().to(party::switch))
            .route("/systemuser/create", read().to(create::page))
            .route("/systemuser/create", web::post().to(create::submit))
            .route("/systemuser/receipt", read().to(receipt::page))
            .route("/systemuser/{id}", read().to(details::page))
            .route("/systemuser/{id}/delete", web::post().to(details::delete))
            .route("/systemuser/{id}/agentdelegation", read().to(clients::page))
            .route("/systemuser/{id}/agentdelegation/add", web::post().to(clients::add))
            .route("/systemuser/{id}/agentdelegation/remove", web::post().to(clients::remove))
            .route("/systemuser/{id}/agentdelegation/addall", read().to(clients::confirm_add_all))
            .route("/systemuser/{id}/agentdelegation/addall", web::post().to(clients::add_all))
            .route("/systemuser/{id}/agentdelegation/self", web::post().to(clients::add_own_firm))
            .route("/systemuser/{id}/agentdelegation/self/remove", web::post().to(clients::remove_own_firm))
            .route("/users", read().to(people::page))
            .route("/users/find", web::post().to(people::find))
            .route("/users/{uuid}", read().to(people::person))
            .route("/users/{uuid}/give", web::post().to(people::give))
            .route("/users/{uuid}/remove", web::post().to(people::remove))
            .default_service(web::to(not_found)),
    )
    .default_service(web::to(not_found));
}

/// The portal's "not found" page. Every scope names it: a scope without a default of its
/// own falls back to the application's, and the portal's routes live in a scope.
async fn not_found(state: web::Data<crate::app::state::AppState>, visitor: Visitor) -> Result<HttpResponse, PageError> {
    // Someone logged in keeps their menu on it (nobody is sent to the login for a 404).
    let _ = visitor.with(&state, |_, _| Ok(())).await;
    Err(AppError::NotFound.into())
}

/// A local path to return to after a form or a login, as it may go in a `Location`
/// header; anything else (another site, a scheme, a backslash, a control character that
/// a browser would drop) gives the overview. The decision is made on the path as a
/// browser resolves it: `/.//evil.example` and `/a/..//evil.example` resolve to
/// `//evil.example`, another site.
pub fn local_path(next: Option<&str>) -> String {
    next.and_then(parse_local_path).unwrap_or_else(|| OVERVIEW.to_owned())
}

fn parse_local_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') || raw.contains('\\') || raw.chars().any(char::is_control) {
        return None;
    }
    // Resolved against a stand-in origin (dot segments, `%2e` among them, removed), a
    // local path stays on it; the serialisation is percent-encoded ASCII, fit for a header.
    let origin = url::Url::parse("http://portal.invalid/").ok()?;
    let url = origin.join(raw).ok()?;
    let resolved = &url[url::Position::BeforePath..];
    (url.origin() == origin.origin() && is_one_slash_path(resolved)).then(|| resolved.to_owned())
}

/// Starts with one slash and not two, nor a slash and a backslash: a browser reads the
/// others as the start of another host.
fn is_one_slash_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\")
}

/// Refuses a form the one way the portal does: the page it came from says why, once, at
/// its notice (with what was typed), and the browser is sent back there
/// (post/redirect/get), so reloading never posts the form again. `about` names what the
/// page shows (a request, a system access, a person), so only that page says it.
pub fn refused(session: &Session, alert: cookie::Alert, about: &str, page: &str) -> Result<HttpResponse, PageError> {
    cookie::set_alert(session, &alert, about)?;
    Ok(see_other(&format!("{page}#notice")))
}

/// [`refused`] with just a sentence.
pub fn refused_saying(session: &Session, message: String, about: &str, page: &str) -> Result<HttpResponse, PageError> {
    refused(session, cookie::Alert { message, typed: Vec::new() }, about, page)
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
}

pub fn html(status: actix_web::http::StatusCode, page: &impl Template) -> Result<HttpResponse, PageError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}

pub fn ok(page: &impl Template) -> Result<HttpResponse, PageError> {
    html(actix_web::http::StatusCode::OK, page)
}

/// What the page header shows: who is logged in, for which party, and the switcher.
#[derive(Clone)]
pub struct Layout {
    pub person: String,
    pub party: Option<Party>,
    pub parties: Vec<Party>,
    pub csrf: String,
    /// The way from the overview to the page (breadcrumbs); empty on the overview.
    pub crumbs: Vec<Crumb>,
    /// Whether the menu leads to the party's people and roles (access managers).
    pub manages_people: bool,
    /// Why the last form was not carried out (the text), at the top of the page.
    pub flash: Option<String>,
}

/// One step of the way to a page: a link, or the page itself (the last, with no link).
#[derive(Clone)]
pub struct Crumb {
    pub href: Option<String>,
    pub label: String,
}

impl Layout {
    pub fn new(user: &CurrentUser) -> Self {
        Self {
            person: user.actor.name.clone(),
            party: user.actor.party.clone(),
            parties: user.actor.parties.clone(),
            csrf: user.csrf.clone(),
            crumbs: Vec::new(),
            manages_people: user.actor.is_access_manager(),
            flash: user.flash.as_deref().map(|key| I18n::current().t(key)),
        }
    }

    /// The page lies at `way` from the overview: the pages between (link and name), then
    /// its own name.
    pub fn at(mut self, i: &I18n, way: Vec<(String, String)>, page: String) -> Self {
        let home = (OVERVIEW.to_owned(), i.t("overview.title"));
        self.crumbs = std::iter::once(home)
            .chain(way)
            .map(|(href, label)| Crumb { href: Some(href), label })
            .chain([Crumb { href: None, label: page }])
            .collect();
        self
    }
}

/// A system access's title: the vendor's own, or, where the vendor gave none and the
/// access took the system's bokmål name, the system's name in the page's language.
pub fn access_title(i: &I18n, title: String, system_names: [&str; 3]) -> String {
    if title == system_names[0] { i.pick(system_names).to_owned() } else { title }
}

/// What tells a request or access of a system from another of the same system, shown
/// beside it: the vendor's title, unless it is only the system's name, and the vendor's
/// reference, unless it is only the party's number (what each defaults to).
pub struct Naming {
    pub title: Option<String>,
    pub reference: Option<String>,
}

impl Naming {
    pub fn new(i: &I18n, title: Option<&str>, system_names: [&str; 3], external_ref: &str, party: &str) -> Naming {
        let title = title.map(|t| access_title(i, t.to_owned(), system_names));
        Naming {
            title: title.filter(|t| t != i.pick(system_names)),
            reference: (external_ref != party).then(|| external_ref.to_owned()),
        }
    }
}

/// Role names for a list of roles, joined for a sentence ("Regnskapsfører eller Daglig leder").
pub fn role_names(i: &I18n, roles: &[crate::domain::roles::Role]) -> String {
    let names: Vec<String> = roles.iter().map(|r| i.t(&r.text_key())).collect();
    join_or(i, &names)
}

/// An organisation number as people write it, in groups of three: `310 000 019`, with
/// no-break spaces so that a line never splits it. Anything else (a party UUID, a number
/// of another length) is shown as it is.
pub fn org_number(org_no: &str) -> String {
    if org_no.len() != 9 || !org_no.bytes().all(|b| b.is_ascii_digit()) {
        return org_no.to_owned();
    }
    format!("{}\u{a0}{}\u{a0}{}", &org_no[..3], &org_no[3..6], &org_no[6..])
}

/// An organisation by name and number, `NAME (310 000 019)`; the number alone when the
/// name is unknown.
pub fn named(name: &str, org_no: &str) -> String {
    match name {
        "" => org_number(org_no),
        _ => format!("{name} ({})", org_number(org_no)),
    }
}

/// Joins names as "a, b eller c" in the page's language.
pub fn join_or(i: &I18n, names: &[String]) -> String {
    join_with(names, &i.t("common.or"))
}

/// Joins names as "a, b og c" in the page's language.
pub fn join_and(i: &I18n, names: &[String]) -> String {
    join_with(names, &i.t("common.and"))
}

fn join_with(names: &[String], last_word: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {last_word} {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to() {
        for (given, expected) in [
            ("/accessmanagement/ui/systemuser/create?q=lønn", "/accessmanagement/ui/systemuser/create?q=l%C3%B8nn"),
            ("/a b", "/a%20b"),
            ("/x#part", "/x#part"),
            ("/a/../accessmanagement/ui/users", "/accessmanagement/ui/users"),
            ("/%2F/evil.example", "/%2F/evil.example"),
        ] {
            assert_eq!(local_path(Some(given)), expected);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/x\r\nSet-Cookie: a=b",
            "/\0",
            "/.//evil.example",
            "/%2e//evil.example",
            "/%2E//evil.example",
            "/a/..//evil.example",
            "/x/../..//evil.example/p?q=1",
            "/./%2e/..//evil.example",
            "https://evil.example/",
            "evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(local_path(Some(bad)), OVERVIEW, "{bad:?}");
        }
        assert_eq!(local_path(None), OVERVIEW);
    }
}
