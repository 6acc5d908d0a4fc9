//! The organisation's activity log for an end-user system, as the portal shows it
//! (Altinn has it behind a flag: docs/altinn-wire.md §11), for a person's token.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::dto::{Links, Problem};
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::domain::activity::{self, Asked, Entry};
use crate::error::AppError;
use crate::i18n::I18n;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ActivityQuery {
    /// The organisation: its party UUID (or organisation number).
    pub party: String,
    /// One kind of activity (`systemuser.create`, `client.add`, `role.give`, …).
    pub type_id: Option<String>,
    /// Entries a page: 100 unless said, at most 1000.
    pub page_size: Option<i64>,
    /// From `links.next`.
    #[param(pattern = "^[0-9]+\\.[0-9]+$")]
    pub token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEntry {
    pub id: i64,
    /// When, in UTC.
    pub time: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind in the caller's language (`Accept-Language`; Norwegian bokmål by default).
    pub type_name: String,
    /// Who did it: a person's, the vendor's or `Enhetsregisteret`'s name.
    pub performed_by: String,
    /// `person`, `vendor`, `register` or `operator`.
    pub performed_by_type: String,
    /// The system access (or request), or the person given or taken a role.
    pub subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_org_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// The role given or taken, by its code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The organisation it was done for.
    pub on_behalf_of: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPage {
    pub links: Links,
    pub data: Vec<ActivityEntry>,
}

impl ActivityEntry {
    fn new(i: &I18n, e: Entry) -> Self {
        let type_name = i.t(&e.kind_key());
        let (client_org_no, client_name) = e.client.map(|(name, org_no)| (org_no, name)).unzip();
        ActivityEntry {
            id: e.id,
            time: e.at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            type_name,
            kind: e.kind,
            performed_by: e.actor_name,
            performed_by_type: e.actor.split(':').next().unwrap_or_default().to_owned(),
            subject: e.subject,
            client_org_no,
            client_name,
            role: e.role.map(|r| r.code().to_owned()),
            on_behalf_of: e.party_name,
        }
    }
}

/// The organisation's activity log, newest first, for one of its access managers.
#[utoipa::path(get, path = "/accessmanagement/api/v1/enduser/activitylog", tag = "activity log",
    params(ActivityQuery),
    responses((status = 200, body = ActivityPage), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("person" = ["altinn:portal/enduser"])))]
pub async fn activity_log(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ActivityQuery>,
) -> Result<HttpResponse, ApiError> {
    let pid = caller.person()?;
    let query = query.into_inner();
    let size = query.page_size.unwrap_or(100);
    if !(1..=1000).contains(&size) {
        return Err(AppError::BadRequest("pageSize is from 1 to 1000".into()).into());
    }
    let asked = Asked { kind: query.type_id.as_deref().map(activity::checked_kind).transpose()?, ..Default::default() };
    let after = query.token.as_deref().map(activity::read_position).transpose()?;
    let party = query.party.trim().to_owned();
    let page = state.db(move |conn| activity::page_for_person(conn, &pid, &party, &asked, after, size)).await?;
    let next = page.next.map(|last| {
        let mut url = url::Url::parse(&format!("{}{}", state.public_url, req.path())).expect("our own URL");
        url.query_pairs_mut().append_pair("party", &query.party);
        if let Some(kind) = &query.type_id {
            url.query_pairs_mut().append_pair("typeId", kind);
        }
        url.query_pairs_mut()
            .append_pair("pageSize", &size.to_string())
            .append_pair("token", &activity::position(last));
        url.to_string()
    });
    let i = I18n::current();
    let data = page.entries.into_iter().map(|e| ActivityEntry::new(&i, e)).collect();
    Ok(HttpResponse::Ok().json(ActivityPage { links: Links { next }, data }))
}
