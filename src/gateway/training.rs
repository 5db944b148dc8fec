//! The training gateway: a simulated provider for learning the till. It answers after a realistic
//! delay with a QR whose payee cannot exist, and can pretend the customer paid.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::clock::SharedClock;

use super::{Gateway, GatewayError, GatewayFuture};
use crate::domain::upi::UpiLink;
use crate::domain::{PaidDetails, Paise, PaymentStatus, ProviderId, QrGrant, Sale, SaleRef};

/// The payee of every training QR: `.invalid` is a reserved name, so no bank can own it.
pub const TRAINING_VPA: &str = "training@invalid";
/// The payee name every training QR carries.
pub const TRAINING_PAYEE: &str = "TRAINING - not a real payment";

/// How the training gateway behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingSettings {
    /// The answer comes after a delay drawn between these two.
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// How long each QR is valid.
    pub expiry: Duration,
    /// When set, a status check this long after the QR was issued says "paid".
    pub simulate_paid_after: Option<Duration>,
    /// The largest amount accepted.
    pub max_amount: Paise,
}

impl Default for TrainingSettings {
    fn default() -> Self {
        Self {
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_millis(1500),
            expiry: Duration::from_secs(300),
            simulate_paid_after: None,
            max_amount: Paise::from_rupees(1_00_000),
        }
    }
}

/// The simulated gateway. Its delays and its simulated payments run on the injected clock.
pub struct TrainingGateway {
    settings: TrainingSettings,
    clock: SharedClock,
    /// When each sale's QR was issued, for the simulated "paid".
    issued: Mutex<HashMap<SaleRef, Instant>>,
}

impl TrainingGateway {
    /// A training gateway with these settings, timed by `clock`.
    pub fn new(settings: TrainingSettings, clock: SharedClock) -> Self {
        Self {
            settings,
            clock,
            issued: Mutex::new(HashMap::new()),
        }
    }

    /// A delay between the configured bounds, different on each call.
    fn delay(&self) -> Duration {
        let TrainingSettings {
            min_delay,
            max_delay,
            ..
        } = self.settings;
        let spread = max_delay.saturating_sub(min_delay).as_millis() as u64;
        if spread == 0 {
            return min_delay;
        }
        // A fresh RandomState is randomly keyed: enough jitter for a simulation.
        let jitter = RandomState::new().hash_one(Instant::now()) % (spread + 1);
        min_delay.saturating_add(Duration::from_millis(jitter))
    }

    fn issued_at(&self, sale: &SaleRef) -> Option<Instant> {
        self.issued
            .lock()
            .map(|issued| issued.get(sale).copied())
            .unwrap_or_default()
    }
}

impl Gateway for TrainingGateway {
    fn id(&self) -> ProviderId {
        ProviderId::Training
    }

    fn is_training(&self) -> bool {
        true
    }

    fn max_amount(&self) -> Paise {
        self.settings.max_amount
    }

    fn confirms_payment(&self) -> bool {
        self.settings.simulate_paid_after.is_some()
    }

    fn status_interval(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn request_qr<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, QrGrant> {
        Box::pin(async move {
            self.clock.sleep(self.delay()).await;
            let payload = UpiLink {
                payee_vpa: TRAINING_VPA,
                payee_name: TRAINING_PAYEE,
                amount: sale.amount,
                transaction_ref: sale.reference.as_str(),
                note: Some("TRAINING - not a real payment"),
            }
            .to_uri();
            if let Ok(mut issued) = self.issued.lock() {
                issued.insert(sale.reference.clone(), self.clock.now());
            }
            Ok(QrGrant {
                payload,
                payee_name: TRAINING_PAYEE.to_owned(),
                payee_vpa: Some(TRAINING_VPA.to_owned()),
                expires_in: self.settings.expiry,
                picture: None,
                gateway_ids: vec![("training_ref".to_owned(), sale.reference.to_string())],
            })
        })
    }

    fn check_status<'a>(&'a self, sale: &'a Sale) -> GatewayFuture<'a, PaymentStatus> {
        Box::pin(async move {
            let Some(paid_after) = self.settings.simulate_paid_after else {
                return Err(GatewayError::Unsupported(
                    "training mode is set not to simulate payments".to_owned(),
                ));
            };
            let Some(issued) = self.issued_at(&sale.reference) else {
                // Not a QR this till issued since it started: nothing is known about it.
                return Ok(PaymentStatus::Unknown {
                    why: "training mode knows only the QRs it issued since it started".to_owned(),
                });
            };
            let paid = self.clock.now().saturating_duration_since(issued) >= paid_after;
            let status = if paid {
                PaymentStatus::Paid(PaidDetails {
                    payer_vpa: Some("customer@invalid".to_owned()),
                    bank_reference: Some(format!("TRAINING{}", sale.reference)),
                    gateway_payment_id: None,
                })
            } else {
                PaymentStatus::Pending
            };
            Ok(status)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Customer;

    fn sale(rupees: u64) -> Sale {
        Sale::new(
            crate::reference::new_sale_ref(),
            Paise::from_rupees(rupees),
            Customer::default(),
        )
    }

    fn clock() -> SharedClock {
        crate::clock::system()
    }

    fn instant_settings() -> TrainingSettings {
        TrainingSettings {
            min_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            ..TrainingSettings::default()
        }
    }

    #[tokio::test]
    async fn issues_a_link_for_the_exact_amount_to_a_payee_that_cannot_exist() {
        let gateway = TrainingGateway::new(instant_settings(), clock());
        let sale = sale(500);
        let grant = gateway
            .request_qr(&sale)
            .await
            .expect("training always answers");
        assert!(grant.payload.starts_with("upi://pay?pa=training@invalid&"));
        assert!(grant.payload.contains("&am=500.00&"));
        assert!(grant.payload.contains(&format!("&tr={}&", sale.reference)));
        assert_eq!(grant.expires_in, Duration::from_secs(300));
    }

    #[tokio::test]
    async fn simulates_payment_after_the_set_time() {
        let gateway = TrainingGateway::new(
            TrainingSettings {
                simulate_paid_after: Some(Duration::ZERO),
                ..instant_settings()
            },
            clock(),
        );
        let sale = sale(10);
        assert!(
            matches!(
                gateway.check_status(&sale).await,
                Ok(PaymentStatus::Unknown { .. })
            ),
            "a sale it never issued is unknown to it, not unpaid"
        );
        gateway
            .request_qr(&sale)
            .await
            .expect("training always answers");
        assert!(matches!(
            gateway.check_status(&sale).await,
            Ok(PaymentStatus::Paid(_))
        ));
    }

    #[test]
    fn delay_stays_within_bounds() {
        let gateway = TrainingGateway::new(TrainingSettings::default(), clock());
        for _ in 0..100 {
            let d = gateway.delay();
            assert!((Duration::from_millis(500)..=Duration::from_millis(1500)).contains(&d));
        }
    }
}
