//! `counterqr secret` and `counterqr config`: the keyring's secrets (set from standard input,
//! never the command line; listed as set or not, never shown) and the settings in effect.

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use super::SecretCommand;
use crate::config::Config;
use crate::secrets::{self, Secret, SecretName};

pub fn secret(command: &SecretCommand) -> anyhow::Result<ExitCode> {
    let store = secrets::os_keyring()?;
    match command {
        SecretCommand::Set { name } => {
            let value = read_secret_value(*name)?;
            store.set(*name, &value)?;
            eprintln!("{name} stored in the OS keyring");
        }
        SecretCommand::Delete { name } => {
            store.delete(*name)?;
            eprintln!("{name} deleted from the OS keyring");
        }
        SecretCommand::Status => {
            for (name, set) in store.status()? {
                println!("{name}: {}", if set { "set" } else { "not set" });
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads one value: without echo from a terminal, else the first line of standard input.
fn read_secret_value(name: SecretName) -> anyhow::Result<Secret> {
    let text = if std::io::stdin().is_terminal() {
        eprint!("{} for {name} (not shown): ", name.description());
        rpassword::read_password().context("could not read the value")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("could not read the value from standard input")?;
        line
    };
    let secret = Secret::new(&text);
    anyhow::ensure!(
        !secret.is_empty(),
        "no value given for {name}; nothing was changed"
    );
    Ok(secret)
}

pub fn config_show(config_path: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    println!("# {}", config_path.display());
    print!("{}", toml::to_string(&config)?);
    println!();
    println!("# Secrets in the OS keyring (values are never shown):");
    match secrets::os_keyring().and_then(|store| store.status()) {
        Ok(status) => {
            for (name, set) in status {
                println!("#   {name}: {}", if set { "set" } else { "not set" });
            }
        }
        Err(e) => println!("#   unknown: {e}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Makes a random API token (32 random bytes, as hex), stores it as `api-token` and prints it
/// once.
pub fn new_api_token() -> anyhow::Result<ExitCode> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for a token: {e}"))?;
    let token = Secret::new(&hex::encode(bytes));
    secrets::os_keyring()?.set(SecretName::ApiToken, &token)?;
    eprintln!(
        "A new API token is stored in the OS keyring as api-token. Give it to the billing \
         software now: it is not shown again."
    );
    println!("{}", token.expose());
    Ok(ExitCode::SUCCESS)
}
