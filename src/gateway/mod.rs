//! Payment providers behind one trait: each turns a [`Sale`] into a QR payload, and those that can
//! tell whether the customer paid answer a status check.
//!
//! No egui here: the GUI and the command line drive the same trait.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::domain::{
    Customer, FormError, Paise, PaymentStatus, ProviderId, QrGrant, Sale, SaleForm, SaleRef,
};
use crate::secrets::{Secret, SecretName, SecretStore};

pub mod http;
pub mod oqpay;
pub mod payu;
pub mod training;
pub mod upi_direct;

/// A boxed future a gateway call returns; `Send` so it can run on a tokio task.
pub type GatewayFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, GatewayError>> + Send + 'a>>;

/// A gateway's words made inert for the screen, the journal and the log.
fn clean(text: &str) -> String {
    crate::domain::text::clean_gateway_text(text, crate::domain::text::GATEWAY_TEXT_CHARS)
}

/// Why a provider gave no QR (or no status). The `Display` text is for the cashier; the
/// gateway's own words in it are cleaned ([`crate::domain::text`]) whatever they hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The settings for this provider are missing or wrong.
    #[error("Payment settings problem: {0}")]
    Config(String),
    /// The provider refused this sale, saying why.
    #[error("{provider} refused the request: {}", clean(message))]
    Rejected {
        provider: &'static str,
        message: String,
    },
    /// The provider could not be reached or did not answer in time.
    #[error(
        "Could not reach {provider}: {}. Check the internet connection and try again.",
        clean(detail)
    )]
    Unreachable {
        provider: &'static str,
        detail: String,
    },
    /// The provider answered with something we could not read.
    #[error(
        "{provider} sent an answer that could not be read ({}). Try again.",
        clean(detail)
    )]
    BadAnswer {
        provider: &'static str,
        detail: String,
    },
    /// The provider refused a new QR because this sale is already paid (PayU E2012): its status
    /// is to be checked, and the sale recorded paid when it confirms.
    #[error("{provider}: {}", clean(message))]
    AlreadyPaid {
        provider: &'static str,
        message: String,
    },
    /// The provider's QR is already expired by its own word.
    #[error(transparent)]
    Expired(#[from] crate::domain::expiry::AlreadyExpired),
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

/// Checks an amount given as paise (not typed: from the sales API) and the customer for
/// `gateway`: within the till's largest amount, then the provider's own rules.
pub fn check_amount(
    gateway: &dyn Gateway,
    amount: Paise,
    customer: &Customer,
) -> Result<(), String> {
    let max = gateway.max_amount();
    if amount > max {
        return Err(format!("{amount} is over the till's limit of {max}"));
    }
    gateway.check_sale(amount, customer)
}

/// Checks a typed form for `gateway`: the amount and customer rules every sale follows, then the
/// provider's own. The entry screen and `counterqr request` both check through here.
pub fn check_form(
    gateway: &dyn Gateway,
    form: &SaleForm,
    reference: SaleRef,
) -> Result<Sale, FormError> {
    let sale = form.check(gateway.max_amount(), reference)?;
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
