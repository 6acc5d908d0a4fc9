//! Settings of one portal node, from the command line or the environment.

use base64::Engine;
use chrono::Duration;
use clap::Args;

use crate::auth::oidc::OidcSettings;
use crate::auth::proxy::{Proxies, ProxyHeader};
use crate::auth::sessions::SessionLimits;
use crate::auth::trusted_issuer::TrustedIssuerSettings;
use crate::db::DatabaseUrl;
use crate::domain::requests::Expiry;
use crate::ops::logging::LogFormat;

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Address to listen on.
    #[arg(long = "bind", env = "SYSTEMTILGANG_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: String,
    /// A file path or sqlite://path for SQLite, postgres://… for PostgreSQL.
    #[arg(
        long = "database-url",
        env = "DATABASE_URL",
        default_value = "sqlite://data/systemtilgang.db",
        global = true
    )]
    pub database_url: String,
    /// Base URL users and vendors reach the portal at (default: http://<bound address>).
    #[arg(long = "public-url", env = "SYSTEMTILGANG_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Days after which a pending request can no longer be approved.
    #[arg(
        long = "request-expiry-days",
        env = "SYSTEMTILGANG_REQUEST_EXPIRY_DAYS",
        default_value_t = 180,
        global = true
    )]
    pub request_expiry_days: i64,
    /// An outside token issuer the vendor API also trusts (e.g. Maskinporten's issuer).
    #[arg(long = "trusted-issuer", env = "SYSTEMTILGANG_TRUSTED_ISSUER", requires = "trusted_jwks_url", global = true)]
    pub trusted_issuer: Option<String>,
    /// `demo` (the default: demo data and test login) or `production`.
    #[arg(long = "mode", env = "SYSTEMTILGANG_MODE", value_enum, default_value_t = Mode::Demo, global = true)]
    pub mode: Mode,
    /// Base64 of at least 64 random bytes for the session cookie; required in production,
    /// otherwise created once and kept in the database.
    #[arg(long = "cookie-key", env = "SYSTEMTILGANG_COOKIE_KEY", hide_env_values = true, global = true)]
    pub cookie_key: Option<String>,
    /// The audience the trusted issuer's tokens must name (default: the public URL).
    #[arg(
        long = "trusted-audience",
        env = "SYSTEMTILGANG_TRUSTED_AUDIENCE",
        requires = "trusted_issuer",
        global = true
    )]
    pub trusted_audience: Option<String>,
    /// Minutes without a page view after which a login session ends.
    #[arg(
        long = "session-idle-minutes",
        env = "SYSTEMTILGANG_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: i64,
    /// Hours after the login at which a session ends, however busy.
    #[arg(
        long = "session-lifetime-hours",
        env = "SYSTEMTILGANG_SESSION_LIFETIME_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_lifetime_hours: i64,
    /// Behind a proxy or load balancer: take the caller's address for rate limits and the
    /// log from the proxy's forwarding header instead of the connection.
    #[arg(long = "behind-proxy", env = "SYSTEMTILGANG_BEHIND_PROXY", global = true)]
    pub behind_proxy: bool,
    /// How many proxies of ours stand in front (each appends to the header): the caller's
    /// address is that many entries from the right.
    #[arg(
        long = "trusted-proxies",
        env = "SYSTEMTILGANG_TRUSTED_PROXIES",
        default_value_t = 1,
        requires = "behind_proxy",
        global = true
    )]
    pub trusted_proxies: usize,
    /// The header the proxies write: `x-forwarded-for` or RFC 7239's `forwarded`.
    #[arg(
        long = "proxy-header",
        env = "SYSTEMTILGANG_PROXY_HEADER",
        value_enum,
        default_value_t = ProxyHeader::XForwardedFor,
        requires = "behind_proxy",
        global = true
    )]
    pub proxy_header: ProxyHeader,
    /// Where the trusted issuer publishes its public keys.
    #[arg(
        long = "trusted-jwks-url",
        env = "SYSTEMTILGANG_TRUSTED_JWKS_URL",
        requires = "trusted_issuer",
        global = true
    )]
    pub trusted_jwks_url: Option<String>,
    /// Issuer URL of the OpenID provider people log in with (e.g. https://idporten.no).
    #[arg(
        long = "oidc-issuer",
        env = "SYSTEMTILGANG_OIDC_ISSUER",
        requires_all = ["oidc_client_id", "oidc_client_secret"],
        global = true
    )]
    pub oidc_issuer: Option<String>,
    /// The portal's client id at the OpenID provider.
    #[arg(long = "oidc-client-id", env = "SYSTEMTILGANG_OIDC_CLIENT_ID", requires = "oidc_issuer", global = true)]
    pub oidc_client_id: Option<String>,
    /// The portal's client secret at the OpenID provider.
    #[arg(
        long = "oidc-client-secret",
        env = "SYSTEMTILGANG_OIDC_CLIENT_SECRET",
        requires = "oidc_issuer",
        hide_env_values = true,
        global = true
    )]
    pub oidc_client_secret: Option<String>,
    /// After approving or rejecting a request opened from the vendor's link, log the person
    /// out (at the OpenID provider too) on the way back to the vendor, as Altinn does: the
    /// computer may be shared. Default: on in production mode, off in demo mode.
    #[arg(
        long = "logout-after-vendor-decision",
        env = "SYSTEMTILGANG_LOGOUT_AFTER_VENDOR_DECISION",
        value_parser = clap::builder::BoolishValueParser::new(),
        global = true
    )]
    pub logout_after_vendor_decision: Option<bool>,
    /// How long a vendor's webhook has to answer a delivery.
    #[arg(
        long = "webhook-timeout-seconds",
        env = "SYSTEMTILGANG_WEBHOOK_TIMEOUT_SECONDS",
        default_value_t = 10,
        global = true
    )]
    pub webhook_timeout_seconds: u64,
    /// The pause before a failed delivery is tried again the first time (it doubles, up to an hour).
    #[arg(
        long = "webhook-first-retry-seconds",
        env = "SYSTEMTILGANG_WEBHOOK_FIRST_RETRY_SECONDS",
        default_value_t = 5,
        global = true,
        hide = true
    )]
    pub webhook_first_retry_seconds: i64,
    /// How long a node keeps a delivery it took before another node may send it.
    #[arg(
        long = "outbox-lease-seconds",
        env = "SYSTEMTILGANG_OUTBOX_LEASE_SECONDS",
        default_value_t = 60,
        global = true,
        hide = true
    )]
    pub outbox_lease_seconds: i64,
    /// Log lines as `text` or as `json` (one object a line), each with its request's id.
    #[arg(
        long = "log-format",
        env = "SYSTEMTILGANG_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,
    /// Database connections this node keeps open at most. Several nodes share one
    /// PostgreSQL: together they must stay under its `max_connections`.
    #[arg(long = "db-pool-size", env = "SYSTEMTILGANG_DB_POOL_SIZE", default_value_t = 10, global = true)]
    pub db_pool_size: u32,
    /// The provider's name on the login button ("Logg inn med ID-porten").
    #[arg(long = "oidc-name", env = "SYSTEMTILGANG_OIDC_NAME", default_value = "ID-porten", global = true)]
    pub oidc_name: String,
}

