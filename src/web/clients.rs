//! The clients of an agent system access: who is attached, and the firm's clients to
//! search, page through and add. Every action is a plain form; JavaScript is not needed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::error_page::PageError;
use super::{CurrentUser, Layout, html, join_or, see_other, session};
use crate::db::packages::AccessPackage;
use crate::db::parties::Organisation;
use crate::domain::clients::{self, PAGE_SIZE};
use crate::error::AppError;
use crate::i18n::I18n;
use crate::state::AppState;
use crate::support::urlencode;

struct ClientRow {
    org_no: String,
    name: String,
    added: bool,
    /// Why it cannot be added, if it cannot.
    refusal: Option<String>,
}

#[derive(Template)]
#[template(path = "clients.html")]
struct ClientsPage {
    i: I18n,
    layout: Layout,
    id: String,
    title: String,
    packages: Vec<AccessPackage>,
    attached: Vec<ClientRow>,
    attached_count: i64,
    /// Set when only the first attached clients are listed.
    attached_more: Option<String>,
    candidates: Vec<ClientRow>,
    query: String,
    hide_added: bool,
    page: i64,
    showing: String,
    previous: Option<String>,
    next: Option<String>,
    can_manage: bool,
    client_administrators: String,
    notice: Option<String>,
    error: Option<String>,
    /// Hidden fields that keep the search and page across a form post.
    state_fields: Vec<(&'static str, String)>,
}

/// The search, filter and page, in the query string and in every form.
#[derive(Debug, Default)]
pub struct ListState {
    q: String,
    hide: Option<String>,
    page: Option<i64>,
}

impl ListState {
    fn hide_added(&self) -> bool {
        self.hide.is_some()
    }

    fn query_string(&self, page: i64) -> String {
        let mut qs = format!("q={}&page={page}", urlencode(&self.q));
        if self.hide_added() {
            qs.push_str("&hide=1");
        }
        qs
    }
}

// No `#[serde(flatten)]` of ListState below: flattening makes serde_urlencoded hand
// every value over as a string, and the numbers then fail to parse.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    q: String,
    hide: Option<String>,
    page: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct ClientForm {
    csrf: String,
    client: Option<String>,
    #[serde(default)]
    q: String,
    hide: Option<String>,
    page: Option<i64>,
}

fn path(id: &str) -> String {
    format!("/accessmanagement/ui/systemuser/{id}/agentdelegation")
}

pub async fn page(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let notice = session::take_notice(&user.session).map(|(key, value)| I18n::current().t1(&key, value));
    let list = ListState { q: query.q, hide: query.hide, page: query.page };
    render(&state, &user, id.into_inner(), list, notice, None).await
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    id: String,
    list: ListState,
    notice: Option<String>,
    error: Option<AppError>,
) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let actor = user.actor.clone();
    let filter = clients::filter(&list.q, list.hide_added());
    let requested_page = list.page.unwrap_or(0);
    let page_id = id.clone();
    let data = state.db(move |conn| clients::page(conn, &actor, &page_id, &filter, requested_page)).await?;
    let first = data.page * PAGE_SIZE;
    let showing = if data.matching == 0 {
        i.t("clients.none_match")
    } else {
        i.t2("clients.showing", format!("{}–{}", first + 1, first + data.candidates.len() as i64), data.matching)
    };
    let base = path(&id);
    let status = error.as_ref().map_or(StatusCode::OK, AppError::status);
    let attached_more = (data.attached_count > data.attached.len() as i64)
        .then(|| i.t2("clients.attached_more", data.attached.len(), data.attached_count));
    let page = ClientsPage {
        attached_count: data.attached_count,
        attached_more,
        i,
        layout: Layout::new(user),
        title: data.user.integration_title.clone(),
        packages: data.packages,
        attached: data
            .attached
            .into_iter()
            .map(|(_, org)| ClientRow { org_no: org.org_no, name: org.name, added: true, refusal: None })
            .collect(),
        candidates: data
            .candidates
            .into_iter()
            .map(|c| ClientRow {
                refusal: (!c.missing.is_empty()).then(|| {
                    let names: Vec<String> = c.missing.iter().map(|p| p.name.clone()).collect();
                    i.t1("clients.lacks_package", join_or(&i, &names))
                }),
                org_no: c.organisation.org_no,
                name: c.organisation.name,
                added: c.added,
            })
            .collect(),
        previous: (data.page > 0).then(|| format!("{base}?{}", list.query_string(data.page - 1))),
        next: (first + PAGE_SIZE < data.matching).then(|| format!("{base}?{}", list.query_string(data.page + 1))),
        showing,
        can_manage: data.can_manage,
        client_administrators: join_or(&i, &data.client_administrators),
        notice,
        error: error.map(|e| explain(&i, e)),
        state_fields: {
            let mut fields = vec![("q", list.q.clone()), ("page", data.page.to_string())];
            if list.hide_added() {
                fields.push(("hide", "1".into()));
            }
            fields
        },
        hide_added: list.hide_added(),
        query: list.q,
        page: data.page,
        id,
    };
    html(status, &page)
}

/// A refusal as a sentence that names the client and what is missing.
fn explain(i: &I18n, error: AppError) -> String {
    match error {
        AppError::ClientNotEligible { client, missing } => i.t2("clients.not_eligible", &client, missing.join(", ")),
        AppError::NotAClient(client) => i.t1("clients.not_a_client", &client),
        other => i.t(other.text_key()),
    }
}

pub async fn add(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, id.into_inner(), form.into_inner(), Change::Add).await
}

pub async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, id.into_inner(), form.into_inner(), Change::Remove).await
}

pub async fn add_all(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, id.into_inner(), form.into_inner(), Change::AddAll).await
}

#[derive(Clone, Copy)]
enum Change {
    Add,
    Remove,
    AddAll,
}

async fn change(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: String,
    form: ClientForm,
    change: Change,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    let list = ListState { q: form.q, hide: form.hide, page: form.page };
    let client = form.client.unwrap_or_default();
    if client.is_empty() && !matches!(change, Change::AddAll) {
        return Err(AppError::BadRequest("no client chosen".into()).into());
    }
    let (actor, su, who) = (user.actor.clone(), id.clone(), client.clone());
    let filter = clients::filter(&list.q, list.hide_added());
    let named = |o: Organisation| format!("{} ({})", o.name, o.org_no);
    let outcome = state
        .db(move |conn| match change {
            Change::Add => clients::add(conn, &actor, &su, &who).map(|o| ("clients.added", named(o))),
            Change::Remove => clients::remove(conn, &actor, &su, &who).map(|removed| match removed {
                Some(o) => ("clients.removed", named(o)),
                None => ("clients.was_not_added", who),
            }),
            Change::AddAll => {
                clients::add_all(conn, &actor, &su, &filter).map(|n| ("clients.added_count", n.to_string()))
            }
        })
        .await;
    match outcome {
        Ok((key, value)) => {
            session::set_notice(&user.session, key, &value)?;
            Ok(see_other(&format!("{}?{}", path(&id), list.query_string(list.page.unwrap_or(0)))))
        }
        Err(e @ (AppError::NotClientAdministrator | AppError::NotAClient(_) | AppError::ClientNotEligible { .. })) => {
            render(&state, &user, id, list, None, Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}
