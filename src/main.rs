use std::process::ExitCode;

use clap::Parser;
use systemtilgang::cli::{self, Cli, Command};

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    systemtilgang::ops::logging::init(cli.config.log_format);
    let done = match cli.config.validate() {
        Err(message) => Err(message),
        Ok(config) => match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => cli::serve(config).await,
            Command::Migrate => cli::migrate(&config),
            Command::Seed { firm_clients, scale } => cli::seed(&config, firm_clients, scale),
            Command::Import { files, format } => cli::import(&config, &files, format),
            Command::Client { action } => cli::client(&config, action),
            Command::PersonToken { pid, scope } => cli::person_token(&config, &pid, &scope),
        },
    };
    done.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::FAILURE
    })
}
