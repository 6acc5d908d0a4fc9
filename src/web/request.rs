//! A vendor's request as the end user sees it: what is asked, for whom, and Approve or
//! Reject. After either, the user goes back to the vendor's receipt URL.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::decision::{Decision, DecisionForm, IdQuery, alerts, http_status, shown_on_page};
use super::error_page::PageError;
use super::granted::{self, Granted};
use super::login::log_out_then;
use super::missing::{self, MissingRow};
use super::{CurrentUser, Layout, Naming, Visitor, cookie, html, join_and, join_or, see_other};
use crate::app::state::AppState;
use crate::domain::clients::Through;
use crate::domain::requests::{self, RequestContext, RequestDetails, UserType};
use crate::error::AppError;
use crate::i18n::I18n;
use crate::paths;

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
    /// The vendor's title and reference, when they tell it from another request.
    naming: Naming,
    /// Its services and access packages.
    granted: Vec<Granted>,
    is_agent: bool,
    /// An agent request whose packages come from clients; not one for the firm's own use.
    for_clients: bool,
    /// What the party is called beside its name: its relation to the clients it asks
    /// for (regnskapsfører, revisor, forretningsfører), else "Virksomhet".
    party_label: String,
    /// Why nothing can be done here now (handled, expired, other party, no role), if so.
    state_message: Option<String>,
    /// The outcome of a refused attempt, announced to screen readers.
    error: Option<String>,
    missing: Vec<MissingRow>,
    assigners: String,
    managers: Option<String>,
    can_approve: bool,
    can_reject: bool,
    /// Where the Approve and Reject forms post (`…/{decision_path}/approve`).
    decision_path: &'static str,
    show_details: bool,
    /// An access manager lacking a right can send the request to those who can give it
    /// ("Send forespørselen til STADIG KONSERT").
    forward_to: Option<String>,
    /// Someone who may not approve can forward the request to the access managers.
    can_escalate: bool,
    escalated_by: Option<String>,
    notice: Option<String>,
    /// Back to the vendor's system (its redirect URL and the link's text), after forwarding.
    back: Option<(String, String)>,
    /// The access that already does what the request asks, if one does.
    covered_href: Option<String>,
    /// Opened from the vendor's link: the forms say so (see [`DecisionForm::logs_out`]).
    from_vendor: bool,
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
    visitor: Visitor,
    query: web::Query<IdQuery>,
) -> Result<HttpResponse, PageError> {
    let from_vendor = query.opened_from_vendor();
    let id = query.into_inner().id.ok_or(AppError::RequestNotFound)?;
    let expiry = state.request_expiry;
    let (user, ctx) = visitor.with(&state, move |conn, actor| requests::open_for(conn, actor, &id, expiry)).await?;
    show(&user, &ctx, from_vendor)
}

fn show(user: &CurrentUser, ctx: &RequestContext, from_vendor: bool) -> Result<HttpResponse, PageError> {
    let i = I18n::current();
    let (details, handling) = (&ctx.details, &ctx.handling);
    let system_name = i.pick(ctx.system.system.display_names()).to_owned();
    // What the last form on this page did or why it was refused, said once.
    let refused = cookie::take_alert(&user.session, &details.request.id).map(|alert| alert.message);
    let (error, state_message) = alerts(&i, handling, refused);
    // Only forwarding's own notice, and never beside a refusal: one message takes the focus.
    let notice = cookie::take_notice(&user.session).filter(|(key, _)| key == FORWARDED && error.is_none());
    // After forwarding: to whom it went, and back to the vendor's system if it gave a way.
    let back = (details.request.redirect_url.as_ref())
        .filter(|_| notice.is_some())
        .map(|url| (url.clone(), i.t1("request.back_to", &system_name)));
    let page = RequestPage {
        i,
        layout: Layout::new(user).at(&i, Vec::new(), i.t("request.crumb")),
        id: details.request.id.clone(),
        system_name,
        vendor_name: ctx.system.vendor.name.clone(),
        vendor_org_no: ctx.system.vendor.org_no.clone(),
        party_name: ctx.party.name.clone(),
        party_org_no: ctx.party.org_no.clone(),
        naming: Naming::new(
            &i,
            details.request.integration_title.as_deref(),
            ctx.system.system.display_names(),
            &details.request.external_ref,
            &ctx.party.org_no,
        ),
        granted: granted::list(&i, &details.rights, &details.packages, &handling.missing),
        is_agent: details.user_type() == UserType::Agent,
        for_clients: ctx.through.as_ref().is_some_and(|t| *t != Through::OwnUse),
        party_label: match &ctx.through {
            Some(Through::One(role)) => capitalised(&i.t(&format!("relation.{role}"))),
            _ => i.t("common.party"),
        },
        state_message,
        error,
        missing: missing::rows(&i, &handling.missing),
        assigners: join_or(&i, &handling.role_assigners),
        managers: (handling.is_open() && !handling.access_manager).then(|| join_or(&i, &handling.access_managers)),
        can_approve: handling.may_approve(),
        can_reject: handling.may_reject(),
        decision_path: paths::REQUEST,
        show_details: handling.represents(),
        can_escalate: handling.may_forward() && !handling.access_manager,
        forward_to: (handling.may_forward() && handling.access_manager && !handling.role_assigners.is_empty())
            .then(|| i.t1("request.send_to", join_and(&i, &handling.role_assigners))),
        escalated_by: handling.forwarded_by.as_ref().map(|(name, at)| i.t2("request.escalated_by", name, i.date(at))),
        notice: notice.map(|(key, value)| i.t1(&key, value)),
        back,
        covered_href: handling.covered_by.as_ref().map(|id| format!("/accessmanagement/ui/systemuser/{id}")),
        from_vendor,
    };
    html(http_status(handling), &page)
}

/// Approves or rejects the request (of either kind), then on to the vendor's receipt.
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
            Decision::Approve => requests::approve(conn, &pid, &id, expiry),
            Decision::Reject => requests::reject(conn, &pid, &id, expiry),
        })
        .await;
    match outcome {
        Ok(details) => match details.request.redirect_url.as_deref() {
            Some(back) if form.logs_out(&state) => log_out_then(&state, &user, back).await,
            _ => Ok(after_decision(&details)),
        },
        // Refusals are shown on the request page itself, with the request's current state.
        Err(e) if shown_on_page(&e) => form.refused(&user.session, &e, paths::REQUEST),
        Err(e) => Err(e.into()),
    }
}

/// The notice after forwarding; its value names the access managers.
const FORWARDED: &str = "request.escalated";

/// "Send videre til tilgangsstyrer": forwards the request to the party's access managers.
pub async fn escalate(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    let (pid, id, expiry) = (user.actor.pid.clone(), form.id.clone(), state.request_expiry);
    match state.db(move |conn| requests::escalate(conn, &pid, &id, expiry)).await {
        Ok(managers) => {
            cookie::set_notice(&user.session, FORWARDED, &join_and(&I18n::current(), &managers))?;
            Ok(see_other(&format!("{}#notice", form.page(paths::REQUEST))))
        }
        Err(e) if shown_on_page(&e) => form.refused(&user.session, &e, paths::REQUEST),
        Err(e) => Err(e.into()),
    }
}

/// The word with a capital first letter, as a label beside a name.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
