//! What PayU is sent: `var1` of a QR request, in PayU's field names, and the `hash` that signs
//! every call (`sha512(key|command|var1|salt)`).

use serde::Serialize;
use sha2::{Digest as _, Sha512};

use super::PayuSettings;
use crate::domain::{Customer, GstDetails, QrType, Sale};

/// `hash` for one call: lowercase hex of `sha512(key|command|var1|salt)`.
pub fn request_hash(key: &str, command: &str, var1: &str, salt: &str) -> String {
    let mut digest = Sha512::new();
    for (i, part) in [key, command, var1, salt].into_iter().enumerate() {
        if i > 0 {
            digest.update(b"|");
        }
        digest.update(part.as_bytes());
    }
    hex::encode(digest.finalize())
}

/// `var1` of a QR request. Empty optional fields are left out, so PayU uses the merchant's
/// registered values for them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct QrVar1<'a> {
    transaction_id: &'a str,
    transaction_amount: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    merchant_vpa: &'a str,
    expiry_time: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    qr_name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    qr_city: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    qr_pin_code: &'a str,
    #[serde(flatten)]
    customer: CustomerFields<'a>,
    #[serde(skip_serializing_if = "str::is_empty")]
    udf3: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    udf4: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    udf5: &'a str,
    qr_type: &'static str,
    output_type: &'static str,
    #[serde(flatten)]
    gst: Option<&'a GstDetails>,
    #[serde(skip_serializing_if = "str::is_empty")]
    purpose: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    ref_url: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    category: &'a str,
}

/// The customer's details, each left out when not known.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CustomerFields<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_pin_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_address: Option<&'a str>,
}

/// `var1` for a QR request for `sale` with the merchant's `settings`, serialised once: these
/// exact bytes are both hashed and sent.
pub fn qr_var1(settings: &PayuSettings, sale: &Sale) -> Result<String, serde_json::Error> {
    let s = settings;
    let Customer {
        name,
        mobile,
        email,
    } = &sale.customer;
    let extra = &sale.extra;
    // purpose, refUrl and category belong to UPI QRs only.
    let upi = s.qr_type == QrType::Upi;
    let var1 = QrVar1 {
        transaction_id: sale.reference.as_str(),
        transaction_amount: sale.amount.to_decimal_string(),
        merchant_vpa: s.merchant_vpa.trim(),
        expiry_time: s.expiry.as_secs().to_string(),
        qr_name: s.qr_name.trim(),
        qr_city: s.qr_city.trim(),
        qr_pin_code: s.qr_pin_code.trim(),
        customer: CustomerFields {
            customer_name: name.as_deref(),
            customer_city: extra.customer_city.as_deref(),
            customer_pin_code: extra.customer_pin_code.as_deref(),
            customer_phone: mobile.as_deref(),
            customer_email: email.as_deref(),
            customer_address: extra.customer_address.as_deref(),
        },
        udf3: s.udf[0].trim(),
        udf4: s.udf[1].trim(),
        udf5: s.udf[2].trim(),
        qr_type: s.qr_type.as_str(),
        output_type: s.output_type.as_str(),
        gst: extra.gst.as_deref(),
        purpose: if upi { s.purpose.trim() } else { "" },
        ref_url: if upi { s.ref_url.trim() } else { "" },
        category: if upi { s.category.trim() } else { "" },
    };
    serde_json::to_string(&var1)
}
