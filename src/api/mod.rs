//! The local sales API for billing software (`[api] listen`): a bill becomes a sale on the till,
//! and its outcome goes back to the biller. axum on the app's tokio runtime; every call but
//! `/v1/health` needs the `api-token` ([`auth`]). The API never decides anything about a sale: it
//! sends [`Call`]s to the window through the window's own event channel, where the flow decides
//! as it does for the cashier's keys, and it answers from the [`board::SaleBoard`] the window
//! publishes (or from the journal, for older sales). The contract is in the README and, generated
//! from this code, at `/v1/openapi.json`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::oneshot;

use crate::domain::{Sale, SaleRef};
use crate::journal::{SaleRecord, Writer};

pub mod auth;
pub mod board;
mod handlers;
pub mod model;

pub use auth::TokenGate;
pub use board::SaleBoard;
pub use model::{SaleStatus, SaleView};

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 16 * 1024;

/// What the API asks of the window.
pub enum Call {
    /// A bill to sell: the sale (checked as far as the API can), and what the journal knows of its
    /// bill reference.
    Create {
        sale: Box<Sale>,
        known: Option<Box<SaleRecord>>,
        reply: oneshot::Sender<Created>,
    },
    /// Withdraw a sale, like Esc on the till.
    Cancel {
        reference: SaleRef,
        reply: oneshot::Sender<Cancelled>,
    },
}

/// What the window did with a bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// The sale is on the till, asking for its QR: `new` for a new sale, else a new QR for a
    /// sale whose earlier QR ended unpaid.
    Started { sale_id: SaleRef, new: bool },
    /// The bill's sale is already open or paid: nothing was asked of the gateway.
    Existing(SaleView),
    /// Another sale is on the till.
    Busy { sale_id: SaleRef },
    /// The bill is known with another amount.
    Conflict,
    /// The provider's own rules refuse it (a minimum, say), by field.
    Invalid(BTreeMap<String, String>),
}

/// What the window did with a cancellation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// Withdrawn, as Esc would.
    Done,
    /// Already final: nothing changed.
    Final(SaleView),
    /// Not on the till (and not final): nothing to withdraw here.
    NotOnTill,
}

/// Hands a call to the window (its event channel, which wakes it).
pub type Till = Arc<dyn Fn(Call) + Send + Sync>;

/// What the API's handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub till: Till,
    pub board: SaleBoard,
    pub journal: Writer,
    pub gate: TokenGate,
}

/// Starts the API on `runtime`, listening on `listen`. Returns the address it listens on.
pub fn start(
    runtime: &tokio::runtime::Handle,
    listen: &str,
    state: ApiState,
) -> Result<SocketAddr, String> {
    let address: SocketAddr = listen
        .trim()
        .parse()
        .map_err(|_| format!("\"{listen}\" is not an address and port like 127.0.0.1:8787"))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(address))
        .map_err(|e| format!("the API could not listen on {address}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let app = handlers::router(state).into_make_service_with_connect_info::<SocketAddr>();
    runtime.spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("the API stopped: {e}");
        }
    });
    if !bound.ip().is_loopback() {
        tracing::warn!(%bound, "the API listens beyond this machine: firewall it to the billing PCs");
    }
    tracing::info!(%bound, "the sales API is listening");
    Ok(bound)
}

/// The OpenAPI document of the contract.
pub fn openapi() -> utoipa::openapi::OpenApi {
    handlers::openapi()
}
