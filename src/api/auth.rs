//! Bearer-token authentication of vendors and their scopes. Each operation's scopes are
//! the ones its entry in the API description names, checked by [`guard`] before its
//! handler reads anything the caller sent: a token without the scope gets 403 whatever
//! its body or query holds, and the description cannot say other than what is enforced.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::BoxBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::problem::ApiError;
use crate::app::state::AppState;
use crate::error::AppError;

/// Who is behind a valid access token, with its scopes: an organisation (vendor or
/// public service), possibly acting as a system user, or a person using an end-user
/// system.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The organisation of the token's `consumer` claim, when it names one.
    org_no: Option<String>,
    pub client_id: String,
    scopes: Vec<String>,
    /// The person of the token's `pid` claim, when it names one.
    pid: Option<String>,
    /// The system user the token acts as, when it is a system user token.
    system_user: Option<String>,
}

impl Caller {
    /// The person the token acts for; 403 for a token that names none, or that also
    /// names an organisation or a system user (it is then not a person's).
    pub fn person(&self) -> Result<String, ApiError> {
        match (&self.pid, &self.org_no, &self.system_user) {
            (Some(pid), None, None) => Ok(pid.clone()),
            _ => Err(AppError::Forbidden.into()),
        }
    }

    /// The system user the token acts as; 403 for a token that is no system user token.
    pub fn system_user(&self) -> Result<String, ApiError> {
        self.system_user.clone().ok_or(AppError::Forbidden.into())
    }

    /// The vendor (or public service) behind the token; 401 AUTH-00023 when it names none.
    pub fn vendor(&self) -> Result<String, ApiError> {
        self.org_no.clone().ok_or(AppError::NoVendor.into())
    }

    /// Whether the token carries `scope` (for what a scope adds beyond the route's own:
    /// an admin's reach over every vendor's systems).
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|held| held == scope)
    }
}

/// What an operation asks of its caller, read from its `security` in the API description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Needs {
    /// Open to anyone (the token endpoint, the keys, the description).
    Nothing,
    /// A valid token, whatever its scopes.
    Token,
    /// A valid token with one of these scopes.
    AnyOf(Vec<String>),
}

impl Needs {
    /// From an operation's security requirements: each `{scheme: [scopes]}` is one way in.
    pub(super) fn of(requirements: Option<serde_json::Value>) -> Needs {
        let Some(serde_json::Value::Array(ways)) = requirements else { return Needs::Nothing };
        let mut scopes = Vec::new();
        for way in &ways {
            let held: Vec<String> = way
                .as_object()
                .into_iter()
                .flat_map(|schemes| schemes.values())
                .filter_map(|s| s.as_array())
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect();
            if held.is_empty() {
                return Needs::Token;
            }
            scopes.extend(held);
        }
        if scopes.is_empty() { Needs::Nothing } else { Needs::AnyOf(scopes) }
    }

    fn admits(&self, caller: &Caller) -> Result<(), AppError> {
        match self {
            Needs::AnyOf(scopes) if !scopes.iter().any(|s| caller.has(s)) => {
                Err(AppError::MissingScope(scopes.join(" or ")))
            }
            _ => Ok(()),
        }
    }
}

/// Authenticates the caller and checks the scope the operation of this method needs,
/// before anything else of the request is read; the caller is kept for the handler.
pub(super) async fn guard(
    needs: &[(Method, Needs)],
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let needs = needs.iter().find(|(m, _)| m == req.method()).map_or(&Needs::Nothing, |(_, n)| n);
    if *needs == Needs::Nothing {
        return next.call(req).await;
    }
    let checked = match req.app_data::<web::Data<AppState>>().cloned() {
        Some(state) => match bearer(req.headers()) {
            Some(token) => authenticate(&state, token).await.ok_or(AppError::Unauthenticated),
            None => Err(AppError::Unauthenticated),
        },
        None => Err(AppError::Internal("application state missing".into())),
    }
    .and_then(|caller| needs.admits(&caller).map(|()| caller));
    match checked {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.call(req).await
        }
        Err(refused) => Ok(req.error_response(ApiError(refused))),
    }
}

/// The bearer token of the `Authorization` header, if it has one.
fn bearer(headers: &actix_web::http::header::HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_owned())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    /// The caller [`guard`] authenticated, or (on a route it does not guard) the one the
    /// token names.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(caller) = req.extensions().get::<Caller>().cloned() {
            return Box::pin(std::future::ready(Ok(caller)));
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req.headers());
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Internal("application state missing".into()))?;
            let token = token.ok_or(AppError::Unauthenticated)?;
            authenticate(&state, token).await.ok_or(AppError::Unauthenticated.into())
        })
    }
}

/// The caller behind a token of this portal, or of the trusted outside issuer.
async fn authenticate(state: &AppState, token: String) -> Option<Caller> {
    let (org, client_id, scope, pid, system_user) = match &state.trusted_issuer {
        Some(trusted) if crate::support::unverified_issuer(&token).as_deref() == Some(trusted.issuer()) => {
            let trusted = trusted.clone();
            let c = web::block(move || trusted.verify(&token)).await.ok()??;
            let system_user = c.system_user();
            (c.consumer, c.client_id, c.scope, c.pid, system_user)
        }
        _ => {
            let c = state.tokens.verify(&token)?;
            let system_user = c.authorization_details.iter().flatten().find_map(|d| d.systemuser_id.first().cloned());
            (c.consumer.clone(), c.client_id.clone(), c.scope.clone(), c.pid.clone(), system_user)
        }
    };
    Some(Caller {
        org_no: org.and_then(|o| o.org_no().map(str::to_owned)),
        client_id,
        scopes: scope.split_whitespace().map(str::to_owned).collect(),
        pid,
        system_user,
    })
}
