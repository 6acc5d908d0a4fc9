//! The demo's Skatteetaten: a service owner's API ("Krav og betalinger") that a system
//! calls with its system user token. It stands outside the portal and reaches it only
//! over HTTP, as a real service owner would: it verifies the token against the portal's
//! published keys (signature, issuer, expiry), reads the system user from
//! `authorization_details`, and asks the PDP in XACML with a token of its own.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::auth::tokens::SYSTEM_USER_DETAIL_TYPE;
use crate::auth::trusted_issuer::TrustedIssuer;
use crate::seed::demo::{SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET};

pub const CLAIMS_PATH: &str = "/demo/skatteetaten/krav";
/// The service the claims are, in the register.
const RESOURCE: &str = "ske-krav-og-betalinger";
/// A token of its own is taken again this long before it expires.
const RENEW_BEFORE: Duration = Duration::from_secs(60);

pub struct Skatteetaten {
    portal: String,
    keys: TrustedIssuer,
    http: ureq::Agent,
    /// Its own access token for the PDP, and when to take a new one.
    token: Mutex<Option<(String, Instant)>>,
}

/// What the service answers: a status and a JSON body.
type Answer = (StatusCode, Value);

impl Skatteetaten {
    /// The service for the portal at `portal` (its public URL).
    pub fn new(portal: &str) -> Self {
        let keys = TrustedIssuer::new(portal.to_owned(), format!("{portal}/.well-known/jwks.json"), None);
        let http = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(5)))
            .http_status_as_error(false)
            .build()
            .into();
        Self { portal: portal.to_owned(), keys, http, token: Mutex::new(None) }
    }

    /// The organisation's claims for a caller whose system user may read them; blocking.
    fn answer(&self, bearer: Option<&str>) -> Answer {
        let refused = |status: StatusCode, text: &str| (status, json!({"error": text}));
        let Some(claims) = bearer.and_then(|token| self.keys.verify(token)) else {
            return refused(StatusCode::UNAUTHORIZED, "Ugyldig eller utløpt token.");
        };
        let detail = claims
            .authorization_details
            .as_ref()
            .and_then(Value::as_array)
            .and_then(|details| details.iter().find(|d| d["type"] == SYSTEM_USER_DETAIL_TYPE));
        let (Some(user), Some(org_no)) = (
            detail.and_then(|d| d["systemuser_id"][0].as_str()),
            detail.and_then(|d| d["systemuser_org"]["ID"].as_str()).and_then(|id| id.strip_prefix("0192:")),
        ) else {
            return refused(StatusCode::FORBIDDEN, "Tokenet er ikke et systembrukertoken.");
        };
        match self.decision(user, org_no) {
            Ok(decision) if decision == "Permit" => (StatusCode::OK, claims_of(org_no)),
            Ok(_) => refused(StatusCode::FORBIDDEN, "Systembrukeren har ikke tilgang til Krav og betalinger."),
            Err(e) => {
                log::warn!("the demo service could not ask the PDP: {e}");
                refused(StatusCode::BAD_GATEWAY, "Tilgangskontrollen svarte ikke.")
            }
        }
    }

    /// The PDP's decision for the system user reading the service for the organisation.
    fn decision(&self, user: &str, org_no: &str) -> Result<String, String> {
        let asked = json!({"Request": {
            "AccessSubject": [{"Attribute": [{"AttributeId": "urn:altinn:systemuser:uuid", "Value": user}]}],
            "Action": [{"Attribute": [{"AttributeId": "urn:oasis:names:tc:xacml:1.0:action:action-id", "Value": "read"}]}],
            "Resource": [{"Attribute": [{"AttributeId": "urn:altinn:resource", "Value": RESOURCE},
                                        {"AttributeId": "urn:altinn:organization:identifier-no", "Value": org_no}]}],
        }});
        let token = self.own_token()?;
        let answer = json_of(
            self.http
                .post(format!("{}/authorization/api/v1/authorize", self.portal))
                .header(header::AUTHORIZATION.as_str(), &format!("Bearer {token}"))
                .header(header::CONTENT_TYPE.as_str(), "application/json")
                .send(asked.to_string()),
        )?;
        answer["response"][0]["decision"].as_str().map(str::to_owned).ok_or_else(|| format!("no decision: {answer}"))
    }

    /// Its own token for the PDP, taken at the portal's token endpoint and kept while valid.
    fn own_token(&self) -> Result<String, String> {
        let mut kept = self.token.lock().map_err(|_| "the token lock is poisoned".to_owned())?;
        if let Some((token, renew_at)) = &*kept
            && Instant::now() < *renew_at
        {
            return Ok(token.clone());
        }
        let answer = json_of(self.http.post(format!("{}/token", self.portal)).send_form([
            ("grant_type", "client_credentials"),
            ("client_id", SERVICE_CLIENT_ID),
            ("client_secret", SERVICE_CLIENT_SECRET),
            ("scope", crate::auth::scopes::AUTHORIZE),
        ]))?;
        let token = answer["access_token"].as_str().ok_or_else(|| format!("no token: {answer}"))?.to_owned();
        let lifetime = Duration::from_secs(answer["expires_in"].as_u64().unwrap_or(0));
        *kept = Some((token.clone(), Instant::now() + lifetime.saturating_sub(RENEW_BEFORE)));
        Ok(token)
    }
}

/// The JSON body of an answer.
fn json_of(sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Value, String> {
    let text = sent.map_err(|e| e.to_string())?.body_mut().read_to_string().map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))
}

/// The demo organisation's open claims: made up, the same for the same organisation.
fn claims_of(org_no: &str) -> Value {
    let seed: u64 = org_no.bytes().map(u64::from).sum();
    let vat = 10_000 + seed * 137 % 90_000;
    let advance_tax = 5_000 + seed * 71 % 40_000;
    json!({
        "organisasjonsnummer": org_no,
        "krav": [
            {"kravtype": "Merverdiavgift", "periode": "2026-5", "beloep": vat, "forfall": "2026-12-10"},
            {"kravtype": "Forskuddsskatt", "periode": "2026-4", "beloep": advance_tax, "forfall": "2026-12-15"},
        ],
        "sumKrav": vat + advance_tax,
    })
}

/// `GET /demo/skatteetaten/krav` with `Authorization: Bearer <system user token>`.
pub async fn claims(req: HttpRequest, service: web::Data<Skatteetaten>) -> HttpResponse {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let service = service.into_inner();
    match web::block(move || service.answer(bearer.as_deref())).await {
        Ok((status, body)) => HttpResponse::build(status).json(body),
        Err(e) => {
            log::error!("the demo service could not run: {e}");
            HttpResponse::ServiceUnavailable().json(json!({"error": "Tjenesten er ikke tilgjengelig nå."}))
        }
    }
}
