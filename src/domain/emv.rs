//! EMVCo merchant-presented QR ("Bharat QR"): the `TT LL VALUE` fields, the templates inside them,
//! and the CRC-16/CCITT-FALSE in tag 63.

use super::money::Paise;

/// The UPI application identifier that marks a UPI block (in tag 26) of a Bharat QR.
pub const UPI_GUID: &str = "A000000524";

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR.
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Why a string is not a Bharat QR we can trust.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmvError {
    #[error("it contains characters other than plain ASCII")]
    NonAscii,
    #[error("a field at position {0} is cut short")]
    Truncated(usize),
    #[error("the field header at position {0} is not two-digit tag and length")]
    BadHeader(usize),
    #[error("it does not start with the format indicator 000201")]
    NoFormatIndicator,
    #[error("tag {0:02} appears more than once")]
    RepeatedTag(u8),
    #[error("it does not end with a 4-digit CRC in tag 63")]
    NoCrc,
    #[error("its CRC is {stated} but its contents give {computed}")]
    BadCrc { stated: String, computed: String },
    #[error("the template in tag {tag:02} is malformed: {inner}")]
    BadTemplate { tag: u8, inner: Box<EmvError> },
}

/// Splits `text` into `(tag, value)` fields. Lengths count characters, which are bytes because
/// the caller has checked the text is ASCII.
pub fn parse_fields(text: &str) -> Result<Vec<(u8, &str)>, EmvError> {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let header = text.get(at..at + 4).ok_or(EmvError::Truncated(at))?;
        if !header.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EmvError::BadHeader(at));
        }
        let tag: u8 = header[..2].parse().map_err(|_| EmvError::BadHeader(at))?;
        let len: usize = header[2..].parse().map_err(|_| EmvError::BadHeader(at))?;
        let value = text
            .get(at + 4..at + 4 + len)
            .ok_or(EmvError::Truncated(at))?;
        fields.push((tag, value));
        at += 4 + len;
    }
    Ok(fields)
}

/// A Bharat QR, read and CRC-checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BharatQr {
    /// Every top-level field, in order (tag 63 included).
    pub fields: Vec<(u8, String)>,
    /// Tag 01: `11` static (the customer types the amount), `12` dynamic (one sale).
    pub point_of_initiation: Option<String>,
    /// The VPA in the UPI block (tag 26, or another merchant template with the UPI id).
    pub upi_vpa: Option<String>,
    /// Tag 53: ISO 4217 numeric currency (`356` = INR).
    pub currency: Option<String>,
    /// Tag 54: the amount as written.
    pub amount_text: Option<String>,
    /// Tag 58.
    pub country: Option<String>,
    /// Tag 59.
    pub merchant_name: Option<String>,
    /// Tag 60.
    pub merchant_city: Option<String>,
    /// Tag 61.
    pub postal_code: Option<String>,
    /// Tag 62's sub-fields (bill number, reference label, terminal label…).
    pub additional_data: Vec<(u8, String)>,
}

impl BharatQr {
    /// Reads a Bharat QR string and checks its structure and CRC.
    pub fn parse(text: &str) -> Result<Self, EmvError> {
        if !text.is_ascii() {
            return Err(EmvError::NonAscii);
        }
        let fields = parse_fields(text)?;
        if fields.first() != Some(&(0, "01")) {
            return Err(EmvError::NoFormatIndicator);
        }
        match fields.last() {
            Some((63, crc)) if crc.len() == 4 => {
                // The CRC covers everything up to and including "6304".
                let computed = format!(
                    "{:04X}",
                    crc16_ccitt_false(&text.as_bytes()[..text.len() - 4])
                );
                if !crc.eq_ignore_ascii_case(&computed) {
                    return Err(EmvError::BadCrc {
                        stated: (*crc).to_owned(),
                        computed,
                    });
                }
            }
            _ => return Err(EmvError::NoCrc),
        }
        let mut seen = [false; 100];
        for (tag, _) in &fields {
            if std::mem::replace(&mut seen[usize::from(*tag)], true) {
                return Err(EmvError::RepeatedTag(*tag));
            }
        }

        let mut qr = Self {
            fields: fields.iter().map(|(t, v)| (*t, (*v).to_owned())).collect(),
            ..Self::default()
        };
        for (tag, value) in &fields {
            let value = (*value).to_owned();
            match tag {
                1 => qr.point_of_initiation = Some(value),
                53 => qr.currency = Some(value),
                54 => qr.amount_text = Some(value),
                58 => qr.country = Some(value),
                59 => qr.merchant_name = Some(value),
                60 => qr.merchant_city = Some(value),
                61 => qr.postal_code = Some(value),
                62 => qr.additional_data = owned(template(62, &value)?),
                _ => {}
            }
        }
        qr.upi_vpa = upi_vpa(&fields)?;
        Ok(qr)
    }

