//! Wire types with Altinn's names and shapes (docs/altinn-wire.md §4): camelCase, members
//! without a value left out, and Altinn's paging.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::parties::Organisation;
use crate::db::system_users::SystemUser;
use crate::domain::requests::{NewRequest, RequestDetails, UserType};
use crate::error::AppError;
use crate::paths;
use crate::support::urlencode;

pub use super::problem::Problem;

const RESOURCE_ATTRIBUTE: &str = "urn:altinn:resource";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttributePair {
    pub id: String,
    pub value: String,
}

/// A right: the resource it concerns, as attribute pairs, and optionally an action.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RightDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub resource: Vec<AttributePair>,
}

impl RightDto {
    pub fn resource(id: String) -> Self {
        RightDto { action: None, resource: vec![AttributePair { id: RESOURCE_ATTRIBUTE.into(), value: id }] }
    }

    /// The resource id, when the right names one resource as `urn:altinn:resource`.
    pub fn resource_id(&self) -> Option<&str> {
        match self.resource.as_slice() {
            [pair] if pair.id == RESOURCE_ATTRIBUTE && !pair.value.trim().is_empty() => Some(pair.value.trim()),
            _ => None,
        }
    }
}

/// The resource ids of rights, each of which must name exactly one resource.
pub fn resource_ids(rights: &[RightDto]) -> Result<Vec<String>, AppError> {
    rights
        .iter()
        .map(|right| {
            right.resource_id().map(str::to_owned).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "each right must name exactly one resource as {{\"id\":\"{RESOURCE_ATTRIBUTE}\",\"value\":\"…\"}}"
                ))
            })
        })
        .collect()
}

pub fn rights(ids: impl IntoIterator<Item = String>) -> Vec<RightDto> {
    ids.into_iter().map(RightDto::resource).collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccessPackageDto {
    pub urn: String,
}

pub fn packages(urns: impl IntoIterator<Item = String>) -> Vec<AccessPackageDto> {
    urns.into_iter().map(|urn| AccessPackageDto { urn }).collect()
}

/// A request for a standard system user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateRequestBody {
    #[schema(min_length = 1, max_length = 255)]
    pub system_id: String,
    /// The organisation number of the party (nine digits).
    #[schema(pattern = "^[0-9]{9}$")]
    pub party_org_no: String,
    /// Defaults to `partyOrgNo`.
    #[schema(max_length = 255)]
    pub external_ref: Option<String>,
    /// Defaults to the system's name in bokmål.
    #[schema(max_length = 255)]
    pub integration_title: Option<String>,
    pub rights: Option<Vec<RightDto>>,
    pub access_packages: Option<Vec<AccessPackageDto>>,
    #[schema(max_length = 2048)]
    pub redirect_url: Option<String>,
}

/// A request for an agent system user, acting for an accounting firm's clients.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateAgentRequestBody {
    #[schema(min_length = 1, max_length = 255)]
    pub system_id: String,
    /// The organisation number of the party (nine digits).
    #[schema(pattern = "^[0-9]{9}$")]
    pub party_org_no: String,
    #[schema(max_length = 255)]
    pub external_ref: Option<String>,
    #[schema(max_length = 255)]
    pub integration_title: Option<String>,
    pub access_packages: Vec<AccessPackageDto>,
    #[schema(max_length = 2048)]
    pub redirect_url: Option<String>,
}

impl CreateRequestBody {
    pub fn into_domain(self) -> Result<NewRequest, AppError> {
        Ok(NewRequest {
            user_type: UserType::Standard,
            resource_ids: self.rights.as_deref().map(resource_ids).transpose()?,
            access_packages: self.access_packages.map(|ps| ps.into_iter().map(|p| p.urn).collect()),
            system_id: self.system_id,
            party_org_no: self.party_org_no,
            external_ref: self.external_ref,
            redirect_url: self.redirect_url,
            integration_title: self.integration_title,
        })
    }
}

