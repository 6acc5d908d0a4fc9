//! What every handler can reach: the database pool and the services built at start.

use std::sync::Arc;

use actix_web::cookie::Key;
use actix_web::{HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::app::config::{Config, Mode};
use crate::auth::oidc::OidcLogin;
use crate::auth::proxy::Proxies;
use crate::auth::sessions::SessionLimits;
use crate::auth::throttle::{Allowance, Throttle};
use crate::auth::tokens::TokenService;
use crate::auth::trusted_issuer::TrustedIssuer;
use crate::db::{DbConnection, Pool, secrets};
use crate::domain::requests::Expiry;
use crate::error::AppError;
use crate::support::random_bytes;

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
    /// The state of a node serving at `public_url`: the token signing key and the cookie
    /// key (kept in the database, so every node shares them, unless the cookie key is
    /// given), the OpenID provider's configuration, the trusted issuer. Returns the state
    /// and the cookie key.
    pub async fn load(config: &Config, pool: Pool, public_url: String) -> Result<(Self, Key), String> {
        let (setup_pool, issuer, given_key) = (pool.clone(), public_url.clone(), config.cookie_key.clone());
        let (tokens, cookie_key) = web::block(move || -> Result<_, AppError> {
            let mut conn = setup_pool.get()?;
            let tokens = TokenService::load_or_create(&mut conn, &issuer)?;
            let key = match given_key {
                Some(key) => key,
                None => {
                    let stored =
                        secrets::get_or_insert_with(&mut conn, "cookie_key", || STANDARD.encode(random_bytes::<64>()))?;
                    STANDARD.decode(stored).unwrap_or_default()
                }
            };
            Ok((tokens, key))
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
        let cookie_key = Some(cookie_key)
            .filter(|k| k.len() >= 64)
            .map(|k| Key::from(&k))
            .ok_or("the stored cookie key is broken")?;
        let oidc = match config.oidc.clone() {
            Some(settings) => {
                let callback_base = public_url.clone();
                let discovered = web::block(move || OidcLogin::discover(&settings, &callback_base));
                Some(Arc::new(discovered.await.map_err(|e| e.to_string())??))
            }
            None => None,
        };
        let trusted_issuer = config.trusted_issuer.clone().map(|t| {
            let audience = t.audience.unwrap_or_else(|| public_url.clone());
            Arc::new(TrustedIssuer::new(t.issuer, t.jwks_url, Some(audience)))
        });
        let state = AppState {
            pool,
            public_url,
            request_expiry: config.request_expiry,
            page_size: config.page_size,
            tokens,
            trusted_issuer,
            mode: config.mode,
            oidc,
            sessions: config.sessions,
            throttles: Throttles::default(),
            proxies: config.proxies,
            logout_after_vendor_decision: config.logout_after_vendor_decision,
        };
        Ok((state, cookie_key))
    }

    /// Runs blocking database work on the thread pool with a pooled connection.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let (pool, request) = (self.pool.clone(), crate::ops::logging::current());
        web::block(move || {
            crate::ops::logging::within(request, || {
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
        (self.mode == Mode::Demo).then(|| format!("{}{}", self.public_url, crate::seed::demo::DEMO_RECEIPT_PATH))
    }
}
