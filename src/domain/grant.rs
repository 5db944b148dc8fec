//! A QR a provider issued for a sale, before and after it passed the payload checks.

use std::time::Duration;

use serde::Serialize;

use super::picture::Picture;

/// A QR a provider issued for a sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrGrant {
    /// The exact text to encode in the QR, as the provider produced it.
    pub payload: String,
    /// Whom the customer pays, as shown on the QR screen.
    pub payee_name: String,
    /// The payee's VPA, where known.
    pub payee_vpa: Option<String>,
    /// How long the QR stays valid from the moment it was requested (already the shortest of
    /// what the gateway said, within the shop's cap: see `domain::expiry`).
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
