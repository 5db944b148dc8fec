//! A sale's life as it is written down: where it stands ([`Outcome`]), where it came from
//! ([`Source`]), and each step ([`Record`]) that the flow decides and the one recorder writes.

use std::time::Duration;

use serde::Serialize;

use super::payment::{PaidDetails, PaidHow};
use super::provider::ProviderId;
use super::sale::{Sale, SaleRef};

/// Where a sale stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Written before the gateway was asked.
    Requested,
    /// The QR is (or was) on screen.
    Shown,
    Expired,
    Paid,
    NotPaid,
    Failed,
    /// The cashier withdrew the request or the QR.
    Cancelled,
    /// The till stopped (crash, power cut) while the sale was open.
    Interrupted,
}

impl Outcome {
    pub const ALL: [Self; 8] = [
        Self::Requested,
        Self::Shown,
        Self::Expired,
        Self::Paid,
        Self::NotPaid,
        Self::Failed,
        Self::Cancelled,
        Self::Interrupted,
    ];

    /// The word stored in the journal and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Shown => "shown",
            Self::Expired => "expired",
            Self::Paid => "paid",
            Self::NotPaid => "not_paid",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Interrupted => "interrupted",
        }
    }

    /// The stored word back; `None` for a word this version does not know.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// Which program took a sale: the window (one per PC), `counterqr request`, or billing software
/// through the window's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Window,
    Cli,
    Api,
}

impl Source {
    pub const ALL: [Self; 3] = [Self::Window, Self::Cli, Self::Api];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Window => "window",
            Self::Cli => "cli",
            Self::Api => "api",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One step of a sale's life. The flow decides them; the recorder writes them, in order. No step
/// ever turns a paid sale into anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// The sale, written before any QR is asked for (again, on a retry of the same sale).
    Requested { sale: Sale, provider: ProviderId },
    /// A QR passed its checks and is on screen.
    Shown {
        reference: SaleRef,
        payload: String,
        gateway_ids: Vec<(String, String)>,
        /// Time left before the QR expires, from the moment this is recorded.
        expires_in: Duration,
        /// How long after its expiry the payment is still watched for; `None` when the provider
        /// cannot confirm payments (then nothing is watched).
        grace: Option<Duration>,
    },
    /// The QR expired on screen.
    Expired { reference: SaleRef },
    /// The cashier withdrew the request or the QR.
    Cancelled { reference: SaleRef },
    /// The cashier marked the sale not paid.
    NotPaid { reference: SaleRef },
    /// No QR could be had. With `watch_for`, the sale's payment is still watched that long from
    /// now (the gateway said it was already paid but its status did not yet confirm it), so the
    /// sale stays open until its watch ends.
    Failed {
        reference: SaleRef,
        reason: String,
        watch_for: Option<Duration>,
    },
    /// The money arrived.
    Paid {
        reference: SaleRef,
        how: PaidHow,
        details: PaidDetails,
    },
    /// A payment attempt failed; the watch goes on while the QR (and its grace) lasts.
    AttemptFailed { reference: SaleRef, reason: String },
    /// The watch ended without a payment: the sale is settled as it stands (failed, when the last
    /// attempt failed).
    WatchEnded {
        reference: SaleRef,
        last_failure: Option<String>,
    },
}

impl Record {
    /// No QR could be had for `reference`, for `reason`; nothing more to watch.
    pub fn failed(reference: &SaleRef, reason: &str) -> Self {
        Self::Failed {
            reference: reference.clone(),
            reason: reason.to_owned(),
            watch_for: None,
        }
    }

    /// The sale this step is about.
    pub fn reference(&self) -> &SaleRef {
        match self {
            Self::Requested { sale, .. } => &sale.reference,
            Self::Shown { reference, .. }
            | Self::Expired { reference }
            | Self::Cancelled { reference }
            | Self::NotPaid { reference }
            | Self::Failed { reference, .. }
            | Self::Paid { reference, .. }
            | Self::AttemptFailed { reference, .. }
            | Self::WatchEnded { reference, .. } => reference,
        }
    }

    /// A name for the step, for the log.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Requested { .. } => "requested",
            Self::Shown { .. } => "shown",
            Self::Expired { .. } => "expired",
            Self::Cancelled { .. } => "cancelled",
            Self::NotPaid { .. } => "not paid",
            Self::Failed { .. } => "failed",
            Self::Paid { .. } => "paid",
            Self::AttemptFailed { .. } => "attempt failed",
            Self::WatchEnded { .. } => "watch ended",
        }
    }
}
