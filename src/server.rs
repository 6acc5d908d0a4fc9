//! The HTTP server: the database opened, the state loaded, the middlewares and routes
//! wired, served. Tests and `systemtilgang serve` start it alike.

use std::net::TcpListener;

use actix_session::SessionMiddleware;
use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpServer, web};

use crate::app::config::{Config, Mode};
use crate::app::state::AppState;
use crate::db::{self, DbConnection, Pool};

/// Brings the schema up to date. In demo mode it loads the demo data into an empty
/// database; production mode refuses a database holding it, as its vendor secret is
/// published. Whether the demo data was loaded now.
pub fn prepare_database(conn: &mut DbConnection, mode: Mode) -> Result<bool, String> {
    db::migrate(conn)?;
    match mode {
        Mode::Demo => crate::seed::demo::seed(conn).map_err(|e| format!("cannot load the demo data: {e}")),
        Mode::Production => {
            if crate::seed::demo::holds_demo_data(conn).map_err(|e| format!("cannot read the database: {e}"))? {
                return Err("the database holds the demo data, whose vendor client secret is published; \
                            production mode needs a database without it"
                    .into());
            }
            Ok(false)
        }
    }
}

/// Opens the pool and prepares the database on one of its connections.
fn open_pool(config: &Config) -> Result<Pool, String> {
    let pool = db::connect(&config.database_url, config.pool_size)?;
    let mut conn = pool.get().map_err(|e| format!("cannot open the database: {e}"))?;
    prepare_database(&mut conn, config.mode)?;
    drop(conn);
    Ok(pool)
}

pub struct Application {
    port: u16,
    public_url: String,
    server: Server,
    outbox: crate::outbox::Running,
}

impl Application {
    /// Opens the database, binds the listener, loads the state and wires the app; the
    /// server starts with [`Application::run_until_stopped`].
    pub async fn build(config: Config) -> Result<Self, String> {
        config.check_for_serving()?;
        let prepared = config.clone();
        let pool = web::block(move || open_pool(&prepared)).await.map_err(|e| e.to_string())??;
        let listener = TcpListener::bind(&config.bind).map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{address}"));
        let (state, cookie_key) = AppState::load(&config, pool.clone(), public_url.clone()).await?;
        let outbox = crate::outbox::start(pool, config.outbox, &public_url, config.request_expiry);
        let server = serve(listener, web::Data::new(state), cookie_key, &config)?;
        Ok(Self { port: address.port(), public_url, server, outbox })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Serves until stopped (a signal), then lets the outbox finish what it is sending.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.outbox.stop().await;
        served
    }
}

/// Serves the app on the listener, with a worker per core unless the settings say.
fn serve(
    listener: TcpListener,
    state: web::Data<AppState>,
    cookie_key: Key,
    config: &Config,
) -> Result<Server, String> {
    crate::ops::metrics::handle();
    let mode = config.mode;
    let skatteetaten =
        (mode == Mode::Demo).then(|| web::Data::new(crate::demo::skatteetaten::Skatteetaten::new(&state.public_url)));
    let mut server = HttpServer::new(move || wire(state.clone(), cookie_key.clone(), mode, skatteetaten.clone()))
        .listen(listener)
        .map_err(|e| e.to_string())?;
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// The app of one worker: the state, the middlewares from the outermost in (the log line
/// with the request's id, security headers, metrics, the page's language), the API's
/// routes, the demo's service owner (in demo mode), and the portal's behind its session
/// cookie.
fn wire(
    state: web::Data<AppState>,
    cookie_key: Key,
    mode: Mode,
    skatteetaten: Option<web::Data<crate::demo::skatteetaten::Skatteetaten>>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let secure = state.https();
    let session = SessionMiddleware::builder(CookieSessionStore::default(), cookie_key)
        .cookie_name("systemtilgang".into())
        .cookie_content_security(CookieContentSecurity::Private)
        .cookie_http_only(true)
        // Lax, so the session survives the user following a vendor's confirm link.
        .cookie_same_site(SameSite::Lax)
        .cookie_secure(secure)
        .build();
    let proxies = state.proxies;
    App::new()
        .app_data(state)
        // The access log reads the caller's address as the throttles do.
        .app_data(proxies)
        .wrap(actix_web::middleware::from_fn(crate::web::page_context))
        .wrap(actix_web::middleware::from_fn(crate::ops::metrics::middleware))
        .wrap(security_headers(secure))
        // The path without its query: a query can hold a login code or a search.
        // Outermost: every line written for a request carries its id.
        .wrap(actix_web::middleware::from_fn(crate::ops::logging::middleware))
        .configure(crate::api::routes)
        .configure(|cfg| {
            if let Some(service) = skatteetaten {
                cfg.app_data(service)
                    .route(crate::demo::skatteetaten::CLAIMS_PATH, web::get().to(crate::demo::skatteetaten::claims));
            }
        })
        // Only the portal has sessions; the API's callers bring tokens.
        .service(web::scope("").wrap(session).configure(|cfg| crate::web::routes(cfg, mode)))
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
