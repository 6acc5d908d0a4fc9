//! The party's system accesses and the requests waiting for it.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::error_page::PageError;
use super::{Layout, Visitor, access_title, cookie, join_or, ok};
use crate::app::state::AppState;
use crate::domain::requests::UserType;
use crate::domain::{actor, change_requests, requests, system_users};
use crate::i18n::I18n;
use crate::paths;

struct PendingRow {
    /// The request page for its kind.
    href: String,
    /// The vendor's title for the access, else the system's name.
    title: String,
    /// What kind of request: a new access, for clients, or a change.
    kind: String,
    system_name: String,
    vendor_name: String,
    created: String,
    /// When it came, for the order: newest first.
    at: chrono::NaiveDateTime,
    /// What stands in its way or has happened to it, each a tag: forwarded to the access
    /// managers, covered by an access made since.
    tags: Vec<String>,
    /// For an expired request: when it expired and what to do.
    expired: Option<String>,
}

struct AccessRow {
    id: String,
    title: String,
    system_name: String,
    vendor_name: String,
    created: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    i: I18n,
    layout: Layout,
    /// Requests that can be answered, newest first.
    pending: Vec<PendingRow>,
    /// Requests that waited too long, newest first: listed apart, as nothing can be done
    /// with them but ask the vendor again.
    expired: Vec<PendingRow>,
    accesses: Vec<AccessRow>,
    client_accesses: Vec<AccessRow>,
    can_create: bool,
    managers: String,
    /// What was just done (a deletion), said once.
    notice: Option<String>,
}

pub async fn page(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let (user, (pending, changes, accesses, managers)) = visitor
        .with(&state, |conn, actor| match &actor.party {
            Some(party) => Ok((
                requests::pending_for_party(conn, &party.org_no)?,
                change_requests::pending_for_party(conn, &party.org_no)?,
                system_users::list_for_party(conn, &party.org_no)?,
                // Whom to ask, for those who cannot create accesses themselves.
                if actor.is_access_manager() { Vec::new() } else { actor::access_manager_names(conn, &party.org_no)? },
            )),
            None => Ok(Default::default()),
        })
        .await?;
    let can_create = user.actor.is_access_manager();
    let expiry = state.request_expiry;
    let (mut own, mut for_clients) = (Vec::new(), Vec::new());
    for u in accesses {
        let list = if u.user_type == UserType::Agent { &mut for_clients } else { &mut own };
        let system_names: [String; 3] = u.system_names.into();
        list.push(AccessRow {
            created: i.datetime(&u.created),
            id: u.id,
            title: access_title(&i, u.integration_title, system_names.each_ref().map(String::as_str)),
            system_name: i.pick(system_names),
            vendor_name: u.vendor_name,
        });
    }
    let now = crate::db::now();
    let expired_on = |created: &chrono::NaiveDateTime, vendor: &str| {
        (expiry.is_timed_out(*created, now))
            .then(|| i.t2("overview.expired_on", i.date(&(*created + expiry.0)), vendor))
    };
    let (mut open, mut expired): (Vec<PendingRow>, Vec<PendingRow>) = pending
        .into_iter()
        .map(|p| {
            let (page, kind) = match p.request.user_type {
                UserType::Standard => (paths::REQUEST, "overview.kind_new"),
                UserType::Agent => (paths::AGENT_REQUEST, "overview.kind_clients"),
            };
            let names = p.system_names.each_ref().map(String::as_str);
            let mut tags: Vec<String> =
                p.forwarded.iter().map(|(by, at)| i.t2("overview.forwarded", i.date(at), by)).collect();
            tags.extend(p.covered_by.iter().map(|_| i.t("overview.covered")));
            PendingRow {
                href: format!("{page}?id={}", p.request.id),
                title: match &p.request.integration_title {
                    Some(title) => access_title(&i, title.clone(), names),
                    None => i.pick(names).to_owned(),
                },
                kind: i.t(kind),
                system_name: i.pick(names).to_owned(),
                expired: expired_on(&p.request.created, &p.vendor_name),
                vendor_name: p.vendor_name,
                created: i.datetime(&p.request.created),
                at: p.request.created,
                tags,
            }
        })
        .chain(changes.into_iter().map(|c| {
            let names = c.system_names.each_ref().map(String::as_str);
            PendingRow {
                href: format!("{}?id={}", paths::CHANGE_REQUEST, c.change.id),
                title: access_title(&i, c.title, names),
                kind: i.t("overview.kind_change"),
                system_name: i.pick(names).to_owned(),
                expired: expired_on(&c.change.created, &c.vendor_name),
                vendor_name: c.vendor_name,
                created: i.datetime(&c.change.created),
                at: c.change.created,
                tags: Vec::new(),
            }
        }))
        .partition(|row| row.expired.is_none());
    for rows in [&mut open, &mut expired] {
        rows.sort_by_key(|row| std::cmp::Reverse(row.at));
    }
    let page = OverviewPage {
        i,
        layout: Layout::new(&user),
        pending: open,
        expired,
        accesses: own,
        client_accesses: for_clients,
        can_create,
        managers: join_or(&i, &managers),
        notice: cookie::take_notice(&user.session).map(|(key, value)| i.t1(&key, value)),
    };
    ok(&page)
}
