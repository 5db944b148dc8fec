//! Carrying out the flow's QR request, the same way for the window and the command line: wait
//! until the sale is on disk, ask the gateway, check the payload, and, when the gateway says the
//! sale is already paid, ask its status and report the payment only if it confirms it.

use std::sync::Arc;
use std::time::Instant;

use crate::domain::{PaymentStatus, Sale};
use crate::flow::Event;
use crate::gateway::{Gateway, GatewayError};
use crate::journal::Receipt;
use crate::verified_qr;

/// One QR request as the flow asked for it.
pub struct QrRequest {
    pub sale: Sale,
    pub attempt: u64,
    /// When it was asked for, on the monotonic clock (the QR's life counts from here).
    pub requested_at: Instant,
    /// The shop's VPA: a QR that pays anyone else is refused.
    pub expected_payee_vpa: Option<String>,
    /// The receipt of the sale's record: nothing is asked for until it is on disk.
    pub recorded: Option<Receipt>,
}

/// Asks `gateway` for the request's QR and says what came of it, as the flow's event.
pub async fn obtain_qr(gateway: Arc<dyn Gateway>, request: QrRequest) -> Event {
    let QrRequest {
        sale,
        attempt,
        requested_at,
        expected_payee_vpa,
        recorded,
    } = request;
    if let Some(receipt) = recorded {
        let written = receipt
            .await
            .unwrap_or_else(|_| Err("the journal writer stopped".to_owned()));
        if let Err(e) = written {
            tracing::error!(sale = %sale.reference, "sale not recorded, no QR asked for: {e}");
            let message = format!(
                "The sale could not be recorded in the sales journal, so no QR was asked for: {e}"
            );
            return Event::QrFailed { attempt, message };
        }
    }
    let provider = gateway.id();
    match gateway.request_qr(&sale).await {
        Ok(grant) => match verified_qr::verify_qr(&sale, grant, expected_payee_vpa.as_deref()) {
            Ok(qr) => {
                tracing::info!(sale = %sale.reference, amount = %sale.amount, %provider,
                    expires_in_secs = qr.grant.expires_in.as_secs(), "QR issued");
                Event::QrReady {
                    attempt,
                    qr: Box::new(qr),
                    requested_at,
                }
            }
            // Logged by `vet`.
            Err(e) => Event::QrFailed {
                attempt,
                message: e.to_string(),
            },
        },
        Err(GatewayError::AlreadyPaid { message, .. }) => {
            already_paid(gateway.as_ref(), &sale, attempt, &message).await
        }
        Err(e) => {
            tracing::warn!(sale = %sale.reference, %provider, "QR request failed: {e}");
            Event::QrFailed {
                attempt,
                message: e.to_string(),
            }
        }
    }
}

/// The gateway says the sale is already paid: its status must confirm it (for this sale, for
/// exactly its amount) before the till calls it paid.
async fn already_paid(gateway: &dyn Gateway, sale: &Sale, attempt: u64, said: &str) -> Event {
    tracing::warn!(sale = %sale.reference, "the gateway says the sale is already paid; checking");
    let found = match gateway.check_status(sale).await {
        Ok(PaymentStatus::Paid(details)) => return Event::AlreadyPaid { attempt, details },
        Ok(PaymentStatus::Pending) => "no payment has arrived".to_owned(),
        Ok(PaymentStatus::Failed { reason }) => reason,
        Ok(PaymentStatus::Unknown { why }) => why,
        Err(e) => e.to_string(),
    };
    Event::PaidUnconfirmed {
        attempt,
        message: format!(
            "{said}. Its payment status did not confirm it ({found}); the till keeps asking. \
             Check the gateway's dashboard before asking the customer to pay again."
        ),
    }
}

/// What to do with a sale billing software sends under a bill reference the journal may know:
/// one bill is one sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BillDecision {
    /// A bill never seen: a new sale.
    New,
    /// The bill's sale is open (its QR asked for or shown) or paid: answer it, ask nothing.
    Answer(Box<crate::journal::SaleRecord>),
    /// The bill's sale ended unpaid: a new QR for that same sale (its reference reused).
    Again(Box<Sale>),
    /// The bill is known with another amount.
    Conflict,
}

/// Decides what a bill of `amount` means, given what the journal knows of its reference.
pub fn decide_bill(
    amount: crate::domain::Paise,
    known: Option<crate::journal::SaleRecord>,
) -> BillDecision {
    use crate::domain::Outcome;
    let Some(record) = known else {
        return BillDecision::New;
    };
    if record.amount != amount {
        return BillDecision::Conflict;
    }
    match record.outcome {
        Outcome::Paid | Outcome::Requested | Outcome::Shown => {
            BillDecision::Answer(Box::new(record))
        }
        Outcome::Expired
        | Outcome::NotPaid
        | Outcome::Failed
        | Outcome::Cancelled
        | Outcome::Interrupted => BillDecision::Again(Box::new(record.to_sale())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Customer, Paise};

    /// A gateway that must never be asked.
    struct NeverAsk;

    impl Gateway for NeverAsk {
        fn id(&self) -> crate::domain::ProviderId {
            crate::domain::ProviderId::Payu
        }
        fn max_amount(&self) -> Paise {
            Paise::from_rupees(1000)
        }
        fn confirms_payment(&self) -> bool {
            true
        }
        fn request_qr<'a>(
            &'a self,
            _: &'a Sale,
        ) -> crate::gateway::GatewayFuture<'a, crate::domain::QrGrant> {
            panic!("a QR was asked for a sale that is not recorded")
        }
        fn check_status<'a>(
            &'a self,
            _: &'a Sale,
        ) -> crate::gateway::GatewayFuture<'a, PaymentStatus> {
            panic!("nothing to check")
        }
    }

    #[test]
    fn no_qr_is_asked_for_a_sale_the_journal_could_not_write() {
        let (tx, receipt) = tokio::sync::oneshot::channel();
        let _ = tx.send(Err("database or disk is full".to_owned()));
        let request = QrRequest {
            sale: Sale::new(
                crate::reference::new_sale_ref(),
                Paise::from_rupees(500),
                Customer::default(),
            ),
            attempt: 1,
            requested_at: std::time::Instant::now(),
            expected_payee_vpa: None,
            recorded: Some(receipt),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let event = runtime.block_on(obtain_qr(Arc::new(NeverAsk), request));
        let Event::QrFailed { message, .. } = event else {
            panic!("{event:?}");
        };
        assert!(
            message.contains("could not be recorded") && message.contains("full"),
            "{message}"
        );
    }
}
