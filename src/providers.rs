//! Wiring: turns the settings into a working gateway. Shared by the GUI and the command line so
//! both sell through exactly the same provider.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::domain::Paise;
use crate::domain::ProviderId;
use crate::gateway::http::{self, Timeouts};
use crate::gateway::oqpay::{DefaultCustomer, OqpayGateway, OqpaySettings};
use crate::gateway::payu::{PayuGateway, PayuSettings};
use crate::gateway::training::{TRAINING_VPA, TrainingGateway, TrainingSettings};
use crate::gateway::upi_direct::{UpiDirectGateway, UpiSettings};
use crate::gateway::{Gateway, GatewayError};
use crate::secrets::{SecretError, SecretStore};

/// The gateway the settings select. `secrets` opens the secret store; it is called only for
/// providers that need one.
pub fn from_config(
    config: &Config,
    settings_file: Option<&std::path::Path>,
    secrets: &dyn Fn() -> Result<Arc<dyn SecretStore>, SecretError>,
    clock: SharedClock,
) -> Result<Arc<dyn Gateway>, GatewayError> {
    // The settings' rules, checked in their one place, before any gateway is made of them.
    config.validate().map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        GatewayError::Config(lines.join("; "))
    })?;
    // Where money goes, as the manager saved it: a file changed outside the panel sells nothing.
    if let Some(file) = settings_file
        && config.provider != ProviderId::Training
    {
        let store = secrets().map_err(|e| GatewayError::Config(e.to_string()))?;
        let lock = crate::payee_lock::check(config, &file.display().to_string(), store.as_ref())
            .map_err(|e| GatewayError::Config(e.to_string()))?;
        if let Some(changed) = lock.banner() {
            return Err(GatewayError::Config(changed));
        }
    }
    let max_amount = Paise::from_rupees(config.max_amount_rupees);
    let max_qr_life = Duration::from_secs(config.max_qr_life_secs);
    Ok(match config.provider {
        ProviderId::Training => {
            let t = &config.training;
            Arc::new(TrainingGateway::new(
                TrainingSettings {
                    min_delay: Duration::from_millis(t.min_delay_ms),
                    max_delay: Duration::from_millis(t.max_delay_ms),
                    expiry: Duration::from_secs(t.expiry_secs),
                    simulate_paid_after: (t.simulate_paid_after_secs > 0)
                        .then(|| Duration::from_secs(t.simulate_paid_after_secs)),
                    max_amount,
                },
                clock,
            ))
        }
        ProviderId::Oqpay => {
            let o = &config.oqpay;
            let client = http::client(Timeouts {
                connect: Duration::from_secs(o.connect_timeout_secs),
                total: Duration::from_secs(o.timeout_secs),
            })?;
            let secrets = secrets().map_err(|e| GatewayError::Config(e.to_string()))?;
            let settings = OqpaySettings {
                base_url: o.base_url.clone(),
                defaults: DefaultCustomer {
                    name: o.default_customer_name.clone(),
                    mobile: o.default_customer_mobile.clone(),
                    email: o.default_customer_email.clone(),
                },
                max_amount,
                max_qr_life,
            };
            Arc::new(OqpayGateway::new(client, settings, secrets)?)
        }
        ProviderId::Payu => {
            let p = &config.payu;
            let client = http::client(Timeouts {
                connect: Duration::from_secs(p.connect_timeout_secs),
                total: Duration::from_secs(p.timeout_secs),
            })?;
            let secrets = secrets().map_err(|e| GatewayError::Config(e.to_string()))?;
            let settings = PayuSettings {
                base_url: p.base_url().to_owned(),
                merchant_vpa: p.merchant_vpa.trim().to_owned(),
                expiry: Duration::from_secs(p.expiry_secs),
                qr_name: p.qr_name.clone(),
                qr_city: p.qr_city.clone(),
                qr_pin_code: p.qr_pin_code.clone(),
                qr_type: p.qr_type,
                output_type: p.output_type,
                udf: [p.udf3.clone(), p.udf4.clone(), p.udf5.clone()],
                purpose: p.purpose.clone(),
                ref_url: p.ref_url.clone(),
                category: p.category.clone(),
                max_amount,
                max_qr_life,
                ..PayuSettings::default()
            };
            Arc::new(PayuGateway::new(client, settings, secrets)?)
        }
        ProviderId::Upi => {
            let u = &config.upi;
            Arc::new(UpiDirectGateway::new(UpiSettings {
                vpa: u.vpa.trim().to_owned(),
                payee_name: u.payee_name.clone(),
                note: u.note.clone(),
                expiry: Duration::from_secs(u.expiry_secs),
                max_amount,
            })?)
        }
    })
}

/// The VPA every QR must pay: `expected_payee_vpa` when set; otherwise, for the providers that
/// build the QR themselves, the VPA they put in it.
pub fn expected_payee_vpa(config: &Config) -> Option<String> {
    let configured = config.expected_payee_vpa.trim();
    if !configured.is_empty() {
        return Some(configured.to_owned());
    }
    match config.provider {
        ProviderId::Training => Some(TRAINING_VPA.to_owned()),
        ProviderId::Upi => Some(config.upi.vpa.trim().to_owned()),
        ProviderId::Oqpay => None,
        ProviderId::Payu => {
            let vpa = config.payu.merchant_vpa.trim();
            (!vpa.is_empty()).then(|| vpa.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_keyring() -> Result<Arc<dyn SecretStore>, SecretError> {
        Err(SecretError::Unreachable("no keyring in this test".into()))
    }

    #[test]
    fn expected_payee_defaults_to_the_vpa_we_build_with() {
        let mut config = Config::default();
        assert_eq!(expected_payee_vpa(&config).as_deref(), Some(TRAINING_VPA));
        config.provider = ProviderId::Upi;
        config.upi.vpa = " shop@okaxis ".into();
        assert_eq!(expected_payee_vpa(&config).as_deref(), Some("shop@okaxis"));
        config.expected_payee_vpa = "owner@okhdfc".into();
        assert_eq!(expected_payee_vpa(&config).as_deref(), Some("owner@okhdfc"));
    }

    #[test]
    fn fresh_config_gives_training() {
        let gateway = from_config(
            &Config::default(),
            None,
            &no_keyring,
            crate::clock::system(),
        )
        .expect("training needs nothing");
        assert!(gateway.is_training());
        assert_eq!(gateway.max_amount(), Paise::from_rupees(1_00_000));
    }

    #[test]
    fn upi_without_a_vpa_is_a_settings_problem() {
        let config = Config {
            provider: ProviderId::Upi,
            ..Config::default()
        };
        let err = from_config(&config, None, &no_keyring, crate::clock::system())
            .err()
            .expect("no VPA set");
        assert!(matches!(err, GatewayError::Config(_)), "{err}");
    }
}
