//! The clients of an agent system access: who is attached, and the firm's clients to
//! search, page through and add. Every action is a plain form; JavaScript is not needed.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::error_page::PageError;
use super::{
    CurrentUser, Layout, Visitor, cookie, join_and, join_or, named, ok, refused_saying, role_names, see_other,
};
use crate::app::state::AppState;
use crate::db::DbConnection;
use crate::db::parties::Organisation;
use crate::domain::actor::Actor;
use crate::domain::clients::{self, ClientPage, PAGE_SIZE, Show, Worker};
use crate::error::{AppError, Lacking};
use crate::i18n::I18n;
use crate::support::urlencode;

/// One filter of the list, as a link with its count.
struct FilterLink {
    label: String,
    href: String,
    current: bool,
}

/// Clients that cannot be added for one reason, folded: the reason, what the system
/// needs, and the first of them by name.
struct RefusedGroup {
    summary: String,
    needs: String,
    named: Vec<(String, String)>,
    /// "… og 40 til", when more than those named.
    more: Option<String>,
}

#[derive(Template)]
#[template(path = "clients.html")]
struct ClientsPage {
    i: I18n,
    layout: Layout,
    id: String,
    title: String,
    /// What the system gets for each client added.
    packages: String,
    filters: Vec<FilterLink>,
    candidates: Vec<clients::Candidate>,
    refused: Vec<RefusedGroup>,
    /// How many cannot be added, under the filters that show them.
    refused_count: Option<String>,
    query: String,
    /// The filter, kept by the search form (empty for all).
    show: &'static str,
    page: i64,
    /// How many pages the listed clients fill.
    pages: i64,
    showing: String,
    /// "Alle klientene er lagt til", when nothing is left to add.
    done: Option<String>,
    previous: Option<String>,
    next: Option<String>,
    can_manage: bool,
    client_administrators: String,
    own_firm: OwnFirmRow,
    notice: Option<String>,
    error: Option<String>,
    /// Hidden fields that keep the search, filter and page across a form post.
    state_fields: Vec<(&'static str, String)>,
    /// "Legg til alle …", for a client administrator when more than one is left.
    add_all: Option<AddAllOffer>,
}

/// The offer to add every addable client matching the search.
struct AddAllOffer {
    label: String,
    /// How many, posted as agreed to, when they go straight away (a few); else the offer
    /// leads to the confirmation page.
    direct: Option<i64>,
    confirm_href: String,
}

/// The alert on the confirmation page when the clients to add changed in between.
const COUNT_CHANGED: &str = "clients.count_changed";

/// More than this many clients at once are added only after a confirmation.
const ADD_WITHOUT_CONFIRMING: i64 = 10;

/// The firm itself, as "Legg til din virksomhet" shows it: only for a system access
/// whose packages a firm can give itself.
struct OwnFirmRow {
    shown: bool,
    name: String,
    org_no: String,
    added: bool,
    may_change: bool,
    /// Why the firm cannot add itself, if it cannot.
    refusal: Option<String>,
}

/// The search, filter and page, in the query string and in every form.
#[derive(Debug, Default)]
pub struct ListState {
    q: String,
    show: Show,
    page: Option<i64>,
}

/// The filters as the address names them (`show=`), all first.
const SHOWS: [(Show, &str); 4] =
    [(Show::All, ""), (Show::Added, "added"), (Show::Addable, "addable"), (Show::Refused, "refused")];

fn show_named(name: Option<&str>) -> Show {
    SHOWS.iter().find(|(_, n)| Some(*n) == name).map_or(Show::All, |(show, _)| *show)
}

fn show_name(show: Show) -> &'static str {
    SHOWS.iter().find(|(s, _)| *s == show).map_or("", |(_, name)| name)
}

impl ListState {
    /// The search, filter and page as hidden form fields.
    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![("q", self.q.clone()), ("page", self.page.unwrap_or(0).to_string())];
        if self.show != Show::All {
            fields.push(("show", show_name(self.show).into()));
        }
        fields
    }

    fn query_string(&self, show: Show, page: i64) -> String {
        let mut qs = format!("q={}&page={page}", urlencode(&self.q));
        if show != Show::All {
            qs.push_str("&show=");
            qs.push_str(show_name(show));
        }
        qs
    }

    fn here(&self) -> String {
        self.query_string(self.show, self.page.unwrap_or(0))
    }
}

// No `#[serde(flatten)]` of ListState below: flattening makes serde_urlencoded hand
// every value over as a string, and the numbers then fail to parse.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    show: Option<String>,
    page: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct ClientForm {
    csrf: String,
    client: Option<String>,
    /// How many clients "add all" was to add, as the person saw and agreed to.
    confirmed: Option<usize>,
    #[serde(default)]
    q: String,
    show: Option<String>,
    page: Option<i64>,
}

