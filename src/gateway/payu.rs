//! PayU's Dynamic Bharat QR (`generate_dynamic_bharat_qr`) and its payment status
//! (`check_bqr_txn_status`, with `verify_payment` where that is refused), through PayU's
//! `postservice.php?form=2` web-service endpoint.
//!
//! Every call is a form post of `key`, `command`, `hash` and `var1`, where
//! `hash = sha512(key|command|var1|salt)`. `var1` is serialised once, and those exact bytes are
//! both hashed and sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha512};

use super::http::{self, HttpAnswer};
use super::{
    Gateway, GatewayError, GatewayFuture, PaidDetails, PaymentStatus, ProviderId, QrGrant,
};
use crate::domain::{Customer, GstDetails, Paise, Sale};
use crate::render::Picture;
use crate::secrets::{SecretName, SecretStore};

const PROVIDER: &str = "PayU";
/// The web-service path under the base URL; `?form=2` asks for JSON answers.
pub const PATH: &str = "/merchant/postservice.php";
/// PayU's production web-service host.
pub const PRODUCTION_URL: &str = "https://info.payu.in";
/// PayU's test host. PayU says QR generation does not work there.
pub const TEST_URL: &str = "https://test.payu.in";
/// The command that makes a dynamic QR.
pub const GENERATE: &str = "generate_dynamic_bharat_qr";
/// The command that tells whether a QR was paid.
pub const CHECK_STATUS: &str = "check_bqr_txn_status";
/// The general status command, used when [`CHECK_STATUS`] is refused.
pub const VERIFY_PAYMENT: &str = "verify_payment";
/// PayU refuses QRs for less than ₹1.00.
pub const MINIMUM: Paise = Paise::new(100);

/// Which QR PayU draws.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QrType {
    /// A Bharat QR (EMVCo), payable from UPI apps and card apps.
    #[default]
    Bqr,
    /// A UPI QR (`upi://pay?…`); the only kind that carries GST details.
    Upi,
}

impl QrType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bqr => "bqr",
            Self::Upi => "upi",
        }
    }
}

/// How PayU sends the QR back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputType {
    /// The QR's text; counterqr draws it.
    #[default]
    String,
    /// The QR base64-encoded (text or an image).
    Base64,
    /// PayU's own picture of the QR, shown as PayU drew it.
    Image,
}

impl OutputType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Base64 => "base64",
            Self::Image => "image",
        }
    }
}

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
}

impl Default for PayuSettings {
    fn default() -> Self {
        Self {
            base_url: PRODUCTION_URL.to_owned(),
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
        }
    }
}

/// `hash` for one call: lowercase hex of `sha512(key|command|var1|salt)`.
pub fn request_hash(key: &str, command: &str, var1: &str, salt: &str) -> String {
    let mut digest = Sha512::new();
    for (i, part) in [key, command, var1, salt].into_iter().enumerate() {
        if i > 0 {
            digest.update(b"|");
        }
        digest.update(part.as_bytes());
    }
    hex::encode(digest.finalize())
}

