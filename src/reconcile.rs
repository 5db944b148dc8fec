//! Asking the gateway again about sales already in the journal: one sale from the history screen
//! ("Check status"), or every sale of a day that is not paid (`counterqr reconcile`, and the
//! history screen's "Reconcile day"). What the gateway says becomes the same [`Record`] steps the
//! flow writes, through the one recorder; a paid sale is never asked about or changed.

use time::OffsetDateTime;

use crate::domain::{Outcome, PaidHow, PaymentStatus, ProviderId, Record};
use crate::gateway::Gateway;
use crate::journal::SaleRecord;

/// The sales of a day worth asking `provider` about: its own sales that are not paid.
pub fn candidates(records: &[SaleRecord], provider: ProviderId) -> Vec<&SaleRecord> {
    records
        .iter()
        .filter(|r| r.provider == provider && r.outcome != Outcome::Paid)
        .collect()
}

/// What the gateway said about one sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub sale: SaleRecord,
    /// The gateway's answer, or why it could not be had.
    pub status: Result<PaymentStatus, String>,
}

/// Asks `gateway` about each sale in turn.
pub async fn ask_each(gateway: &dyn Gateway, records: &[&SaleRecord]) -> Vec<Finding> {
    let mut findings = Vec::with_capacity(records.len());
    for record in records {
        // Only the provider that made a sale knows about it; another would answer for a
        // reference it never issued.
        let status = if record.provider == gateway.id() {
            gateway
                .check_status(&record.to_sale())
                .await
                .map_err(|e| e.to_string())
        } else {
            Err(format!(
                "it was made with {}, and the till now uses {}: asked nothing",
                record.provider.display_name(),
                gateway.id().display_name()
            ))
        };
        tracing::info!(sale = %record.reference, ?status, "asked the gateway again");
        findings.push(Finding {
            sale: (*record).clone(),
            status,
        });
    }
    findings
}

impl Finding {
    /// The step this finding writes, learned `how`, at `now`: paid; a failure or no payment
    /// settles a sale whose watch is over; a failure during its watch is only noted. Nothing for
    /// a paid sale, a sale still watched with no news, or an answer that could not be read.
    pub fn record(&self, how: PaidHow, now: OffsetDateTime) -> Option<Record> {
        let reference = self.sale.reference.clone();
        if self.sale.outcome == Outcome::Paid {
            return None;
        }
        let watch_over = self.sale.watch_until.is_none_or(|until| until <= now);
        match &self.status {
            Ok(PaymentStatus::Paid(details)) => Some(Record::Paid {
                reference,
                how,
                details: details.clone(),
            }),
            Ok(PaymentStatus::Failed { reason }) if watch_over => Some(Record::WatchEnded {
                reference,
                last_failure: Some(reason.clone()),
            }),
            Ok(PaymentStatus::Failed { reason }) => Some(Record::AttemptFailed {
                reference,
                reason: reason.clone(),
            }),
            Ok(PaymentStatus::Pending) if watch_over && self.sale.settled_at.is_none() => {
                Some(Record::WatchEnded {
                    reference,
                    last_failure: None,
                })
            }
            Ok(PaymentStatus::Pending | PaymentStatus::Unknown { .. }) | Err(_) => None,
        }
    }

    /// What was found, in a line for the cashier.
    pub fn describe(&self) -> String {
        let sale = format!("Sale {} ({})", self.sale.reference, self.sale.amount);
        match &self.status {
            Ok(PaymentStatus::Paid(details)) => {
                let bank = details
                    .bank_reference
                    .as_deref()
                    .map(|b| format!(" (bank reference {b})"))
                    .unwrap_or_default();
                format!("✔ {sale} is PAID{bank}.")
            }
            Ok(PaymentStatus::Pending) => format!("{sale}: no payment has arrived."),
            Ok(PaymentStatus::Failed { reason }) => format!("{sale}: the payment failed: {reason}"),
            Ok(PaymentStatus::Unknown { why }) => {
                format!("{sale}: the gateway's answer could not be read ({why}); not paid.")
            }
            Err(e) => format!("{sale}: the status could not be checked: {e}"),
        }
    }
}

