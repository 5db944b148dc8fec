//! PayU's Dynamic Bharat QR (`generate_dynamic_bharat_qr`) and its payment status
//! (`check_bqr_txn_status`, with `verify_payment` where that is refused), through PayU's
//! `postservice.php?form=2` web-service endpoint.
//!
//! Every call is a form post of `key`, `command`, `hash` and `var1`, where
//! `hash = sha512(key|command|var1|salt)`. `var1` is serialised once, and those exact bytes are
//! both hashed and sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::http::{self, HttpAnswer};
use super::{Gateway, GatewayError, GatewayFuture};
use crate::domain::provider::PAYU_PRODUCTION_URL;
use crate::domain::{
    Customer, OutputType, Paise, PaymentStatus, ProviderId, QrGrant, QrType, Sale,
};
use crate::secrets::{SecretName, SecretStore};

mod answer;
mod qr;
mod status;
mod var1;

pub use answer::{ALREADY_PAID, error_code_words};
pub use qr::{qr_life, read_qr_answer};
pub use status::{BqrReading, read_bqr_status, read_verify_payment};
pub use var1::{qr_var1, request_hash};

const PROVIDER: &str = "PayU";
/// The web-service path under the base URL; `?form=2` asks for JSON answers.
pub const PATH: &str = "/merchant/postservice.php";
/// The command that makes a dynamic QR.
pub const GENERATE: &str = "generate_dynamic_bharat_qr";
/// The command that tells whether a QR was paid.
pub const CHECK_STATUS: &str = "check_bqr_txn_status";
/// The general status command, used when [`CHECK_STATUS`] is refused.
pub const VERIFY_PAYMENT: &str = "verify_payment";
/// PayU refuses QRs for less than ₹1.00.
pub const MINIMUM: Paise = Paise::new(100);

/// The merchant's settings for PayU's QR (all but the key and salt, which are secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayuSettings {
    /// `https://info.payu.in`, the test host, or a custom address.
    pub base_url: String,
    /// The VPA to collect into; empty: the one PayU has for the key.
    pub merchant_vpa: String,
    /// `expiryTime`: how long each QR is valid.
    pub expiry: Duration,
    /// Name, city and PIN code embedded in the QR; empty: PayU's onboarding values.
    pub qr_name: String,
    pub qr_city: String,
    pub qr_pin_code: String,
    pub qr_type: QrType,
    pub output_type: OutputType,
    /// `udf3`, `udf4`, `udf5`: the shop's own notes on every QR (a counter number, say).
    pub udf: [String; 3],
    /// UPI QRs only: `purpose`, `refUrl` and its `category` (`01` advertisement, `02` invoice).
    pub purpose: String,
    pub ref_url: String,
    pub category: String,
    pub max_amount: Paise,
    /// How often the payment status is asked for while a QR is shown.
    pub status_interval: Duration,
    /// No QR stays on screen longer than this, whatever PayU says.
    pub max_qr_life: Duration,
}

impl Default for PayuSettings {
    fn default() -> Self {
        Self {
            base_url: PAYU_PRODUCTION_URL.to_owned(),
            merchant_vpa: String::new(),
            expiry: Duration::from_secs(300),
            qr_name: String::new(),
            qr_city: String::new(),
            qr_pin_code: String::new(),
            qr_type: QrType::Bqr,
            output_type: OutputType::String,
            udf: Default::default(),
            purpose: String::new(),
            ref_url: String::new(),
            category: String::new(),
            max_amount: Paise::from_rupees(1_00_000),
            status_interval: Duration::from_secs(3),
            max_qr_life: Duration::from_secs(900),
        }
    }
}

/// The PayU provider.
pub struct PayuGateway {
    client: reqwest::Client,
    endpoint: url::Url,
    secrets: Arc<dyn SecretStore>,
    settings: PayuSettings,
    /// Set once PayU refuses `check_bqr_txn_status` for this key: status then comes from
    /// `verify_payment`.
    use_verify_payment: AtomicBool,
}