/// `var1` of a QR request, in PayU's field names. Empty optional fields are left out, so PayU
/// uses the merchant's registered values for them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct QrVar1<'a> {
    transaction_id: &'a str,
    transaction_amount: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    merchant_vpa: &'a str,
    expiry_time: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    qr_name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    qr_city: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    qr_pin_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_pin_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_address: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    udf3: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    udf4: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    udf5: &'a str,
    qr_type: &'static str,
    output_type: &'static str,
    #[serde(flatten)]
    gst: Option<&'a GstDetails>,
    #[serde(skip_serializing_if = "str::is_empty")]
    purpose: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    ref_url: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    category: &'a str,
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

    /// `var1` for a QR request for `sale`, serialised once.
    pub fn qr_var1(&self, sale: &Sale) -> Result<String, GatewayError> {
        let s = &self.settings;
        let Customer {
            name,
            mobile,
            email,
        } = &sale.customer;
        let extra = &sale.extra;
        // purpose, refUrl and category belong to UPI QRs only.
        let upi = s.qr_type == QrType::Upi;
        let var1 = QrVar1 {
            transaction_id: sale.reference.as_str(),
            transaction_amount: sale.amount.to_decimal_string(),
            merchant_vpa: s.merchant_vpa.trim(),
            expiry_time: s.expiry.as_secs().to_string(),
            qr_name: s.qr_name.trim(),
            qr_city: s.qr_city.trim(),
            qr_pin_code: s.qr_pin_code.trim(),
            customer_name: name.as_deref(),
            customer_city: extra.customer_city.as_deref(),
            customer_pin_code: extra.customer_pin_code.as_deref(),
            customer_phone: mobile.as_deref(),
            customer_email: email.as_deref(),
            customer_address: extra.customer_address.as_deref(),
            udf3: s.udf[0].trim(),
            udf4: s.udf[1].trim(),
            udf5: s.udf[2].trim(),
            qr_type: s.qr_type.as_str(),
            output_type: s.output_type.as_str(),
            gst: extra.gst.as_deref(),
            purpose: if upi { s.purpose.trim() } else { "" },
            ref_url: if upi { s.ref_url.trim() } else { "" },
            category: if upi { s.category.trim() } else { "" },
        };
        serde_json::to_string(&var1)
            .map_err(|e| GatewayError::Config(format!("the PayU request could not be made: {e}")))
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
        http::send(PROVIDER, request).await
    }

    /// `check_bqr_txn_status`; `None` when PayU refuses the command itself.
    async fn check_bqr_status(&self, sale: &Sale) -> Result<Option<PaymentStatus>, GatewayError> {
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
            let var1 = self.qr_var1(sale)?;
            let answer = self.call(GENERATE, &var1, &[]).await?;
            let grant = read_qr_answer(&answer, &self.settings, sale, SystemTime::now());
            match &grant {
                Ok(_) => tracing::info!(sale = %sale.reference, "PayU issued a QR"),
                Err(e) => tracing::warn!(sale = %sale.reference, status = answer.status,
                    body = %answer.body_for_log(), "PayU request failed: {e}"),
            }
            grant
        })
    }

    fn check_status<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, PaymentStatus> {
        Box::pin(async move {
            if !self.use_verify_payment.load(Ordering::Relaxed) {
                if let Some(status) = self.check_bqr_status(sale).await? {
                    return Ok(status);
                }
                tracing::warn!(
                    "PayU refused check_bqr_txn_status for this key; using verify_payment instead"
                );
                self.use_verify_payment.store(true, Ordering::Relaxed);
            }
            self.verify_payment(sale).await
        })
    }
}

/// PayU's documented error codes, in words a cashier (or the shop owner) can act on.
pub fn error_code_words(code: &str) -> Option<&'static str> {
    Some(match code.trim().to_ascii_uppercase().as_str() {
        "E2003" => "the sale reference (transactionId) was empty",
        "E2017" => "the sale reference (transactionId) is longer than 40 characters",
        "E2018" => "the sale reference (transactionId) may hold only letters and digits",
        "E2004" | "E2006" => "the amount was empty or below ₹1.00",
        "E2007" => {
            "no merchant VPA: set the PayU merchant VPA in Settings, or ask PayU to register one \
             for this key"
        }
        "E2008" => {
            "the merchant VPA in Settings is not the one PayU has for this key: check it in Settings"
        }
        "E2009" => "the QR validity (expiryTime) must be at least 1 second",
        "E2010" => {
            "PayU already has a QR for this sale with another amount: press Esc and start a new sale"
        }
        "E2011" => {
            "PayU already has a QR for this sale with another VPA: press Esc and start a new sale"
        }
        "E2012" => {
            "PayU says this sale is ALREADY PAID: check the payment in the PayU dashboard before \
             asking the customer to pay again"
        }
        "E2013" => "PayU could not generate the QR; try again",
        "E2015" => {
            "this PayU account is not set up for QR payments (PG parameters missing): contact PayU"
        }
        "E2025" => "a request for this sale is already running at PayU; wait a moment and retry",
        _ => return None,
    })
}

/// A `Rejected` error from PayU's `message` and `errorCode`.
fn rejected(message: Option<&str>, code: Option<&str>) -> GatewayError {
    let message = message.map(str::trim).filter(|m| !m.is_empty());
    let text = match (code, code.and_then(error_code_words)) {
        (Some(code), Some(words)) => format!("{words} ({code})"),
        (Some(code), None) => format!("{} ({code})", message.unwrap_or("no reason given")),
        (None, _) => message.unwrap_or("no reason given").to_owned(),
    };
    GatewayError::Rejected {
        provider: PROVIDER,
        message: text,
    }
}

