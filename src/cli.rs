//! The command line: its settings, and each command as a function of its own. `main`
//! parses and dispatches; a command's failure is one sentence, which `main` prints as an
//! `error:` line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::app::config::{Config, ConfigArgs, Mode};
use crate::auth::scopes;
use crate::auth::tokens::TokenService;
use crate::auth::vendor_clients::{self, NewClient, Proof};
use crate::db;
use crate::db::vendor_clients::VendorClient;
use crate::error::AppError;
use crate::import;
use crate::ops::logging::{self, LogFormat};
use crate::seed::demo::{VENDOR_CLIENT_ID, VENDOR_CLIENT_SECRET};
use crate::seed::{firm, scale};
use crate::server::{Application, prepare_database};

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
    /// Print an access token for a person using an end-user system, as Altinn gives one
    /// for an ID-porten login: for trying the client delegation API (demo mode only).
    PersonToken {
        /// The person's national identity number.
        #[arg(long)]
        pid: String,
        /// The scopes of the token.
        #[arg(long, num_args = 1.., default_values_t = [scopes::CLIENTS_READ.to_owned(), scopes::CLIENTS_WRITE.to_owned()])]
        scope: Vec<String>,
    },
    /// Migrate and load the demo data into an empty database, then exit.
    Seed {
        /// Also generate a large accounting firm with this many clients (for scale tests).
        #[arg(long)]
        firm_clients: Option<usize>,
        /// Also generate this many system users over a tenth as many organisations (for
        /// benchmarks: 1000000 is Norway's scale).
        #[arg(long)]
        scale: Option<usize>,
    },
    /// The API's clients (vendors', service owners', the operator's): add, list, remove,
    /// rotate a secret, change scopes or keys. Uses the same database settings as the
    /// portal and works in production mode with only them.
    Client {
        #[command(subcommand)]
        action: ClientCommand,
    },
    /// Migrate, then load register files: organisations, persons, roles, services and
    /// access packages in our JSON Lines format, or Brønnøysundregistrene's bulk files
    /// (enheter, roller; gzip or not). Loading again brings the database in line.
    Import {
        /// The files; a name with `enheter` or `roller` is read as that bulk file.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// Read every file as this format instead of guessing from its name.
        #[arg(long, value_enum)]
        format: Option<import::Format>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Add a client for an organisation of the register; prints its secret once (a
    /// client given --jwks signs assertions instead and gets none).
    Add {
        #[arg(long = "org-no")]
        org_no: String,
        #[arg(long = "client-id")]
        client_id: String,
        /// A scope it may ask for (repeat for more).
        #[arg(long = "scope", required = true)]
        scope: Vec<String>,
        /// A file with the JWK set of public keys it signs assertions with.
        #[arg(long)]
        jwks: Option<PathBuf>,
        /// What to call it.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List every client: id, organisation, name, scopes, how it authenticates, created, last used.
    List,
    /// Remove a client: its secret and keys stop working (tokens given live out their hour).
    Remove {
        #[arg(long = "client-id")]
        client_id: String,
    },
    /// Give a client a new secret, printed once; the old one stops working.
    RotateSecret {
        #[arg(long = "client-id")]
        client_id: String,
    },
    /// Replace the scopes a client may ask for.
    SetScopes {
        #[arg(long = "client-id")]
        client_id: String,
        #[arg(long = "scope", required = true)]
        scope: Vec<String>,
    },
    /// Replace the public keys a client signs assertions with.
    SetJwks {
        #[arg(long = "client-id")]
        client_id: String,
        #[arg(long)]
        jwks: PathBuf,
    },
}

/// Serves the portal and the API until stopped (the default command).
pub async fn serve(config: Config) -> Result<ExitCode, String> {
    let (demo, log_format) = (config.mode == Mode::Demo, config.log_format);
    let app = Application::build(config).await?;
    logging::banner(&banner(app.public_url(), demo, log_format));
    app.run_until_stopped().await.map_err(|e| format!("the server stopped: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Where the portal runs and, in demo mode, how to log in and call the API.
fn banner(url: &str, demo: bool, log_format: LogFormat) -> Vec<String> {
    let mut lines = vec![format!("Systemtilgang is running at {url}/accessmanagement/ui/systemuser/overview")];
    if demo {
        lines.extend([
            format!("Demo login at {url}/login: STADIG KONSERT (daglig leder), FORSIKTIG LØVE (tilgangsstyrer),"),
            "  ROLIG PINGVIN (no admin role), DRESS MINST (klientadministrator in an accounting firm),".into(),
            "  SMIDIG TAPPER SKILPADDE (daglig leder of the accounting firm).".into(),
        ]);
        // A log collector keeps what it reads: the secret only for a person at a terminal.
        lines.push(match log_format {
            LogFormat::Text => {
                format!("Vendor API client: {VENDOR_CLIENT_ID} / {VENDOR_CLIENT_SECRET} (token endpoint {url}/token)")
            }
            LogFormat::Json => {
                format!("Vendor API client: {VENDOR_CLIENT_ID}, its secret in README (token endpoint {url}/token)")
            }
        });
    }
    lines
}

/// Brings the schema up to date.
pub fn migrate(config: &Config) -> Result<ExitCode, String> {
    db::migrate(&mut db::open(&config.database_url)?)?;
    println!("The database is up to date.");
    Ok(ExitCode::SUCCESS)
}

/// Loads the demo data into an empty database, and the generated data asked for.
pub fn seed(config: &Config, firm_clients: Option<usize>, scale: Option<usize>) -> Result<ExitCode, String> {
    if config.mode == Mode::Production {
        return Err("seed loads the demo data, with its published vendor secret; production mode refuses it".into());
    }
    let mut conn = db::open(&config.database_url)?;
    let loaded = prepare_database(&mut conn, config.mode)?;
    println!(
        "{}",
        if loaded { "The demo data is loaded." } else { "The database already holds data; nothing was loaded." }
    );
    if let Some(count) = scale {
        let started = Instant::now();
        match scale::generate(&mut conn, count).map_err(|e| e.to_string())? {
            true => println!("Generated {count} system users in {:.0?}.", started.elapsed()),
            false => println!("The generated system users exist already; nothing was added."),
        }
    }
    if let Some(count) = firm_clients {
        match firm::generate_firm(&mut conn, count).map_err(|e| e.to_string())? {
            Some(firm) => println!(
                "Generated STOR OG TRYGG REGNSKAP AS ({}) with {count} clients; log in as TRAVEL KLIENTSJEF \
                 ({}) and open /accessmanagement/ui/systemuser/{}/agentdelegation",
                firm.org_no, firm.pid, firm.system_user_id
            ),
            None => println!("The generated firm exists already; nothing was added."),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads register files; exits 2 when some records were refused (the rest loaded).
pub fn import(config: &Config, files: &[PathBuf], format: Option<import::Format>) -> Result<ExitCode, String> {
    let mut conn = db::open(&config.database_url)?;
    let started = Instant::now();
    db::migrate(&mut conn)?;
    let summary = import::run(&mut conn, files, format)?;
    println!("{}", import::report(&summary, started.elapsed()));
    Ok(if summary.refused > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// The operator's changes to the API's clients, audited as `operator:cli`.
pub fn client(config: &Config, action: ClientCommand) -> Result<ExitCode, String> {
    const OPERATOR: &str = "cli";
    let conn = &mut db::open(&config.database_url)?;
    let read = |path: &PathBuf| std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()));
    db::migrate(conn)?;
    let refused = |e: AppError| e.to_string();
    match action {
        ClientCommand::Add { org_no, client_id, scope, jwks, name } => {
            let jwks = jwks.as_ref().map(read).transpose()?;
            let new = NewClient { org_no, client_id, name, scopes: scope, jwks };
            let (client, secret) = vendor_clients::add(conn, OPERATOR, new).map_err(refused)?;
            println!("{}", described(&client));
            if let Some(secret) = secret {
                println!("secret: {secret}");
            }
        }
        ClientCommand::List => {
            let clients = vendor_clients::list(conn).map_err(refused)?;
            print!("{}", client_table(&clients));
        }
        ClientCommand::Remove { client_id } => {
            let client = vendor_clients::remove(conn, OPERATOR, &client_id).map_err(refused)?;
            println!("Removed {}.", described(&client));
        }
        ClientCommand::RotateSecret { client_id } => {
            let secret = vendor_clients::rotate_secret(conn, OPERATOR, &client_id).map_err(refused)?;
            println!("A new secret for {client_id}; the old one no longer works.");
            println!("secret: {secret}");
        }
        ClientCommand::SetScopes { client_id, scope } => {
            let client = vendor_clients::set_scopes(conn, OPERATOR, &client_id, &scope).map_err(refused)?;
            println!("{}", described(&client));
        }
        ClientCommand::SetJwks { client_id, jwks } => {
            let client = vendor_clients::set_jwks(conn, OPERATOR, &client_id, &read(&jwks)?).map_err(refused)?;
            println!("{}", described(&client));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One client on a line: `id (organisation): scopes …; authenticates with …`.
fn described(client: &VendorClient) -> String {
    format!(
        "{} of {}: scopes {}; authenticates with {}",
        client.client_id,
        client.org_no,
        client.scopes,
        Proof::of(client).as_str()
    )
}

/// The clients as a table with a header, its columns aligned.
fn client_table(clients: &[VendorClient]) -> String {
    let when =
        |at: Option<chrono::NaiveDateTime>| at.map_or("never".to_owned(), |t| t.format("%Y-%m-%d %H:%M").to_string());
    let mut rows =
        vec![["id", "organisation", "name", "scopes", "authenticates with", "created", "last used"].map(String::from)];
    rows.extend(clients.iter().map(|c| {
        [
            c.client_id.clone(),
            c.org_no.clone(),
            c.name.clone(),
            c.scopes.clone(),
            Proof::of(c).as_str().to_owned(),
            when(Some(c.created)),
            when(c.last_used),
        ]
    }));
    let widths: Vec<usize> = (0..7).map(|n| rows.iter().map(|r| r[n].chars().count()).max().unwrap_or(0)).collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
            cells.join("  ").trim_end().to_owned() + "\n"
        })
        .collect()
}

/// Prints a person's token signed with the portal's key, for the portal at its public URL.
pub fn person_token(config: &Config, pid: &str, scopes: &[String]) -> Result<ExitCode, String> {
    if config.mode == Mode::Production {
        return Err("person tokens are for trying the API with the demo cast; production mode refuses them".into());
    }
    let mut conn = db::open(&config.database_url)?;
    prepare_database(&mut conn, config.mode)?;
    let issuer = config.public_url.clone().unwrap_or_else(|| format!("http://{}", config.bind));
    let tokens = TokenService::load_or_create(&mut conn, &issuer).map_err(|e| e.to_string())?;
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let token = tokens.issue_person(pid, "systemtilgang-cli", &scopes).map_err(|e| e.to_string())?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_paged_by_fifty_as_in_altinn() {
        let config = Cli::parse_from(["systemtilgang"]).config.validate().unwrap();
        assert_eq!(config.page_size, 50);
    }

    #[test]
    fn logging_out_after_a_vendors_request_is_on_in_production_unless_turned_off() {
        let production = [
            "systemtilgang",
            "--mode=production",
            "--cookie-key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "--oidc-issuer=http://127.0.0.1:9/",
            "--oidc-client-id=portal",
            "--oidc-client-secret=secret",
        ];
        let logs_out = |extra: &[&str]| {
            let args: Vec<&str> = production.iter().chain(extra).copied().collect();
            Cli::parse_from(args).config.validate().unwrap().logout_after_vendor_decision
        };
        assert!(logs_out(&[]));
        assert!(!logs_out(&["--logout-after-vendor-decision=off"]));
        let demo = Cli::parse_from(["systemtilgang"]).config.validate().unwrap();
        assert!(!demo.logout_after_vendor_decision);
        let demo_on = Cli::parse_from(["systemtilgang", "--logout-after-vendor-decision=true"]);
        assert!(demo_on.config.validate().unwrap().logout_after_vendor_decision);
    }
}
