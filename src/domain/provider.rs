//! Which payment provider makes the QRs, and the choices a provider offers that the settings name.

use serde::{Deserialize, Serialize};

/// Which provider a configuration selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
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
    /// Every provider, in the order the settings panel offers them.
    pub const ALL: [Self; 4] = [Self::Training, Self::Upi, Self::Oqpay, Self::Payu];

    /// The id as written in the config file, the journal, and printed by the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Training => "training",
            Self::Upi => "upi",
            Self::Oqpay => "oqpay",
            Self::Payu => "payu",
        }
    }

    /// The id back from its text; `None` for one this version does not know.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

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

impl std::fmt::Display for ProviderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// PayU's production web-service host.
pub const PAYU_PRODUCTION_URL: &str = "https://info.payu.in";
/// PayU's test host. PayU says QR generation does not work there.
pub const PAYU_TEST_URL: &str = "https://test.payu.in";

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
