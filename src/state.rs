//! What every handler can reach: the database pool and the services built at start.

use std::sync::Arc;

use actix_web::web;

use crate::config::Mode;
use crate::db::{DbConnection, Pool};
use crate::domain::requests::Expiry;
use crate::error::AppError;
use crate::oidc::OidcLogin;
use crate::tokens::TokenService;
use crate::trusted_issuer::TrustedIssuer;

pub struct AppState {
    pub pool: Pool,
    pub public_url: String,
    pub request_expiry: Expiry,
    pub page_size: i64,
    pub tokens: TokenService,
    pub trusted_issuer: Option<Arc<TrustedIssuer>>,
    /// Demo data and test login, or for real.
    pub mode: Mode,
    /// Login with an OpenID provider, when one is configured.
    pub oidc: Option<Arc<OidcLogin>>,
}

impl AppState {
    /// Runs blocking database work on the thread pool with a pooled connection.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?
    }

    /// Where the demo vendor receipt page lives; in demo mode every system may redirect there.
    pub fn demo_receipt_url(&self) -> Option<String> {
        (self.mode == Mode::Demo).then(|| format!("{}{}", self.public_url, crate::demo::DEMO_RECEIPT_PATH))
    }
}