/// What every PayU answer is checked for before its own fields: HTML pages and HTTP failures.
fn check_envelope(answer: &HttpAnswer) -> Result<(), GatewayError> {
    if answer.looks_like_html() {
        if answer.body.contains("Sorry, Some Problem Occurred") {
            return Err(GatewayError::Rejected {
                provider: PROVIDER,
                message: "PayU answered with its \"Sorry, Some Problem Occurred\" page, which it \
                          sends when the key, command or hash is missing or wrong: check the \
                          PayU key and salt in Settings"
                    .to_owned(),
            });
        }
        if answer.status >= 500 {
            return Err(http::status_error(PROVIDER, answer.status));
        }
        return Err(GatewayError::BadAnswer {
            provider: PROVIDER,
            detail: format!("a web page instead of data, HTTP {}", answer.status),
        });
    }
    if !(200..300).contains(&answer.status) {
        // A JSON error with a reason is read by the caller; anything else is the status.
        if answer.status < 500 && serde_json::from_str::<Value>(&answer.body).is_ok() {
            return Ok(());
        }
        return Err(http::status_error(PROVIDER, answer.status));
    }
    Ok(())
}

/// PayU's failure shapes: `{"status":"failed","message","errorCode"}` and `{"status":0,"msg"}`.
fn failure_in(json: &Value) -> Option<GatewayError> {
    let text = |key: &str| json.get(key).and_then(Value::as_str);
    let status = json.get("status");
    let failed_word = status
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("failed") || s.eq_ignore_ascii_case("failure"));
    let zero = status.is_some_and(|s| s.as_i64() == Some(0) || s.as_str() == Some("0"));
    let code = text("errorCode").or_else(|| text("error_code"));
    if failed_word || code.is_some() {
        return Some(rejected(text("message").or_else(|| text("msg")), code));
    }
    zero.then(|| rejected(text("msg").or_else(|| text("message")), None))
}

/// The keys a QR may come under, in the order they are tried.
const QR_KEYS: [&str; 8] = [
    "qrString",
    "qr_string",
    "qrCode",
    "qrImage",
    "image",
    "base64",
    "base64String",
    "qr",
];

/// Turns PayU's answer to `generate_dynamic_bharat_qr` into a QR grant or a clear error.
pub fn read_qr_answer(
    answer: &HttpAnswer,
    settings: &PayuSettings,
    sale: &Sale,
    now: SystemTime,
) -> Result<QrGrant, GatewayError> {
    let bad = |detail: String| GatewayError::BadAnswer {
        provider: PROVIDER,
        detail,
    };
    let by_type = answer
        .content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("image/"));
    if (200..300).contains(&answer.status) && (by_type || Picture::looks_like_image(&answer.raw)) {
        let (payload, picture) = qr_from_image(&answer.raw).map_err(bad)?;
        return Ok(grant(payload, Some(picture), vec![], settings, sale, now));
    }
    check_envelope(answer)?;
    let json: Value = serde_json::from_str(&answer.body)
        .map_err(|e| bad(format!("not the expected JSON: {e}")))?;
    if let Some(error) = failure_in(&json) {
        return Err(error);
    }
    if !(200..300).contains(&answer.status) {
        return Err(http::status_error(PROVIDER, answer.status));
    }
    let found = QR_KEYS
        .iter()
        .find_map(|key| json.get(key).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("the answer has no QR".to_owned()))?;
    let (payload, picture) = read_qr_value(found).map_err(bad)?;
    let ids = ["qrId", "qrID", "qr_id", "vpa", "merchantVpa"]
        .into_iter()
        .filter_map(|k| {
            let value = json.get(k)?;
            let text = value
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| value.to_string());
            Some((k.to_owned(), text))
        })
        .collect();
    Ok(grant(payload, picture, ids, settings, sale, now))
}

/// The QR's text, and PayU's picture where it sent one, from a field of its answer: the text
/// itself, a base64 string of it, or a base64 (or data-URL) image.
fn read_qr_value(value: &str) -> Result<(String, Option<Picture>), String> {
    if is_qr_text(value) {
        return Ok((value.to_owned(), None));
    }
    let encoded = value
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once("base64,"))
        .map_or(value, |(_, data)| data);
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    // Padding dropped, the no-padding engines read standard or URL-safe base64 either way.
    let unpadded = compact.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(unpadded)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(unpadded))
        .map_err(|_| "the QR in the answer is neither QR text nor base64".to_owned())?;
    if Picture::looks_like_image(&bytes) {
        let (payload, picture) = qr_from_image(&bytes)?;
        return Ok((payload, Some(picture)));
    }
    match String::from_utf8(bytes) {
        Ok(text) if is_qr_text(text.trim()) => Ok((text.trim().to_owned(), None)),
        _ => Err("the base64 QR in the answer decodes to neither QR text nor an image".to_owned()),
    }
}

