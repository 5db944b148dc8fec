//! OQPay's Create Dynamic QR Code call (`POST {base}/api/V5/Payin/DynamicQRCode`), exactly as its
//! API page documents it. OQPay has no status call: the cashier marks the sale paid or not paid.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;
use time::OffsetDateTime;

use super::http::{self, HttpAnswer};
use super::{Gateway, GatewayError, GatewayFuture};
use crate::domain::customer::{is_email, normalise_mobile};
use crate::domain::expiry::{self, Claim, Limits};
use crate::domain::{Customer, Paise, ProviderId, QrGrant, Sale};
use crate::secrets::{SecretName, SecretStore};

const PROVIDER: &str = "OQPay";
/// OQPay refuses amounts below ₹300.
pub const MINIMUM: Paise = Paise::from_rupees(300);
/// The path of the Create Dynamic QR Code call under the base URL.
pub const PATH: &str = "/api/V5/Payin/DynamicQRCode";
/// OQPay's documented QR life (`expiresInSeconds: 300`), used when its answer says nothing usable.
pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(300);

/// Customer details to send when the cashier leaves them empty (for shops that prefer not to ask).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DefaultCustomer {
    pub name: String,
    pub mobile: String,
    pub email: String,
}

/// The shop's OQPay settings (all but the registration ID, which is a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OqpaySettings {
    /// `https://payin.oqpay.in`, or a local fake for testing.
    pub base_url: String,
    /// Sent when the cashier leaves the customer's details empty.
    pub defaults: DefaultCustomer,
    pub max_amount: Paise,
    /// No QR stays on screen longer than this, whatever OQPay says.
    pub max_qr_life: Duration,
}

impl Default for OqpaySettings {
    fn default() -> Self {
        Self {
            base_url: "https://payin.oqpay.in".to_owned(),
            defaults: DefaultCustomer::default(),
            max_amount: Paise::from_rupees(1_00_000),
            max_qr_life: Duration::from_secs(900),
        }
    }
}

/// The OQPay provider.
pub struct OqpayGateway {
    client: reqwest::Client,
    endpoint: url::Url,
    secrets: Arc<dyn SecretStore>,
    defaults: DefaultCustomer,
    max_amount: Paise,
    limits: Limits,
}

impl OqpayGateway {
    /// A gateway posting to the settings' address through `client` (one client for the whole
    /// run, so a second sale reuses the warm connection), reading the registration ID from
    /// `secrets` at each sale.
    pub fn new(
        client: reqwest::Client,
        settings: OqpaySettings,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Self, GatewayError> {
        let endpoint = http::endpoint(&settings.base_url, PATH)?;
        Ok(Self {
            client,
            endpoint,
            secrets,
            defaults: settings.defaults,
            max_amount: settings.max_amount,
            limits: Limits {
                default: DEFAULT_EXPIRY,
                cap: settings.max_qr_life,
            },
        })
    }

    /// The customer details to send: what the cashier typed, else the configured defaults.
    fn customer_for(&self, customer: &Customer) -> (String, String, String) {
        let pick = |typed: &Option<String>, default: &str| {
            typed.clone().unwrap_or_else(|| default.trim().to_owned())
        };
        let mobile = customer
            .mobile
            .clone()
            .unwrap_or_else(|| normalise_mobile(&self.defaults.mobile).unwrap_or_default());
        (
            pick(&customer.name, &self.defaults.name),
            mobile,
            pick(&customer.email, &self.defaults.email),
        )
    }
}

impl Gateway for OqpayGateway {
    fn id(&self) -> ProviderId {
        ProviderId::Oqpay
    }

    fn max_amount(&self) -> Paise {
        self.max_amount
    }

    fn customer_details_required(&self) -> bool {
        true
    }

    fn check_sale(&self, amount: Paise, customer: &Customer) -> Result<(), String> {
        if !amount.is_whole_rupees() {
            return Err(format!(
                "OQPay takes whole rupees only: {amount} has paise. Round it to a whole rupee."
            ));
        }
        if amount < MINIMUM {
            return Err(format!(
                "OQPay cannot take less than {MINIMUM}: {amount} is too small."
            ));
        }
        let (name, mobile, email) = self.customer_for(customer);
        if name.is_empty() {
            return Err("OQPay needs the customer's name.".to_owned());
        }
        if mobile.len() != 10 {
            return Err("OQPay needs the customer's 10-digit mobile number.".to_owned());
        }
        if !is_email(&email) {
            return Err("OQPay needs the customer's e-mail address.".to_owned());
        }
        Ok(())
    }

