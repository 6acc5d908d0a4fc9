//! A vendor's change request as the end user sees it: what is added and removed on an
//! existing system access, with Approve and Reject.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::decision::{Decision, DecisionForm, IdQuery, alerts, http_status, shown_on_page};
use super::error_page::PageError;
use super::granted::{self, Granted};
use super::login::log_out_then;
use super::missing::{self, MissingRow};
use super::{CurrentUser, Layout, Naming, Visitor, access_title, cookie, html, join_or, see_other};
use crate::app::state::AppState;
use crate::domain::change_requests::{self, ChangeContext, ChangeDetails};
use crate::error::AppError;
use crate::i18n::I18n;
use crate::paths;

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
    /// The vendor's reference of the access, when it tells it from another (its title is
    /// in the introduction).
    naming: Naming,
    /// What the access holds today, marked where the change takes it away.
    today: Vec<Granted>,
    /// What it holds after the change, marked where it is added and where the person
    /// cannot give it.
    after: Vec<Granted>,
    state_message: Option<String>,
    error: Option<String>,
    missing: Vec<MissingRow>,
    assigners: String,
    can_approve: bool,
    can_reject: bool,
    /// Where the Approve and Reject forms post (`…/{decision_path}/approve`).
    decision_path: &'static str,
    show_details: bool,
    /// Never: agent system users take no change requests (the decision forms ask).
    is_agent: bool,
    /// Opened from the vendor's link: the forms say so.
    from_vendor: bool,
}

pub async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<IdQuery>,
) -> Result<HttpResponse, PageError> {
    let from_vendor = query.opened_from_vendor();
    let id = query.into_inner().id.ok_or(AppError::RequestNotFound)?;
    let expiry = state.request_expiry;
    let (user, ctx) =
        visitor.with(&state, move |conn, actor| change_requests::open_for(conn, actor, &id, expiry)).await?;
    show(&user, ctx, from_vendor)
}

fn show(user: &CurrentUser, ctx: ChangeContext, from_vendor: bool) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let handling = &ctx.handling;
    let status = http_status(handling);
    // Why the last decision posted here was refused, said once.
    let refused = cookie::take_alert(&user.session, &ctx.change.request.id).map(|alert| alert.message);
    let (error, state_message) = alerts(&i, handling, refused);
    let ChangeDetails { request, add_rights, remove_rights, add_packages, remove_packages, .. } = ctx.change;
    let change = granted::Change {
        rights: &ctx.access.rights,
        packages: &ctx.access.packages,
        add_rights: &add_rights,
        remove_rights: &remove_rights,
        add_packages: &add_packages,
        remove_packages: &remove_packages,
    };
    let (today, after) = change.today_and_after(&i, &handling.missing);
    let page = ChangePage {
        i,
        layout: Layout::new(user).at(&i, Vec::new(), i.t("change.crumb")),
        id: request.id,
        naming: Naming::new(
            &i,
            None,
            ctx.access.system.display_names(),
            &ctx.access.user.external_ref,
            &ctx.access.user.party_org_no,
        ),
        title: access_title(&i, ctx.access.user.integration_title, ctx.access.system.display_names()),
        system_name: i.pick(ctx.access.system.display_names()).to_owned(),
        vendor_name: ctx.access.vendor.name,
        state_message,
        party_name: ctx.party.name,
        today,
        after,
        error,
        missing: missing::rows(&i, &handling.missing),
        assigners: join_or(&i, &handling.role_assigners),
        can_approve: handling.may_approve(),
        can_reject: handling.may_reject(),
        decision_path: paths::CHANGE_REQUEST,
        show_details: handling.represents(),
        is_agent: false,
        from_vendor,
    };
    html(status, &page)
}

/// Approves or rejects the change, then on to the vendor's page or the system access.
pub async fn decide(
    state: web::Data<AppState>,
    user: CurrentUser,
    decision: web::Path<Decision>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let (decision, form) = (decision.into_inner(), form.into_inner());
    user.verify_csrf(&form.csrf)?;
    let (pid, id, expiry) = (user.actor.pid.clone(), form.id.clone(), state.request_expiry);
    let outcome = state
        .db(move |conn| match decision {
            Decision::Approve => change_requests::approve(conn, &pid, &id, expiry),
            Decision::Reject => change_requests::reject(conn, &pid, &id, expiry),
        })
        .await;
    match outcome {
        Ok(done) => match done.request.redirect_url.as_deref() {
            Some(back) if form.logs_out(&state) => log_out_then(&state, &user, back).await,
            Some(back) => Ok(see_other(back)),
            None => Ok(see_other(&format!("/accessmanagement/ui/systemuser/{}", done.request.system_user_id))),
        },
        Err(e) if shown_on_page(&e) => form.refused(&user.session, &e, paths::CHANGE_REQUEST),
        Err(e) => Err(e.into()),
    }
}
