//! The optional customer details a cashier may type: name, mobile number and e-mail address.

use serde::Serialize;

/// Customer details as checked. Each is `None` when the cashier left the field empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Customer {
    pub name: Option<String>,
    /// Ten digits, without `+91` or separators.
    pub mobile: Option<String>,
    pub email: Option<String>,
}

/// Why a customer detail was refused; the text is shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerError {
    #[error("The customer's name is too long (at most 100 characters)")]
    NameTooLong,
    #[error("The customer's name may not hold control or invisible characters")]
    NameNotPlain,
    #[error("Mobile must be a 10-digit Indian number, for example 98765 43210")]
    Mobile,
    #[error("E-mail must look like name@example.com")]
    Email,
}

/// What the cashier typed into the customer fields, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerInput {
    pub name: String,
    pub mobile: String,
    pub email: String,
}

impl CustomerInput {
    /// Checks each field that is not empty.
    pub fn check(&self) -> Result<Customer, CustomerError> {
        let name = non_empty(&self.name);
        if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
            return Err(CustomerError::NameTooLong);
        }
        if name.as_deref().is_some_and(|n| !super::text::is_plain(n)) {
            return Err(CustomerError::NameNotPlain);
        }
        let mobile = non_empty(&self.mobile)
            .map(|m| normalise_mobile(&m).ok_or(CustomerError::Mobile))
            .transpose()?;
        let email = non_empty(&self.email)
            .map(|e| {
                if is_email(&e) {
                    Ok(e)
                } else {
                    Err(CustomerError::Email)
                }
            })
            .transpose()?;
        Ok(Customer {
            name,
            mobile,
            email,
        })
    }
}

fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// An Indian mobile number as its 10 digits: accepts `+91`, `91` or `0` in front, spaces and
/// dashes. The first digit of an Indian mobile number is 6–9.
pub fn normalise_mobile(text: &str) -> Option<String> {
    let mut rest = text.trim();
    if let Some(after) = rest.strip_prefix('+') {
        rest = after.trim_start().strip_prefix("91")?;
    }
    if rest
        .chars()
        .any(|c| !(c.is_ascii_digit() || c == ' ' || c == '-'))
    {
        return None;
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let ten = match digits.len() {
        10 => digits.as_str(),
        11 => digits.strip_prefix('0')?,
        12 => digits.strip_prefix("91")?,
        _ => return None,
    };
    matches!(ten.as_bytes().first(), Some(b'6'..=b'9')).then(|| ten.to_owned())
}

/// A plausible e-mail address: one `@`, something before it, a dotted domain after it, no spaces.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let labels_ok = domain
        .split('.')
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    !local.is_empty()
        && local.len() <= 64
        && !text.chars().any(char::is_whitespace)
        && super::text::is_plain(text)
        && !domain.contains('@')
        && domain.contains('.')
        && labels_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_in_the_forms_people_write_them() {
        for ok in [
            "9876543210",
            "98765 43210",
            "98765-43210",
            "+91 98765 43210",
            "+919876543210",
            "919876543210",
            "09876543210",
        ] {
            assert_eq!(normalise_mobile(ok).as_deref(), Some("9876543210"), "{ok}");
        }
        for bad in [
            "",
            "12345",
            "1234567890",
            "98765432101",
            "+1 9876543210",
            "98765a3210",
            "+91",
        ] {
            assert_eq!(normalise_mobile(bad), None, "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert!(is_email("ajaysingh1898@gmail.com"));
        assert!(is_email("a.b+c@shop.co.in"));
        for bad in [
            "",
            "a",
            "a@b",
            "@b.com",
            "a@.com",
            "a b@c.com",
            "a@b@c.com",
            "a@b..com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn empty_fields_are_none_and_filled_ones_are_checked() {
        assert_eq!(CustomerInput::default().check(), Ok(Customer::default()));
        let input = CustomerInput {
            name: " Ajay Singh ".into(),
            mobile: "+91 98765 43210".into(),
            email: "ajay@example.com".into(),
        };
        assert_eq!(
            input.check(),
            Ok(Customer {
                name: Some("Ajay Singh".into()),
                mobile: Some("9876543210".into()),
                email: Some("ajay@example.com".into()),
            })
        );
        let bad_mobile = CustomerInput {
            mobile: "123".into(),
            ..CustomerInput::default()
        };
        assert_eq!(bad_mobile.check(), Err(CustomerError::Mobile));
        let bad_email = CustomerInput {
            email: "nope".into(),
            ..CustomerInput::default()
        };
        assert_eq!(bad_email.check(), Err(CustomerError::Email));
    }

    #[test]
    fn names_and_emails_carry_no_hidden_characters() {
        let name = |n: &str| {
            CustomerInput {
                name: n.into(),
                ..CustomerInput::default()
            }
            .check()
        };
        assert!(name("राम कुमार").is_ok());
        assert!(name("क्\u{200D}ष").is_ok(), "Indic joiners are spelling");
        for bad in [
            "Ravi\u{202E}moc",
            "Ravi\nPaid",
            "=cmd\u{0007}",
            "Ra\u{200B}vi",
        ] {
            assert_eq!(name(bad), Err(CustomerError::NameNotPlain), "{bad:?}");
        }
        assert!(!is_email("a\u{0000}@example.com"));
        assert!(!is_email("a\u{202E}@example.com"));
    }
}
