//! `counterqr secret` and `counterqr config`: the keyring's secrets (set from standard input,
//! never the command line; listed as set or not, never shown) and the settings in effect.

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use super::SecretCommand;
use crate::config::Config;
use crate::pin::PinGuard;
use crate::secrets::{self, Secret, SecretName, SecretStore};
use time::OffsetDateTime;

/// Every change of a secret (the PIN's own included) needs the manager PIN when one is set.
/// On a terminal it is asked for without echo; from a pipe, it is the first line.
pub fn secret(command: &SecretCommand) -> anyhow::Result<ExitCode> {
    let store = secrets::os_keyring()?;
    match command {
        SecretCommand::Set { name } => {
            authorise(store.as_ref(), name.as_str())?;
            let value = read_secret_value(*name)?;
            store.set(*name, &value)?;
            eprintln!("{name} stored in the OS keyring");
        }
        SecretCommand::Delete { name } => {
            authorise(store.as_ref(), name.as_str())?;
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

/// Asks for the manager PIN when one is set, and checks it (with its back-off) before a change
/// of `what`.
fn authorise(store: &dyn SecretStore, what: &str) -> anyhow::Result<()> {
    if store.get(SecretName::ManagerPin)?.is_none() {
        return Ok(());
    }
    let typed = read_line_hidden("Manager PIN (not shown): ")?;
    PinGuard::check(store, typed.expose(), what, OffsetDateTime::now_utc())
        .map_err(|refused| anyhow::anyhow!("{refused}"))
}

/// Reads one line: after `prompt`, without echo, from a terminal; else the next line of
/// standard input.
fn read_line_hidden(prompt: &str) -> anyhow::Result<Secret> {
    let mut text = if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
        rpassword::read_password().context("could not read the value")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("could not read the value from standard input")?;
        line
    };
    let secret = Secret::new(&text);
    zeroize::Zeroize::zeroize(&mut text);
    Ok(secret)
}

/// Reads one value: without echo from a terminal, else the next line of standard input.
fn read_secret_value(name: SecretName) -> anyhow::Result<Secret> {
    let secret = read_line_hidden(&format!("{} for {name} (not shown): ", name.description()))?;
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
    let store = secrets::os_keyring()?;
    authorise(store.as_ref(), "api-token")?;
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for a token: {e}"))?;
    let token = Secret::new(&hex::encode(bytes));
    store.set(SecretName::ApiToken, &token)?;
    eprintln!(
        "A new API token is stored in the OS keyring as api-token. Give it to the billing \
         software now: it is not shown again."
    );
    println!("{}", token.expose());
    Ok(ExitCode::SUCCESS)
}
