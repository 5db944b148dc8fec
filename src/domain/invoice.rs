//! Details beyond the amount and the customer that a provider may embed in the QR (PayU): the
//! customer's city, PIN code and address, and a GST invoice block. Billing software passes them on
//! the command line; the counter window does not ask for them.

use serde::{Deserialize, Serialize};

use super::money::Paise;

/// The longest customer address PayU keeps; anything after is cut here, not by PayU.
pub const ADDRESS_MAX_CHARS: usize = 100;

/// Optional details for one sale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SaleExtra {
    pub customer_city: Option<String>,
    /// Six digits.
    pub customer_pin_code: Option<String>,
    /// At most [`ADDRESS_MAX_CHARS`] characters.
    pub customer_address: Option<String>,
    pub gst: Option<Box<GstDetails>>,
    /// The billing software's reference for the bill this sale settles (one sale per bill).
    pub bill_ref: Option<String>,
}

/// The GST block PayU embeds in a UPI QR. PayU wants all of it or none of it, so every field is
/// required here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GstDetails {
    pub gst: String,
    pub cgst: String,
    pub sgst: String,
    pub igst: String,
    pub cess: String,
    pub gst_incentive: String,
    pub gst_percentage: String,
    pub gst_in: String,
    pub invoice_name: String,
    pub invoice_no: String,
    /// RFC 3339, e.g. `2021-05-21T13:21:50+05:30`.
    pub invoice_date: String,
}

