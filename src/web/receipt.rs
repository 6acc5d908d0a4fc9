//! Receipts: the portal's own after a request without a redirect URL, and the demo
//! stand-in for a vendor's receipt page.

use super::decision::IdQuery;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::error_page::PageError;
use super::{Layout, Naming, Visitor, ok};
use crate::app::state::AppState;
use crate::domain::clients::Through;
use crate::domain::requests::{self, RequestStatus, UserType};
use crate::error::AppError;
use crate::i18n::I18n;

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    i: I18n,
    layout: Layout,
    approved: bool,
    system_name: String,
    party_name: String,
    /// The vendor's title and reference, when they tell it from another request.
    naming: Naming,
    id: String,
    /// For an agent access for the party's own use, just approved, by someone who may add
    /// the party itself: the party's name, offered to be added at once.
    own_firm: Option<String>,
}

#[derive(Template)]
#[template(path = "demo_receipt.html")]
struct DemoReceiptPage {
    i: I18n,
}

pub async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<IdQuery>,
) -> Result<HttpResponse, PageError> {
    let (id, expiry) = (query.into_inner().id.ok_or(AppError::RequestNotFound)?, state.request_expiry);
    let (user, ctx) = visitor.with(&state, move |conn, actor| requests::context(conn, &actor.pid, &id, expiry)).await?;
    // Someone who cannot act for the party learns nothing about its requests.
    if !ctx.handling.represents() || ctx.details.status() == RequestStatus::New {
        return Err(AppError::RequestNotFound.into());
    }
    let i = I18n::current();
    let approved = ctx.details.status() == RequestStatus::Accepted;
    let own_use = ctx.details.user_type() == UserType::Agent && ctx.through == Some(Through::OwnUse);
    let page = ReceiptPage {
        own_firm: (approved && own_use && user.actor.is_access_manager()).then(|| ctx.party.name.clone()),
        i,
        layout: Layout::new(&user).at(&i, Vec::new(), i.t("receipt.title")),
        approved,
        system_name: i.pick(ctx.system.system.display_names()).to_owned(),
        naming: Naming::new(
            &i,
            ctx.details.request.integration_title.as_deref(),
            ctx.system.system.display_names(),
            &ctx.details.request.external_ref,
            &ctx.party.org_no,
        ),
        party_name: ctx.party.name,
        id: ctx.details.request.id,
    };
    ok(&page)
}

pub async fn demo_vendor_receipt() -> Result<HttpResponse, PageError> {
    ok(&DemoReceiptPage { i: I18n::current() })
}