/// How many of the findings were paid, failed, had no payment, or could not be told.
pub fn summary(findings: &[Finding]) -> String {
    let count = |wanted: fn(&Result<PaymentStatus, String>) -> bool| {
        findings.iter().filter(|f| wanted(&f.status)).count()
    };
    let paid = count(|s| matches!(s, Ok(PaymentStatus::Paid(_))));
    let failed = count(|s| matches!(s, Ok(PaymentStatus::Failed { .. })));
    let none = count(|s| matches!(s, Ok(PaymentStatus::Pending)));
    let unclear = findings.len() - paid - failed - none;
    format!(
        "Asked about {} sales: {paid} paid, {failed} failed, {none} with no payment, {unclear} \
         could not be told.",
        findings.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Customer, PaidDetails, Paise, SaleRef, Source};

    fn record(outcome: Outcome, watch_until: Option<OffsetDateTime>) -> SaleRecord {
        let at = OffsetDateTime::UNIX_EPOCH;
        SaleRecord {
            reference: SaleRef::from_parts(1, 2, 3),
            provider: ProviderId::Payu,
            amount: Paise::from_rupees(500),
            created_at: at,
            local_date: at.date(),
            source: Source::Window,
            customer: Customer::default(),
            bill_ref: None,
            outcome,
            paid_how: None,
            reason: None,
            paid: PaidDetails::default(),
            gateway_ids: vec![],
            payload: None,
            expires_at: None,
            watch_until,
            settled_at: None,
        }
    }

    fn finding(sale: SaleRecord, status: PaymentStatus) -> Finding {
        Finding {
            sale,
            status: Ok(status),
        }
    }

    #[test]
    fn what_the_gateway_says_becomes_the_flows_steps() {
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::hours(1);
        let over = record(Outcome::Interrupted, Some(OffsetDateTime::UNIX_EPOCH));
        let watched = record(Outcome::Expired, Some(now + time::Duration::minutes(1)));
        let paid = PaymentStatus::Paid(PaidDetails::default());
        let failed = PaymentStatus::Failed { reason: "x".into() };
        let how = PaidHow::Reconciled;
        assert!(matches!(
            finding(over.clone(), paid.clone()).record(how, now),
            Some(Record::Paid {
                how: PaidHow::Reconciled,
                ..
            })
        ));
        assert!(matches!(
            finding(over.clone(), failed.clone()).record(how, now),
            Some(Record::WatchEnded {
                last_failure: Some(_),
                ..
            })
        ));
        assert!(matches!(
            finding(watched.clone(), failed).record(how, now),
            Some(Record::AttemptFailed { .. })
        ));
        assert!(matches!(
            finding(over.clone(), PaymentStatus::Pending).record(how, now),
            Some(Record::WatchEnded {
                last_failure: None,
                ..
            })
        ));
        assert_eq!(
            finding(watched, PaymentStatus::Pending).record(how, now),
            None
        );
        let unknown = PaymentStatus::Unknown { why: "?".into() };
        assert_eq!(finding(over.clone(), unknown).record(how, now), None);
        assert_eq!(
            finding(record(Outcome::Paid, None), paid).record(how, now),
            None
        );
        let error = Finding {
            sale: over,
            status: Err("down".into()),
        };
        assert_eq!(error.record(how, now), None);
    }

    #[test]
    fn only_the_providers_unpaid_sales_are_asked_about() {
        let mut upi = record(Outcome::Expired, None);
        upi.provider = ProviderId::Upi;
        let records = [
            record(Outcome::Paid, None),
            record(Outcome::Cancelled, None),
            upi,
        ];
        let chosen = candidates(&records, ProviderId::Payu);
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].outcome, Outcome::Cancelled);
    }

    #[test]
    fn a_sale_is_asked_only_of_the_provider_that_made_it() {
        // A PayU sale, the till switched to training with simulated payments (which confirms
        // payments): training must not answer for it, and nothing settles it.
        let training = crate::gateway::training::TrainingGateway::new(
            crate::gateway::training::TrainingSettings {
                simulate_paid_after: Some(std::time::Duration::from_secs(1)),
                ..Default::default()
            },
            crate::clock::system(),
        );
        let sale = record(Outcome::Expired, None);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let findings = runtime.block_on(ask_each(&training, &[&sale]));
        let status = &findings[0].status;
        assert!(
            matches!(status, Err(why) if why.contains("PayU") && why.contains("asked nothing")),
            "{status:?}"
        );
        assert_eq!(
            findings[0].record(PaidHow::Reconciled, OffsetDateTime::now_utc()),
            None
        );

        // Training's own answer about a sale it never issued is unknown, never "no payment".
        let mut own = sale.clone();
        own.provider = ProviderId::Training;
        let findings = runtime.block_on(ask_each(&training, &[&own]));
        assert!(
            matches!(findings[0].status, Ok(PaymentStatus::Unknown { .. })),
            "{findings:?}"
        );
        assert_eq!(
            findings[0].record(PaidHow::Reconciled, OffsetDateTime::now_utc()),
            None
        );
    }
}