/// Why the extra details were refused; the text names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtraError {
    #[error("PIN code must be 6 digits, for example 560001")]
    PinCode,
    #[error(
        "the GST details are not valid JSON with all of gst, cgst, sgst, igst, cess, \
         gstIncentive, gstPercentage, gstIn, invoiceName, invoiceNo and invoiceDate: {0}"
    )]
    GstJson(String),
    #[error("GST field {field} must be an amount like 25.45, not \"{value}\"")]
    GstAmount { field: &'static str, value: String },
    #[error("gstIn must be a 15-character GSTIN such as 24AAACC1206D1ZM, not \"{0}\"")]
    Gstin(String),
    #[error("GST field {0} must not be empty")]
    GstEmpty(&'static str),
    #[error("invoiceDate must be a date and time like 2021-05-21T13:21:50+05:30, not \"{0}\"")]
    InvoiceDate(String),
}

/// True for a six-digit Indian PIN code.
pub fn is_pin_code(text: &str) -> bool {
    text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The longest bill reference billing software may send.
pub const BILL_REF_MAX_CHARS: usize = 64;

/// A bill reference as billing software sends it: 1 to 64 characters, no control, bidi or
/// invisible characters (surrounding spaces dropped). The error says what it must be.
pub fn check_bill_ref(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > BILL_REF_MAX_CHARS || !super::text::is_plain(text)
    {
        return Err(format!(
            "must be the bill's reference, 1 to {BILL_REF_MAX_CHARS} characters, with no \
             control or invisible characters"
        ));
    }
    Ok(text.to_owned())
}

impl SaleExtra {
    /// Checks typed details (each may be empty) and the GST block as JSON, if given.
    pub fn check(
        city: &str,
        pin_code: &str,
        address: &str,
        gst_json: Option<&str>,
    ) -> Result<Self, ExtraError> {
        let trimmed = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let customer_pin_code = trimmed(pin_code);
        if customer_pin_code
            .as_deref()
            .is_some_and(|p| !is_pin_code(p))
        {
            return Err(ExtraError::PinCode);
        }
        let customer_address =
            trimmed(address).map(|a| a.chars().take(ADDRESS_MAX_CHARS).collect());
        let gst = gst_json.map(GstDetails::parse).transpose()?.map(Box::new);
        Ok(Self {
            customer_city: trimmed(city),
            customer_pin_code,
            customer_address,
            gst,
            bill_ref: None,
        })
    }
}

impl GstDetails {
    /// Reads and checks the block from JSON with PayU's field names.
    pub fn parse(json: &str) -> Result<Self, ExtraError> {
        let details: Self =
            serde_json::from_str(json).map_err(|e| ExtraError::GstJson(e.to_string()))?;
        details.check()?;
        Ok(details)
    }

    fn check(&self) -> Result<(), ExtraError> {
        let amounts = [
            ("gst", &self.gst),
            ("cgst", &self.cgst),
            ("sgst", &self.sgst),
            ("igst", &self.igst),
            ("cess", &self.cess),
            ("gstIncentive", &self.gst_incentive),
            ("gstPercentage", &self.gst_percentage),
        ];
        for (field, value) in amounts {
            if Paise::parse_decimal(value.trim()).is_none() {
                return Err(ExtraError::GstAmount {
                    field,
                    value: value.clone(),
                });
            }
        }
        let gstin = self.gst_in.trim();
        if gstin.len() != 15 || !gstin.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ExtraError::Gstin(self.gst_in.clone()));
        }
        for (field, value) in [
            ("invoiceName", &self.invoice_name),
            ("invoiceNo", &self.invoice_no),
        ] {
            if value.trim().is_empty() {
                return Err(ExtraError::GstEmpty(field));
            }
        }
        let date_ok = time::OffsetDateTime::parse(
            self.invoice_date.trim(),
            &time::format_description::well_known::Rfc3339,
        )
        .is_ok();
        if !date_ok {
            return Err(ExtraError::InvoiceDate(self.invoice_date.clone()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"gst":"100.25","cgst":"25.45","sgst":"25.45","igst":"50.9",
        "cess":"10.2","gstIncentive":"10.2","gstPercentage":"18","gstIn":"24AAACC1206D1ZM",
        "invoiceName":"Bill","invoiceNo":"78457637","invoiceDate":"2021-05-21T13:21:50+05:30"}"#;

    #[test]
    fn the_documented_gst_sample_is_accepted() {
        let gst = GstDetails::parse(SAMPLE).expect("PayU's own sample");
        assert_eq!(gst.gst_in, "24AAACC1206D1ZM");
        assert_eq!(gst.invoice_date, "2021-05-21T13:21:50+05:30");
    }

    #[test]
    fn gst_is_all_or_nothing_and_checked() {
        let missing = SAMPLE.replace(r#""cess":"10.2","#, "");
        assert!(matches!(
            GstDetails::parse(&missing),
            Err(ExtraError::GstJson(m)) if m.contains("cess")
        ));
        let unknown = SAMPLE.replace(r#""gst":"#, r#""gstx":"1","gst":"#);
        assert!(matches!(
            GstDetails::parse(&unknown),
            Err(ExtraError::GstJson(_))
        ));
        let bad_amount = SAMPLE.replace("25.45", "a lot");
        assert!(matches!(
            GstDetails::parse(&bad_amount),
            Err(ExtraError::GstAmount { field: "cgst", .. })
        ));
        let bad_gstin = SAMPLE.replace("24AAACC1206D1ZM", "24AAACC");
        assert!(matches!(
            GstDetails::parse(&bad_gstin),
            Err(ExtraError::Gstin(_))
        ));
        let bad_date = SAMPLE.replace("2021-05-21T13:21:50+05:30", "21/05/2021");
        assert!(matches!(
            GstDetails::parse(&bad_date),
            Err(ExtraError::InvoiceDate(_))
        ));
    }

    #[test]
    fn pin_codes_are_six_digits_and_addresses_are_cut_to_100() {
        assert!(SaleExtra::check("", "56000", "", None).is_err());
        assert!(SaleExtra::check("", "56000a", "", None).is_err());
        let long = "x".repeat(150);
        let extra = SaleExtra::check(" Pune ", "411001", &long, None).expect("valid");
        assert_eq!(extra.customer_city.as_deref(), Some("Pune"));
        assert_eq!(extra.customer_pin_code.as_deref(), Some("411001"));
        assert_eq!(
            extra.customer_address.map(|a| a.chars().count()),
            Some(ADDRESS_MAX_CHARS)
        );
        assert_eq!(
            SaleExtra::check("", "", "", None).expect("empty is fine"),
            SaleExtra::default()
        );
    }
}
