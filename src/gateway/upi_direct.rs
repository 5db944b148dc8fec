//! The direct UPI provider: builds the NPCI UPI link on this PC from the shop's own VPA and name.
//! No network; the cashier confirms payment by hand.

use std::time::Duration;

use super::{Gateway, GatewayError, GatewayFuture};
use crate::domain::upi::{UpiLink, is_valid_vpa};
use crate::domain::{Paise, ProviderId, QrGrant, Sale};

/// The shop's UPI details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpiSettings {
    pub vpa: String,
    pub payee_name: String,
    /// A note shown in the customer's app; empty for none.
    pub note: String,
    pub expiry: Duration,
    pub max_amount: Paise,
}

/// The direct UPI provider.
#[derive(Debug)]
pub struct UpiDirectGateway {
    settings: UpiSettings,
}

impl UpiDirectGateway {
    /// Checks the settings: a VPA of the right shape and a payee name.
    pub fn new(settings: UpiSettings) -> Result<Self, GatewayError> {
        if !is_valid_vpa(&settings.vpa) {
            return Err(GatewayError::Config(format!(
                "upi.vpa \"{}\" is not a UPI ID like myshop@okaxis",
                settings.vpa
            )));
        }
        if settings.payee_name.trim().is_empty() {
            return Err(GatewayError::Config(
                "upi.payee_name is empty: set the shop's name as customers should see it"
                    .to_owned(),
            ));
        }
        Ok(Self { settings })
    }
}

impl Gateway for UpiDirectGateway {
    fn id(&self) -> ProviderId {
        ProviderId::Upi
    }

    fn max_amount(&self) -> Paise {
        self.settings.max_amount
    }

    fn request_qr<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, QrGrant> {
        Box::pin(async move {
            let payload = UpiLink {
                payee_vpa: &self.settings.vpa,
                payee_name: self.settings.payee_name.trim(),
                amount: sale.amount,
                transaction_ref: sale.reference.as_str(),
                note: Some(self.settings.note.trim()),
            }
            .to_uri();
            Ok(QrGrant {
                payload,
                payee_name: self.settings.payee_name.trim().to_owned(),
                payee_vpa: Some(self.settings.vpa.clone()),
                expires_in: self.settings.expiry,
                picture: None,
                gateway_ids: Vec::new(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Customer;

    fn settings(vpa: &str, name: &str) -> UpiSettings {
        UpiSettings {
            vpa: vpa.to_owned(),
            payee_name: name.to_owned(),
            note: "Thank you".to_owned(),
            expiry: Duration::from_secs(120),
            max_amount: Paise::from_rupees(1_00_000),
        }
    }

    #[test]
    fn refuses_bad_settings() {
        assert!(matches!(
            UpiDirectGateway::new(settings("not a vpa", "Shop")),
            Err(GatewayError::Config(_))
        ));
        assert!(matches!(
            UpiDirectGateway::new(settings("shop@okaxis", "  ")),
            Err(GatewayError::Config(_))
        ));
    }

    #[tokio::test]
    async fn builds_the_link_from_the_shop_settings() {
        let gateway =
            UpiDirectGateway::new(settings("shop@okaxis", "Sharma Stores")).expect("valid");
        let sale = Sale::new(
            crate::reference::new_sale_ref(),
            Paise::new(123_456),
            Customer::default(),
        );
        let grant = gateway.request_qr(&sale).await.expect("offline provider");
        assert_eq!(
            grant.payload,
            format!(
                "upi://pay?pa=shop@okaxis&pn=Sharma%20Stores&am=1234.56&tr={}&tn=Thank%20you&cu=INR",
                sale.reference
            )
        );
        assert_eq!(grant.expires_in, Duration::from_secs(120));
        assert!(!gateway.confirms_payment());
    }
}