impl PayuGateway {
    /// A gateway posting to `settings.base_url` through `client`, reading the key and salt from
    /// `secrets` at each call.
    pub fn new(
        client: reqwest::Client,
        settings: PayuSettings,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Self, GatewayError> {
        let mut endpoint = http::endpoint(&settings.base_url, PATH)?;
        endpoint.set_query(Some("form=2"));
        Ok(Self {
            client,
            endpoint,
            secrets,
            settings,
            use_verify_payment: AtomicBool::new(false),
        })
    }

    /// Posts one command with `var1` (and any further `varN`), signed with the key and salt.
    async fn call(
        &self,
        command: &str,
        var1: &str,
        more: &[(&str, &str)],
    ) -> Result<HttpAnswer, GatewayError> {
        let key = super::read_secret(&self.secrets, SecretName::PayuKey).await?;
        let salt = super::read_secret(&self.secrets, SecretName::PayuSalt).await?;
        let hash = request_hash(key.expose(), command, var1, salt.expose());
        drop(salt);
        let mut form: Vec<(&str, &str)> = vec![
            ("key", key.expose()),
            ("command", command),
            ("hash", &hash),
            ("var1", var1),
        ];
        form.extend_from_slice(more);
        let request = self.client.post(self.endpoint.clone()).form(&form);
        let limit = if command == GENERATE {
            http::QR_LIMIT
        } else {
            http::JSON_LIMIT
        };
        http::send(PROVIDER, request, limit).await
    }

    /// `check_bqr_txn_status` for the sale's transactionId.
    async fn check_bqr_status(&self, sale: &Sale) -> Result<BqrReading, GatewayError> {
        let answer = self
            .call(CHECK_STATUS, sale.reference.as_str(), &[("var3", "DBQR")])
            .await?;
        let status = read_bqr_status(&answer, sale);
        if let Err(e) = &status {
            tracing::warn!(sale = %sale.reference, status = answer.status,
                body = %answer.body_for_log(), "PayU status check failed: {e}");
        }
        status
    }

    /// `verify_payment` for the sale's transactionId.
    async fn verify_payment(&self, sale: &Sale) -> Result<PaymentStatus, GatewayError> {
        let answer = self
            .call(VERIFY_PAYMENT, sale.reference.as_str(), &[])
            .await?;
        let status = read_verify_payment(&answer, sale);
        if let Err(e) = &status {
            tracing::warn!(sale = %sale.reference, status = answer.status,
                body = %answer.body_for_log(), "PayU verify_payment failed: {e}");
        }
        status
    }
}

impl Gateway for PayuGateway {
    fn id(&self) -> ProviderId {
        ProviderId::Payu
    }

    fn max_amount(&self) -> Paise {
        self.settings.max_amount
    }

    fn confirms_payment(&self) -> bool {
        true
    }

    fn status_interval(&self) -> Duration {
        self.settings.status_interval
    }

    fn check_sale(&self, amount: Paise, _customer: &Customer) -> Result<(), String> {
        if amount < MINIMUM {
            return Err(format!(
                "PayU cannot take less than {MINIMUM}: {amount} is too small."
            ));
        }
        Ok(())
    }

    fn request_qr<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, QrGrant> {
        Box::pin(async move {
            super::enforce_rules(self, PROVIDER, sale)?;
            if sale.extra.gst.is_some() && self.settings.qr_type != QrType::Upi {
                return Err(GatewayError::Rejected {
                    provider: PROVIDER,
                    message: "GST details go only into UPI QRs: set the PayU QR type to upi"
                        .to_owned(),
                });
            }
            let var1 = qr_var1(&self.settings, sale).map_err(|e| {
                GatewayError::Config(format!("the PayU request could not be made: {e}"))
            })?;
            let answer = self.call(GENERATE, &var1, &[]).await?;
            let now = time::OffsetDateTime::now_utc();
            let grant = read_qr_answer(&answer, &self.settings, sale, now);
            match &grant {
                Ok(_) => tracing::info!(sale = %sale.reference, "PayU issued a QR"),
                Err(e) => tracing::warn!(sale = %sale.reference, status = answer.status,
                    body = %answer.body_for_log(), "PayU request failed: {e}"),
            }
            grant
        })
    }

    /// `check_bqr_txn_status` first; `verify_payment` when PayU refuses that command for this key
    /// (from then on), or for a second opinion when its answer cannot be decided (a result that
    /// does not say which transaction it is about, say).
    fn check_status<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, PaymentStatus> {
        Box::pin(async move {
            if !self.use_verify_payment.load(Ordering::Relaxed) {
                match self.check_bqr_status(sale).await {
                    // An answer that could not be read at all: verify_payment may still tell.
                    Err(GatewayError::BadAnswer { detail, .. }) => {
                        tracing::info!(sale = %sale.reference,
                            "check_bqr_txn_status unreadable ({detail}); asking verify_payment");
                    }
                    Err(e) => return Err(e),
                    Ok(BqrReading::Status(PaymentStatus::Unknown { why })) => {
                        tracing::info!(sale = %sale.reference,
                            "check_bqr_txn_status undecided ({why}); asking verify_payment");
                    }
                    Ok(BqrReading::Status(status)) => return Ok(status),
                    Ok(BqrReading::Refused) => {
                        tracing::warn!(
                            "PayU refused check_bqr_txn_status for this key; using \
                            verify_payment instead"
                        );
                        self.use_verify_payment.store(true, Ordering::Relaxed);
                    }
                }
            }
            self.verify_payment(sale).await
        })
    }
}
