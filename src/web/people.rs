//! The people of the party and their roles: access managers find a person by identity
//! number and surname, and give or remove the roles given in the portal.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::cookie::Alert;
use super::error_page::PageError;
use super::{CurrentUser, Layout, Visitor, cookie, join_and, ok, refused, refused_saying, see_other};
use crate::domain::people::{self, Changeable, Member};

/// The party's people as the page lists them, and how many hold a role in all.
type Members = (Vec<Member>, i64);
use crate::app::state::AppState;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::i18n::I18n;

pub const USERS: &str = "/accessmanagement/ui/users";

struct MemberRow {
    href: String,
    name: String,
    roles: String,
}

/// What was typed in the form for finding a person, and what was wrong with it.
#[derive(Default)]
struct FindForm {
    pid: String,
    surname: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    i: I18n,
    layout: Layout,
    party_name: String,
    members: Vec<MemberRow>,
    /// How many hold a role, when the page lists fewer.
    more: Option<i64>,
    find: FindForm,
}

/// A request the person sent on for lack of a right: what it waits for, a link to it, and
/// the roles to give (code and name).
struct WaitingRow {
    text: String,
    href: String,
    link: String,
    give: Vec<(&'static str, String)>,
}

struct RoleRow {
    code: &'static str,
    name: String,
    about: String,
    held: bool,
    may_change: bool,
    /// Why the viewer cannot change it, when they cannot.
    why_not: Option<String>,
}

#[derive(Template)]
#[template(path = "person_roles.html")]
struct PersonPage {
    i: I18n,
    layout: Layout,
    uuid: String,
    name: String,
    party_name: String,
    party_org_no: String,
    from_register: Vec<String>,
    portal: Vec<RoleRow>,
    history: Vec<(String, String)>,
    waiting: Vec<WaitingRow>,
    notice: Option<String>,
    /// Why the last change posted here was refused.
    refusal: Option<String>,
}

#[derive(Deserialize)]
pub struct Find {
    csrf: String,
    pid: String,
    surname: String,
}

#[derive(Deserialize)]
pub struct RoleForm {
    csrf: String,
    role: String,
    /// The party the page was shown for: the change is for it, whatever the session has
    /// switched to meanwhile (in another tab).
    party: String,
}

/// What the finding form's refusals are about (the list page has one form).
const FINDING: &str = "find";

pub async fn page(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, PageError> {
    let (user, members) = visitor.with(&state, |conn, actor| people::members(conn, actor)).await?;
    // A refused search is said at the form, with what was typed.
    let find = match cookie::take_alert(&user.session, FINDING) {
        Some(alert) => {
            let typed = |name: &str| alert.typed.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            FindForm {
                pid: typed("pid").unwrap_or_default(),
                surname: typed("surname").unwrap_or_default(),
                error: Some(alert.message),
            }
        }
        None => FindForm::default(),
    };
    users_page(&user, members, find)
}

/// Finds the person and goes on to their roles; a wrong number or name is said at the form.
pub async fn find(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Find>,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    // Numbers tried without a match are counted per person, as logins are per address:
    // guessing who exists and what they are called soon stops.
    let key = [format!("people search by {}", user.actor.pid)];
    state.throttles.client.check(&key)?;
    let Find { pid, surname, .. } = form.into_inner();
    let (actor, typed) = (user.actor.clone(), (pid.clone(), surname.clone()));
    match state.db(move |conn| people::find(conn, &actor, &typed.0, &typed.1)).await {
        Ok(person) => Ok(see_other(&format!("{USERS}/{}", person.party_uuid))),
        Err(error @ (AppError::InvalidPid | AppError::PersonNotFound)) => {
            if let Some(refusal) = state.throttles.client.count_failure(&key) {
                return Err(refusal.into());
            }
            let message = I18n::current().t(error.text_key());
            let typed = vec![("pid".to_owned(), pid), ("surname".to_owned(), surname)];
            refused(&user.session, Alert { message, typed }, FINDING, USERS)
        }
        Err(e) => Err(e.into()),
    }
}

fn users_page(user: &CurrentUser, (members, total): Members, find: FindForm) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let party_name = user.actor.party()?.name.clone();
    let more = (total > members.len() as i64).then_some(total);
    let members = members
        .into_iter()
        .map(|m| MemberRow {
            href: format!("{USERS}/{}", m.person.party_uuid),
            name: m.person.name,
            roles: super::join_and(&i, &m.roles.iter().map(|r| i.t(&r.text_key())).collect::<Vec<_>>()),
        })
        .collect();
    let layout = Layout::new(user).at(&i, Vec::new(), i.t("users.title"));
    ok(&UsersPage { i, layout, party_name, members, more, find })
}

pub async fn person(
    state: web::Data<AppState>,
    visitor: Visitor,
    uuid: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let uuid = uuid.into_inner();
    let expiry = state.request_expiry;
    let (user, roles) =
        visitor.with(&state, move |conn, actor| people::person_roles(conn, actor, &uuid, expiry)).await?;
    let name_of = |role: Role| i.t(&role.text_key());
    let portal = roles
        .portal
        .iter()
        .map(|r| RoleRow {
            code: r.role.code(),
            name: name_of(r.role),
            about: i.t(&format!("users.about.{}", r.role.code())),
            held: r.held,
            may_change: r.changeable == Changeable::Yes,
            why_not: match r.changeable {
                Changeable::Yes => None,
                Changeable::NotTheirs => Some(i.t("users.not_theirs")),
                Changeable::OwnRole => Some(i.t("users.own_role")),
            },
        })
        .collect();
    let history = roles
        .history
        .iter()
        .map(|e| {
            let key = if e.given { "users.history_given" } else { "users.history_removed" };
            let role = e.role.map(name_of).unwrap_or_default();
            (i.datetime(&e.at), i.t2(key, role, &e.by))
        })
        .collect();
    let waiting = roles
        .waiting
        .iter()
        .map(|w| {
            let system = i.pick(w.system_names.each_ref()).clone();
            let missing: Vec<String> = w.missing.iter().map(|m| i.pick(m.titles.each_ref()).clone()).collect();
            let page = if w.agent { "agentrequest" } else { "request" };
            WaitingRow {
                text: i.t3("users.waiting_for", &system, &roles.person.name, join_and(&i, &missing)),
                href: format!("/accessmanagement/ui/systemuser/{page}?id={}", w.request_id),
                link: i.t1("users.waiting_link", &system),
                give: w.give.iter().map(|r| (r.code(), name_of(*r))).collect(),
            }
        })
        .collect();
    let name = roles.person.name;
    let refusal = cookie::take_alert(&user.session, &roles.person.party_uuid).map(|alert| alert.message);
    let page = PersonPage {
        i,
        layout: Layout::new(&user).at(&i, vec![(USERS.to_owned(), i.t("users.title"))], name.clone()),
        uuid: roles.person.party_uuid,
        name,
        party_name: user.actor.party()?.name.clone(),
        party_org_no: user.actor.party()?.org_no.clone(),
        from_register: roles.from_register.into_iter().map(name_of).collect(),
        portal,
        history,
        waiting,
        notice: cookie::take_notice(&user.session).map(|(key, value)| i.t1(&key, value)),
        refusal,
    };
    ok(&page)
}

pub async fn give(
    state: web::Data<AppState>,
    user: CurrentUser,
    uuid: web::Path<String>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, uuid.into_inner(), form.into_inner(), true).await
}