    fn request_qr<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, QrGrant> {
        Box::pin(async move {
            super::enforce_rules(self, PROVIDER, sale)?;
            let registration_id =
                super::read_secret(&self.secrets, SecretName::OqpayRegistrationId).await?;
            let (name, mobile, email) = self.customer_for(&sale.customer);
            let body = json!({
                "customerName": name,
                "customerMobile": mobile,
                "customerEmail": email,
                "amount": sale.amount.rupees_part(),
                "registrationID": registration_id.expose(),
            });
            let request = self.client.post(self.endpoint.clone()).json(&body);
            let answer = http::send(PROVIDER, request, http::QR_LIMIT).await?;
            let grant = read_answer(&answer, OffsetDateTime::now_utc(), self.limits);
            match &grant {
                Ok(_) => tracing::info!(sale = %sale.reference, "OQPay issued a QR"),
                Err(e) => tracing::warn!(sale = %sale.reference, status = answer.status,
                    body = %answer.body_for_log(), "OQPay request failed: {e}"),
            }
            grant
        })
    }
}

/// OQPay's 200 answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    success: Option<Flag>,
    data: Option<AnswerData>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnswerData {
    txn_id: Option<String>,
    ref_id: Option<String>,
    transaction_id: Option<String>,
    qr_string: Option<String>,
    upi_link: Option<String>,
    status: Option<String>,
    expires_at: Option<String>,
    /// A number or a string: read digit by digit, never through a float.
    expires_in_seconds: Option<Box<RawValue>>,
}

/// `true`/`false` as JSON booleans or as strings (the schema says string, the example a boolean).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Flag {
    Bool(bool),
    Text(String),
}

impl Flag {
    fn is_true(&self) -> bool {
        match self {
            Self::Bool(b) => *b,
            Self::Text(t) => t.trim().eq_ignore_ascii_case("true"),
        }
    }
}

/// The QR's life: the shorter of `expiresInSeconds` and `expiresAt` where OQPay gives them,
/// within the shop's cap; with neither usable, OQPay's documented 300 s.
fn qr_life(
    data: &AnswerData,
    now: OffsetDateTime,
    limits: Limits,
) -> Result<Duration, GatewayError> {
    let seconds = data.expires_in_seconds.as_ref().map(|raw| {
        let text = raw.get().trim();
        // A JSON string's contents, or a number's digits as written.
        serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_owned())
    });
    let mut claims = Vec::new();
    if let Some(seconds) = &seconds {
        claims.push(Claim::Seconds(seconds));
    }
    if let Some(at) = &data.expires_at {
        claims.push(Claim::At(at));
    }
    let life = expiry::qr_life(&claims, now, limits)?;
    for why in &life.set_aside {
        tracing::warn!("OQPay's QR expiry set aside: {why}");
    }
    Ok(life.duration)
}

/// OQPay's documented error body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    message: Option<String>,
    sub_code: Option<String>,
}