impl From<ListQuery> for ListState {
    fn from(ListQuery { q, show, page }: ListQuery) -> Self {
        ListState { q, show: show_named(show.as_deref()), page }
    }
}

fn path(id: &str) -> String {
    format!("/accessmanagement/ui/systemuser/{id}/agentdelegation")
}

pub async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let (id, list) = (id.into_inner(), ListState::from(query.into_inner()));
    let read = read(&id, &list);
    let (user, data) = visitor.with(&state, move |conn, actor| read(conn, actor)).await?;
    let notice = cookie::take_notice(&user.session).map(|(key, value)| I18n::current().t1(&key, value));
    let refusal = cookie::take_alert(&user.session, &id).map(|alert| alert.message);
    show(&user, id, list, data, notice, refusal)
}

/// Reads the page of the list for the person.
fn read(id: &str, list: &ListState) -> impl FnOnce(&mut DbConnection, &Actor) -> Result<ClientPage, AppError> + use<> {
    let (id, filter, show, page) = (id.to_owned(), clients::filter(&list.q), list.show, list.page.unwrap_or(0));
    move |conn, actor| clients::page(conn, Worker::of(actor), &id, &filter, show, page)
}

fn show(
    user: &CurrentUser,
    id: String,
    list: ListState,
    data: ClientPage,
    notice: Option<String>,
    refusal: Option<String>,
) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let (counts, searched) = (data.counts, !list.q.trim().is_empty());
    let first = data.page * PAGE_SIZE;
    let showing = match data.matching {
        // Those that cannot be added have their own heading and count.
        _ if list.show == Show::Refused => String::new(),
        0 if list.show == Show::All && counts.refused > 0 => String::new(),
        0 if counts.all == 0 && !searched => i.t("clients.no_clients"),
        0 if counts.all == 0 => i.t("clients.none_match"),
        0 => i.t("clients.none_shown"),
        1 => i.t("clients.showing_one"),
        n => i.t2("clients.showing", format!("{}–{}", first + 1, first + data.candidates.len() as i64), n),
    };
    let done = (counts.added > 0 && counts.addable == 0).then(|| match (counts.refused, searched) {
        (0, false) => i.t("clients.all_added"),
        (_, false) => i.t("clients.all_addable_added"),
        (_, true) => i.t("clients.all_matching_added"),
    });
    let base = path(&id);
    let add_all =
        (data.can_manage && counts.addable > 1 && matches!(list.show, Show::All | Show::Addable)).then(|| {
            AddAllOffer {
                label: match searched {
                    false => i.t1("clients.add_all_count", counts.addable),
                    true => i.t1("clients.add_all_matching", counts.addable),
                },
                direct: (counts.addable <= ADD_WITHOUT_CONFIRMING).then_some(counts.addable),
                confirm_href: format!("{base}/addall?{}", list.here()),
            }
        });
    let filters = SHOWS
        .iter()
        .zip([counts.all, counts.added, counts.addable, counts.refused])
        .map(|((show, name), count)| FilterLink {
            label: i.t1(&format!("clients.show_{}", if name.is_empty() { "all" } else { name }), count),
            href: format!("{base}?{}", list.query_string(*show, 0)),
            current: *show == list.show,
        })
        .collect();
    let refused_count = (!data.refused.is_empty()).then(|| i.t1("clients.refused_heading", counts.refused));
    let page = ClientsPage {
        i,
        layout: Layout::new(user).at(
            &i,
            vec![(format!("/accessmanagement/ui/systemuser/{id}"), data.user.integration_title.clone())],
            i.t("clients.crumb"),
        ),
        title: data.user.integration_title.clone(),
        packages: packages_for_each(&i, &data.packages),
        filters,
        candidates: data.candidates,
        refused: data.refused.iter().map(|r| refused_group(&i, r)).collect(),
        refused_count,
        previous: (data.page > 0).then(|| format!("{base}?{}", list.query_string(list.show, data.page - 1))),
        next: (first + PAGE_SIZE < data.matching)
            .then(|| format!("{base}?{}", list.query_string(list.show, data.page + 1))),
        showing,
        done,
        can_manage: data.can_manage,
        client_administrators: join_or(&i, &data.client_administrators),
        own_firm: OwnFirmRow {
            shown: data.own_firm.offered,
            refusal: own_firm_refusal(&i, &data.own_firm),
            name: data.own_firm.organisation.name,
            org_no: data.own_firm.organisation.org_no,
            added: data.own_firm.added,
            may_change: data.own_firm.may_change,
        },
        notice,
        error: refusal,
        state_fields: list.fields(),
        show: show_name(list.show),
        query: list.q,
        page: data.page,
        pages: (data.matching + PAGE_SIZE - 1) / PAGE_SIZE,
        id,
        add_all,
    };
    ok(&page)
}