    /// True for a dynamic (one-sale) QR, tag 01 = `12`.
    pub fn is_dynamic(&self) -> bool {
        self.point_of_initiation.as_deref() == Some("12")
    }

    /// The amount, if tag 54 is present: `Some(Err(text))` when it is not a plain decimal.
    pub fn amount(&self) -> Option<Result<Paise, &str>> {
        self.amount_text
            .as_deref()
            .map(|text| Paise::parse_decimal(text).ok_or(text))
    }
}

fn template(tag: u8, value: &str) -> Result<Vec<(u8, &str)>, EmvError> {
    parse_fields(value).map_err(|inner| EmvError::BadTemplate {
        tag,
        inner: Box::new(inner),
    })
}

fn owned(fields: Vec<(u8, &str)>) -> Vec<(u8, String)> {
    fields.into_iter().map(|(t, v)| (t, v.to_owned())).collect()
}

/// The VPA of the UPI block: the merchant-account template (26 first, then 27–51) whose `00` is
/// the UPI id and whose `01` is a VPA.
fn upi_vpa(fields: &[(u8, &str)]) -> Result<Option<String>, EmvError> {
    let mut templates: Vec<&(u8, &str)> = fields
        .iter()
        .filter(|(t, _)| (26..=51).contains(t))
        .collect();
    templates.sort_by_key(|(t, _)| *t);
    for (tag, value) in templates {
        let sub = template(*tag, value)?;
        let is_upi = sub
            .iter()
            .any(|(t, v)| *t == 0 && v.eq_ignore_ascii_case(UPI_GUID));
        let vpa = sub.iter().find(|(t, v)| *t == 1 && v.contains('@'));
        if let (true, Some((_, vpa))) = (is_upi, vpa) {
            return Ok(Some((*vpa).to_owned()));
        }
    }
    Ok(None)
}

