//! Payment providers behind one trait: each turns a [`Sale`] into a QR payload, and those that can
//! tell whether the customer paid answer a status check.
//!
//! No egui here: the GUI and the command line drive the same trait.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::domain::{Customer, FormError, Paise, Sale, SaleForm};
use crate::render::Picture;
use crate::secrets::{Secret, SecretName, SecretStore};

pub mod http;
pub mod oqpay;
pub mod payu;
pub mod training;
pub mod upi_direct;

/// A boxed future a gateway call returns; `Send` so it can run on a tokio task.
pub type GatewayFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, GatewayError>> + Send + 'a>>;

/// Which provider a configuration selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderId {
    /// The in-process simulated gateway for learning the till. Pays nobody.
    #[default]
    Training,
    /// A UPI link built on this PC from the shop's own VPA; no network.
    Upi,
    /// OQPay's Dynamic QR API.
    Oqpay,
    /// PayU's Dynamic Bharat QR API, with payment confirmation.
    Payu,
}

impl ProviderId {
    /// The id as written in the config file and printed by the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Training => "training",
            Self::Upi => "upi",
            Self::Oqpay => "oqpay",
            Self::Payu => "payu",
        }
    }

    /// Every provider, in the order the settings panel offers them.
    pub const ALL: [Self; 4] = [Self::Training, Self::Upi, Self::Oqpay, Self::Payu];

    /// The provider's name as the cashier sees it.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Training => "Training (simulated)",
            Self::Upi => "UPI (direct)",
            Self::Oqpay => "OQPay",
            Self::Payu => "PayU",
        }
    }
}

/// A QR a provider issued for a sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrGrant {
    /// The exact text to encode in the QR, as the provider produced it.
    pub payload: String,
    /// Whom the customer pays, as shown on the QR screen.
    pub payee_name: String,
    /// The payee's VPA, where known.
    pub payee_vpa: Option<String>,
    /// How long the QR stays valid from the moment it was requested.
    #[serde(rename = "expires_in_secs", serialize_with = "as_secs")]
    pub expires_in: Duration,
    /// The provider's own picture of the QR, where it sent one instead of (or as well as) the
    /// text: shown as the provider drew it, after its QR was read back and checked.
    #[serde(skip)]
    pub picture: Option<Picture>,
    /// The provider's own ids for this QR (name, value), e.g. `("txnId", "TPAY…")`.
    pub gateway_ids: Vec<(String, String)>,
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

/// What a status check found out about a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Not paid yet.
    Pending,
    /// The money arrived.
    Paid(PaidDetails),
    /// The payment was attempted and failed.
    Failed { reason: String },
}

/// What the provider told us about a payment that arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaidDetails {
    pub payer_vpa: Option<String>,
    pub bank_reference: Option<String>,
    /// The provider's own id for the payment (PayU's `mihpayid`).
    pub gateway_payment_id: Option<String>,
}

/// Why a provider gave no QR (or no status). The `Display` text is for the cashier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The settings for this provider are missing or wrong.
    #[error("Payment settings problem: {0}")]
    Config(String),
    /// The provider refused this sale, saying why.
    #[error("{provider} refused the request: {message}")]
    Rejected {
        provider: &'static str,
        message: String,
    },
    /// The provider could not be reached or did not answer in time.
    #[error("Could not reach {provider}: {detail}. Check the internet connection and try again.")]
    Unreachable {
        provider: &'static str,
        detail: String,
    },
    /// The provider answered with something we could not read.
    #[error("{provider} sent an answer that could not be read ({detail}). Try again.")]
    BadAnswer {
        provider: &'static str,
        detail: String,
    },
    /// This provider cannot do what was asked.
    #[error("{0}")]
    Unsupported(String),
}