/// True for a UPI link or an EMVCo (Bharat QR) string.
fn is_qr_text(text: &str) -> bool {
    text.get(..6)
        .is_some_and(|start| start.eq_ignore_ascii_case("upi://") || start == "000201")
}

/// Decodes PayU's picture and reads its QR back, so the text it holds is checked like any other.
fn qr_from_image(bytes: &[u8]) -> Result<(String, Picture), String> {
    let picture = Picture::decode(bytes).map_err(|e| e.to_string())?;
    let payload = picture.read_qr().map_err(|e| e.to_string())?;
    Ok((payload, picture))
}

fn grant(
    payload: String,
    picture: Option<Picture>,
    mut gateway_ids: Vec<(String, String)>,
    settings: &PayuSettings,
    sale: &Sale,
    now: SystemTime,
) -> QrGrant {
    let expires_in = qr_expiry(&payload, settings.expiry, now);
    gateway_ids.insert(0, ("transactionId".to_owned(), sale.reference.to_string()));
    let name = settings.qr_name.trim();
    let vpa = settings.merchant_vpa.trim();
    QrGrant {
        payload,
        payee_name: if name.is_empty() {
            "PayU merchant".to_owned()
        } else {
            name.to_owned()
        },
        payee_vpa: (!vpa.is_empty()).then(|| vpa.to_owned()),
        expires_in,
        picture,
        gateway_ids,
    }
}

/// How long the QR lives: `QRexpire` in a UPI QR when present, else the `expiryTime` asked for.
/// Never longer than asked for (a PC clock running slow must not keep a dead QR up), and a
/// `QRexpire` already past when the QR has just been made means the PC's clock is wrong: then
/// the asked-for time is used.
pub fn qr_expiry(payload: &str, asked: Duration, now: SystemTime) -> Duration {
    let Some(stamp) = upi_param(payload, "QRexpire") else {
        return asked;
    };
    match http::until(&stamp, now) {
        Some(left) if !left.is_zero() => left.min(asked),
        Some(_) => {
            tracing::warn!(QRexpire = %stamp, "PayU's QR expiry is already past by this PC's \
                clock: check the date and time; using the asked-for validity");
            asked
        }
        None => {
            tracing::warn!(QRexpire = %stamp, "PayU's QR expiry could not be read");
            asked
        }
    }
}

