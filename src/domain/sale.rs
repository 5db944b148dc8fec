//! One sale at the counter: its reference, its amount and the customer details typed for it.

use serde::Serialize;

use super::customer::{Customer, CustomerError, CustomerInput};
use super::invoice::SaleExtra;
use super::money::{AmountError, Paise};
use super::record::Source;

/// Our reference for a sale: letters and digits only, under 40 characters (PayU's `transactionId`
/// rules, which are the strictest of the gateways), unique per sale on this PC. New ones are made
/// where the clock and the process id can be read (`crate::reference`), from their parts here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SaleRef(String);

/// The longest reference a gateway takes (PayU: under 40 characters).
pub const SALE_REF_MAX_CHARS: usize = 39;

impl SaleRef {
    /// A reference from its parts: `CQ`, the time in milliseconds, the process id and a counter,
    /// so two sales never share one even within the same millisecond or across restarts.
    pub fn from_parts(unix_millis: u128, process_id: u32, count: u32) -> Self {
        let pid = process_id % 0x1_0000;
        let count = count % 0x1000;
        Self(format!("CQ{unix_millis}{pid:04X}{count:03X}"))
    }

    /// A reference as stored or sent back (the journal, the API); `None` unless it is 1 to 39
    /// letters and digits.
    pub fn parse(text: &str) -> Option<Self> {
        let ok = !text.is_empty()
            && text.len() <= SALE_REF_MAX_CHARS
            && text.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| Self(text.to_owned()))
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
    /// Details some providers embed (city, PIN code, address, GST), and the billing software's
    /// bill reference; empty from the window.
    pub extra: SaleExtra,
    /// Where the sale came from: the window, `counterqr request`, or the window's API.
    pub source: Source,
}

impl Sale {
    /// A sale of `amount` under `reference`.
    pub fn new(reference: SaleRef, amount: Paise, customer: Customer) -> Self {
        Self {
            reference,
            amount,
            customer,
            extra: SaleExtra::default(),
            source: Source::Window,
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
    // Transparent: the cashier's message once, not again as its own cause ("X: X").
    #[error(transparent)]
    Amount(#[from] AmountError),
    #[error(transparent)]
    Customer(#[from] CustomerError),
    /// A rule of the chosen payment provider (for example a minimum amount).
    #[error("{0}")]
    Provider(String),
}

impl SaleForm {
    /// Checks the form and makes the sale, under `reference` (a new one, or the one being
    /// retried).
    pub fn check(&self, max: Paise, reference: SaleRef) -> Result<Sale, FormError> {
        let amount = Paise::parse_typed(&self.amount, max)?;
        let customer = self.customer.check()?;
        Ok(Sale::new(reference, amount, customer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_from_parts_are_alphanumeric_short_and_read_back() {
        for (millis, pid, count) in [(0, 0, 0), (u128::from(u64::MAX), u32::MAX, u32::MAX)] {
            let r = SaleRef::from_parts(millis, pid, count);
            assert!(r.as_str().len() < 40, "{r}");
            assert_eq!(SaleRef::parse(r.as_str()), Some(r.clone()));
        }
        assert_ne!(SaleRef::from_parts(1, 2, 3), SaleRef::from_parts(1, 2, 4));
        for bad in ["", "CQ-1", "CQ 1", "ÇQ1", &"C".repeat(40)] {
            assert_eq!(SaleRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn form_checks_amount_then_customer() {
        let max = Paise::from_rupees(1000);
        let mut form = SaleForm {
            amount: "abc".into(),
            ..SaleForm::default()
        };
        let reference = || SaleRef::from_parts(1, 2, 3);
        assert!(matches!(
            form.check(max, reference()),
            Err(FormError::Amount(_))
        ));
        form.amount = "250.50".into();
        form.customer.mobile = "12".into();
        assert!(matches!(
            form.check(max, reference()),
            Err(FormError::Customer(_))
        ));
        form.customer.mobile = "9876543210".into();
        let sale = form.check(max, reference()).expect("valid form");
        assert_eq!(sale.amount, Paise::new(25_050));
        assert_eq!(sale.customer.mobile.as_deref(), Some("9876543210"));
    }
}