/// Whether the portal runs with demo data and test login, or for real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Demo,
    Production,
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: String,
    pub database_url: DatabaseUrl,
    pub public_url: Option<String>,
    pub request_expiry: Expiry,
    /// Items per page in the vendor API's paginated lists.
    pub page_size: i64,
    /// Database connections per node.
    pub pool_size: u32,
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// An outside issuer whose tokens the vendor API accepts too.
    pub trusted_issuer: Option<TrustedIssuerSettings>,
    pub mode: Mode,
    /// The session cookie key (64 bytes or more), when given rather than kept in the database.
    pub cookie_key: Option<Vec<u8>>,
    /// OpenID Connect login; without it only demo mode's test login exists.
    pub oidc: Option<OidcSettings>,
    pub sessions: SessionLimits,
    /// Where the caller's address comes from: the connection, or our proxies' header.
    pub proxies: Proxies,
    /// End the login after a decision on a request opened from the vendor's link.
    pub logout_after_vendor_decision: bool,
    /// How log lines (and the start banner) are written.
    pub log_format: LogFormat,
    /// Webhook deliveries and other background work.
    pub outbox: crate::outbox::Settings,
}

impl ConfigArgs {
    pub fn validate(self) -> Result<Config, String> {
        let database_url = DatabaseUrl::parse(&self.database_url)?;
        let public_url = match self.public_url {
            Some(raw) => {
                let url = url::Url::parse(&raw).map_err(|e| format!("the public URL `{raw}` is not a URL: {e}"))?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(format!("the public URL `{raw}` must be http or https"));
                }
                Some(raw.trim_end_matches('/').to_owned())
            }
            None => None,
        };
        if self.request_expiry_days < 1 {
            return Err("the request expiry must be at least one day".into());
        }
        if self.db_pool_size < 1 {
            return Err("the database pool needs at least one connection".into());
        }
        if self.behind_proxy && self.trusted_proxies < 1 {
            return Err("behind a proxy there is at least one trusted proxy".into());
        }
        if self.session_idle_minutes < 1 || self.session_lifetime_hours < 1 {
            return Err("sessions must last at least a minute idle and an hour in all".into());
        }
        if self.webhook_timeout_seconds < 1 || self.webhook_first_retry_seconds < 1 {
            return Err("webhooks need at least a second to answer and a second between tries".into());
        }
        if self.outbox_lease_seconds <= self.webhook_timeout_seconds as i64 {
            return Err("the outbox lease must be longer than the webhook timeout".into());
        }
        let outbox = crate::outbox::Settings {
            retries: crate::domain::webhooks::Retries {
                first: Duration::seconds(self.webhook_first_retry_seconds),
                ..Default::default()
            },
            lease: Duration::seconds(self.outbox_lease_seconds),
            timeout: std::time::Duration::from_secs(self.webhook_timeout_seconds),
            loopback_allowed: self.mode == Mode::Demo,
            ..Default::default()
        };
        let cookie_key = match self.cookie_key {
            Some(raw) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(raw.trim())
                    .ok()
                    .filter(|k| k.len() >= 64)
                    .ok_or("the cookie key must be base64 of at least 64 random bytes")?,
            ),
            None => None,
        };
        let oidc = match (self.oidc_issuer, self.oidc_client_id, self.oidc_client_secret) {
            (Some(issuer), Some(client_id), Some(client_secret)) => {
                secure_or_loopback(&issuer, "the OpenID issuer")?;
                Some(OidcSettings { issuer, client_id, client_secret, name: self.oidc_name })
            }
            _ => None,
        };
        Ok(Config {
            bind: self.bind,
            database_url,
            public_url,
            request_expiry: Expiry(Duration::days(self.request_expiry_days)),
            page_size: 50,
            pool_size: self.db_pool_size,
            workers: None,
            trusted_issuer: self
                .trusted_issuer
                .zip(self.trusted_jwks_url)
                .map(|(issuer, jwks_url)| TrustedIssuerSettings { issuer, jwks_url, audience: self.trusted_audience }),
            mode: self.mode,
            cookie_key,
            oidc,
            sessions: SessionLimits {
                idle: Duration::minutes(self.session_idle_minutes),
                lifetime: Duration::hours(self.session_lifetime_hours),
            },
            proxies: match self.behind_proxy {
                true => Proxies::Trusted { count: self.trusted_proxies, header: self.proxy_header },
                false => Proxies::None,
            },
            logout_after_vendor_decision: self.logout_after_vendor_decision.unwrap_or(self.mode == Mode::Production),
            log_format: self.log_format,
            outbox,
        })
    }
}

