//! Building and running the HTTP server: one call that tests and `main` share.

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::config::{Config, Mode};
use crate::db::{self, Pool, secrets};
use crate::error::AppError;
use crate::oidc::OidcLogin;
use crate::state::{AppState, Throttles};
use crate::support::random_bytes;
use crate::tokens::TokenService;
use crate::trusted_issuer::TrustedIssuer;

/// Opens the database and brings the schema up to date. In demo mode it loads the demo
/// data into an empty database; production mode refuses a database holding it, as its
/// vendor secret is published. Returns the pool and whether the demo data was loaded now.
pub fn prepare_database(config: &Config) -> Result<(Pool, bool), String> {
    let pool = db::connect(&config.database_url, config.pool_size)?;
    let mut conn = pool.get().map_err(|e| format!("cannot open the database: {e}"))?;
    db::migrate(&mut conn)?;
    let seeded = match config.mode {
        Mode::Demo => crate::demo::seed(&mut conn).map_err(|e| format!("cannot load the demo data: {e}"))?,
        Mode::Production => {
            if crate::demo::holds_demo_data(&mut conn).map_err(|e| format!("cannot read the database: {e}"))? {
                return Err("the database holds the demo data, whose vendor client secret is published; \
                            production mode needs a database without it"
                    .into());
            }
            false
        }
    };
    drop(conn);
    Ok((pool, seeded))
}

pub struct Application {
    port: u16,
    public_url: String,
    server: Server,
}

impl Application {
    /// Prepares the database and binds the listener; the server starts with
    /// [`Application::run_until_stopped`].
    pub async fn build(config: Config) -> Result<Self, String> {
        let prepared = config.clone();
        let (pool, _) = web::block(move || prepare_database(&prepared)).await.map_err(|e| e.to_string())??;
        let listener = TcpListener::bind(&config.bind).map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{address}"));

        let setup_pool = pool.clone();
        let issuer = public_url.clone();
        let given_key = config.cookie_key.clone();
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
        let oidc = match config.oidc.clone() {
            Some(settings) => {
                let callback_base = public_url.clone();
                let discovered = web::block(move || OidcLogin::discover(&settings, &callback_base));
                Some(Arc::new(discovered.await.map_err(|e| e.to_string())??))
            }
            None => None,
        };
        let cookie_key = Some(cookie_key)
            .filter(|k| k.len() >= 64)
            .map(|k| Key::from(&k))
            .ok_or("the stored cookie key is broken")?;

        let state = web::Data::new(AppState {
            pool,
            public_url: public_url.clone(),
            request_expiry: config.request_expiry,
            page_size: config.page_size,
            tokens,
            trusted_issuer: config.trusted_issuer.clone().map(|t| {
                let audience = t.audience.unwrap_or_else(|| public_url.clone());
                Arc::new(TrustedIssuer::new(t.issuer, t.jwks_url, audience))
            }),
            mode: config.mode,
            oidc,
            sessions: config.sessions,
            throttles: Throttles::default(),
            proxies: config.proxies,
            logout_after_vendor_decision: config.logout_after_vendor_decision,
        });
        let secure = state.https();
        let (mode, proxies) = (config.mode, config.proxies);
        crate::monitoring::handle();
        let mut server = HttpServer::new(move || {
            let session = SessionMiddleware::builder(CookieSessionStore::default(), cookie_key.clone())
                .cookie_name("systemtilgang".into())
                .cookie_content_security(CookieContentSecurity::Private)
                .cookie_http_only(true)
                // Lax, so the session survives the user following a vendor's confirm link.
                .cookie_same_site(SameSite::Lax)
                .cookie_secure(secure)
                .build();
            App::new()
                .app_data(state.clone())
                // The access log reads the caller's address as the throttles do.
                .app_data(proxies)
                .wrap(actix_web::middleware::from_fn(crate::web::page_context))
                .wrap(actix_web::middleware::from_fn(crate::monitoring::middleware))
                .wrap(security_headers(secure))
                // The path without its query: a query can hold a login code or a search.
                // Outermost: every line written for a request carries its id.
                .wrap(actix_web::middleware::from_fn(crate::logging::middleware))
                .configure(crate::api::routes)
                // Only the portal has sessions; the API's callers bring tokens.
                .service(web::scope("").wrap(session).configure(|cfg| crate::web::routes(cfg, mode)))
        })
        .listen(listener)
        .map_err(|e| e.to_string())?;
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        Ok(Self { port: address.port(), public_url, server: server.run() })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Headers on every response: no framing (approval pages must not be clickjacked), no
/// sniffing, no third-party content; over https, browsers are told to keep to https.
fn security_headers(https: bool) -> DefaultHeaders {
    let headers = if https {
        DefaultHeaders::new().add(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    } else {
        DefaultHeaders::new()
    };
    headers
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        ))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
}
