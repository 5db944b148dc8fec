//! The API's JSON, as the contract in the README says it, with its OpenAPI schemas.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::Outcome;
use crate::journal::SaleRecord;

/// Where a sale stands, as billing software sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SaleStatus {
    /// Written down; the gateway is being asked for its QR.
    Requested,
    /// The QR is on the till and the customer's display.
    Showing,
    /// The money arrived (confirmed by the gateway, or marked by the cashier where the gateway
    /// cannot confirm).
    Paid,
    /// No QR could be had, or the payment failed.
    Failed,
    /// The QR expired unpaid.
    Expired,
    /// The cashier (or billing software) withdrew it, or the till stopped.
    Cancelled,
    /// The cashier marked it not paid.
    NotPaid,
}

impl SaleStatus {
    /// A final status: nothing about the sale will change any more (but a late payment can still
    /// turn an expired, cancelled or failed sale into paid within its grace).
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Requested | Self::Showing)
    }
}

/// The QR of a sale on the till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct QrView {
    /// The exact text of the QR, as the gateway issued it.
    pub payload: String,
    /// When the QR stops being valid (RFC 3339, UTC).
    pub expires_at: String,
}

/// A sale, as the API answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SaleView {
    /// counterqr's reference for the sale (the gateway's transaction id).
    pub sale_id: String,
    /// The billing software's bill reference, when it sent the sale.
    pub bill_ref: Option<String>,
    pub amount_paise: u64,
    pub status: SaleStatus,
    /// The QR while it is on the till, else null.
    pub qr: Option<QrView>,
}

/// The customer's details a sale may carry (each optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, ToSchema)]
pub struct CustomerIn {
    pub name: Option<String>,
    /// A 10-digit Indian mobile number (+91, spaces and dashes allowed).
    pub mobile: Option<String>,
    pub email: Option<String>,
}

/// A new sale from billing software.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, ToSchema)]
pub struct NewSale {
    /// The amount in paise (₹1,234.50 is 123450): a whole number above zero.
    pub amount_paise: u64,
    /// The bill's own reference, 1 to 64 characters: one bill is one sale.
    pub bill_ref: String,
    pub customer: Option<CustomerIn>,
}

/// An error, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// `invalid`, `not_json`, `too_large`, `unauthorized`, `busy`, `bill_ref_conflict`,
    /// `not_found`, `final`, `not_on_till`, `till_unavailable`.
    pub error: String,
    /// For `invalid`: each field's problem, by its name (`amount_paise`, `customer.mobile`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
    /// For `busy`: the sale on the till.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sale_id: Option<String>,
    /// A sentence for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ErrorBody {
    pub fn named(error: &str, message: impl Into<String>) -> Self {
        Self {
            error: error.to_owned(),
            fields: None,
            sale_id: None,
            message: Some(message.into()),
        }
    }
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` while the till is running.
    pub status: String,
}

/// A journal record as the API shows it.
pub fn view_from_record(record: &SaleRecord, now: time::OffsetDateTime) -> SaleView {
    let live_qr = record
        .expires_at
        .filter(|at| *at > now)
        .zip(record.payload.clone());
    let status = match record.outcome {
        Outcome::Requested => SaleStatus::Requested,
        Outcome::Shown if live_qr.is_some() => SaleStatus::Showing,
        Outcome::Shown | Outcome::Expired => SaleStatus::Expired,
        Outcome::Paid => SaleStatus::Paid,
        Outcome::NotPaid => SaleStatus::NotPaid,
        Outcome::Failed => SaleStatus::Failed,
        Outcome::Cancelled | Outcome::Interrupted => SaleStatus::Cancelled,
    };
    let qr = (status == SaleStatus::Showing)
        .then_some(live_qr)
        .flatten()
        .map(|(at, payload)| QrView {
            payload,
            expires_at: rfc3339(at),
        });
    SaleView {
        sale_id: record.reference.to_string(),
        bill_ref: record.bill_ref.clone(),
        amount_paise: record.amount.paise(),
        status,
        qr,
    }
}

/// A moment as RFC 3339, UTC.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