/// "For hver klient som legges til, får systemet tilgangspakken …".
fn packages_for_each(i: &I18n, packages: &[crate::db::packages::AccessPackage]) -> String {
    let names: Vec<String> = packages.iter().map(|p| i.pick(p.names()).to_owned()).collect();
    match names.as_slice() {
        [one] => i.t1("clients.package_for_each", one),
        _ => i.t1("clients.packages_for_each", join_and(i, &names)),
    }
}

/// The reason a group of clients cannot be added, calmly: the relation the firm has with
/// them against the one the packages come with ("6 klienter: dere er revisor, ikke
/// regnskapsfører"), or, where the relation is right but the client's form is not, what
/// they have not given.
fn refused_group(i: &I18n, refused: &clients::Refused) -> RefusedGroup {
    let needed: Vec<&String> = refused.missing.iter().flat_map(|l| l.relations.iter().map(|(role, _)| role)).collect();
    let wrong_relation = !needed.is_empty()
        && refused.missing.iter().all(|l| !l.relations.is_empty())
        && !needed.iter().any(|r| refused.held.contains(r));
    let relation = |role: &String| i.t(&format!("relation.{role}"));
    let summary = if wrong_relation {
        let mut needed: Vec<String> = needed.into_iter().map(relation).collect();
        needed.sort();
        needed.dedup();
        let held: Vec<String> = refused.held.iter().map(relation).collect();
        i.count("clients.refused_relation", refused.count, &[&join_and(i, &held), &join_or(i, &needed)])
    } else {
        i.count("clients.refused_lacking", refused.count, &[&lacking(i, &refused.missing)])
    };
    let more = refused.count - refused.named.len() as i64;
    RefusedGroup {
        summary,
        needs: i.t1("clients.refused_needs", lacking(i, &refused.missing)),
        named: refused.named.clone(),
        more: (more > 0).then(|| i.t1("clients.refused_more", more)),
    }
}

#[derive(Template)]
#[template(path = "clients_add_all.html")]
struct AddAllPage {
    i: I18n,
    layout: Layout,
    id: String,
    heading: String,
    title: String,
    count: usize,
    /// The search the clients match, if there is one.
    query: String,
    state_fields: Vec<(&'static str, String)>,
    back: String,
    /// The number changed since the person last confirmed.
    changed: Option<String>,
}

/// "Legg til alle N klienter?": counts what adding all would attach and asks first.
pub async fn confirm_add_all(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let (id, list) = (id.into_inner(), ListState::from(query.into_inner()));
    let (su, filter) = (id.clone(), clients::filter(&list.q));
    let (user, (access, count)) =
        visitor.with(&state, move |conn, actor| clients::count_addable(conn, Worker::of(actor), &su, &filter)).await?;
    let title = access.integration_title;
    let i = I18n::current();
    let back = format!("{}?{}", path(&id), list.here());
    let page = AddAllPage {
        i,
        layout: Layout::new(&user).at(
            &i,
            vec![
                (format!("/accessmanagement/ui/systemuser/{id}"), title.clone()),
                (back.clone(), i.t("clients.crumb")),
            ],
            i.t("clients.confirm_all_crumb"),
        ),
        heading: match count {
            0 => i.t("clients.confirm_all_none"),
            1 => i.t("clients.confirm_one_title"),
            n => i.t1("clients.confirm_all_title", n),
        },
        changed: cookie::take_alert(&user.session, &format!("{id}/addall")).map(|alert| alert.message),
        title,
        count,
        state_fields: list.fields(),
        query: list.q,
        back,
        id,
    };
    ok(&page)
}

/// The packages a client has not given, each with the client relation it would come
/// through ("tilgangspakken Revisormedarbeider, som følger av klientforholdet revisor").
fn lacking(i: &I18n, missing: &[Lacking]) -> String {
    let parts: Vec<String> = missing
        .iter()
        .map(|l| {
            let relations: Vec<String> = l
                .relations
                .iter()
                .map(|(role, forms)| {
                    let name = i.t(&format!("relation.{role}"));
                    match forms {
                        Some(forms) => {
                            let forms: Vec<String> = forms.iter().map(|f| i.t(&format!("orgform.{f}"))).collect();
                            i.t2("clients.relation_for_forms", name, join_or(i, &forms))
                        }
                        None => name,
                    }
                })
                .collect();
            if relations.is_empty() {
                i.t1("clients.package_no_relation", i.pick(l.package.each_ref()))
            } else {
                i.t2("clients.package_via", i.pick(l.package.each_ref()), join_or(i, &relations))
            }
        })
        .collect();
    join_and(i, &parts)
}

/// Why the person cannot add the firm: packages they cannot give (and who can).
fn own_firm_refusal(i: &I18n, own: &clients::OwnFirm) -> Option<String> {
    let first = own.missing.first()?;
    let names: Vec<String> = own.missing.iter().map(|m| i.pick(m.titles.each_ref()).clone()).collect();
    Some(i.t2("clients.own_firm_missing", join_and(i, &names), role_names(i, &first.granted_by)))
}

/// A refusal as a sentence that names the client and what is missing.
fn explain(i: &I18n, error: AppError) -> String {
    match error {
        AppError::ClientNotEligible { client: (name, org_no), missing } => {
            i.t2("clients.not_eligible", named(&name, &org_no), lacking(i, &missing))
        }
        AppError::NotAClient(name, org_no) => i.t1("clients.not_a_client", named(&name, &org_no)),
        AppError::PackageNotAssignable(_) => i.t("clients.own_firm_refused"),
        other => i.t(other.text_key()),
    }
}

pub async fn add(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, id.into_inner(), form.into_inner(), ClientAction::Add).await
}

