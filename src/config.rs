//! Settings of one portal node, from the command line or the environment.

use chrono::Duration;
use clap::{Args, Parser, Subcommand};

use crate::db::DatabaseUrl;
use crate::domain::requests::Expiry;

#[derive(Debug, Parser)]
#[command(name = "systemtilgang", version, about = "Portal and vendor API for system access (systemtilgang)")]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, load the demo data into an empty database, and serve (the default).
    Serve,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Migrate and load the demo data into an empty database, then exit.
    Seed {
        /// Also generate a large accounting firm with this many clients (for scale tests).
        #[arg(long)]
        firm_clients: Option<usize>,
    },
}

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
    /// Where the trusted issuer publishes its public keys.
    #[arg(
        long = "trusted-jwks-url",
        env = "SYSTEMTILGANG_TRUSTED_JWKS_URL",
        requires = "trusted_issuer",
        global = true
    )]
    pub trusted_jwks_url: Option<String>,
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
    /// An outside issuer and its JWKS URL, whose tokens the vendor API accepts too.
    pub trusted_issuer: Option<(String, String)>,
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
        Ok(Config {
            bind: self.bind,
            database_url,
            public_url,
            request_expiry: Expiry(Duration::days(self.request_expiry_days)),
            page_size: 100,
            pool_size: 10,
            workers: None,
            trusted_issuer: self.trusted_issuer.zip(self.trusted_jwks_url),
        })
    }
}
