//! Ours, beyond Altinn (docs/altinn-wire.md §11): the vendor's change feed, in the shape of
//! Altinn's consent feed, its webhooks, and the vendor letting go of a system user.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::dto::Problem;
use super::problem::ApiError;
use crate::app::config::Mode;
use crate::app::state::AppState;
use crate::db::webhooks::{DeliveryRow, Webhook};
use crate::domain::{system_users, vendor_events, webhooks};
use crate::error::AppError;

/// Events a page of the feed holds.
const FEED_PAGE: i64 = 100;
const FEED_PATH: &str = "/authentication/api/v1/systemuser/vendor/events";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The position to read after, from `links.next`; none reads from the start.
    #[param(pattern = "^[0-9]+$")]
    pub token: Option<String>,
}

/// One thing that happened to a request or a system user of the vendor's systems.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VendorEvent {
    /// The event's id; the same in the feed and in every delivery (`webhook-id`).
    pub id: String,
    /// `systemuser.created`, `systemuser.deleted`, `systemuser.changed`,
    /// `systemuser.client.added`, `systemuser.client.removed`, `request.accepted`,
    /// `request.rejected`, `changerequest.accepted`, `changerequest.rejected`, `request.timedout`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When, in UTC.
    pub time: String,
    pub system_id: String,
    /// None for a request that made no system user (rejected, timed out).
    pub system_user_id: Option<String>,
    pub party_org_no: String,
    pub external_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_org_no: Option<String>,
    /// Who deleted the system user: `customer`, `vendor`, `register` or `operator`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedLinks {
    /// Always given: the position after this page's last event. Poll it for what comes.
    pub next: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedPage {
    pub links: FeedLinks,
    pub data: Vec<VendorEvent>,
}

/// The vendor's events, oldest first, 100 a page. `links.next` is always given and is the
/// position after the last event shown: polling it never misses an event, also when
/// several nodes commit at once.
#[utoipa::path(get, path = "/authentication/api/v1/systemuser/vendor/events", tag = "vendor events",
    params(FeedQuery),
    responses((status = 200, body = FeedPage), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"]), ("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn vendor_events(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let after = match query.token.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(token) => token
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 0)
            .ok_or_else(|| AppError::BadRequest("the token is not a position this feed gave".into()))?,
    };
    let (bodies, next) = state.db(move |conn| vendor_events::feed(conn, &vendor, after, FEED_PAGE)).await?;
    let data = bodies
        .iter()
        .map(|body| serde_json::from_str(body))
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::Internal(format!("a stored event: {e}")))?;
    let links = FeedLinks { next: format!("{}{FEED_PATH}?token={next}", state.public_url) };
    Ok(HttpResponse::Ok().json(FeedPage { links, data }))
}

/// The vendor lets go of one of its system users, standard or agent (an agent's clients
/// are taken off too). Another vendor's is 404. Tokens for it stop at once.
#[utoipa::path(delete, path = "/authentication/api/v1/systemuser/vendor/{system_user_id}", tag = "system users",
    params(("system_user_id" = String, Path)),
    responses((status = 202, description = "Deleted"), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.write"])))]
pub async fn delete_system_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let id = id.into_inner();
    state.db(move |conn| system_users::delete_by_vendor(conn, &vendor, &id)).await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhookBody {
    /// https; http only to a loopback address in demo mode.
    pub url: String,
    /// The event types wanted; none or empty for all.
    pub types: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookResponse {
    pub id: String,
    pub url: String,
    /// Empty: every type.
    pub types: Vec<String>,
    pub active: bool,
    /// Why it was turned off (a receiver that answered 410 Gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// The signing secret (`whsec_…`), shown once: in the answer that made the webhook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl WebhookResponse {
    fn new(webhook: Webhook, with_secret: bool) -> Self {
        WebhookResponse {
            types: webhooks::types_of(&webhook),
            secret: with_secret.then_some(webhook.secret),
            id: webhook.id,
            url: webhook.url,
            active: webhook.active,
            disabled_reason: webhook.disabled_reason,
        }
    }
}

/// Registers a webhook: every event of the vendor (or of the types asked for) is pushed
/// to it as a CloudEvent, signed as Standard Webhooks says, at least once.
#[utoipa::path(post, path = "/systemtilgang/api/v1/vendor/webhooks", tag = "vendor events",
    request_body = NewWebhookBody,
    responses((status = 201, body = WebhookResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"]), ("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn add_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    body: super::body::Body<NewWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let body = body.decode()?;
    let asked = webhooks::NewWebhook { url: body.url, types: body.types };
    let demo = state.mode == Mode::Demo;
    let made = state.db(move |conn| webhooks::create(conn, &vendor, asked, demo)).await?;
    let location = format!("{}/systemtilgang/api/v1/vendor/webhooks/{}", state.public_url, made.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(WebhookResponse::new(made, true)))
}

/// The vendor's webhooks (without their secrets).
#[utoipa::path(get, path = "/systemtilgang/api/v1/vendor/webhooks", tag = "vendor events",
    responses((status = 200, body = Vec<WebhookResponse>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"]), ("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn list_webhooks(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let hooks = state.db(move |conn| webhooks::list(conn, &vendor)).await?;
    Ok(HttpResponse::Ok().json(hooks.into_iter().map(|w| WebhookResponse::new(w, false)).collect::<Vec<_>>()))
}

/// Deletes one of the vendor's webhooks with what was still to be delivered to it.
#[utoipa::path(delete, path = "/systemtilgang/api/v1/vendor/webhooks/{id}", tag = "vendor events",
    params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"]), ("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let id = id.into_inner();
    state.db(move |conn| webhooks::delete(conn, &vendor, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One event's delivery to a webhook.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryResponse {
    pub event_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    /// `pending` (to be tried, or tried again), `delivered`, `failed` (given up, or the
    /// receiver said 410 Gone) or `cancelled` (the webhook was turned off).
    pub status: String,
    pub attempts: i64,
    /// When the event was queued, in UTC.
    pub created: String,
    /// When it was last tried, in UTC.
    pub time: Option<String>,
    /// The receiver's HTTP status at the last try; none when it did not answer.
    pub answer_code: Option<i64>,
    pub error: Option<String>,
}

impl From<DeliveryRow> for DeliveryResponse {
    fn from(row: DeliveryRow) -> Self {
        let utc = |at: chrono::NaiveDateTime| at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        DeliveryResponse {
            event_id: row.event_id,
            event_type: row.event_type,
            status: row.state,
            attempts: row.attempts,
            created: utc(row.created),
            time: row.last_at.map(utc),
            answer_code: row.last_code,
            error: row.last_error,
        }
    }
}

/// The webhook's most recent deliveries (100), newest first.
#[utoipa::path(get, path = "/systemtilgang/api/v1/vendor/webhooks/{id}/deliveries", tag = "vendor events",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<DeliveryResponse>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("vendor" = ["altinn:authentication/systemuser.request.read"]), ("vendor" = ["altinn:authentication/systemregister.write"])))]
pub async fn webhook_deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let vendor = caller.vendor()?;
    let id = id.into_inner();
    let rows = state.db(move |conn| webhooks::deliveries(conn, &vendor, &id)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(DeliveryResponse::from).collect::<Vec<_>>()))
}
