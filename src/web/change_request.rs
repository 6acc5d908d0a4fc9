//! A vendor's change request as the end user sees it: what is added and removed on an
//! existing system access, with Approve and Reject.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::handling::{Standing, shown_on_page};
use super::missing::{self, MissingRow};
use super::{CurrentUser, Layout, html, join_or, see_other};
use crate::db::packages::AccessPackage;
use crate::db::resources::Resource;
use crate::domain::change_requests::{self, ChangeDetails};
use crate::domain::requests::UserType;
use crate::domain::{actor, delegation};
use crate::error::{AppError, PageError};
use crate::i18n::I18n;
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "change_request.html")]
struct ChangePage {
    i: I18n,
    layout: Layout,
    id: String,
    title: String,
    system_name: String,
    vendor_name: String,
    party_name: String,
    add_rights: Vec<Resource>,
    remove_rights: Vec<Resource>,
    add_packages: Vec<AccessPackage>,
    remove_packages: Vec<AccessPackage>,
    state_message: Option<String>,
    error: Option<String>,
    missing: Vec<MissingRow>,
    assigners: String,
    can_approve: bool,
    can_reject: bool,
    /// Where the Approve and Reject forms post (`…/{decision_path}/approve`).
    decision_path: &'static str,
    show_details: bool,
}

#[derive(Deserialize)]
pub struct IdQuery {
    id: Option<String>,
}

#[derive(Deserialize)]
pub struct DecisionForm {
    id: String,
    csrf: String,
}

pub async fn page(
    state: web::Data<AppState>,
    mut user: CurrentUser,
    query: web::Query<IdQuery>,
) -> Result<HttpResponse, PageError> {
    let id = query.into_inner().id.ok_or(AppError::RequestNotFound)?;
    render(&state, &mut user, id, None).await
}

async fn render(
    state: &AppState,
    user: &mut CurrentUser,
    id: String,
    error: Option<AppError>,
) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let expiry = state.request_expiry;
    let (found, access, party) = state.db(move |conn| change_requests::context(conn, &id, expiry)).await?;
    let represents = user.represent(state, &party.org_no).await?;
    let open = found.is_open();
    let manager = represents && user.actor.is_access_manager();
    let (pid, org, adds) = (user.actor.pid.clone(), party.org_no.clone(), found.add_rights.clone());
    let packages = UserType::of(&access.user.user_type).delegated_packages(&found.add_packages).to_vec();
    let (missing, assigners) = state
        .db(move |conn| {
            let missing =
                if open && manager { delegation::missing_for(conn, &pid, &org, &adds, &packages)? } else { Vec::new() };
            Ok((missing, actor::role_assigner_names(conn, &org)?))
        })
        .await?;
    let standing =
        Standing { represents, party_name: &party.name, timed_out: found.timed_out, status: found.status(), manager };
    let state_message = standing.closed_reason(&i);
    let status = standing.http_status(error.as_ref());
    let ChangeDetails { request, add_rights, remove_rights, add_packages, remove_packages, .. } = found;
    let page = ChangePage {
        i,
        layout: Layout::new(user),
        id: request.id,
        title: access.user.integration_title,
        system_name: access.system.name,
        vendor_name: access.vendor.name,
        party_name: party.name,
        add_rights,
        remove_rights,
        add_packages,
        remove_packages,
        state_message,
        error: error.map(|e| i.t(e.text_key())),
        missing: missing::rows(&i, &missing),
        assigners: join_or(&i, &assigners),
        can_approve: open && manager && missing.is_empty(),
        can_reject: open && manager,
        decision_path: "changerequest",
        show_details: represents,
    };
    html(status, &page)
}

pub async fn approve(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    decide(state, user, form.into_inner(), true).await
}

pub async fn reject(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    decide(state, user, form.into_inner(), false).await
}

async fn decide(
    state: web::Data<AppState>,
    mut user: CurrentUser,
    form: DecisionForm,
    approve: bool,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    let (pid, id, expiry) = (user.actor.pid.clone(), form.id.clone(), state.request_expiry);
    let outcome = state
        .db(move |conn| {
            if approve {
                change_requests::approve(conn, &pid, &id, expiry)
            } else {
                change_requests::reject(conn, &pid, &id, expiry)
            }
        })
        .await;
    match outcome {
        Ok(done) => Ok(see_other(&match done.request.redirect_url {
            Some(url) => url,
            None => format!("/accessmanagement/ui/systemuser/{}", done.request.system_user_id),
        })),
        Err(e) if shown_on_page(&e) => render(&state, &mut user, form.id, Some(e)).await,
        Err(e) => Err(e.into()),
    }
}
