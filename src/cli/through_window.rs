//! `counterqr request --bill REF` while a window with its sales API is running: the sale goes on
//! that till through the API (so the QR shows on the till and the customer's display), and the
//! command prints what the API answers, as it would have printed it alone.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;
use serde_json::{Value, json};

use super::request::{EXIT_CANCELLED, EXIT_EXPIRED, EXIT_FAILED};
use crate::domain::{Customer, Paise};
use crate::secrets::{self, SecretName};

/// One bill for the API.
pub struct Bill<'a> {
    pub amount: Paise,
    pub bill_ref: &'a str,
    pub customer: &'a Customer,
}

/// The JSON line `--json` prints for a sale the window took.
#[derive(Serialize)]
struct Printed<'a> {
    via: &'static str,
    sale_reference: &'a str,
    bill_ref: &'a str,
    amount_paise: u64,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<&'a str>,
}

/// Where to reach the window's API that listens on `listen`, on this machine only: the token
/// travels in plain HTTP, so it is sent to no other host (a settings file pointing `listen`
/// elsewhere gets a refusal, not the token).
fn local_api_address(listen: &str) -> anyhow::Result<std::net::SocketAddr> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
    let address: SocketAddr = listen.trim().parse().map_err(|_| {
        anyhow::anyhow!(
            "[api] listen = \"{listen}\" is not an address and port like 127.0.0.1:8787"
        )
    })?;
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip if ip.is_loopback() => ip,
        ip => anyhow::bail!(
            "[api] listen is {ip}, not this machine's loopback: `counterqr request --bill` sends \
             the API token only to 127.0.0.1 or ::1 (or a window listening on 0.0.0.0)"
        ),
    };
    Ok(SocketAddr::new(ip, address.port()))
}

/// Sells `bill` through the window's API at `listen`; with `wait`, until the sale is final.
pub fn sell(listen: &str, bill: &Bill<'_>, json: bool, wait: bool) -> anyhow::Result<ExitCode> {
    let token = secrets::os_keyring()?
        .get(SecretName::ApiToken)?
        .context("the window's sales API needs the api-token: run `counterqr api new-token`")?;
    let base = format!("http://{}", local_api_address(listen)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(90))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let body = json!({
        "amount_paise": bill.amount.paise(),
        "bill_ref": bill.bill_ref,
        "customer": {
            "name": bill.customer.name, "mobile": bill.customer.mobile,
            "email": bill.customer.email,
        },
    });
    let auth = format!("Bearer {}", token.expose());
    let sale = runtime.block_on(async {
        let answer = client
            .post(format!("{base}/v1/sales"))
            .header(reqwest::header::AUTHORIZATION, &auth)
            .json(&body)
            .send()
            .await
            .context("the window's sales API could not be reached")?;
        read(answer).await
    })?;
    print(&sale, json, "window")?;
    let mut sale = sale;
    while wait && !is_final(&sale) {
        let id = text(&sale, "sale_id");
        sale = runtime.block_on(async {
            let answer = client
                .get(format!("{base}/v1/sales/{id}?wait=60"))
                .header(reqwest::header::AUTHORIZATION, &auth)
                .send()
                .await
                .context("the window's sales API could not be reached")?;
            read(answer).await
        })?;
    }
    if wait {
        print(&sale, json, "window")?;
    }
    Ok(exit_code(&sale, wait))
}

async fn read(answer: reqwest::Response) -> anyhow::Result<Value> {
    let status = answer.status();
    let body: Value = answer
        .json()
        .await
        .context("the window's sales API sent something that is not JSON")?;
    if status.is_success() {
        return Ok(body);
    }
    let error = body["error"].as_str().unwrap_or("error");
    let mut message = body["message"].as_str().unwrap_or_default().to_owned();
    if let Some(fields) = body["fields"].as_object() {
        for (field, why) in fields {
            message.push_str(&format!(" {field}: {}.", why.as_str().unwrap_or_default()));
        }
    }
    anyhow::bail!("the till refused the bill ({status}, {error}):{message}")
}

fn text<'a>(sale: &'a Value, key: &str) -> &'a str {
    sale[key].as_str().unwrap_or_default()
}

fn is_final(sale: &Value) -> bool {
    !matches!(text(sale, "status"), "requested" | "showing")
}

/// Prints a sale as the API shows it; `via` says where the answer came from (`window`, or
/// `journal` for a bill this command found already sold).
pub fn print(sale: &Value, json: bool, via: &'static str) -> anyhow::Result<()> {
    let payload = sale["qr"]["payload"].as_str();
    if json {
        let printed = Printed {
            via,
            sale_reference: text(sale, "sale_id"),
            bill_ref: text(sale, "bill_ref"),
            amount_paise: sale["amount_paise"].as_u64().unwrap_or_default(),
            status: text(sale, "status"),
            payload,
            expires_at: sale["qr"]["expires_at"].as_str(),
        };
        println!("{}", serde_json::to_string(&printed)?);
    } else if let Some(payload) = payload.filter(|_| !is_final(sale)) {
        println!("{payload}");
    } else {
        let amount = Paise::new(sale["amount_paise"].as_u64().unwrap_or_default());
        println!(
            "{}: {amount} (sale {}, bill {})",
            text(sale, "status"),
            text(sale, "sale_id"),
            text(sale, "bill_ref")
        );
    }
    Ok(())
}

pub fn exit_code(sale: &Value, waited: bool) -> ExitCode {
    match text(sale, "status") {
        "paid" => ExitCode::SUCCESS,
        "requested" | "showing" if !waited => ExitCode::SUCCESS,
        "failed" => ExitCode::from(EXIT_FAILED),
        "expired" => ExitCode::from(EXIT_EXPIRED),
        "cancelled" | "not_paid" => ExitCode::from(EXIT_CANCELLED),
        _ => ExitCode::FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_to_this_machine_only() {
        let local = |l: &str| local_api_address(l).map(|a| a.to_string()).ok();
        assert_eq!(local("127.0.0.1:8787").as_deref(), Some("127.0.0.1:8787"));
        assert_eq!(local(" 0.0.0.0:9000 ").as_deref(), Some("127.0.0.1:9000"));
        assert_eq!(local("[::]:8787").as_deref(), Some("[::1]:8787"));
        assert_eq!(local("[::1]:8787").as_deref(), Some("[::1]:8787"));
        for elsewhere in [
            "203.0.113.5:8787",
            "192.168.1.9:8787",
            "evil.example:80",
            "",
        ] {
            assert_eq!(local(elsewhere), None, "{elsewhere}");
        }
    }
}
