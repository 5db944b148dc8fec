//! The checks every QR payload passes before it is drawn, whatever provider sent it: the amount is
//! the one the cashier asked for, to the paisa; the currency is INR; a Bharat QR's CRC is right;
//! the payee is the shop's, where the shop said who that is.

use super::emv::{BharatQr, EmvError};
use super::money::Paise;
use super::upi_uri::{UpiUri, UpiUriError};

/// What the payload must say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expectation<'a> {
    /// The amount the cashier asked for.
    pub amount: Paise,
    /// The shop's own VPA, where configured: the payload must pay it.
    pub payee_vpa: Option<&'a str>,
}

/// The two kinds of payload a gateway sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// A `upi://pay?…` link.
    UpiLink,
    /// An EMVCo merchant-presented QR.
    BharatQr,
}

/// A payload that passed the checks, with what the customer should see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPayload {
    pub kind: PayloadKind,
    /// The payee's name as written in the payload.
    pub payee_name: Option<String>,
    /// The payee's VPA as written in the payload.
    pub payee_vpa: Option<String>,
    /// The amount the QR carries; `None` for a static QR where the customer types the amount.
    pub amount: Option<Paise>,
    /// The payload's own expiry (UPI `QRexpire`), as written.
    pub qr_expire: Option<String>,
}

impl VerifiedPayload {
    /// True when the customer must type the amount themselves (a QR with no amount).
    pub fn customer_enters_amount(&self) -> bool {
        self.amount.is_none()
    }
}

/// Why a payload is not shown. The text is for the cashier, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("The gateway's QR could not be read ({0}). It was not shown.")]
    Unreadable(String),
    #[error("The gateway's QR is for {found}, not {asked}. It was not shown.")]
    WrongAmount { asked: Paise, found: String },
    #[error("The gateway's QR is in currency \"{0}\", not Indian rupees. It was not shown.")]
    WrongCurrency(String),
    #[error(
        "The gateway's QR is damaged (its checksum is {stated}, its contents give {computed}). It was not shown."
    )]
    BadChecksum { stated: String, computed: String },
    #[error("The gateway's QR pays {found}, not this shop's {expected}. It was not shown.")]
    WrongPayee { expected: String, found: String },
    #[error(
        "The gateway's QR does not say whom it pays (this shop is {expected}). It was not shown."
    )]
    NoPayee { expected: String },
}

impl From<UpiUriError> for PayloadError {
    fn from(e: UpiUriError) -> Self {
        Self::Unreadable(format!("UPI link: {e}"))
    }
}

impl From<EmvError> for PayloadError {
    fn from(e: EmvError) -> Self {
        match e {
            EmvError::BadCrc { stated, computed } => Self::BadChecksum { stated, computed },
            other => Self::Unreadable(format!("Bharat QR: {other}")),
        }
    }
}

/// Reads `text` as a UPI link or a Bharat QR and checks it against what was asked for.
pub fn verify(text: &str, expect: Expectation<'_>) -> Result<VerifiedPayload, PayloadError> {
    let verified = if text
        .get(..4)
        .is_some_and(|s| s.eq_ignore_ascii_case("upi:"))
    {
        let uri = UpiUri::parse(text)?;
        check_currency(uri.currency.as_deref(), "INR")?;
        let amount = check_amount(uri.amount(), expect.amount)?;
        VerifiedPayload {
            kind: PayloadKind::UpiLink,
            payee_name: uri.payee_name,
            payee_vpa: uri.payee_vpa,
            amount,
            qr_expire: uri.qr_expire,
        }
    } else if text.starts_with("000201") {
        let qr = BharatQr::parse(text)?;
        check_currency(qr.currency.as_deref(), "356")?;
        let amount = check_amount(qr.amount(), expect.amount)?;
        VerifiedPayload {
            kind: PayloadKind::BharatQr,
            payee_name: qr.merchant_name,
            payee_vpa: qr.upi_vpa,
            amount,
            qr_expire: None,
        }
    } else {
        return Err(PayloadError::Unreadable(
            "it is neither a UPI link nor a Bharat QR".to_owned(),
        ));
    };
    if let Some(vpa) = verified.payee_vpa.as_deref()
        && (vpa.chars().any(char::is_whitespace) || !super::text::is_plain(vpa))
    {
        // The customer checks whom they pay by this text: it must be exactly what the app pays.
        return Err(PayloadError::Unreadable(
            "its payee UPI ID holds spaces, line breaks or invisible characters".to_owned(),
        ));
    }
    check_payee(verified.payee_vpa.as_deref(), expect.payee_vpa)?;
    Ok(verified)
}

