//! Wire types with Altinn's camelCase field names.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use super::problem::Problem;
use crate::db::clients::ClientDelegation;
use crate::db::parties::Organisation;
use crate::db::system_users::SystemUser;
use crate::db::systems::System;
use crate::domain::requests::{NewRequest, RequestDetails, UserType};
use crate::error::AppError;

const RESOURCE_ATTRIBUTE: &str = "urn:altinn:resource";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttributePair {
    pub id: String,
    pub value: String,
}

/// A right: the resource it concerns, as attribute pairs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RightDto {
    pub resource: Vec<AttributePair>,
}

impl RightDto {
    pub fn resource(id: String) -> Self {
        RightDto { resource: vec![AttributePair { id: RESOURCE_ATTRIBUTE.into(), value: id }] }
    }
}

/// The resource ids of rights, each of which must name exactly one resource.
pub fn resource_ids(rights: &[RightDto]) -> Result<Vec<String>, AppError> {
    rights
        .iter()
        .map(|right| match right.resource.as_slice() {
            [pair] if pair.id == RESOURCE_ATTRIBUTE && !pair.value.trim().is_empty() => {
                Ok(pair.value.trim().to_owned())
            }
            _ => Err(AppError::BadRequest(format!(
                "each right must name exactly one resource as {{\"id\":\"{RESOURCE_ATTRIBUTE}\",\"value\":\"…\"}}"
            ))),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccessPackageDto {
    pub urn: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateRequestBody {
    pub external_ref: Option<String>,
    pub system_id: String,
    pub party_org_no: String,
    #[serde(default)]
    pub rights: Vec<RightDto>,
    #[serde(default)]
    pub access_packages: Vec<AccessPackageDto>,
    pub redirect_url: Option<String>,
    pub integration_title: Option<String>,
}

impl CreateRequestBody {
    pub fn into_domain(self, user_type: UserType) -> Result<NewRequest, AppError> {
        let resource_ids = resource_ids(&self.rights)?;
        Ok(NewRequest {
            user_type,
            system_id: self.system_id,
            party_org_no: self.party_org_no,
            external_ref: self.external_ref,
            resource_ids,
            access_packages: self.access_packages.into_iter().map(|p| p.urn).collect(),
            redirect_url: self.redirect_url.filter(|u| !u.trim().is_empty()),
            integration_title: self.integration_title,
        })
    }
}

pub fn timestamp(at: chrono::NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestResponse {
    pub id: String,
    pub external_ref: String,
    pub system_id: String,
    pub party_org_no: String,
    pub rights: Vec<RightDto>,
    pub access_packages: Vec<AccessPackageDto>,
    pub status: String,
    pub redirect_url: Option<String>,
    pub integration_title: Option<String>,
    pub confirm_url: String,
    pub created: String,
    pub timed_out: bool,
}

impl RequestResponse {
    pub fn new(details: RequestDetails, public_url: &str) -> Self {
        let page = match details.user_type() {
            UserType::Standard => "request",
            UserType::Agent => "agentrequest",
        };
        let r = details.request;
        Self {
            confirm_url: format!("{public_url}/accessmanagement/ui/systemuser/{page}?id={}", r.id),
            rights: details.rights.into_iter().map(|res| RightDto::resource(res.id)).collect(),
            access_packages: details.packages.into_iter().map(|p| AccessPackageDto { urn: p.urn }).collect(),
            status: if details.timed_out { "Timedout".into() } else { r.status.as_str().into() },
            created: timestamp(r.created),
            timed_out: details.timed_out,
            id: r.id,
            external_ref: r.external_ref,
            system_id: r.system_id,
            party_org_no: r.party_org_no,
            redirect_url: r.redirect_url,
            integration_title: r.integration_title,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemUserResponse {
    pub id: String,
    pub integration_title: String,
    pub system_id: String,
    pub system_internal_id: String,
    pub product_name: String,
    pub party_org_no: String,
    pub reportee_org_no: String,
    pub external_ref: String,
    pub user_type: String,
    pub supplier_org_no: String,
    pub created: String,
    pub is_deleted: bool,
    /// The access packages of an agent system user (empty for a standard one).
    pub access_packages: Vec<AccessPackageDto>,
}

impl SystemUserResponse {
    pub fn new(user: SystemUser, system: &System, packages: Vec<String>) -> Self {
        Self {
            access_packages: packages.into_iter().map(|urn| AccessPackageDto { urn }).collect(),
            integration_title: user.integration_title,
            system_internal_id: system.id.clone(),
            product_name: system.name.clone(),
            reportee_org_no: user.party_org_no.clone(),
            party_org_no: user.party_org_no,
            supplier_org_no: system.vendor_org_no.clone(),
            created: timestamp(user.created),
            is_deleted: user.deleted_at.is_some(),
            id: user.id,
            system_id: user.system_id,
            external_ref: user.external_ref,
            user_type: user.user_type.as_str().into(),
        }
    }
}

/// A client attached to an agent system user.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientResponse {
    pub client_id: String,
    pub client_organization_number: String,
    pub client_organization_name: String,
}

impl ClientResponse {
    pub fn new(delegation: ClientDelegation, organisation: Organisation) -> Self {
        Self {
            client_id: delegation.id,
            client_organization_number: organisation.org_no,
            client_organization_name: organisation.name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    pub next: Option<String>,
}

/// One page of a list; `links.next` fetches the following page, null on the last.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    pub links: Links,
    pub data: Vec<T>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Continuation token: the id of the last item on the previous page.
    pub token: Option<String>,
}

impl<T> Paginated<T> {
    /// Builds a page from up to `page_size + 1` items: the extra one only says there is more.
    pub fn from_items<I>(
        mut items: Vec<I>,
        page_size: i64,
        base: &str,
        id: impl Fn(&I) -> &str,
        map: impl FnMut(I) -> T,
    ) -> Self {
        let more = items.len() as i64 > page_size;
        items.truncate(page_size as usize);
        let next =
            more.then(|| items.last().map(|i| format!("{base}?token={}", crate::support::urlencode(id(i))))).flatten();
        Self { links: Links { next }, data: items.into_iter().map(map).collect() }
    }
}
