//! One sale at the counter: its reference, its amount and the customer details typed for it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::customer::{Customer, CustomerError, CustomerInput};
use super::invoice::SaleExtra;
use super::money::{AmountError, Paise};

/// Our reference for a sale: letters and digits only, under 40 characters (PayU's `transactionId`
/// rules, which are the strictest of the gateways), unique per sale on this PC.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SaleRef(String);

impl SaleRef {
    /// A new reference: `CQ`, the time in milliseconds, the process id and a per-process counter,
    /// so two sales never share one even within the same millisecond or across restarts.
    pub fn generate() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let count = COUNTER.fetch_add(1, Ordering::Relaxed) % 0x1000;
        let pid = std::process::id() % 0x1_0000;
        Self(format!("CQ{millis}{pid:04X}{count:03X}"))
    }

    /// A reference as the sales journal recorded it (to ask the gateway about that sale again).
    pub fn from_journal(text: &str) -> Self {
        Self(text.to_owned())
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SaleRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A sale whose input has been checked: what a gateway is asked for a QR for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sale {
    pub reference: SaleRef,
    pub amount: Paise,
    pub customer: Customer,
    /// Details some providers embed (city, PIN code, address, GST); empty from the window.
    pub extra: SaleExtra,
}

impl Sale {
    /// A sale of `amount` with a new reference.
    pub fn new(amount: Paise, customer: Customer) -> Self {
        Self {
            reference: SaleRef::generate(),
            amount,
            customer,
            extra: SaleExtra::default(),
        }
    }
}

/// The entry form as typed: amount and optional customer details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaleForm {
    pub amount: String,
    pub customer: CustomerInput,
}

/// Which field of the form is wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("{0}")]
    Amount(#[from] AmountError),
    #[error("{0}")]
    Customer(#[from] CustomerError),
    /// A rule of the chosen payment provider (for example a minimum amount).
    #[error("{0}")]
    Provider(String),
}

impl SaleForm {
    /// Checks the form and makes a sale with a new reference.
    pub fn check(&self, max: Paise) -> Result<Sale, FormError> {
        let amount = Paise::parse_typed(&self.amount, max)?;
        let customer = self.customer.check()?;
        Ok(Sale::new(amount, customer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_unique_alphanumeric_and_short() {
        let refs: Vec<SaleRef> = (0..1000).map(|_| SaleRef::generate()).collect();
        let unique: std::collections::HashSet<_> = refs.iter().collect();
        assert_eq!(unique.len(), refs.len());
        for r in &refs {
            assert!(r.as_str().len() < 40, "{r}");
            assert!(r.as_str().chars().all(|c| c.is_ascii_alphanumeric()), "{r}");
        }
    }

    #[test]
    fn form_checks_amount_then_customer() {
        let max = Paise::from_rupees(1000);
        let mut form = SaleForm {
            amount: "abc".into(),
            ..SaleForm::default()
        };
        assert!(matches!(form.check(max), Err(FormError::Amount(_))));
        form.amount = "250.50".into();
        form.customer.mobile = "12".into();
        assert!(matches!(form.check(max), Err(FormError::Customer(_))));
        form.customer.mobile = "9876543210".into();
        let sale = form.check(max).expect("valid form");
        assert_eq!(sale.amount, Paise::new(25_050));
        assert_eq!(sale.customer.mobile.as_deref(), Some("9876543210"));
    }
}
