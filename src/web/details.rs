//! One system access: what it may do, who made it, its history, and deletion with a
//! confirmation step that works without JavaScript.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::error_page::PageError;
use super::granted::{self, Granted};
use super::{CurrentUser, Layout, OVERVIEW, Visitor, access_title, cookie, named, ok, refused_saying, see_other};
use crate::app::state::AppState;
use crate::domain::audit::Action;
use crate::domain::requests::UserType;
use crate::domain::system_users;
use crate::error::AppError;
use crate::i18n::I18n;

struct HistoryRow {
    at: String,
    text: String,
    /// The clients of a batch, folded under the line, and how many more there are.
    clients: Vec<String>,
    more: Option<String>,
}

#[derive(Template)]
#[template(path = "details.html")]
struct DetailsPage {
    i: I18n,
    layout: Layout,
    id: String,
    title: String,
    system_name: String,
    vendor_name: String,
    vendor_org_no: String,
    /// Its services and access packages.
    granted: Vec<Granted>,
    is_agent: bool,
    client_count: i64,
    created: String,
    created_by: String,
    history: Vec<HistoryRow>,
    can_delete: bool,
    confirm_delete: bool,
    /// For the confirmation of an agent access: the clients that lose access (the first
    /// ones by name), and how many more there are.
    losing: Vec<(String, String)>,
    losing_more: i64,
    just_created: bool,
    /// Why the last deletion posted here was refused.
    refusal: Option<String>,
}

/// Clients named on the confirmation of a deletion; more are counted.
const LOSING_SHOWN: i64 = 20;

#[derive(Deserialize)]
pub struct DetailsQuery {
    confirm: Option<String>,
    created: Option<String>,
}

#[derive(Deserialize)]
pub struct DeleteForm {
    csrf: String,
}

pub async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<String>,
    query: web::Query<DetailsQuery>,
) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let id = id.into_inner();
    let confirm_delete = query.confirm.as_deref() == Some("delete");
    let (user, (details, history, losing)) = visitor
        .with(&state, move |conn, actor| {
            let org = &actor.party()?.org_no;
            let details = match system_users::get_for_party(conn, org, &id) {
                Err(AppError::SystemUserNotFound) => return Err(system_users::deleted_for_party(conn, org, &id)?),
                found => found?,
            };
            let losing = match confirm_delete {
                true => system_users::clients_losing_access(conn, &details, LOSING_SHOWN)?,
                false => Vec::new(),
            };
            Ok((details, system_users::history(conn, &id)?, losing))
        })
        .await?;
    let is_agent = details.user_type() == UserType::Agent;
    let refusal = cookie::take_alert(&user.session, &details.user.id).map(|alert| alert.message);
    let title = access_title(&i, details.user.integration_title, details.system.display_names());
    let page = DetailsPage {
        i,
        layout: Layout::new(&user).at(&i, Vec::new(), title.clone()),
        id: details.user.id,
        title,
        system_name: i.pick(details.system.display_names()).to_owned(),
        vendor_name: details.vendor.name,
        vendor_org_no: details.vendor.org_no,
        is_agent,
        granted: granted::list(&i, &details.rights, &details.packages, &[]),
        client_count: details.client_count,
        created: i.datetime(&details.user.created),
        created_by: details.created_by_name,
        history: history.into_iter().map(|h| history_row(&i, h)).collect(),
        can_delete: user.actor.is_access_manager(),
        confirm_delete,
        losing_more: details.client_count - losing.len() as i64,
        losing: losing.into_iter().map(|o| (o.name, o.org_no)).collect(),
        just_created: query.created.is_some(),
        refusal,
    };
    ok(&page)
}

/// A line of history: "Klienten … lagt til av …" for one client, "59 klienter lagt til av
/// …" with the clients folded under it for a batch.
fn history_row(i: &I18n, h: system_users::HistoryEntry) -> HistoryRow {
    let key = Action::text_key(&h.event.action);
    let actor = if h.by_vendor { i.t1("audit.by_vendor", &h.actor_name) } else { h.actor_name.clone() };
    let (text, clients) = match h.clients.as_slice() {
        [] => (i.t1(&key, &actor), Vec::new()),
        [(name, org_no)] if h.client_count == 1 => (i.t2(&key, named(name, org_no), &actor), Vec::new()),
        many => (
            i.count(&format!("{key}.many"), h.client_count as i64, &[&actor]),
            many.iter().map(|(name, org_no)| named(name, org_no)).collect(),
        ),
    };
    let more = h.client_count - h.clients.len();
    HistoryRow {
        at: i.datetime(&h.event.at),
        text,
        more: (more > 0 && !clients.is_empty()).then(|| i.t1("details.history_more", more)),
        clients,
    }
}

pub async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    let (actor, id) = (user.actor.clone(), id.into_inner());
    let about = id.clone();
    let deleted = match state.db(move |conn| system_users::delete(conn, &actor, &id)).await {
        Ok(deleted) => deleted,
        Err(e @ AppError::NotAccessManager) => {
            let page = format!("/accessmanagement/ui/systemuser/{about}");
            return refused_saying(&user.session, I18n::current().t(e.text_key()), &about, &page);
        }
        Err(e) => return Err(e.into()),
    };
    let i = I18n::current();
    let title = access_title(&i, deleted.user.integration_title, deleted.system.display_names());
    cookie::set_notice(&user.session, "overview.deleted", &title)?;
    // To the message, which takes the focus (see `overview.html`).
    Ok(see_other(&format!("{OVERVIEW}#notice")))
}