/// Turns OQPay's HTTP answer into a QR grant or an error the cashier can act on.
pub fn read_answer(
    answer: &HttpAnswer,
    now: OffsetDateTime,
    limits: Limits,
) -> Result<QrGrant, GatewayError> {
    if answer.looks_like_html() {
        return Err(GatewayError::BadAnswer {
            provider: PROVIDER,
            detail: format!("a web page instead of data, HTTP {}", answer.status),
        });
    }
    if !(200..300).contains(&answer.status) {
        let documented = serde_json::from_str::<ErrorBody>(&answer.body).ok();
        return Err(
            match documented.and_then(|b| b.message.map(|m| (m, b.sub_code))) {
                Some((message, _)) if answer.status < 500 => GatewayError::Rejected {
                    provider: PROVIDER,
                    message,
                },
                Some((message, _)) => GatewayError::Unreachable {
                    provider: PROVIDER,
                    detail: format!("OQPay had a problem (HTTP {}): {message}", answer.status),
                },
                None => http::status_error(PROVIDER, answer.status),
            },
        );
    }
    let parsed: Answer =
        serde_json::from_str(&answer.body).map_err(|e| GatewayError::BadAnswer {
            provider: PROVIDER,
            detail: format!("not the expected JSON: {e}"),
        })?;
    if !parsed.success.as_ref().is_some_and(Flag::is_true) {
        return Err(GatewayError::Rejected {
            provider: PROVIDER,
            message: parsed
                .message
                .unwrap_or_else(|| "no QR was generated and no reason given".to_owned()),
        });
    }
    let data = parsed.data.ok_or_else(|| GatewayError::BadAnswer {
        provider: PROVIDER,
        detail: "the answer has no data".to_owned(),
    })?;
    let payload = [&data.qr_string, &data.upi_link]
        .into_iter()
        .flatten()
        .find(|s| !s.trim().is_empty())
        .cloned()
        .ok_or_else(|| GatewayError::BadAnswer {
            provider: PROVIDER,
            detail: "the answer has no QR string".to_owned(),
        })?;
    let expires_in = qr_life(&data, now, limits)?;
    let ids = [
        ("txnId", data.txn_id),
        ("refId", data.ref_id),
        ("transactionId", data.transaction_id),
        ("status", data.status),
    ];
    Ok(QrGrant {
        payload,
        payee_name: "OQPay merchant".to_owned(),
        payee_vpa: None,
        expires_in,
        picture: None,
        gateway_ids: ids
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        default: DEFAULT_EXPIRY,
        cap: Duration::from_secs(900),
    };

    fn answer(status: u16, body: &str) -> HttpAnswer {
        HttpAnswer::new(status, Some("application/json"), body.into())
    }

    #[test]
    fn expiry_prefers_seconds_then_the_timestamp_then_300() {
        let now = OffsetDateTime::from_unix_timestamp(1_771_831_389).expect("valid"); // 2026-02-23T07:23:09Z
        let body = |extra: &str| {
            format!(
                r#"{{"success":true,"data":{{"qrString":"upi://pay?pa=a@b&am=500.00"{extra}}}}}"#
            )
        };
        let secs = |b: &str| {
            read_answer(&answer(200, b), now, LIMITS)
                .expect("grant")
                .expires_in
                .as_secs()
        };
        assert_eq!(secs(&body(r#","expiresInSeconds":120"#)), 120);
        assert_eq!(secs(&body(r#","expiresInSeconds":"240""#)), 240);
        assert_eq!(
            secs(&body(r#","expiresAt":"2026-02-23T07:28:09.435Z""#)),
            300
        );
        assert_eq!(secs(&body("")), 300);
        // Both given: the shorter.
        assert_eq!(
            secs(&body(
                r#","expiresInSeconds":600,"expiresAt":"2026-02-23T07:28:09Z""#
            )),
            300
        );
        // A day is capped; milliseconds where seconds belong are set aside, never a panic.
        assert_eq!(secs(&body(r#","expiresInSeconds":86400"#)), 900);
        assert_eq!(secs(&body(r#","expiresInSeconds":1771831689435"#)), 300);
        assert_eq!(secs(&body(r#","expiresInSeconds":1.7e300"#)), 300);
        assert_eq!(secs(&body(r#","expiresInSeconds":"soon""#)), 300);
        let dead = read_answer(&answer(200, &body(r#","expiresInSeconds":0"#)), now, LIMITS);
        assert!(matches!(dead, Err(GatewayError::Expired(_))), "{dead:?}");
        let dead = read_answer(
            &answer(200, &body(r#","expiresInSeconds":-30"#)),
            now,
            LIMITS,
        );
        assert!(matches!(dead, Err(GatewayError::Expired(_))), "{dead:?}");
    }

    #[test]
    fn success_may_be_a_string() {
        let body = r#"{"success":"true","data":{"upiLink":"upi://pay?pa=a@b"}}"#;
        assert_eq!(
            read_answer(&answer(200, body), OffsetDateTime::now_utc(), LIMITS)
                .expect("grant")
                .payload,
            "upi://pay?pa=a@b"
        );
    }

    proptest::proptest! {
        /// No answer panics the reader, and none yields a QR that lives beyond the cap.
        #[test]
        fn no_answer_panics_or_outlives_the_cap(
            status in proptest::sample::select(vec![200_u16, 400, 404, 500]),
            body in "[{}\\[\\]\":,a-zA-Z0-9 .@=&?/\\\\-]{0,160}",
        ) {
            let answer = HttpAnswer::new(status, Some("application/json"), body.into_bytes());
            if let Ok(grant) = read_answer(&answer, OffsetDateTime::UNIX_EPOCH, LIMITS) {
                proptest::prop_assert!(grant.expires_in <= LIMITS.cap);
            }
        }
    }
}
