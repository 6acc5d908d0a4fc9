//! What every handler can reach: the database pool and the services built at start.

use std::sync::Arc;

use actix_web::{HttpRequest, web};

use crate::config::Mode;
use crate::db::{DbConnection, Pool};
use crate::domain::requests::Expiry;
use crate::domain::sessions::SessionLimits;
use crate::error::AppError;
use crate::oidc::OidcLogin;
use crate::proxy::Proxies;
use crate::throttle::{Allowance, Throttle};
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
    pub sessions: SessionLimits,
    /// Failed logins and token requests, counted to slow guessing down.
    pub throttles: Throttles,
    /// Where the caller's address comes from.
    pub proxies: Proxies,
    /// End the login after a decision on a request opened from the vendor's link.
    pub logout_after_vendor_decision: bool,
}

/// Where failed authentications are counted: per source address, and per client id
/// from an address (stricter, so one client's guesser does not hold up the others).
pub struct Throttles {
    pub address: Throttle,
    pub client: Throttle,
}

impl Default for Throttles {
    fn default() -> Self {
        Self {
            address: Throttle::new(Allowance { burst: 30, per_minute: 30 }),
            client: Throttle::new(Allowance { burst: 10, per_minute: 10 }),
        }
    }
}

impl AppState {
    /// Runs blocking database work on the thread pool with a pooled connection.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let (pool, request) = (self.pool.clone(), crate::logging::current());
        web::block(move || {
            crate::logging::within(request, || {
                let mut conn = pool.get()?;
                work(&mut conn)
            })
        })
        .await?
    }

    /// Whether people reach the portal over https (then cookies are `Secure` and HSTS is sent).
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The address a request comes from, for counting failures: the connection's, or
    /// behind our proxies the one they forward.
    pub fn source_address(&self, req: &HttpRequest) -> String {
        self.proxies.client_address(req.headers(), req.peer_addr())
    }

    /// Where the demo vendor receipt page lives; in demo mode every system with redirect
    /// URLs of its own may also redirect there.
    pub fn demo_receipt_url(&self) -> Option<String> {
        (self.mode == Mode::Demo).then(|| format!("{}{}", self.public_url, crate::demo::DEMO_RECEIPT_PATH))
    }
}