impl Config {
    /// Refuses to serve in production mode without what people and vendors rely on: a
    /// cookie key of its own, a real login, and https. The other commands (migrate,
    /// import, client) need only the database.
    pub fn check_for_serving(&self) -> Result<(), String> {
        if self.mode == Mode::Demo {
            return Ok(());
        }
        if self.cookie_key.is_none() {
            return Err("production mode needs SYSTEMTILGANG_COOKIE_KEY (base64 of 64 random bytes)".into());
        }
        if self.oidc.is_none() {
            return Err("production mode needs OpenID Connect login (SYSTEMTILGANG_OIDC_ISSUER, \
                        SYSTEMTILGANG_OIDC_CLIENT_ID and SYSTEMTILGANG_OIDC_CLIENT_SECRET); \
                        the test login is for demo mode only"
                .into());
        }
        match &self.public_url {
            Some(url) => secure_or_loopback(url, "in production mode the public URL"),
            None => Ok(()),
        }
    }
}

/// Refuses anything but https, except plain http on this machine (tests and a provider
/// beside the portal).
fn secure_or_loopback(raw: &str, what: &str) -> Result<(), String> {
    if crate::domain::https_or_loopback(raw) {
        Ok(())
    } else {
        Err(format!("{what} `{raw}` must be an https URL (plain http only on this machine)"))
    }
}