/// One parameter of a UPI link, percent-decoded (`+` kept as it is: it is a time-zone sign).
fn upi_param(payload: &str, name: &str) -> Option<String> {
    let (scheme, query) = payload.split_once('?')?;
    if !scheme.eq_ignore_ascii_case("upi://pay") {
        return None;
    }
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.eq_ignore_ascii_case(name).then(|| {
            percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

/// A transaction as PayU's status commands describe it.
#[derive(Debug, Default, Deserialize)]
struct Transaction {
    status: Option<String>,
    #[serde(alias = "amt", alias = "transaction_amount")]
    amount: Option<Value>,
    mihpayid: Option<Value>,
    bank_ref_num: Option<String>,
    /// The payer's VPA.
    field3: Option<String>,
    error: Option<String>,
    #[serde(alias = "error_Message")]
    error_message: Option<String>,
    unmappedstatus: Option<String>,
}

/// A JSON value as text (PayU sends numbers as strings and strings as numbers).
fn value_text(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string())
}

impl Transaction {
    /// The payment status this transaction means for `sale`; `None` for a status word we do not
    /// know (the caller treats it as not paid yet).
    fn outcome(&self, sale: &Sale) -> Option<PaymentStatus> {
        let word = self.status.as_deref()?.trim().to_ascii_lowercase();
        match word.as_str() {
            "success" | "captured" => Some(self.paid(sale)),
            "pending" | "initiated" | "in progress" | "not found" => Some(PaymentStatus::Pending),
            "failure" | "failed" | "usercancelled" | "dropped" | "bounced" => {
                let reason = [&self.error_message, &self.unmappedstatus, &self.error]
                    .into_iter()
                    .flatten()
                    .map(|s| s.trim())
                    .find(|s| !s.is_empty() && !s.eq_ignore_ascii_case("E000"))
                    .map_or_else(
                        || format!("PayU says {word}"),
                        |r| format!("PayU says {word}: {r}"),
                    );
                Some(PaymentStatus::Failed { reason })
            }
            _ => None,
        }
    }

    /// Paid, if the amount PayU saw is the sale's; a different amount is not this sale paid.
    fn paid(&self, sale: &Sale) -> PaymentStatus {
        let seen = self
            .amount
            .as_ref()
            .map(value_text)
            .and_then(|a| Paise::parse_decimal(a.trim()).map(|p| (a, p)));
        if let Some((text, amount)) = seen
            && amount != sale.amount
        {
            return PaymentStatus::Failed {
                reason: format!(
                    "PayU reports a payment of ₹{text} for this sale, not {}: check it in the \
                     PayU dashboard before handing over the goods",
                    sale.amount
                ),
            };
        }
        let text = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        PaymentStatus::Paid(PaidDetails {
            payer_vpa: text(&self.field3),
            bank_reference: text(&self.bank_ref_num),
            gateway_payment_id: self.mihpayid.as_ref().map(value_text),
        })
    }
}

/// Reads `check_bqr_txn_status`'s answer; `Ok(None)` when PayU refuses the command itself.
pub fn read_bqr_status(
    answer: &HttpAnswer,
    sale: &Sale,
) -> Result<Option<PaymentStatus>, GatewayError> {
    let bad = |detail: String| GatewayError::BadAnswer {
        provider: PROVIDER,
        detail,
    };
    if answer.looks_like_html() && (200..300).contains(&answer.status) {
        return Ok(None);
    }
    check_envelope(answer)?;
    let json: Value = serde_json::from_str(&answer.body)
        .map_err(|e| bad(format!("not the expected JSON: {e}")))?;
    let msg = json
        .get("msg")
        .or_else(|| json.get("message"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if let Some(encoded) = json
        .get("result")
        .and_then(Value::as_str)
        .filter(|r| !r.trim().is_empty())
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| bad("the status result is not base64".to_owned()))?;
        let transaction: Transaction = serde_json::from_slice(&decoded)
            .map_err(|e| bad(format!("the status result is not the expected JSON: {e}")))?;
        return Ok(Some(
            transaction
                .outcome(sale)
                .or_else(|| word_status(&msg))
                .unwrap_or(PaymentStatus::Pending),
        ));
    }
    if let Some(status) = word_status(&msg) {
        return Ok(Some(status));
    }
    let zero = json.get("status").is_some_and(|s| {
        s.as_i64() == Some(0) || s.as_str() == Some("0") || s.as_str() == Some("failed")
    });
    if zero {
        tracing::info!(msg = %msg, "PayU did not answer check_bqr_txn_status");
        return Ok(None);
    }
    Err(bad(format!("no status in the answer ({msg})")))
}

/// A status from PayU's `msg` alone ("Transaction is Pending", "… Successful", "… Failed").
fn word_status(msg: &str) -> Option<PaymentStatus> {
    let lower = msg.to_ascii_lowercase();
    if lower.contains("pending") {
        Some(PaymentStatus::Pending)
    } else if lower.contains("success") {
        Some(PaymentStatus::Paid(PaidDetails::default()))
    } else if lower.contains("fail") {
        Some(PaymentStatus::Failed {
            reason: format!("PayU says: {}", msg.trim()),
        })
    } else {
        None
    }
}

/// Reads `verify_payment`'s answer for the sale's transactionId.
pub fn read_verify_payment(
    answer: &HttpAnswer,
    sale: &Sale,
) -> Result<PaymentStatus, GatewayError> {
    check_envelope(answer)?;
    let json: Value = serde_json::from_str(&answer.body).map_err(|e| GatewayError::BadAnswer {
        provider: PROVIDER,
        detail: format!("not the expected JSON: {e}"),
    })?;
    let details = json
        .get("transaction_details")
        .and_then(|d| d.get(sale.reference.as_str()));
    let Some(details) = details else {
        let msg = json.get("msg").and_then(Value::as_str).unwrap_or_default();
        if msg.to_ascii_lowercase().contains("not found") {
            // No payment has been made against the QR yet.
            return Ok(PaymentStatus::Pending);
        }
        return Err(match failure_in(&json) {
            Some(error) => error,
            None => GatewayError::BadAnswer {
                provider: PROVIDER,
                detail: "the answer has no transaction details".to_owned(),
            },
        });
    };
    let transaction: Transaction =
        serde_json::from_value(details.clone()).map_err(|e| GatewayError::BadAnswer {
            provider: PROVIDER,
            detail: format!("the transaction details are not the expected JSON: {e}"),
        })?;
    Ok(transaction.outcome(sale).unwrap_or(PaymentStatus::Pending))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Customer;

    fn sale(rupees: u64) -> Sale {
        Sale::new(Paise::from_rupees(rupees), Customer::default())
    }

    fn json(status: u16, body: &str) -> HttpAnswer {
        HttpAnswer::new(status, Some("application/json"), body.into())
    }

    #[test]
    fn qr_expiry_reads_qrexpire_and_never_exceeds_what_was_asked() {
        // 2021-08-20T17:43:19+05:30
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_629_461_599);
        let link = "upi://pay?pa=a@b&am=1.00&QRexpire=2021-08-20T17:48:19+05:30";
        let asked = Duration::from_secs(3600);
        assert_eq!(qr_expiry(link, asked, now), Duration::from_secs(300));
        assert_eq!(
            qr_expiry(link, Duration::from_secs(120), now),
            Duration::from_secs(120)
        );
        let encoded = "upi://pay?pa=a@b&QRexpire=2021-08-20T17%3A48%3A19%2B05%3A30";
        assert_eq!(qr_expiry(encoded, asked, now), Duration::from_secs(300));
        // Already past by this PC's clock, or unreadable: what was asked for.
        let later = now + Duration::from_secs(86_400);
        assert_eq!(qr_expiry(link, asked, later), asked);
        assert_eq!(qr_expiry("upi://pay?QRexpire=soon", asked, now), asked);
        assert_eq!(qr_expiry("000201010212", asked, now), asked);
    }

    #[test]
    fn documented_error_codes_have_words_and_unknown_ones_keep_payus_message() {
        let err = failure_in(&serde_json::json!({
            "status": "failed", "message": "Duplicate", "errorCode": "E2012"
        }))
        .expect("a failure");
        assert!(err.to_string().contains("ALREADY PAID"), "{err}");
        assert!(err.to_string().contains("E2012"), "{err}");
        let err = failure_in(&serde_json::json!({
            "status": "failed", "message": "Something new", "errorCode": "E2999"
        }))
        .expect("a failure");
        assert!(err.to_string().contains("Something new (E2999)"), "{err}");
        let err = failure_in(&serde_json::json!({"status": 0, "msg": "Invalid Hash"}))
            .expect("a failure");
        assert!(err.to_string().contains("Invalid Hash"), "{err}");
        assert!(failure_in(&serde_json::json!({"qrString": "upi://pay"})).is_none());
        for code in [
            "E2003", "E2017", "E2018", "E2004", "E2006", "E2007", "E2008", "E2009", "E2010",
            "E2011", "E2012", "E2013", "E2015", "E2025",
        ] {
            assert!(error_code_words(code).is_some(), "{code}");
        }
    }

    #[test]
    fn a_payment_of_another_amount_is_not_this_sale_paid() {
        let sale = sale(500);
        let transaction = Transaction {
            status: Some("success".into()),
            amount: Some(Value::String("50.00".into())),
            ..Transaction::default()
        };
        assert!(matches!(
            transaction.outcome(&sale),
            Some(PaymentStatus::Failed { reason }) if reason.contains("₹50.00")
        ));
        let transaction = Transaction {
            status: Some("success".into()),
            amount: Some(serde_json::json!(500)),
            mihpayid: Some(serde_json::json!(403993715521937565_u64)),
            ..Transaction::default()
        };
        assert!(matches!(
            transaction.outcome(&sale),
            Some(PaymentStatus::Paid(d)) if d.gateway_payment_id.as_deref() == Some("403993715521937565")
        ));
    }

    #[test]
    fn status_words_alone_are_understood() {
        let sale = sale(500);
        let answer = json(200, r#"{"status":0,"msg":"Transaction is Pending"}"#);
        assert_eq!(
            read_bqr_status(&answer, &sale).expect("read"),
            Some(PaymentStatus::Pending)
        );
        let answer = json(200, r#"{"status":0,"msg":"Invalid command"}"#);
        assert_eq!(read_bqr_status(&answer, &sale).expect("read"), None);
    }
}