impl CreateAgentRequestBody {
    pub fn into_domain(self) -> NewRequest {
        NewRequest {
            user_type: UserType::Agent,
            resource_ids: None,
            access_packages: Some(self.access_packages.into_iter().map(|p| p.urn).collect()),
            system_id: self.system_id,
            party_org_no: self.party_org_no,
            external_ref: self.external_ref,
            redirect_url: self.redirect_url,
            integration_title: self.integration_title,
        }
    }
}

/// Date and time in UTC, as RFC 3339.
pub fn timestamp(at: chrono::NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Where the end user approves a request: the portal page for its kind, with Altinn's
/// marker that the party is given.
pub fn confirm_url(public_url: &str, page: &str, id: &str) -> String {
    format!("{public_url}{page}?id={id}&DONTCHOOSEREPORTEE=true")
}

/// Where the `Location` of a new request points, as in Altinn (agent requests too).
pub fn request_location(public_url: &str, id: &str) -> String {
    format!("{public_url}/authentication/api/v1/systemuser/request/{id}")
}

/// How a request is shown: alone (with its `confirmUrl`) or as an item of a list (with
/// whether it was forwarded).
#[derive(Debug, Clone, Copy)]
pub enum Shown<'a> {
    Alone { public_url: &'a str },
    Listed,
}

/// A request for a standard system user, as Altinn answers it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestResponse {
    pub id: String,
    pub integration_title: String,
    pub external_ref: String,
    pub system_id: String,
    pub party_org_no: String,
    pub rights: Vec<RightDto>,
    pub access_packages: Vec<AccessPackageDto>,
    /// `New`, `Accepted`, `Rejected` or `Denied`; an expired request stays `New` with `timedOut`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Left out of list items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm_url: Option<String>,
    /// Forwarded to the party's access managers (always false on single answers, as in Altinn).
    pub escalated: bool,
    pub created: String,
    pub timed_out: bool,
}

/// A request for an agent system user: as [`RequestResponse`], without single rights.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentRequestResponse {
    pub id: String,
    pub integration_title: String,
    pub external_ref: String,
    pub system_id: String,
    pub party_org_no: String,
    pub access_packages: Vec<AccessPackageDto>,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm_url: Option<String>,
    pub escalated: bool,
    pub created: String,
    pub timed_out: bool,
}

impl RequestResponse {
    pub fn new(details: RequestDetails, shown: Shown) -> Self {
        let agent = AgentRequestResponse::new(details.clone(), shown);
        Self {
            rights: rights(details.rights.into_iter().map(|r| r.id)),
            id: agent.id,
            integration_title: agent.integration_title,
            external_ref: agent.external_ref,
            system_id: agent.system_id,
            party_org_no: agent.party_org_no,
            access_packages: agent.access_packages,
            status: agent.status,
            redirect_url: agent.redirect_url,
            confirm_url: agent.confirm_url,
            escalated: agent.escalated,
            created: agent.created,
            timed_out: agent.timed_out,
        }
    }
}

impl AgentRequestResponse {
    pub fn new(details: RequestDetails, shown: Shown) -> Self {
        let page = match details.user_type() {
            UserType::Standard => paths::REQUEST,
            UserType::Agent => paths::AGENT_REQUEST,
        };
        let r = details.request;
        let (confirm_url, escalated) = match shown {
            Shown::Alone { public_url } => (Some(confirm_url(public_url, page, &r.id)), false),
            Shown::Listed => (None, details.escalated),
        };
        Self {
            confirm_url,
            escalated,
            access_packages: packages(details.packages.into_iter().map(|p| p.urn)),
            status: r.status.as_str().into(),
            created: timestamp(r.created),
            timed_out: details.timed_out,
            integration_title: r.integration_title.unwrap_or_default(),
            id: r.id,
            external_ref: r.external_ref,
            system_id: r.system_id,
            party_org_no: r.party_org_no,
            redirect_url: r.redirect_url,
        }
    }
}

