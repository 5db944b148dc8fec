//! Building the NPCI UPI payment link (`upi://pay?…`) that a direct UPI QR carries.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::money::Paise;

/// What is escaped in a UPI link's values: everything but letters, digits and `- . _ ~ @`
/// (the URI "unreserved" characters, plus `@`, which every UPI app expects to see as is in `pa`).
const UPI_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

/// The fields of a UPI payment link for one sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpiLink<'a> {
    /// `pa`: the payee's VPA (UPI ID), e.g. `myshop@okaxis`.
    pub payee_vpa: &'a str,
    /// `pn`: the payee's name as the customer's app shows it.
    pub payee_name: &'a str,
    /// `am`: the amount, written with two decimals.
    pub amount: Paise,
    /// `tr`: our unique reference for this sale.
    pub transaction_ref: &'a str,
    /// `tn`: a short note the customer's app shows.
    pub note: Option<&'a str>,
}

impl UpiLink<'_> {
    /// The link: `upi://pay?pa=…&pn=…&am=…&tr=…&tn=…&cu=INR`, each value percent-encoded.
    pub fn to_uri(&self) -> String {
        let amount = self.amount.to_decimal_string();
        let mut fields: Vec<(&str, &str)> = vec![
            ("pa", self.payee_vpa),
            ("pn", self.payee_name),
            ("am", &amount),
            ("tr", self.transaction_ref),
        ];
        if let Some(note) = self.note.filter(|n| !n.is_empty()) {
            fields.push(("tn", note));
        }
        fields.push(("cu", "INR"));
        let query: Vec<String> = fields
            .iter()
            .map(|(key, value)| format!("{key}={}", utf8_percent_encode(value, UPI_VALUE)))
            .collect();
        format!("upi://pay?{}", query.join("&"))
    }
}

/// Whether `text` has the shape of a VPA: `handle@psp`, the handle 2–256 of letters, digits, `.`,
/// `-` or `_`, the PSP part 2–64 letters/digits (e.g. `okaxis`, `ybl`, `paytm`).
pub fn is_valid_vpa(text: &str) -> bool {
    let Some((handle, psp)) = text.split_once('@') else {
        return false;
    };
    let handle_ok = (2..=256).contains(&handle.len())
        && handle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    let psp_ok = (2..=64).contains(&psp.len()) && psp.chars().all(|c| c.is_ascii_alphanumeric());
    handle_ok && psp_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(name: &str, note: Option<&str>) -> String {
        UpiLink {
            payee_vpa: "myshop@okaxis",
            payee_name: name,
            amount: Paise::new(125_050),
            transaction_ref: "CQ123ABC",
            note,
        }
        .to_uri()
    }

    #[test]
    fn builds_the_npci_link_in_order_with_two_decimals() {
        assert_eq!(
            link("Sharma Stores", Some("Sale CQ123ABC")),
            "upi://pay?pa=myshop@okaxis&pn=Sharma%20Stores&am=1250.50&tr=CQ123ABC&tn=Sale%20CQ123ABC&cu=INR"
        );
    }

    #[test]
    fn escapes_what_would_break_the_query() {
        let uri = link("A&B = 100% Pure + Fresh?", None);
        assert_eq!(
            uri,
            "upi://pay?pa=myshop@okaxis&pn=A%26B%20%3D%20100%25%20Pure%20%2B%20Fresh%3F&am=1250.50&tr=CQ123ABC&cu=INR"
        );
        let hindi = link("शर्मा", None);
        assert!(hindi.contains("pn=%E0%A4%B6"), "{hindi}");
        assert!(hindi.is_ascii());
    }

    #[test]
    fn whole_rupees_still_have_two_decimals() {
        let uri = UpiLink {
            payee_vpa: "a@b",
            payee_name: "x",
            amount: Paise::from_rupees(500),
            transaction_ref: "T1",
            note: Some(""),
        }
        .to_uri();
        assert_eq!(uri, "upi://pay?pa=a@b&pn=x&am=500.00&tr=T1&cu=INR");
    }

    #[test]
    fn vpa_shapes() {
        for ok in [
            "myshop@okaxis",
            "98765.43210@ybl",
            "shop-1_a@paytm",
            "ab@cd",
        ] {
            assert!(is_valid_vpa(ok), "{ok}");
        }
        for bad in [
            "",
            "myshop",
            "@okaxis",
            "a@okaxis",
            "my shop@okaxis",
            "a@b@c",
            "ab@c",
            "ab@ok.axis",
        ] {
            assert!(!is_valid_vpa(bad), "{bad}");
        }
    }
}
