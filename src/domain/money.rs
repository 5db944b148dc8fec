//! Money as whole paise: parsing what a cashier types and formatting it the Indian way.
//!
//! Amounts never pass through `f32`/`f64`: a rupee amount is an integer number of paise from the
//! moment it is typed to the moment it is written into a QR.

use std::fmt;

/// An amount of Indian rupees, held as an integer number of paise (1 ₹ = 100 paise).
/// Serialised as the number of paise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Paise(u64);

/// Why a typed amount was refused. The `Display` text is shown to the cashier as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("Type the amount, for example 500 or 1,250.50")]
    Empty,
    #[error("\"{0}\" is not an amount: use digits, for example 500 or 1,250.50")]
    NotANumber(String),
    #[error("The amount cannot be negative")]
    Negative,
    #[error("The amount must be more than ₹0")]
    Zero,
    #[error("Use at most two digits after the decimal point (paise)")]
    TooManyDecimals,
    #[error("The amount is over the limit of {max} for this payment method")]
    OverMaximum { max: Paise },
}

impl Paise {
    /// The largest amount this program will represent at all: ₹1,00,00,00,000 (one hundred crore).
    /// Anything above is a typing accident, whatever the provider allows.
    pub const ABSOLUTE_MAX: Self = Self(1_00_00_00_000 * 100);

    /// An amount from a number of paise.
    pub const fn new(paise: u64) -> Self {
        Self(paise)
    }

    /// An amount of whole rupees (saturating: no count of rupees can overflow it).
    pub const fn from_rupees(rupees: u64) -> Self {
        Self(rupees.saturating_mul(100))
    }

    /// The number of paise.
    pub const fn paise(self) -> u64 {
        self.0
    }

    /// The whole-rupee part.
    pub const fn rupees_part(self) -> u64 {
        self.0 / 100
    }

    /// The paise part, 0–99.
    pub const fn paise_part(self) -> u64 {
        self.0 % 100
    }

    /// True when the amount has no paise.
    pub const fn is_whole_rupees(self) -> bool {
        self.0.is_multiple_of(100)
    }

    /// The amount with exactly two decimals and no grouping or sign, as UPI's `am` and Bharat QR's
    /// tag 54 want it: `1250.50`.
    pub fn to_decimal_string(self) -> String {
        format!("{}.{:02}", self.rupees_part(), self.paise_part())
    }

    /// Parses what a cashier typed: `500`, `500.5`, `1,250.50`, `₹ 1,23,456`.
    ///
    /// Commas group digits (any grouping, Indian or Western); at most two decimals; the result must
    /// be above zero and at most `max`.
    pub fn parse_typed(input: &str, max: Paise) -> Result<Self, AmountError> {
        let text = input.trim();
        let text = text.strip_prefix('₹').unwrap_or(text).trim_start();
        if text.is_empty() {
            return Err(AmountError::Empty);
        }
        if text.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let not_a_number = || AmountError::NotANumber(input.trim().to_owned());
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (text, None),
        };
        let rupees = parse_grouped_digits(whole).ok_or_else(not_a_number)?;
        let paise = match fraction {
            None => 0,
            Some(digits) if !digits.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(not_a_number());
            }
            Some(digits) if digits.len() > 2 => return Err(AmountError::TooManyDecimals),
            Some("") if whole.is_empty() => return Err(not_a_number()),
            Some(digits) => {
                // "5" after the point is 50 paise, "05" is 5 paise.
                let padded = format!("{digits:0<2}");
                padded.parse::<u64>().map_err(|_| not_a_number())?
            }
        };
        let total = rupees
            .checked_mul(100)
            .and_then(|p| p.checked_add(paise))
            .map(Self)
            .ok_or(AmountError::OverMaximum { max })?;
        if total.0 == 0 {
            return Err(AmountError::Zero);
        }
        if total > max || total > Self::ABSOLUTE_MAX {
            return Err(AmountError::OverMaximum { max });
        }
        Ok(total)
    }

    /// Parses a machine-written decimal amount (`500`, `500.5`, `500.00`) such as a gateway returns.
    /// No grouping, no sign; zero is allowed.
    pub fn parse_decimal(text: &str) -> Option<Self> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 2 {
            return None;
        }
        let rupees: u64 = whole.parse().ok()?;
        let paise: u64 = if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<2}").parse().ok()?
        };
        rupees.checked_mul(100)?.checked_add(paise).map(Self)
    }
}

/// Digits with optional commas between them (`1,23,456` or `123,456`); `None` for anything else.
/// An empty string is zero rupees so that `.50` parses as 50 paise.
fn parse_grouped_digits(text: &str) -> Option<u64> {
    if text.is_empty() {
        return Some(0);
    }
    if text.starts_with(',') || text.ends_with(',') || text.contains(",,") {
        return None;
    }
    let digits: String = text.chars().filter(|c| *c != ',').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // More than 15 digits cannot be a shop amount; say "over the limit" rather than overflow.
    if digits.trim_start_matches('0').len() > 15 {
        return Some(u64::MAX / 100);
    }
    digits.parse().ok()
}