/// Reads one gateway secret from `store` off the async threads (the OS keyring is a blocking
/// D-Bus call). A missing secret is a settings problem that says how to set it.
pub(crate) async fn read_secret(
    store: &Arc<dyn SecretStore>,
    name: SecretName,
) -> Result<Secret, GatewayError> {
    let store = store.clone();
    let found = tokio::task::spawn_blocking(move || store.get(name))
        .await
        .map_err(|e| GatewayError::Config(format!("the keyring lookup stopped: {e}")))?
        .map_err(|e| GatewayError::Config(e.to_string()))?;
    found.filter(|s| !s.is_empty()).ok_or_else(|| {
        GatewayError::Config(format!(
            "the {} is not set: enter it in Settings (F2) or run `counterqr secret set {name}`",
            name.description()
        ))
    })
}

/// How a watched sale ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    Paid(PaidDetails),
    Failed { reason: String },
}

/// Asks `gateway` about `sale` every [`Gateway::status_interval`] until the money arrives or the
/// payment fails, or until `until` passes (then `None`). A failed check is logged and retried,
/// the wait doubling up to `max_backoff`. The window and `counterqr request --wait` both watch
/// through here.
pub async fn watch_payment(
    gateway: &dyn Gateway,
    sale: &Sale,
    until: Option<Instant>,
    max_backoff: Duration,
) -> Option<Settled> {
    let interval = gateway.status_interval();
    let mut wait = interval;
    loop {
        if let Some(until) = until {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            wait = wait.min(left);
        }
        tokio::time::sleep(wait).await;
        match gateway.check_status(sale).await {
            Ok(PaymentStatus::Pending) => wait = interval,
            Ok(PaymentStatus::Paid(details)) => return Some(Settled::Paid(details)),
            Ok(PaymentStatus::Failed { reason }) => return Some(Settled::Failed { reason }),
            Err(e) => {
                tracing::warn!(sale = %sale.reference, "status check failed: {e}");
                wait = (wait * 2).min(max_backoff);
            }
        }
    }
}

/// The provider's own rules, checked again at request time (the window and the CLI check them
/// first, but nothing is ever sent that breaks them).
pub(crate) fn enforce_rules(
    gateway: &dyn Gateway,
    provider: &'static str,
    sale: &Sale,
) -> Result<(), GatewayError> {
    gateway
        .check_sale(sale.amount, &sale.customer)
        .map_err(|message| GatewayError::Rejected { provider, message })
}

/// Checks a typed form for `gateway`: the amount and customer rules every sale follows, then the
/// provider's own. The entry screen and `counterqr request` both check through here.
pub fn check_form(gateway: &dyn Gateway, form: &SaleForm) -> Result<Sale, FormError> {
    let sale = form.check(gateway.max_amount())?;
    gateway
        .check_sale(sale.amount, &sale.customer)
        .map_err(FormError::Provider)?;
    Ok(sale)
}

/// One payment provider.
pub trait Gateway: Send + Sync {
    /// Which provider this is.
    fn id(&self) -> ProviderId;

    /// True for the simulated gateway: every screen then says it is not a real payment.
    fn is_training(&self) -> bool {
        false
    }

    /// The largest amount this provider takes for one QR.
    fn max_amount(&self) -> Paise;

    /// Provider-specific rules on a checked amount and customer (minimums, required fields).
    /// The message says what to change.
    fn check_sale(&self, amount: Paise, customer: &Customer) -> Result<(), String> {
        let _ = (amount, customer);
        Ok(())
    }

    /// True when the provider needs the customer's name, mobile and e-mail for every sale.
    fn customer_details_required(&self) -> bool {
        false
    }

    /// True when [`Gateway::check_status`] can tell that the customer paid; otherwise the cashier
    /// marks the sale paid or not paid by hand.
    fn confirms_payment(&self) -> bool {
        false
    }

    /// How often to ask [`Gateway::check_status`] while a QR is shown.
    fn status_interval(&self) -> Duration {
        Duration::from_secs(3)
    }

    /// Asks for a QR for exactly this sale.
    fn request_qr<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, QrGrant>;

    /// Asks whether the sale was paid.
    fn check_status<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, PaymentStatus> {
        let _ = sale;
        Box::pin(async move {
            Err(GatewayError::Unsupported(format!(
                "{} cannot tell whether a payment arrived",
                self.id().as_str()
            )))
        })
    }
}
