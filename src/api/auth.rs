//! Bearer-token authentication of vendors and their scopes.

use std::future::{Ready, ready};

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::error::{ApiError, AppError};
use crate::startup::AppState;

/// The organisation (vendor or public service) behind a valid access token, with its scopes.
#[derive(Debug, Clone)]
pub struct Caller {
    pub org_no: String,
    pub client_id: String,
    scopes: Vec<String>,
}

impl Caller {
    /// Refuses with 403 unless the token carries `scope`.
    pub fn require(&self, scope: &'static str) -> Result<(), ApiError> {
        if self.scopes.iter().any(|s| s == scope) { Ok(()) } else { Err(AppError::MissingScope(scope).into()) }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    let state =
        req.app_data::<web::Data<AppState>>().ok_or_else(|| AppError::Internal("application state missing".into()))?;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .ok_or(AppError::Unauthenticated)?;
    let claims = state.tokens.verify(token.trim()).ok_or(AppError::Unauthenticated)?;
    let org_no = claims.consumer.org_no().ok_or(AppError::Unauthenticated)?.to_owned();
    Ok(Caller {
        org_no,
        client_id: claims.client_id,
        scopes: claims.scope.split_whitespace().map(str::to_owned).collect(),
    })
}