pub async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    uuid: web::Path<String>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, PageError> {
    change(state, user, uuid.into_inner(), form.into_inner(), false).await
}

/// Gives or removes the role, then back to the person's page at the message.
async fn change(
    state: web::Data<AppState>,
    mut user: CurrentUser,
    uuid: String,
    form: RoleForm,
    give: bool,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    let actor = user.for_party(&state, &form.party).await?;
    let (acting, person, role) = (actor.clone(), uuid.clone(), form.role.clone());
    let changed = state
        .db(move |conn| match give {
            true => people::give(conn, &acting, &person, &role),
            false => people::remove(conn, &acting, &person, &role),
        })
        .await;
    match changed {
        Err(e @ (AppError::RoleNotGivable | AppError::OwnRole)) => {
            return refused_saying(&user.session, I18n::current().t(e.text_key()), &uuid, &format!("{USERS}/{uuid}"));
        }
        other => other?,
    };
    // Done for the page's party: the person's page, shown next, is that party's.
    user.act_as(actor)?;
    let name = Role::from_code(&form.role).map(|r| I18n::current().t(&r.text_key())).unwrap_or_default();
    let key = if give { "users.given" } else { "users.removed" };
    cookie::set_notice(&user.session, key, &name)?;
    Ok(see_other(&format!("{USERS}/{uuid}#notice")))
}
