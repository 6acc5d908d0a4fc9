//! Request bodies as the API reads them: taken whole first and decoded only when the
//! handler asks, after it has checked the caller's scope, so a token without the scope
//! gets 403 whatever it sends. Decoding reads JSON as Altinn's ASP.NET does: member names
//! in any case (`allowedredirecturls`, `Id`), unknown members ignored, and, where Altinn
//! trims, strings trimmed.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;

use super::problem::ApiError;
use crate::error::AppError;

/// The largest body the API reads: a system with long descriptions in three languages
/// fits many times over.
pub const LIMIT: usize = 256 * 1024;

/// A JSON body, read but not yet decoded.
pub struct Body<T> {
    bytes: web::Bytes,
    kind: PhantomData<T>,
}

/// Every member name the API reads, as its types spell them; a name sent in another case
/// is read as this one. (`ID` of an organisation claim also answers to `id`.)
const MEMBERS: &[&str] = &[
    "id",
    "externalRef",
    "systemId",
    "partyOrgNo",
    "rights",
    "accessPackages",
    "redirectUrl",
    "integrationTitle",
    "resource",
    "value",
    "action",
    "urn",
    "vendor",
    "authority",
    "name",
    "description",
    "clientId",
    "allowedRedirectUrls",
    "isVisible",
    "isDeleted",
    "systemUserId",
    "requiredRights",
    "unwantedRights",
    "requiredAccessPackages",
    "unwantedAccessPackages",
    "subject",
    "keys",
    "orgNo",
    "scopes",
    "jwks",
    "url",
    "types",
    // XACML 3.0's JSON profile, as the PDP reads it.
    "request",
    "returnPolicyIdList",
    "combinedDecision",
    "xPathVersion",
    "category",
    "accessSubject",
    "recipientSubject",
    "intermediarySubject",
    "requestingMachine",
    "multiRequests",
    "requestReference",
    "referenceId",
    "categoryId",
    "content",
    "attribute",
    "attributeId",
    "issuer",
    "dataType",
    "includeInResult",
];

/// Members whose value is a map of the vendor's own keys (languages), left as sent.
const FREE_MAPS: [&str; 2] = ["name", "description"];

/// The document with member names in their canonical case, and strings trimmed when
/// `trim` is set.
fn canonical(value: serde_json::Value, trim: bool) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(name, value)| {
                    let name = MEMBERS.iter().find(|m| m.eq_ignore_ascii_case(&name)).map_or(name, |m| (*m).to_owned());
                    let value =
                        if FREE_MAPS.contains(&name.as_str()) { trimmed(value, trim) } else { canonical(value, trim) };
                    (name, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| canonical(v, trim)).collect()),
        other => trimmed(other, trim),
    }
}

/// Strings trimmed (inside arrays and maps too) when `trim` is set.
fn trimmed(value: serde_json::Value, trim: bool) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) if trim => Value::String(s.trim().to_owned()),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| trimmed(v, trim)).collect()),
        Value::Object(members) => Value::Object(members.into_iter().map(|(k, v)| (k, trimmed(v, trim))).collect()),
        other => other,
    }
}

impl<T: DeserializeOwned> Body<T> {
    /// The body as `T`, read as Altinn reads it.
    pub fn decode(self) -> Result<T, ApiError> {
        self.read(false)
    }

    /// The same, with every string trimmed, as Altinn does for requests, change requests
    /// and system registrations.
    pub fn decode_trimmed(self) -> Result<T, ApiError> {
        self.read(true)
    }

    /// The body as sent.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The document as sent, for the system register's change log.
    pub fn document(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes).unwrap_or_default()
    }

    fn read(self, trim: bool) -> Result<T, ApiError> {
        let unreadable = |e: serde_json::Error| AppError::BadRequest(format!("the body is not the JSON expected: {e}"));
        let document: serde_json::Value = serde_json::from_slice(&self.bytes).map_err(unreadable)?;
        if holds_nul(&document) {
            return Err(AppError::BadRequest("text may not hold NUL characters".into()).into());
        }
        Ok(serde_json::from_value(canonical(document, trim)).map_err(unreadable)?)
    }
}

/// Whether a string (or member name) of the document holds a NUL character, which no
/// text we keep may (PostgreSQL refuses it).
fn holds_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(holds_nul),
        serde_json::Value::Object(members) => members.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

impl<T: 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|e| AppError::BadRequest(format!("the body cannot be read: {e}")))?;
            Ok(Body { bytes, kind: PhantomData })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn member_names_are_read_in_any_case_and_language_keys_as_sent() {
        let sent = json!({"Id": " 1_x ", "allowedredirecturls": [" https://a.example/ "], "VENDOR": {"ID": "0192:1"},
            "Name": {"NB": " Navn "}, "Rights": [{"RESOURCE": [{"ID": "urn:altinn:resource", "Value": "x"}]}]});
        assert_eq!(
            canonical(sent.clone(), true),
            json!({"id": "1_x", "allowedRedirectUrls": ["https://a.example/"], "vendor": {"id": "0192:1"},
                "name": {"NB": "Navn"}, "rights": [{"resource": [{"id": "urn:altinn:resource", "value": "x"}]}]})
        );
        assert_eq!(canonical(json!({"Id": " 1 "}), false), json!({"id": " 1 "}));
    }
}
