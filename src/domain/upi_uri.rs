//! A lenient reader of UPI payment links (`upi://pay?…`), for checking what a gateway sent
//! before it is shown. Lenient where gateways are sloppy (OQPay's own sample has raw spaces in
//! `pn`; parameters come in any order), strict where money is at stake (a repeated `am`).

use percent_encoding::percent_decode_str;

use super::money::Paise;

/// The fields of a UPI link, percent-decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpiUri {
    /// `pa`: the payee's VPA.
    pub payee_vpa: Option<String>,
    /// `pn`: the payee's name.
    pub payee_name: Option<String>,
    /// `am` exactly as written (after decoding).
    pub amount_text: Option<String>,
    /// `tr`: the transaction reference.
    pub transaction_ref: Option<String>,
    /// `tn`: the note.
    pub note: Option<String>,
    /// `cu`: the currency.
    pub currency: Option<String>,
    /// `mc`: the merchant category code.
    pub merchant_code: Option<String>,
    /// `QRexpire`: when the QR stops being valid, as the gateway wrote it.
    pub qr_expire: Option<String>,
    /// Every other parameter, in order.
    pub others: Vec<(String, String)>,
}

/// Why a string is not a UPI link we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpiUriError {
    #[error("it does not start with upi://pay?")]
    NotUpi,
    #[error("the parameter \"{0}\" appears more than once")]
    Repeated(String),
    #[error("the parameter \"{0}\" is not valid UTF-8 after decoding")]
    NotUtf8(String),
}

impl UpiUri {
    /// Reads a `upi://pay?…` link. The scheme and `pay` are matched without regard to case;
    /// parameter names are matched exactly, except `QRexpire`, which gateways spell variously.
    pub fn parse(text: &str) -> Result<Self, UpiUriError> {
        let query = strip_prefix_ignore_case(text, "upi://pay?").ok_or(UpiUriError::NotUpi)?;
        let mut uri = Self::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode_str(raw_value)
                .decode_utf8()
                .map_err(|_| UpiUriError::NotUtf8(key.to_owned()))?
                .into_owned();
            let slot = match key {
                "pa" => &mut uri.payee_vpa,
                "pn" => &mut uri.payee_name,
                "am" => &mut uri.amount_text,
                "tr" => &mut uri.transaction_ref,
                "tn" => &mut uri.note,
                "cu" => &mut uri.currency,
                "mc" => &mut uri.merchant_code,
                k if k.eq_ignore_ascii_case("qrexpire") => &mut uri.qr_expire,
                _ => {
                    uri.others.push((key.to_owned(), value));
                    continue;
                }
            };
            // Two `am`s (or two `pa`s) are how a link is made to say one thing to a checker and
            // another to a UPI app.
            if slot.replace(value).is_some() {
                return Err(UpiUriError::Repeated(key.to_owned()));
            }
        }
        Ok(uri)
    }

    /// The amount, if `am` is present and a plain decimal (`500`, `500.5`, `500.00`).
    /// `Some(Err(text))` when present but unreadable.
    pub fn amount(&self) -> Option<Result<Paise, &str>> {
        self.amount_text
            .as_deref()
            .map(|text| Paise::parse_decimal(text.trim()).ok_or(text))
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OQPay's example answer, spaces and all.
    const OQPAY_SAMPLE: &str = "upi://pay?pa=shoppingair.payu@axisbank&pn=ABPYM INFOMATIC SOLUTION OPC PRIVATE LIMITED&tr=27417015484&tid=PPPL27417015484230226125309699c005d&am=500.00&cu=INR&tn=UPIIntent";
    /// PayU's example dynamic UPI QR.
    const PAYU_SAMPLE: &str = "upi://pay?pa=gauravdua1.payu@indus&pn=smsplus&mc=7399&tr=DYQ13845198863&ver=01&mode=15&orgid=000000&qrMedium=06&cu=INR&purpose=02&pinCode=122002&am=1.00&QRexpire=2021-08-20T17:48:19+05:30";

    #[test]
    fn reads_the_oqpay_sample() {
        let uri = UpiUri::parse(OQPAY_SAMPLE).expect("sample");
        assert_eq!(uri.payee_vpa.as_deref(), Some("shoppingair.payu@axisbank"));
        assert_eq!(
            uri.payee_name.as_deref(),
            Some("ABPYM INFOMATIC SOLUTION OPC PRIVATE LIMITED")
        );
        assert_eq!(uri.amount(), Some(Ok(Paise::from_rupees(500))));
        assert_eq!(uri.transaction_ref.as_deref(), Some("27417015484"));
        assert_eq!(uri.currency.as_deref(), Some("INR"));
        assert_eq!(uri.note.as_deref(), Some("UPIIntent"));
        assert_eq!(uri.others[0].0, "tid");
    }

    #[test]
    fn reads_the_payu_sample_with_its_expiry() {
        let uri = UpiUri::parse(PAYU_SAMPLE).expect("sample");
        assert_eq!(uri.payee_vpa.as_deref(), Some("gauravdua1.payu@indus"));
        assert_eq!(uri.merchant_code.as_deref(), Some("7399"));
        assert_eq!(uri.amount(), Some(Ok(Paise::from_rupees(1))));
        assert_eq!(uri.qr_expire.as_deref(), Some("2021-08-20T17:48:19+05:30"));
    }

    #[test]
    fn decodes_percent_escapes_in_any_order() {
        let uri = UpiUri::parse("UPI://PAY?cu=INR&am=12.5&pn=A%26B%20Stores&pa=ab%40okaxis")
            .expect("valid");
        assert_eq!(uri.payee_name.as_deref(), Some("A&B Stores"));
        assert_eq!(uri.payee_vpa.as_deref(), Some("ab@okaxis"));
        assert_eq!(uri.amount(), Some(Ok(Paise::new(1250))));
    }

    proptest::proptest! {
        #[test]
        fn random_text_never_panics(text in "\\PC{0,300}") {
            let _ = UpiUri::parse(&text);
            let _ = UpiUri::parse(&format!("upi://pay?{text}")).map(|u| u.amount().is_some());
        }
    }

    #[test]
    fn refuses_what_could_mislead() {
        assert_eq!(
            UpiUri::parse("https://pay?pa=a@b"),
            Err(UpiUriError::NotUpi)
        );
        assert_eq!(UpiUri::parse("upi:/"), Err(UpiUriError::NotUpi));
        assert_eq!(
            UpiUri::parse("upi://pay?pa=a@b&am=1.00&am=100.00"),
            Err(UpiUriError::Repeated("am".into()))
        );
        assert_eq!(
            UpiUri::parse("upi://pay?pa=a@b&pa=c@d"),
            Err(UpiUriError::Repeated("pa".into()))
        );
        assert_eq!(
            UpiUri::parse("upi://pay?pn=%FF"),
            Err(UpiUriError::NotUtf8("pn".into()))
        );
        let odd = UpiUri::parse("upi://pay?pa=a@b&am=1e3").expect("readable");
        assert_eq!(odd.amount(), Some(Err("1e3")));
        assert_eq!(
            UpiUri::parse("upi://pay?pa=a@b").expect("no am").amount(),
            None
        );
    }
}
