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
    let app = handlers::router(state).into_make_service_with_connect_info::<Peer>();
    let listener = Limited {
        inner: listener,
        open: Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS)),
    };
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

/// The most connections the API holds open at once: idle connections (a careless or hostile
/// client) wait beyond it, and never use up the file handles the till needs for its gateway
/// and its journal.
pub const MAX_CONNECTIONS: usize = 64;

/// A listener that accepts a connection only while fewer than [`MAX_CONNECTIONS`] are open.
struct Limited {
    inner: tokio::net::TcpListener,
    open: Arc<tokio::sync::Semaphore>,
}

impl axum::serve::Listener for Limited {
    type Io = Counted;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // The semaphore is never closed (were it, accepting without a permit is no worse).
        let permit = self.open.clone().acquire_owned().await.ok();
        let (stream, address) = axum::serve::Listener::accept(&mut self.inner).await;
        (
            Counted {
                stream,
                _permit: permit,
            },
            address,
        )
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// Who called: the connection's remote address.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, Limited>> for Peer {
    fn connect_info(stream: axum::serve::IncomingStream<'_, Limited>) -> Self {
        Self(*stream.remote_addr())
    }
}

/// A connection, holding its place among the open ones until it closes.
struct Counted {
    stream: tokio::net::TcpStream,
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl tokio::io::AsyncRead for Counted {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Counted {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The OpenAPI document of the contract.
pub fn openapi() -> utoipa::openapi::OpenApi {
    handlers::openapi()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_more_connections_are_taken_than_allowed_until_one_closes() {
        let inner = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = inner.local_addr().expect("address");
        let mut listener = Limited {
            inner,
            open: Arc::new(tokio::sync::Semaphore::new(2)),
        };
        let (tx, mut accepted) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let (io, _) = axum::serve::Listener::accept(&mut listener).await;
                if tx.send(io).is_err() {
                    return;
                }
            }
        });
        let mut clients = Vec::new();
        for _ in 0..5 {
            clients.push(
                tokio::net::TcpStream::connect(address)
                    .await
                    .expect("connect"),
            );
        }
        let first = accepted.recv().await.expect("first");
        let _second = accepted.recv().await.expect("second");
        // Three wait outside: nothing more is taken while two are open...
        tokio::task::yield_now().await;
        assert!(
            accepted.try_recv().is_err(),
            "a third was taken with two open"
        );
        // ...until one closes.
        drop(first);
        let third = tokio::time::timeout(std::time::Duration::from_secs(10), accepted.recv()).await;
        assert!(
            matches!(third, Ok(Some(_))),
            "the next one is taken once one closes"
        );
    }
}
