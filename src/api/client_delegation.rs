//! Client delegation for end-user systems (docs/altinn-wire.md §3.5): a person, through an
//! accounting system, lists the firm's agent system users and adds or removes their
//! clients, under the portal's rules (client administrator, eligibility) and audit.
//! Clients are named by party UUID. Altinn does not page these lists; we do, with
//! `links.next` as everywhere else.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::dto::{ClientResponse, Links, PageQuery, Paginated, Problem, SystemUserResponse};
use super::problem::ApiError;
use crate::app::state::AppState;
use crate::db::DbConnection;
use crate::db::clients::ClientDelegation;
use crate::db::parties::Organisation;
use crate::db::system_users::SystemUser;
use crate::domain::clients::{self, AgentListing, ClientRef, Worker};
use crate::error::{AppError, FieldError};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartyQuery {
    /// The organisation number of the firm.
    #[param(pattern = "^[0-9]{9}$")]
    pub party: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgentQuery {
    /// The id of the agent system user.
    #[param(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub agent: Option<String>,
    /// The opaque continuation token from `links.next`.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    pub token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientQuery {
    /// The id of the agent system user.
    #[param(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub agent: Option<String>,
    /// The party UUID of the client.
    #[param(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub client: Option<String>,
}

/// An agent system user as the client API lists it (Altinn's SystemUserInternalDTO).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentResponse {
    #[serde(flatten)]
    pub user: SystemUserResponse,
    pub system_internal_id: String,
    /// Altinn's numeric party id; we have none, so always `""`.
    pub party_id: String,
    #[serde(rename = "partyUuId")]
    pub party_uuid: String,
}

impl AgentResponse {
    fn new(agent: AgentListing) -> Self {
        Self {
            user: SystemUserResponse::new(agent.user, &agent.system.vendor_org_no, agent.packages),
            system_internal_id: agent.system.internal_id,
            party_id: String::new(),
            party_uuid: agent.party.party_uuid,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemUserInformation {
    pub system_user_id: String,
    pub system_user_owner_org: String,
}

/// One page of clients of an agent system user (Altinn's ClientList).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientList {
    pub links: Links,
    pub data: Vec<ClientResponse>,
    pub system_user_information: SystemUserInformation,
}

impl ClientList {
    fn new(user: &SystemUser, page: Paginated<ClientResponse>) -> Self {
        Self {
            links: page.links,
            data: page.data,
            system_user_information: SystemUserInformation {
                system_user_id: user.id.clone(),
                system_user_owner_org: user.party_org_no.clone(),
            },
        }
    }
}

/// The answer to adding or removing a client.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientChange {
    /// The agent system user.
    pub agent: String,
    /// The client's party UUID.
    pub client: String,
}

/// A query parameter that must be a UUID, else the validation error Altinn gives for it.
fn uuid_param(value: Option<&str>, code: &'static str, path: &'static str, what: &str) -> Result<String, AppError> {
    value
        .map(str::trim)
        .and_then(|v| uuid::Uuid::parse_str(v).ok())
        .map(|id| id.to_string())
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new(code, path, format!("{what} must be a UUID"))]))
}

fn agent_param(value: Option<&str>) -> Result<String, AppError> {
    uuid_param(value, "AUTH.VLD-00014", "?agent", "agent")
}

/// The domain's answers about the agent as Altinn words them for this API.
fn as_agent_error(error: AppError) -> AppError {
    let invalid = |code, title, detail: &str| {
        let mut field = FieldError::new(code, "?agent", detail);
        field.title = title;
        AppError::Invalid(vec![field])
    };
    match error {
        AppError::SystemUserNotFound => {
            invalid("AUTH.VLD-00014", Some("System user not found"), "no such agent system user")
        }
        AppError::NotAnAgent => invalid("AUTH.VLD-00015", None, "the system user is not of type agent"),
        other => other,
    }
}

/// The agent system users of a party, for one of its client administrators.
#[utoipa::path(get, path = "/authentication/api/v1/enduser/systemuser/agents", tag = "client delegation",
    params(PartyQuery),
    responses((status = 200, body = Vec<AgentResponse>), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("person" = ["altinn:clientdelegations.read"])))]
pub async fn list_agents(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PartyQuery>,
) -> Result<HttpResponse, ApiError> {
    let pid = caller.person()?;
    let party = query.into_inner().party.map(|p| p.trim().to_owned()).unwrap_or_default();
    let agents = state.db(move |conn| clients::agents_of(conn, &pid, &party)).await?;
    Ok(HttpResponse::Ok().json(agents.into_iter().map(AgentResponse::new).collect::<Vec<_>>()))
}

