//! Bearer-token authentication of vendors and their scopes.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::problem::ApiError;
use crate::error::AppError;
use crate::state::AppState;

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

    /// Refuses with 403 unless the token carries one of `scopes`.
    pub fn require_any(&self, scopes: &[&'static str]) -> Result<(), ApiError> {
        match scopes.iter().find(|s| self.scopes.iter().any(|held| held == *s)) {
            Some(_) => Ok(()),
            None => Err(AppError::MissingScope(scopes.first().copied().unwrap_or_default()).into()),
        }
    }

    /// Refuses with 403 unless the token carries `scope`.
    pub fn require(&self, scope: &'static str) -> Result<(), ApiError> {
        if self.scopes.iter().any(|s| s == scope) { Ok(()) } else { Err(AppError::MissingScope(scope).into()) }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(|t| t.trim().to_owned());
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
