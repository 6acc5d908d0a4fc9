use std::process::ExitCode;

use clap::Parser;
use systemtilgang::config::{Cli, Command, Mode};
use systemtilgang::demo::{VENDOR_CLIENT_ID, VENDOR_CLIENT_SECRET, generate_firm};
use systemtilgang::logging::LogFormat;
use systemtilgang::startup::{Application, prepare_database};

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let log_format = cli.config.log_format;
    systemtilgang::logging::init(log_format);
    let config = match cli.config.validate() {
        Ok(config) => config,
        Err(message) => return fail(&message),
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => match systemtilgang::db::connect(&config.database_url, 1)
            .and_then(|pool| pool.get().map_err(|e| e.to_string()))
            .and_then(|mut conn| systemtilgang::db::migrate(&mut conn))
        {
            Ok(()) => println!("The database is up to date."),
            Err(message) => return fail(&message),
        },
        Command::PersonToken { .. } if config.mode == Mode::Production => {
            return fail("person tokens are for trying the API with the demo cast; production mode refuses them");
        }
        Command::PersonToken { pid, scope } => match person_token(&config, &pid, &scope) {
            Ok(token) => println!("{token}"),
            Err(message) => return fail(&message),
        },
        Command::Seed { .. } if config.mode == Mode::Production => {
            return fail("seed loads the demo data, with its published vendor secret; production mode refuses it");
        }
        Command::Seed { firm_clients, scale } => {
            let pool = match prepare_database(&config) {
                Ok((pool, true)) => {
                    println!("The demo data is loaded.");
                    pool
                }
                Ok((pool, false)) => {
                    println!("The database already holds data; nothing was loaded.");
                    pool
                }
                Err(message) => return fail(&message),
            };
            if let Some(count) = scale {
                let started = std::time::Instant::now();
                match with_connection(&pool, |conn| systemtilgang::scale::generate(conn, count)) {
                    Ok(true) => println!("Generated {count} system users in {:.0?}.", started.elapsed()),
                    Ok(false) => println!("The generated system users exist already; nothing was added."),
                    Err(message) => return fail(&message),
                }
            }
            if let Some(count) = firm_clients {
                match with_connection(&pool, |conn| generate_firm(conn, count)) {
                    Ok(Some(firm)) => println!(
                        "Generated STOR OG TRYGG REGNSKAP AS ({}) with {count} clients; log in as TRAVEL KLIENTSJEF \
                         ({}) and open /accessmanagement/ui/systemuser/{}/agentdelegation",
                        firm.org_no, firm.pid, firm.system_user_id
                    ),
                    Ok(None) => println!("The generated firm exists already; nothing was added."),
                    Err(message) => return fail(&message),
                }
            }
        }
        Command::Import { files, format } => {
            let pool = match systemtilgang::db::connect(&config.database_url, 1) {
                Ok(pool) => pool,
                Err(message) => return fail(&message),
            };
            let started = std::time::Instant::now();
            let imported = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                systemtilgang::db::migrate(&mut conn)?;
                systemtilgang::import::run(&mut conn, &files, format)
            });
            match imported {
                Ok(summary) => {
                    println!("{}", systemtilgang::import::report(&summary, started.elapsed()));
                    if summary.refused > 0 {
                        return ExitCode::from(2);
                    }
                }
                Err(message) => return fail(&message),
            }
        }
        Command::Serve => {
            let demo = config.mode == Mode::Demo;
            let app = match Application::build(config).await {
                Ok(app) => app,
                Err(message) => return fail(&message),
            };
            let url = app.public_url().to_owned();
            let mut banner = vec![format!("Systemtilgang is running at {url}/accessmanagement/ui/systemuser/overview")];
            if demo {
                banner.extend([
                    format!(
                        "Demo login at {url}/login: STADIG KONSERT (daglig leder), FORSIKTIG LØVE (tilgangsstyrer),"
                    ),
                    "  ROLIG PINGVIN (no admin role), DRESS MINST (klientadministrator in an accounting firm),".into(),
                    "  SMIDIG TAPPER SKILPADDE (daglig leder of the accounting firm).".into(),
                ]);
                // A log collector keeps what it reads: the secret only for a person at a terminal.
                banner.push(match log_format {
                    LogFormat::Text => {
                        format!("Vendor API client: {VENDOR_CLIENT_ID} / {VENDOR_CLIENT_SECRET} (token endpoint {url}/token)")
                    }
                    LogFormat::Json => {
                        format!("Vendor API client: {VENDOR_CLIENT_ID}, its secret in README (token endpoint {url}/token)")
                    }
                });
            }
            systemtilgang::logging::banner(&banner);
            if let Err(e) = app.run_until_stopped().await {
                return fail(&format!("the server stopped: {e}"));
            }
        }
    }
    ExitCode::SUCCESS
}

/// A person token signed with the portal's key, for the portal at its public URL.
fn person_token(config: &systemtilgang::config::Config, pid: &str, scopes: &[String]) -> Result<String, String> {
    let (pool, _) = prepare_database(config)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let issuer = config.public_url.clone().unwrap_or_else(|| format!("http://{}", config.bind));
    let tokens = systemtilgang::tokens::TokenService::load_or_create(&mut conn, &issuer).map_err(|e| e.to_string())?;
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    tokens.issue_person(pid, "systemtilgang-cli", &scopes).map_err(|e| e.to_string())
}

/// Runs `work` on a connection of the pool, with any failure as one sentence.
fn with_connection<T>(
    pool: &systemtilgang::db::Pool,
    work: impl FnOnce(&mut systemtilgang::db::DbConnection) -> diesel::QueryResult<T>,
) -> Result<T, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    work(&mut conn).map_err(|e| e.to_string())
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
