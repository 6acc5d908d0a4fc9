//! Switching the party the user acts for: a menu in the header, and a searchable list
//! for people who can act for many organisations.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::error_page::PageError;
use super::{CurrentUser, Layout, local_path, ok, see_other};
use crate::app::state::AppState;
use crate::db::parties::search_key;
use crate::domain::actor::Party;
use crate::i18n::I18n;

/// Parties listed at most on the search page; more are found by searching.
const SHOWN: usize = 50;

#[derive(Template)]
#[template(path = "party.html")]
struct PartyPage {
    i: I18n,
    layout: Layout,
    query: String,
    parties: Vec<Party>,
    more: usize,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

#[derive(Deserialize)]
pub struct SwitchForm {
    org_no: String,
    csrf: String,
    next: Option<String>,
}

pub async fn page(user: CurrentUser, query: web::Query<SearchQuery>) -> Result<HttpResponse, PageError> {
    let query = query.into_inner().q.unwrap_or_default();
    let needle = search_key(&query);
    let matching: Vec<Party> = user
        .actor
        .parties
        .iter()
        .filter(|p| needle.is_empty() || search_key(&p.name).contains(&needle) || p.org_no.contains(&needle))
        .cloned()
        .collect();
    let more = matching.len().saturating_sub(SHOWN);
    let i = I18n::current();
    ok(&PartyPage {
        i,
        layout: Layout::new(&user).at(&i, Vec::new(), i.t("party.title")),
        query,
        parties: matching.into_iter().take(SHOWN).collect(),
        more,
    })
}

pub async fn switch(
    state: web::Data<AppState>,
    mut user: CurrentUser,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    user.switch_party(&state, &form.org_no).await?;
    Ok(see_other(&local_path(form.next.as_deref())))
}
