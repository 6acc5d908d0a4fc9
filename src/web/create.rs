//! User-driven creation: find a system, see what it will be allowed to do, confirm.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::error_page::PageError;
use super::granted::{self, Granted};
use super::missing::{self, MissingRow};
use super::{CurrentUser, Layout, Visitor, cookie, join_or, ok, refused_saying, see_other};
use crate::app::state::AppState;
use crate::domain::system_users::{self, Confirmation};
use crate::domain::{actor, systems};
use crate::error::AppError;
use crate::i18n::I18n;
use crate::support::urlencode;

struct SystemRow {
    id: String,
    /// The party's access to it, when it has one already.
    existing: Option<String>,
    name: String,
    description: String,
    vendor_name: String,
    vendor_org_no: String,
}

#[derive(Template)]
#[template(path = "create.html")]
struct SearchPage {
    i: I18n,
    layout: Layout,
    query: String,
    systems: Vec<SystemRow>,
    can_create: bool,
    managers: String,
}

#[derive(Template)]
#[template(path = "create_confirm.html")]
struct ConfirmPage {
    i: I18n,
    layout: Layout,
    system: SystemRow,
    granted: Vec<Granted>,
    missing: Vec<MissingRow>,
    assigners: String,
    error: Option<String>,
    can_create: bool,
    managers: String,
}

#[derive(Deserialize)]
pub struct CreateQuery {
    q: Option<String>,
    system: Option<String>,
}

#[derive(Deserialize)]
pub struct CreateForm {
    system: String,
    csrf: String,
}

pub async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<CreateQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    if let Some(system) = query.system {
        let (user, confirmation) =
            visitor.with(&state, move |conn, actor| system_users::confirmation(conn, actor, &system)).await?;
        let refusal = cookie::take_alert(&user.session, &confirmation.details.system.id).map(|alert| alert.message);
        return show_confirmation(&user, confirmation, refusal);
    }
    let i = I18n::current();
    let q = query.q.unwrap_or_default();
    let needle = q.clone();
    let (user, (found, managers, mut existing)) = visitor
        .with(&state, move |conn, actor| {
            let org = &actor.party()?.org_no;
            Ok((
                systems::search_visible(conn, &needle)?,
                actor::access_manager_names(conn, org)?,
                system_users::made_by_hand(conn, org)?,
            ))
        })
        .await?;
    let page = SearchPage {
        i,
        layout: Layout::new(&user).at(&i, Vec::new(), i.t("create.title")),
        query: q,
        systems: found
            .into_iter()
            .map(|(s, v)| SystemRow {
                existing: existing.remove(&s.id),
                name: i.pick(s.display_names()).to_owned(),
                description: i.pick(s.display_descriptions()).to_owned(),
                id: s.id,
                vendor_name: v.name,
                vendor_org_no: v.org_no,
            })
            .collect(),
        can_create: user.actor.is_access_manager(),
        managers: join_or(&i, &managers),
    };
    ok(&page)
}

/// The confirmation step, with what is missing shown before the user tries.
fn show_confirmation(
    user: &CurrentUser,
    Confirmation { details, missing, managers, assigners, existing }: Confirmation,
    refusal: Option<String>,
) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let name = i.pick(details.system.display_names()).to_owned();
    let search = ("/accessmanagement/ui/systemuser/create".to_owned(), i.t("create.title"));
    let page = ConfirmPage {
        i,
        layout: Layout::new(user).at(&i, vec![search], name.clone()),
        system: SystemRow {
            existing,
            name,
            description: i.pick(details.system.display_descriptions()).to_owned(),
            id: details.system.id,
            vendor_name: details.vendor.name,
            vendor_org_no: details.vendor.org_no,
        },
        granted: granted::list(&i, &details.rights, &[], &missing),
        missing: missing::rows(&i, &missing),
        assigners: join_or(&i, &assigners),
        error: refusal,
        can_create: user.actor.is_access_manager(),
        managers: join_or(&i, &managers),
    };
    ok(&page)
}

pub async fn submit(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    let form = form.into_inner();
    let actor = user.actor.clone();
    let system_id = form.system.clone();
    match state.db(move |conn| system_users::create_by_user(conn, &actor, &system_id)).await {
        Ok(id) => Ok(see_other(&format!("/accessmanagement/ui/systemuser/{id}?created=1"))),
        Err(e @ (AppError::MissingRights(_) | AppError::NotAccessManager | AppError::SystemUserExists)) => {
            let i = I18n::current();
            let message = match e {
                AppError::SystemUserExists => i.t("create.exists"),
                other => i.t(other.text_key()),
            };
            let page = format!("/accessmanagement/ui/systemuser/create?system={}", urlencode(&form.system));
            refused_saying(&user.session, message, &form.system, &page)
        }
        Err(e) => Err(e.into()),
    }
}
