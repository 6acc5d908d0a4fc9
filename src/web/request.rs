//! A vendor's request as the end user sees it: what is asked, for whom, and Approve or
//! Reject. After either, the user goes back to the vendor's receipt URL.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::handling::{Standing, shown_on_page};
use super::missing::{self, MissingRow};
use super::{CurrentUser, Layout, html, join_or, see_other};
use crate::db::packages::AccessPackage;
use crate::db::resources::Resource;
use crate::domain::requests::{self, RequestContext, RequestDetails, UserType};
use crate::domain::{actor, delegation};
use crate::error::{AppError, PageError};
use crate::i18n::I18n;
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    i: I18n,
    layout: Layout,
    id: String,
    system_name: String,
    vendor_name: String,
    vendor_org_no: String,
    party_name: String,
    party_org_no: String,
    rights: Vec<Resource>,
    packages: Vec<AccessPackage>,
    is_agent: bool,
    /// Why nothing can be done here now (handled, expired, other party, no role), if so.
    state_message: Option<String>,
    /// The outcome of a refused attempt, announced to screen readers.
    error: Option<String>,
    missing: Vec<MissingRow>,
    /// Why an access manager without the client administrator role cannot approve an
    /// agent request, and whom to ask.
    client_admin_needed: Option<String>,
    assigners: String,
    managers: Option<String>,
    can_approve: bool,
    can_reject: bool,
    /// Where the Approve and Reject forms post (`…/{decision_path}/approve`).
    decision_path: &'static str,
    show_details: bool,
    /// Someone who may not approve can forward the request to the access managers.
    can_escalate: bool,
    escalated_by: Option<String>,
    notice: Option<String>,
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

/// Where to send the user after a decision: the vendor's receipt, or ours.
fn after_decision(details: &RequestDetails) -> HttpResponse {
    match &details.request.redirect_url {
        Some(url) => see_other(url),
        None => see_other(&format!("/accessmanagement/ui/systemuser/receipt?id={}", details.request.id)),
    }
}

pub async fn page(
    state: web::Data<AppState>,
    mut user: CurrentUser,
    query: web::Query<IdQuery>,
) -> Result<HttpResponse, PageError> {
    let id = query.into_inner().id.ok_or(AppError::RequestNotFound)?;
    render(&state, &mut user, id, None, None).await
}

/// Renders the request for the user, switching to its party when they can represent it.
/// `error` explains a refused attempt; `notice` confirms what was just done.
async fn render(
    state: &AppState,
    user: &mut CurrentUser,
    id: String,
    error: Option<AppError>,
    notice: Option<String>,
) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let expiry = state.request_expiry;
    let ctx: RequestContext = state.db(move |conn| requests::context(conn, &id, expiry)).await?;
    let party = ctx.party.org_no.clone();
    let represents = user.represent(state, &party).await?;
    let details = &ctx.details;
    let open = details.is_open();
    let manager = represents && user.actor.is_access_manager();
    let (pid, org, rights, packages, request_id) = (
        user.actor.pid.clone(),
        party.clone(),
        details.rights.clone(),
        details.user_type().delegated_packages(&details.packages).to_vec(),
        details.request.id.clone(),
    );
    let needs_client_admin = open && manager && !requests::may_approve(details.user_type(), &user.actor.roles);
    let (missing, managers, assigners, client_admins, escalated_by) = state
        .db(move |conn| {
            let missing = if open && manager {
                delegation::missing_for(conn, &pid, &org, &rights, &packages)?
            } else {
                Vec::new()
            };
            let client_admins =
                if needs_client_admin { actor::client_administrator_names(conn, &org)? } else { Vec::new() };
            Ok((
                missing,
                actor::access_manager_names(conn, &org)?,
                actor::role_assigner_names(conn, &org)?,
                client_admins,
                requests::escalated_by(conn, &request_id)?,
            ))
        })
        .await?;
    let standing = Standing {
        represents,
        party_name: &ctx.party.name,
        timed_out: details.timed_out,
        status: details.status(),
        manager,
    };
    let state_message = standing.closed_reason(&i);
    let status = standing.http_status(error.as_ref());
    let page = RequestPage {
        i,
        layout: Layout::new(user),
        id: details.request.id.clone(),
        system_name: ctx.system.system.name.clone(),
        vendor_name: ctx.system.vendor.name.clone(),
        vendor_org_no: ctx.system.vendor.org_no.clone(),
        party_name: ctx.party.name.clone(),
        party_org_no: ctx.party.org_no.clone(),
        rights: details.rights.clone(),
        packages: details.packages.clone(),
        is_agent: details.user_type() == UserType::Agent,
        error: error.map(|e| i.t(e.text_key())),
        missing: missing::rows(&i, &missing),
        assigners: join_or(&i, &assigners),
        managers: (represents && open && !manager).then(|| join_or(&i, &managers)),
        client_admin_needed: needs_client_admin.then(|| match client_admins.as_slice() {
            [] => i.t("request.no_client_admin"),
            names => i.t1("request.needs_client_admin", join_or(&i, names)),
        }),
        can_approve: open && manager && missing.is_empty() && !needs_client_admin,
        can_reject: open && manager,
        decision_path: "request",
        show_details: represents,
        can_escalate: represents && open && !manager && escalated_by.is_none(),
        escalated_by: escalated_by.map(|name| i.t1("request.escalated_by", name)),
        notice,
        state_message,
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
            if approve { requests::approve(conn, &pid, &id, expiry) } else { requests::reject(conn, &pid, &id, expiry) }
        })
        .await;
    match outcome {
        Ok(details) => Ok(after_decision(&details)),
        // Refusals are shown on the request page itself, with the request's current state.
        Err(e) if shown_on_page(&e) => render(&state, &mut user, form.id, Some(e), None).await,
        Err(e) => Err(e.into()),
    }
}

/// "Send videre til tilgangsstyrer": forwards the request to the party's access managers.
pub async fn escalate(
    state: web::Data<AppState>,
    mut user: CurrentUser,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    let (pid, id, expiry) = (user.actor.pid.clone(), form.id.clone(), state.request_expiry);
    match state.db(move |conn| requests::escalate(conn, &pid, &id, expiry)).await {
        Ok(()) => {
            let notice = I18n::current().t("request.escalated");
            render(&state, &mut user, form.into_inner().id, None, Some(notice)).await
        }
        Err(e) if shown_on_page(&e) => render(&state, &mut user, form.into_inner().id, Some(e), None).await,
        Err(e) => Err(e.into()),
    }
}