/// Writes fields as `TT LL VALUE` and appends tag 63 with the CRC. Values must be ASCII and at
/// most 99 characters; `fields` should start with `(0, "01")`.
pub fn build(fields: &[(u8, &str)]) -> String {
    let mut text: String = fields
        .iter()
        .map(|(tag, value)| format!("{tag:02}{:02}{value}", value.len()))
        .collect();
    text.push_str("6304");
    let crc = crc16_ccitt_false(text.as_bytes());
    text.push_str(&format!("{crc:04X}"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// PayU's sample Bharat QR (static: tag 01 = 11, no tag 54).
    const PAYU_BQR: &str = "000201010211021644038470007469080415522024070007469061661000307000746960825HDFC00006225020001855322626470010A0000005240129yellowqr.payutest.94@hdfcbank27370010A0000005240119STQ9y45z1cv3z5450925204569153033565802IN5910vendorName6010vendorCity610650017262350519STQ9y45z1cv3z545092070870007469630417EF";

    #[test]
    fn crc_check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
        assert_eq!(crc16_ccitt_false(b""), 0xFFFF);
    }

    #[test]
    fn reads_payus_sample() {
        let qr = BharatQr::parse(PAYU_BQR).expect("sample checks");
        assert_eq!(qr.fields.last(), Some(&(63, "17EF".to_owned())));
        assert!(!qr.is_dynamic());
        assert_eq!(qr.upi_vpa.as_deref(), Some("yellowqr.payutest.94@hdfcbank"));
        assert_eq!(qr.currency.as_deref(), Some("356"));
        assert_eq!(qr.amount(), None);
        assert_eq!(qr.merchant_name.as_deref(), Some("vendorName"));
        assert_eq!(qr.merchant_city.as_deref(), Some("vendorCity"));
        assert_eq!(qr.postal_code.as_deref(), Some("500172"));
        assert_eq!(qr.additional_data[0], (5, "STQ9y45z1cv3z545092".to_owned()));
    }

    fn dynamic(amount: &str) -> String {
        let upi = format!("0010{UPI_GUID}0112shop@okaxis1");
        build(&[
            (0, "01"),
            (1, "12"),
            (26, &upi),
            (52, "5411"),
            (53, "356"),
            (54, amount),
            (58, "IN"),
            (59, "Sharma Stores"),
            (60, "Pune"),
            (62, "0510CQ12345678"),
        ])
    }

    #[test]
    fn reads_a_built_dynamic_qr() {
        let qr = BharatQr::parse(&dynamic("1250.50")).expect("valid");
        assert!(qr.is_dynamic());
        assert_eq!(qr.amount(), Some(Ok(Paise::new(125_050))));
        assert_eq!(qr.upi_vpa.as_deref(), Some("shop@okaxis1"));
    }

    #[test]
    fn refuses_broken_strings() {
        let good = dynamic("10.00");
        // A changed digit breaks the CRC.
        let tampered = good.replacen("10.00", "90.00", 1);
        assert!(matches!(
            BharatQr::parse(&tampered),
            Err(EmvError::BadCrc { .. })
        ));
        // A wrong length field.
        let wrong_len = good.replacen("5405", "5406", 1);
        assert!(BharatQr::parse(&wrong_len).is_err());
        // Cut short.
        assert!(matches!(
            BharatQr::parse(&good[..good.len() - 10]),
            Err(EmvError::Truncated(_) | EmvError::NoCrc)
        ));
        assert!(matches!(
            BharatQr::parse("00020101"),
            Err(EmvError::Truncated(_))
        ));
        // Not ASCII.
        let hindi = build(&[(0, "01"), (59, "शर्मा")]);
        assert_eq!(BharatQr::parse(&hindi), Err(EmvError::NonAscii));
        // No CRC, no format indicator, repeated amount.
        assert_eq!(BharatQr::parse("000201"), Err(EmvError::NoCrc));
        assert_eq!(
            BharatQr::parse(&build(&[(1, "12")])),
            Err(EmvError::NoFormatIndicator)
        );
        let twice = build(&[(0, "01"), (54, "1.00"), (54, "100.00")]);
        assert_eq!(BharatQr::parse(&twice), Err(EmvError::RepeatedTag(54)));
        assert!(matches!(
            BharatQr::parse("00AB01"),
            Err(EmvError::BadHeader(0))
        ));
        // A malformed UPI template.
        let bad_template = build(&[(0, "01"), (26, "0010A00000")]);
        assert!(matches!(
            BharatQr::parse(&bad_template),
            Err(EmvError::BadTemplate { tag: 26, .. })
        ));
    }

    fn field_value() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[ -~]{0,40}").expect("regex")
    }

    proptest! {
        #[test]
        fn build_then_parse_round_trips(
            tags in proptest::sample::subsequence((2u8..=62).filter(|t| !(26..=51).contains(t) && *t != 62).collect::<Vec<_>>(), 0..10),
            values in proptest::collection::vec(field_value(), 10),
        ) {
            let mut fields: Vec<(u8, &str)> = vec![(0, "01")];
            fields.extend(tags.iter().zip(&values).map(|(t, v)| (*t, v.as_str())));
            let text = build(&fields);
            let qr = BharatQr::parse(&text).expect("built strings parse");
            let read: Vec<(u8, String)> = qr.fields[..qr.fields.len() - 1].to_vec();
            let written: Vec<(u8, String)> = fields.iter().map(|(t, v)| (*t, (*v).to_owned())).collect();
            prop_assert_eq!(read, written);
        }

        #[test]
        fn random_text_never_panics(text in "\\PC{0,300}") {
            let _ = BharatQr::parse(&text);
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = BharatQr::parse(&text);
            let _ = parse_fields(&text);
        }

        #[test]
        fn any_changed_character_is_caught(index in 0usize..60, replacement in "[0-9A-Za-z]") {
            let good = dynamic("499.99");
            let index = index % (good.len() - 8);
            let mut bytes = good.clone().into_bytes();
            let new = replacement.as_bytes()[0];
            prop_assume!(bytes[index] != new);
            bytes[index] = new;
            let changed = String::from_utf8(bytes).expect("ascii");
            prop_assert!(BharatQr::parse(&changed).is_err());
        }
    }
}