fn check_currency(found: Option<&str>, inr: &str) -> Result<(), PayloadError> {
    match found {
        Some(code) if code != inr => Err(PayloadError::WrongCurrency(code.to_owned())),
        _ => Ok(()),
    }
}

/// The amount must match to the paisa; no amount at all is a static QR (allowed, with a warning
/// on screen); an unreadable amount is refused.
fn check_amount(
    found: Option<Result<Paise, &str>>,
    asked: Paise,
) -> Result<Option<Paise>, PayloadError> {
    match found {
        None => Ok(None),
        Some(Ok(amount)) if amount == asked => Ok(Some(amount)),
        Some(Ok(amount)) => Err(PayloadError::WrongAmount {
            asked,
            found: amount.to_string(),
        }),
        Some(Err(text)) => Err(PayloadError::WrongAmount {
            asked,
            found: format!("\"{text}\""),
        }),
    }
}

/// VPAs are compared without regard to case, as UPI does.
fn check_payee(found: Option<&str>, expected: Option<&str>) -> Result<(), PayloadError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    match found {
        Some(vpa) if vpa.eq_ignore_ascii_case(expected.trim()) => Ok(()),
        Some(vpa) => Err(PayloadError::WrongPayee {
            expected: expected.to_owned(),
            found: vpa.to_owned(),
        }),
        None => Err(PayloadError::NoPayee {
            expected: expected.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::emv::{UPI_GUID, build};

    const OQPAY_SAMPLE: &str = "upi://pay?pa=shoppingair.payu@axisbank&pn=ABPYM INFOMATIC SOLUTION OPC PRIVATE LIMITED&tr=27417015484&tid=PPPL27417015484230226125309699c005d&am=500.00&cu=INR&tn=UPIIntent";
    const PAYU_UPI_SAMPLE: &str = "upi://pay?pa=gauravdua1.payu@indus&pn=smsplus&mc=7399&tr=DYQ13845198863&ver=01&mode=15&orgid=000000&qrMedium=06&cu=INR&purpose=02&pinCode=122002&am=1.00&QRexpire=2021-08-20T17:48:19+05:30";
    const PAYU_BQR_SAMPLE: &str = "000201010211021644038470007469080415522024070007469061661000307000746960825HDFC00006225020001855322626470010A0000005240129yellowqr.payutest.94@hdfcbank27370010A0000005240119STQ9y45z1cv3z5450925204569153033565802IN5910vendorName6010vendorCity610650017262350519STQ9y45z1cv3z545092070870007469630417EF";

    fn asked(rupees: u64) -> Expectation<'static> {
        Expectation {
            amount: Paise::from_rupees(rupees),
            payee_vpa: None,
        }
    }

    fn bqr(amount: Option<&str>, currency: &str, vpa: &str) -> String {
        let upi = format!("0010{UPI_GUID}01{:02}{vpa}", vpa.len());
        let mut fields = vec![(0, "01"), (1, "12"), (26, upi.as_str()), (53, currency)];
        if let Some(amount) = amount {
            fields.push((54, amount));
        }
        fields.extend([(58, "IN"), (59, "Sharma Stores"), (60, "Pune")]);
        build(&fields)
    }

    #[test]
    fn a_payee_id_that_could_show_as_another_is_refused() {
        let expect_shop = Expectation {
            amount: Paise::from_rupees(500),
            payee_vpa: Some("shop@okaxis"),
        };
        for payload in [
            "upi://pay?pa=thief@ybl%E2%80%AE%0A%0Ashop@okaxis&pn=Shop&am=500.00&cu=INR",
            "upi://pay?pa=%0A%0D%0Ashop@okaxis%0A%0B&pn=Shop&am=500.00&cu=INR",
            "upi://pay?pa=shop@okaxis%20&pn=Shop&am=500.00&cu=INR",
            "upi://pay?pa=shop%E2%80%8B@okaxis&pn=Shop&am=500.00&cu=INR",
        ] {
            assert!(verify(payload, expect_shop).is_err(), "{payload}");
            assert!(verify(payload, asked(500)).is_err(), "{payload}");
        }
        let plain = "upi://pay?pa=shop@okaxis&pn=Shop&am=500.00&cu=INR";
        assert!(verify(plain, expect_shop).is_ok());
    }

    #[test]
    fn the_seed_samples_pass_for_their_own_amounts() {
        let oqpay = verify(OQPAY_SAMPLE, asked(500)).expect("OQPay sample");
        assert_eq!(
            oqpay.payee_vpa.as_deref(),
            Some("shoppingair.payu@axisbank")
        );
        assert_eq!(
            oqpay.payee_name.as_deref(),
            Some("ABPYM INFOMATIC SOLUTION OPC PRIVATE LIMITED")
        );
        let payu = verify(PAYU_UPI_SAMPLE, asked(1)).expect("PayU UPI sample");
        assert_eq!(payu.qr_expire.as_deref(), Some("2021-08-20T17:48:19+05:30"));
        let bqr = verify(PAYU_BQR_SAMPLE, asked(1)).expect("PayU BQR sample");
        assert!(bqr.customer_enters_amount(), "the sample BQR is static");
        assert_eq!(
            bqr.payee_vpa.as_deref(),
            Some("yellowqr.payutest.94@hdfcbank")
        );
        assert_eq!(bqr.payee_name.as_deref(), Some("vendorName"));
    }

    #[test]
    fn a_different_amount_is_refused_to_the_paisa() {
        let err = verify(OQPAY_SAMPLE, asked(300)).expect_err("500 is not 300");
        assert_eq!(
            err,
            PayloadError::WrongAmount {
                asked: Paise::from_rupees(300),
                found: "₹500.00".into()
            }
        );
        let one_paisa_off = Expectation {
            amount: Paise::new(50_001),
            payee_vpa: None,
        };
        assert!(verify(OQPAY_SAMPLE, one_paisa_off).is_err());
        let text = bqr(Some("1250.51"), "356", "shop@okaxis");
        let err = verify(
            &text,
            Expectation {
                amount: Paise::new(125_050),
                payee_vpa: None,
            },
        );
        assert!(matches!(err, Err(PayloadError::WrongAmount { .. })));
        let garbled = verify("upi://pay?pa=a@b&am=5OO", asked(500));
        assert!(
            matches!(garbled, Err(PayloadError::WrongAmount { .. })),
            "{garbled:?}"
        );
    }

    #[test]
    fn a_dynamic_bharat_qr_for_the_right_amount_passes() {
        let text = bqr(Some("1250.50"), "356", "shop@okaxis");
        let expect = Expectation {
            amount: Paise::new(125_050),
            payee_vpa: Some("SHOP@okaxis"),
        };
        let verified = verify(&text, expect).expect("valid");
        assert_eq!(verified.kind, PayloadKind::BharatQr);
        assert_eq!(verified.amount, Some(Paise::new(125_050)));
    }

    #[test]
    fn currency_must_be_rupees() {
        let usd = bqr(Some("10.00"), "840", "shop@okaxis");
        assert_eq!(
            verify(&usd, asked(10)),
            Err(PayloadError::WrongCurrency("840".into()))
        );
        let link = "upi://pay?pa=a@bc&am=10.00&cu=USD";
        assert_eq!(
            verify(link, asked(10)),
            Err(PayloadError::WrongCurrency("USD".into()))
        );
    }

    #[test]
    fn the_payee_must_be_the_shop_where_configured() {
        let shop = Expectation {
            amount: Paise::from_rupees(500),
            payee_vpa: Some("myshop@okaxis"),
        };
        assert_eq!(
            verify(OQPAY_SAMPLE, shop),
            Err(PayloadError::WrongPayee {
                expected: "myshop@okaxis".into(),
                found: "shoppingair.payu@axisbank".into()
            })
        );
        assert_eq!(
            verify("upi://pay?am=500.00", shop),
            Err(PayloadError::NoPayee {
                expected: "myshop@okaxis".into()
            })
        );
    }

    #[test]
    fn a_bad_checksum_is_named() {
        let mut text = bqr(Some("10.00"), "356", "shop@okaxis");
        text.replace_range(text.len() - 4.., "0000");
        assert!(matches!(
            verify(&text, asked(10)),
            Err(PayloadError::BadChecksum { .. })
        ));
    }

    #[test]
    fn anything_else_is_unreadable() {
        for text in ["", "hello", "https://example.com", "00020"] {
            assert!(
                matches!(verify(text, asked(1)), Err(PayloadError::Unreadable(_))),
                "{text}"
            );
        }
    }
}
