//! From a gateway's answer to a QR that may be shown: the payload checks (amount, currency, CRC,
//! payee), then the QR modules. The GUI and the command line both go through here, so no QR
//! reaches a screen or a PNG without passing.

use crate::domain::QrGrant;
use crate::domain::Sale;
use crate::domain::payload::{Expectation, PayloadError, VerifiedPayload, verify};
use crate::render::{PictureError, QrMatrix, RenderError, read_qr};

/// A QR that passed every check, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyQr {
    /// What the gateway sent.
    pub grant: QrGrant,
    /// What the payload says, as read from it.
    pub payload: VerifiedPayload,
    /// The payload's bytes as QR modules.
    pub matrix: QrMatrix,
}

impl ReadyQr {
    /// The payee's name to show: as the payload says, else as the gateway said.
    pub fn payee_name(&self) -> &str {
        self.payload
            .payee_name
            .as_deref()
            .unwrap_or(&self.grant.payee_name)
    }

    /// The payee's VPA to show, as the payload says.
    pub fn payee_vpa(&self) -> Option<&str> {
        self.payload.payee_vpa.as_deref()
    }
}

/// Why a gateway's QR is not shown.
#[derive(Debug, thiserror::Error)]
pub enum NotShown {
    #[error(transparent)]
    Payload(#[from] PayloadError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("The gateway's QR picture cannot be shown: {0}")]
    Picture(#[from] PictureError),
    #[error("The gateway's QR picture does not hold the QR text it sent")]
    PictureMismatch,
}

/// Checks `grant`'s payload against `sale` (and the shop's VPA, where known) and encodes it.
/// A refusal is logged here, with the payload (which is what the customer would have scanned,
/// never a secret), so the caller only has to show the message.
pub fn verify_qr(
    sale: &Sale,
    grant: QrGrant,
    expected_payee_vpa: Option<&str>,
) -> Result<ReadyQr, NotShown> {
    let expectation = Expectation {
        amount: sale.amount,
        payee_vpa: expected_payee_vpa,
    };
    let checked = verify(&grant.payload, expectation)
        .map_err(NotShown::from)
        .and_then(|payload| {
            // A picture is shown as the gateway drew it, so what it holds is what is checked.
            if let Some(picture) = &grant.picture
                && read_qr(picture)? != grant.payload
            {
                return Err(NotShown::PictureMismatch);
            }
            Ok((payload, QrMatrix::encode(&grant.payload)?))
        });
    match checked {
        Ok((mut payload, matrix)) => {
            // Names are shown to the customer: no bidi tricks, no control characters.
            let clean = |name: &str| crate::domain::text::clean_gateway_text(name, 99);
            payload.payee_name = payload.payee_name.as_deref().map(clean);
            let grant = QrGrant {
                payee_name: clean(&grant.payee_name),
                ..grant
            };
            Ok(ReadyQr {
                grant,
                payload,
                matrix,
            })
        }
        Err(reason) => {
            let shown = crate::domain::text::clean_gateway_text(&grant.payload, 400);
            tracing::warn!(sale = %sale.reference, amount = %sale.amount, payload = %shown,
                "gateway QR refused: {reason}");
            Err(reason)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Customer, Paise};
    use std::time::Duration;

    fn sale(rupees: u64) -> Sale {
        Sale::new(
            crate::reference::new_sale_ref(),
            Paise::from_rupees(rupees),
            Customer::default(),
        )
    }

    fn grant(payload: &str) -> QrGrant {
        QrGrant {
            payload: payload.to_owned(),
            payee_name: "Gateway's name".to_owned(),
            payee_vpa: None,
            expires_in: Duration::from_secs(300),
            picture: None,
            gateway_ids: vec![],
        }
    }

    #[test]
    fn a_picture_must_hold_exactly_the_text_that_was_checked() {
        let png = |payload: &str| {
            let mut bytes = Vec::new();
            QrMatrix::encode(payload)
                .expect("short")
                .to_image(4)
                .write_to(
                    &mut std::io::Cursor::new(&mut bytes),
                    image::ImageFormat::Png,
                )
                .expect("png");
            crate::render::decode_picture(&bytes).expect("decodes")
        };
        let good = "upi://pay?pa=real@okaxis&am=5.00";
        let mut matching = grant(good);
        matching.picture = Some(png(good));
        assert!(verify_qr(&sale(5), matching, None).is_ok());
        // The text says ₹5 but the picture a customer would scan says ₹50: refused.
        let mut mismatched = grant(good);
        mismatched.picture = Some(png("upi://pay?pa=real@okaxis&am=50.00"));
        assert!(matches!(
            verify_qr(&sale(5), mismatched, None),
            Err(NotShown::PictureMismatch)
        ));
    }

    #[test]
    fn payee_shown_is_the_one_in_the_payload() {
        let ready = verify_qr(
            &sale(5),
            grant("upi://pay?pa=real@okaxis&pn=Real%20Shop&am=5.00"),
            None,
        )
        .expect("valid");
        assert_eq!(ready.payee_name(), "Real Shop");
        assert_eq!(ready.payee_vpa(), Some("real@okaxis"));
        let unnamed =
            verify_qr(&sale(5), grant("upi://pay?pa=real@okaxis&am=5"), None).expect("valid");
        assert_eq!(unnamed.payee_name(), "Gateway's name");
    }

    #[test]
    fn the_payload_is_encoded_byte_for_byte() {
        let payload = "upi://pay?pa=shop@axisbank&pn=ABPYM INFOMATIC&am=500.00&cu=INR";
        let ready = verify_qr(&sale(500), grant(payload), None).expect("valid");
        assert_eq!(ready.matrix, QrMatrix::encode(payload).expect("encodable"));
        assert_eq!(ready.grant.payload, payload, "never re-encoded or cleaned");
    }

    #[test]
    fn refusals_carry_the_reason() {
        let wrong = verify_qr(&sale(5), grant("upi://pay?pa=a@bc&am=50.00"), None);
        assert!(matches!(
            wrong,
            Err(NotShown::Payload(PayloadError::WrongAmount { .. }))
        ));
        let too_long = format!("upi://pay?pa=a@bc&am=5.00&tn={}", "x".repeat(4000));
        assert!(matches!(
            verify_qr(&sale(5), grant(&too_long), None),
            Err(NotShown::Render(_))
        ));
    }
}