/// Groups a whole number the Indian way: the last three digits, then pairs (`1,23,45,678`).
pub fn group_indian(number: u64) -> String {
    let digits = number.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, last_three) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        let (left, pair) = rest.split_at(rest.len() - 2);
        groups.push(pair);
        rest = left;
    }
    groups.push(rest);
    groups.reverse();
    format!("{},{last_three}", groups.join(","))
}

impl fmt::Display for Paise {
    /// `₹1,23,456.50`: the rupee sign, Indian grouping, always two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "₹{}.{:02}",
            group_indian(self.rupees_part()),
            self.paise_part()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: Paise = Paise::from_rupees(1_00_000);

    fn parse(text: &str) -> Result<Paise, AmountError> {
        Paise::parse_typed(text, MAX)
    }

    #[test]
    fn accepts_what_cashiers_type() {
        assert_eq!(parse("500"), Ok(Paise::new(50_000)));
        assert_eq!(parse("500.5"), Ok(Paise::new(50_050)));
        assert_eq!(parse("500.05"), Ok(Paise::new(50_005)));
        assert_eq!(parse("1,250.50"), Ok(Paise::new(125_050)));
        assert_eq!(parse(" 99,999.99 "), Ok(Paise::new(9_999_999)));
        assert_eq!(parse("₹ 1,000"), Ok(Paise::new(100_000)));
        assert_eq!(parse("0.01"), Ok(Paise::new(1)));
        assert_eq!(parse(".50"), Ok(Paise::new(50)));
        assert_eq!(parse("500."), Ok(Paise::new(50_000)));
        assert_eq!(parse("007"), Ok(Paise::new(700)));
        assert_eq!(parse("1,00,000"), Ok(MAX));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(parse(""), Err(AmountError::Empty));
        assert_eq!(parse("   "), Err(AmountError::Empty));
        assert_eq!(parse("₹"), Err(AmountError::Empty));
        assert!(matches!(parse("abc"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse("1e9"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse("1.2.3"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse(","), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse("1,,000"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse(",500"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse("500,"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse("."), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse("5 00"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse("+5"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse("१००"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse("5.x"), Err(AmountError::NotANumber(_))));
        assert_eq!(parse("-5"), Err(AmountError::Negative));
        assert_eq!(parse("0"), Err(AmountError::Zero));
        assert_eq!(parse("0.00"), Err(AmountError::Zero));
        assert_eq!(parse("12.345"), Err(AmountError::TooManyDecimals));
        assert_eq!(
            parse("1,00,000.01"),
            Err(AmountError::OverMaximum { max: MAX })
        );
        assert_eq!(
            parse("99999999999999999999999"),
            Err(AmountError::OverMaximum { max: MAX })
        );
    }

    #[test]
    fn formats_in_indian_grouping() {
        assert_eq!(Paise::new(12_345_650).to_string(), "₹1,23,456.50");
        assert_eq!(Paise::new(50_000).to_string(), "₹500.00");
        assert_eq!(Paise::new(1).to_string(), "₹0.01");
        assert_eq!(Paise::new(100_000).to_string(), "₹1,000.00");
        assert_eq!(Paise::new(1_000_000_000).to_string(), "₹1,00,00,000.00");
        assert_eq!(group_indian(0), "0");
        assert_eq!(group_indian(999), "999");
        assert_eq!(group_indian(1000), "1,000");
        assert_eq!(group_indian(12_345_678), "1,23,45,678");
    }

    #[test]
    fn decimal_string_has_two_places() {
        assert_eq!(Paise::new(50_000).to_decimal_string(), "500.00");
        assert_eq!(Paise::new(50_005).to_decimal_string(), "500.05");
        assert_eq!(Paise::new(7).to_decimal_string(), "0.07");
    }

    #[test]
    fn parses_gateway_decimals() {
        assert_eq!(Paise::parse_decimal("500.00"), Some(Paise::new(50_000)));
        assert_eq!(Paise::parse_decimal("500"), Some(Paise::new(50_000)));
        assert_eq!(Paise::parse_decimal("1.5"), Some(Paise::new(150)));
        assert_eq!(Paise::parse_decimal("0"), Some(Paise::new(0)));
        assert_eq!(Paise::parse_decimal("1.234"), None);
        assert_eq!(Paise::parse_decimal("-1"), None);
        assert_eq!(Paise::parse_decimal("1,000"), None);
        assert_eq!(Paise::parse_decimal(".5"), None);
        assert_eq!(Paise::parse_decimal(""), None);
    }

    #[test]
    fn typed_round_trips_through_display() {
        for paise in [1, 99, 100, 12_345, 50_000, 9_999_999] {
            let amount = Paise::new(paise);
            assert_eq!(parse(&amount.to_string()), Ok(amount));
            assert_eq!(
                Paise::parse_decimal(&amount.to_decimal_string()),
                Some(amount)
            );
        }
    }
}