/// The firm's clients that can be added to the agent system user and are not yet: each
/// has given the firm every access package it carries. By organisation number.
#[utoipa::path(get, path = "/authentication/api/v1/enduser/systemuser/clients/available", tag = "client delegation",
    params(AgentQuery),
    responses((status = 200, body = ClientList), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("person" = ["altinn:clientdelegations.read"])))]
pub async fn available_clients(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AgentQuery>,
) -> Result<HttpResponse, ApiError> {
    client_list(req, state, caller, query.into_inner(), clients::available, |o| &o.org_no, ClientResponse::from).await
}

/// The clients attached to the agent system user, in a stable order.
#[utoipa::path(get, path = "/authentication/api/v1/enduser/systemuser/clients", tag = "client delegation",
    params(AgentQuery),
    responses((status = 200, body = ClientList), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("person" = ["altinn:clientdelegations.read"])))]
pub async fn attached_clients(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AgentQuery>,
) -> Result<HttpResponse, ApiError> {
    let map = |(_, org): (ClientDelegation, Organisation)| ClientResponse::from(org);
    client_list(req, state, caller, query.into_inner(), clients::attached, |(d, _)| &d.id, map).await
}

/// A domain listing of an agent's clients: from a key on, at most so many.
type Listing<I> = fn(&mut DbConnection, Worker, &str, Option<&str>, i64) -> Result<(SystemUser, Vec<I>), AppError>;

/// Answers one page of a list of an agent's clients, keyed by `key`.
async fn client_list<I: Send + 'static>(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: AgentQuery,
    list: Listing<I>,
    key: impl Fn(&I) -> &str,
    map: impl FnMut(I) -> ClientResponse,
) -> Result<HttpResponse, ApiError> {
    let pid = caller.person()?;
    let agent = agent_param(query.agent.as_deref())?;
    let from = PageQuery { token: query.token }.first_key()?;
    let size = state.page_size;
    let (user, found) = state
        .db(move |conn| list(conn, Worker::person(&pid), &agent, from.as_deref(), size + 1))
        .await
        .map_err(as_agent_error)?;
    let base = format!("{}{}?agent={}", state.public_url, req.path(), user.id);
    let page = Paginated::from_items(found, size, &base, key, map);
    Ok(HttpResponse::Ok().json(ClientList::new(&user, page)))
}

/// Adds a client to the agent system user; adding one already there changes nothing.
#[utoipa::path(post, path = "/authentication/api/v1/enduser/systemuser/clients", tag = "client delegation",
    params(ClientQuery),
    responses((status = 200, body = ClientChange), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("person" = ["altinn:clientdelegations.write"])))]
pub async fn add_client(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ClientQuery>,
) -> Result<HttpResponse, ApiError> {
    change(state, caller, query.into_inner(), ClientEdit::Add).await
}

/// Removes a client from the agent system user; its delegation ends at once.
#[utoipa::path(delete, path = "/authentication/api/v1/enduser/systemuser/clients", tag = "client delegation",
    params(ClientQuery),
    responses((status = 200, body = ClientChange), (status = "4XX", body = Problem, content_type = "application/problem+json")),
    security(("person" = ["altinn:clientdelegations.write"])))]
pub async fn remove_client(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ClientQuery>,
) -> Result<HttpResponse, ApiError> {
    change(state, caller, query.into_inner(), ClientEdit::Remove).await
}

#[derive(Clone, Copy)]
enum ClientEdit {
    Add,
    Remove,
}

async fn change(
    state: web::Data<AppState>,
    caller: Caller,
    query: ClientQuery,
    change: ClientEdit,
) -> Result<HttpResponse, ApiError> {
    let pid = caller.person()?;
    let agent = agent_param(query.agent.as_deref())?;
    let client = uuid_param(query.client.as_deref(), "AUTH.VLD-00016", "?client", "client")?;
    let (id, party_uuid) = (agent.clone(), client.clone());
    state
        .db(move |conn| {
            let (worker, client) = (Worker::person(&pid), ClientRef::PartyUuid(&party_uuid));
            match change {
                ClientEdit::Add => clients::add(conn, worker, &id, client).map(drop),
                ClientEdit::Remove => clients::remove(conn, worker, &id, client).map(drop),
            }
        })
        .await
        .map_err(as_agent_error)?;
    Ok(HttpResponse::Ok().json(ClientChange { agent, client }))
}