pub async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, id.into_inner(), form.into_inner(), ClientAction::Remove).await
}

pub async fn add_own_firm(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, id.into_inner(), form.into_inner(), ClientAction::AddOwnFirm).await
}

pub async fn remove_own_firm(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, id.into_inner(), form.into_inner(), ClientAction::RemoveOwnFirm).await
}

pub async fn add_all(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ClientForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, id.into_inner(), form.into_inner(), ClientAction::AddAll).await
}

#[derive(Clone, Copy)]
enum ClientAction {
    Add,
    Remove,
    AddAll,
    AddOwnFirm,
    RemoveOwnFirm,
}

async fn change(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: String,
    form: ClientForm,
    change: ClientAction,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    let list = ListState { q: form.q, show: show_named(form.show.as_deref()), page: form.page };
    let client = form.client.unwrap_or_default();
    if client.is_empty() && matches!(change, ClientAction::Add | ClientAction::Remove) {
        return Err(AppError::BadRequest("no client chosen".into()).into());
    }
    let confirmation = format!("{}/addall?{}", path(&id), list.here());
    if matches!(change, ClientAction::AddAll) && form.confirmed.is_none() {
        return Ok(see_other(&confirmation));
    }
    let confirmed = form.confirmed.unwrap_or_default();
    // The page the form was on, its search and page kept.
    let back = format!("{}?{}", path(&id), list.here());
    let (actor, su, who) = (user.actor.clone(), id.clone(), client.clone());
    let filter = clients::filter(&list.q);
    let named = |o: Organisation| named(&o.name, &o.org_no);
    let outcome = state
        .db(move |conn| {
            let worker = Worker::of(&actor);
            match change {
                ClientAction::Add => clients::add(conn, worker, &su, who.as_str()).map(|o| ("clients.added", named(o))),
                ClientAction::Remove => clients::remove(conn, worker, &su, who.as_str()).map(|removed| match removed {
                    Some(o) => ("clients.removed", named(o)),
                    None => ("clients.was_not_added", who),
                }),
                ClientAction::AddAll => clients::add_all(conn, worker, &su, &filter, confirmed).map(|n| match n {
                    Some(1) => ("clients.added_one", String::new()),
                    Some(n) => ("clients.added_count", n.to_string()),
                    // Not what was agreed to: asked again, with the new number.
                    None => (COUNT_CHANGED, String::new()),
                }),
                ClientAction::AddOwnFirm => {
                    clients::add_own_firm(conn, worker, &su).map(|o| ("clients.own_firm_added", named(o)))
                }
                ClientAction::RemoveOwnFirm => {
                    clients::remove_own_firm(conn, worker, &su).map(|removed| match removed {
                        Some(o) => ("clients.own_firm_removed", named(o)),
                        None => ("clients.was_not_added", String::new()),
                    })
                }
            }
        })
        .await;
    match outcome {
        Ok((COUNT_CHANGED, _)) => {
            let message = I18n::current().t(COUNT_CHANGED);
            cookie::set_alert(&user.session, &cookie::Alert { message, typed: Vec::new() }, &format!("{id}/addall"))?;
            Ok(see_other(&confirmation))
        }
        Ok((key, value)) => {
            cookie::set_notice(&user.session, key, &value)?;
            // To the message, which takes the focus, with the search and page kept.
            Ok(see_other(&format!("{back}#notice")))
        }
        Err(
            e @ (AppError::NotClientAdministrator
            | AppError::NotAccessManager
            | AppError::NotAClient(..)
            | AppError::ClientNotEligible { .. }
            | AppError::PackageNotAssignable(_)
            | AppError::MissingRights(_)),
        ) => refused_saying(&user.session, explain(&I18n::current(), e), &id, &back),
        Err(e) => Err(e.into()),
    }
}