/// A system user as Altinn shows it to vendors (`SystemUserExternalDTO`, with the field
/// `supplierOrgno` spelled as Altinn spells it), and its access packages.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemUserResponse {
    pub id: String,
    pub integration_title: String,
    pub system_id: String,
    /// Always empty, as in Altinn.
    pub product_name: String,
    pub reportee_org_no: String,
    pub created: String,
    pub is_deleted: bool,
    /// Always empty, as in Altinn.
    pub supplier_name: String,
    #[serde(rename = "supplierOrgno")]
    pub supplier_orgno: String,
    pub external_ref: String,
    /// `standard` or `agent`.
    pub user_type: String,
    /// The access packages of an agent system user (empty for a standard one).
    pub access_packages: Vec<AccessPackageDto>,
}

impl SystemUserResponse {
    pub fn new(user: SystemUser, vendor_org_no: &str, packages: Vec<String>) -> Self {
        Self {
            access_packages: self::packages(packages),
            integration_title: user.integration_title,
            product_name: String::new(),
            reportee_org_no: user.party_org_no,
            supplier_name: String::new(),
            supplier_orgno: vendor_org_no.to_owned(),
            created: timestamp(user.created),
            is_deleted: user.deleted_at.is_some(),
            id: user.id,
            system_id: user.system_id,
            external_ref: user.external_ref,
            user_type: user.user_type.as_str().into(),
        }
    }
}

/// A client as Altinn's client lists name it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientResponse {
    /// The client's party UUID.
    pub client_id: String,
    pub client_organization_number: String,
    pub client_organization_name: String,
}

impl From<Organisation> for ClientResponse {
    fn from(org: Organisation) -> Self {
        Self { client_id: org.party_uuid, client_organization_number: org.org_no, client_organization_name: org.name }
    }
}

/// Where the next page is; left out on the last page (`"links":{}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// One page of a list; `links.next` fetches the following page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    pub links: Links,
    pub data: Vec<T>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The opaque continuation token from `links.next`.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    pub token: Option<String>,
}

impl PageQuery {
    /// The first key of the page asked for: the token is base64url (no padding) of the
    /// key as a JSON string, as Altinn makes it.
    pub fn first_key(&self) -> Result<Option<String>, AppError> {
        let Some(token) = &self.token else {
            return Ok(None);
        };
        URL_SAFE_NO_PAD
            .decode(token.trim())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<String>(&bytes).ok())
            .map(Some)
            .ok_or_else(|| AppError::BadRequest("the paging token is not one this API made".into()))
    }
}

/// Answers one page of a list: reads up to one more than a page from the key the
/// query's token names (`fetch` gets that key and the limit) and links to the rest.
pub async fn page<I, T>(
    req: &actix_web::HttpRequest,
    state: &crate::app::state::AppState,
    query: &PageQuery,
    fetch: impl FnOnce(&mut crate::db::DbConnection, Option<&str>, i64) -> Result<Vec<I>, AppError> + Send + 'static,
    key: impl Fn(&I) -> &str,
    map: impl FnMut(I) -> T,
) -> Result<actix_web::HttpResponse, super::problem::ApiError>
where
    I: Send + 'static,
    T: Serialize,
{
    let from = query.first_key()?;
    let base = format!("{}{}", state.public_url, req.path());
    let size = state.page_size;
    let items = state.db(move |conn| fetch(conn, from.as_deref(), size + 1)).await?;
    Ok(actix_web::HttpResponse::Ok().json(Paginated::from_items(items, size, &base, key, map)))
}

impl<T> Paginated<T> {
    /// A page from up to `size + 1` items in key order: the extra one is the first of the
    /// next page, whose key the `next` link (`base` and a `token`) carries.
    pub fn from_items<I>(
        mut items: Vec<I>,
        size: i64,
        base: &str,
        key: impl Fn(&I) -> &str,
        map: impl FnMut(I) -> T,
    ) -> Self {
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let next = items.get(size).map(|first_of_next| {
            let token = URL_SAFE_NO_PAD.encode(serde_json::Value::from(key(first_of_next)).to_string());
            let joiner = if base.contains('?') { '&' } else { '?' };
            format!("{base}{joiner}token={}", urlencode(&token))
        });
        items.truncate(size);
        Self { links: Links { next }, data: items.into_iter().map(map).collect() }
    }
}
