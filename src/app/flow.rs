//! The screens of one sale and every transition between them, as a pure state machine.
//!
//! No egui and no I/O: the GUI turns key presses, clicks, clock ticks and gateway answers into
//! [`Event`]s, and carries out the [`Command`]s that come back. Tests drive it directly.

use std::time::{Duration, Instant};

use crate::domain::Sale;
use crate::gateway::PaidDetails;
use crate::vetting::ReadyQr;

/// How long the Paid screen stays before the till returns to a new sale by itself.
pub const PAID_SCREEN_TIME: Duration = Duration::from_secs(15);

/// How long after its expiry a QR that left the screen unpaid is still watched, so a payment the
/// customer made at the last moment (or on a withdrawn QR) is still caught and shown.
pub const LATE_PAYMENT_GRACE: Duration = Duration::from_secs(120);

/// A QR no longer on screen whose payment is still being watched for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LateWatch {
    sale: Sale,
    attempt: u64,
    until: Instant,
}

/// A QR on screen: the sale, what the gateway issued, and when it stops being valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownQr {
    pub sale: Sale,
    /// The checked QR.
    pub qr: ReadyQr,
    /// When the QR expires, on the monotonic clock.
    pub deadline: Instant,
    /// Which request produced it (status answers for other requests are ignored).
    pub attempt: u64,
}

impl ShownQr {
    /// Time left before the QR expires.
    pub fn remaining(&self, now: Instant) -> Duration {
        self.deadline.saturating_duration_since(now)
    }
}

/// How a sale came to be paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaidHow {
    /// The gateway said so.
    Confirmed(PaidDetails),
    /// The cashier saw the payment on the shop's phone and pressed "Mark paid".
    MarkedByHand,
}

/// What the till shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// Typing the amount (and customer details).
    Entry,
    /// Waiting for the gateway.
    Requesting { sale: Sale, attempt: u64 },
    /// The QR faces the customer.
    ShowingQr(Box<ShownQr>),
    /// Time ran out; the QR is gone. The sale is kept for a new QR.
    Expired { sale: Sale },
    /// The money arrived.
    Paid {
        sale: Sale,
        how: PaidHow,
        since: Instant,
    },
    /// No QR could be had; the sale is kept so Retry reuses it.
    Failed { sale: Sale, message: String },
}

impl Screen {
    /// The sale this screen is about, if any.
    pub fn sale(&self) -> Option<&Sale> {
        match self {
            Self::Entry => None,
            Self::Requesting { sale, .. }
            | Self::Expired { sale }
            | Self::Paid { sale, .. }
            | Self::Failed { sale, .. } => Some(sale),
            Self::ShowingQr(shown) => Some(&shown.sale),
        }
    }
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The cashier submitted a checked sale.
    Submit(Sale),
    /// A gateway answered a request with a QR that passed the payload checks.
    QrReady {
        attempt: u64,
        qr: Box<ReadyQr>,
        requested_at: Instant,
    },
    /// A gateway request failed; the message is for the cashier.
    QrFailed { attempt: u64, message: String },
    /// A status check found the money.
    StatusPaid { attempt: u64, details: PaidDetails },
    /// A status check found the payment failed.
    StatusFailed { attempt: u64, reason: String },
    /// The clock moved (sent every frame).
    Tick,
    /// Enter: retry, new QR, or next sale, depending on the screen.
    Enter,
    /// Esc: cancel or back.
    Escape,
    /// P: the cashier confirms the payment arrived.
    MarkPaid,
    /// N: the cashier says it did not.
    MarkNotPaid,
}

/// Work for the GUI to do after a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Start a gateway request for this sale, tagged with `attempt`.
    RequestQr { sale: Sale, attempt: u64 },
    /// Poll the gateway for this sale's payment while its QR is shown.
    WatchStatus { sale: Sale, attempt: u64 },
    /// Cancel whatever request or polling is running for the screen.
    StopWork,
    /// Keep the screen's status polling running after its QR has left the screen (for a late
    /// payment), replacing any older late watch.
    WatchLate,
    /// Stop the late watch.
    StopLateWatch,
    /// Empty the entry form for the next sale.
    ClearForm,
    /// Put the keyboard focus in the amount field.
    FocusAmount,
    /// Tell the cashier something on the entry screen.
    Notice(String),
    /// A sale no longer on screen was paid (a late payment while the cashier serves someone
    /// else): record it.
    LatePaid { sale: Sale, details: PaidDetails },
}

/// The state machine: the current screen and a counter that tags each gateway request.
#[derive(Debug, Clone)]
pub struct Flow {
    screen: Screen,
    attempts: u64,
    /// Whether the gateway can confirm payment (then its status is polled while a QR shows).
    confirms_payment: bool,
    /// The QR that left the screen and is still watched for a late payment.
    late: Option<LateWatch>,
}

impl Flow {
    /// A till on the entry screen.
    pub fn new(confirms_payment: bool) -> Self {
        Self {
            screen: Screen::Entry,
            attempts: 0,
            confirms_payment,
            late: None,
        }
    }

    /// Whether QRs from now on are watched for payment (after the provider changed).
    pub fn set_confirms_payment(&mut self, confirms_payment: bool) {
        self.confirms_payment = confirms_payment;
    }

    /// What is on screen.
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// Applies one event at time `now` and says what work follows.
    #[must_use]
    pub fn handle(&mut self, event: Event, now: Instant) -> Vec<Command> {
        let mut commands = Vec::new();
        if matches!(event, Event::Tick) && self.late.as_ref().is_some_and(|l| now >= l.until) {
            self.late = None;
            commands.push(Command::StopLateWatch);
        }
        if let Some(late_commands) = self.late_outcome(&event, now) {
            commands.extend(late_commands);
            return commands;
        }
        let screen = std::mem::replace(&mut self.screen, Screen::Entry);
        let (next, more) = self.transition(screen, event, now);
        self.screen = next;
        commands.extend(more);
        commands
    }

    /// Whether a QR that left the screen is still watched for a late payment.
    pub fn watching_late(&self) -> bool {
        self.late.is_some()
    }

    /// The QR on screen leaves it unpaid: with a gateway that confirms payments, its polling goes
    /// on until [`LATE_PAYMENT_GRACE`] after its expiry; otherwise it stops.
    fn leave_unpaid(&mut self, shown: &ShownQr) -> Command {
        if !self.confirms_payment {
            return Command::StopWork;
        }
        self.late = Some(LateWatch {
            sale: shown.sale.clone(),
            attempt: shown.attempt,
            until: shown.deadline + LATE_PAYMENT_GRACE,
        });
        Command::WatchLate
    }

    /// A status answer for the late watch: a payment for the sale on screen (expired, failed, or
    /// asked again) shows Paid; for an earlier sale it becomes a notice, so the cashier serving
    /// the next customer is told without losing their place.
    fn late_outcome(&mut self, event: &Event, now: Instant) -> Option<Vec<Command>> {
        let attempt = match event {
            Event::StatusPaid { attempt, .. } | Event::StatusFailed { attempt, .. } => *attempt,
            _ => return None,
        };
        let late = self.late.take_if(|l| l.attempt == attempt)?;
        let mut commands = vec![Command::StopLateWatch];
        let Event::StatusPaid { details, .. } = event else {
            return Some(commands);
        };
        let same_sale = self
            .screen
            .sale()
            .is_some_and(|s| s.reference == late.sale.reference);
        let idle = matches!(
            self.screen,
            Screen::Expired { .. } | Screen::Failed { .. } | Screen::Requesting { .. }
        );
        if same_sale && idle {
            commands.push(Command::StopWork);
            self.screen = Screen::Paid {
                sale: late.sale,
                how: PaidHow::Confirmed(details.clone()),
                since: now,
            };
        } else {
            let bank = details
                .bank_reference
                .as_deref()
                .map(|r| format!(", bank reference {r}"))
                .unwrap_or_default();
            commands.push(Command::Notice(format!(
                "✔ A late payment arrived: {} for sale {}{bank}.",
                late.sale.amount, late.sale.reference
            )));
            commands.push(Command::LatePaid {
                sale: late.sale,
                details: details.clone(),
            });
        }
        Some(commands)
    }

    fn request(&mut self, sale: Sale) -> (Screen, Vec<Command>) {
        self.attempts += 1;
        let attempt = self.attempts;
        let command = Command::RequestQr {
            sale: sale.clone(),
            attempt,
        };
        (Screen::Requesting { sale, attempt }, vec![command])
    }

    fn transition(&mut self, screen: Screen, event: Event, now: Instant) -> (Screen, Vec<Command>) {
        use Command::{ClearForm, FocusAmount, Notice, StopWork};
        match (screen, event) {
            (Screen::Entry, Event::Submit(sale)) => self.request(sale),

            (
                Screen::Requesting { sale, attempt },
                Event::QrReady {
                    attempt: a,
                    qr,
                    requested_at,
                },
            ) if a == attempt => {
                // Counted from when we asked, not when the answer came: the gateway's clock started
                // first, so this can only make the QR disappear early, never late.
                let deadline = requested_at + qr.grant.expires_in;
                if deadline <= now {
                    return (Screen::Expired { sale }, vec![]);
                }
                let commands = if self.confirms_payment {
                    vec![Command::WatchStatus {
                        sale: sale.clone(),
                        attempt,
                    }]
                } else {
                    vec![]
                };
                let shown = ShownQr {
                    sale,
                    qr: *qr,
                    deadline,
                    attempt,
                };
                (Screen::ShowingQr(Box::new(shown)), commands)
            }
            (
                Screen::Requesting { sale, attempt },
                Event::QrFailed {
                    attempt: a,
                    message,
                },
            ) if a == attempt => (Screen::Failed { sale, message }, vec![]),
            (Screen::Requesting { sale, .. }, Event::Escape) => (
                Screen::Entry,
                vec![
                    StopWork,
                    FocusAmount,
                    Notice(format!("Request for {} cancelled", sale.amount)),
                ],
            ),

            (Screen::ShowingQr(shown), Event::Tick) if now >= shown.deadline => {
                let keep_watching = self.leave_unpaid(&shown);
                (Screen::Expired { sale: shown.sale }, vec![keep_watching])
            }
            (Screen::ShowingQr(shown), Event::StatusPaid { attempt, details })
                if attempt == shown.attempt =>
            {
                let how = PaidHow::Confirmed(details);
                (
                    Screen::Paid {
                        sale: shown.sale,
                        how,
                        since: now,
                    },
                    vec![StopWork],
                )
            }
            (Screen::ShowingQr(shown), Event::StatusFailed { attempt, reason })
                if attempt == shown.attempt =>
            {
                let message = format!("The payment failed: {reason}");
                (
                    Screen::Failed {
                        sale: shown.sale,
                        message,
                    },
                    vec![StopWork],
                )
            }
            (Screen::ShowingQr(shown), Event::MarkPaid) => {
                let how = PaidHow::MarkedByHand;
                (
                    Screen::Paid {
                        sale: shown.sale,
                        how,
                        since: now,
                    },
                    vec![StopWork],
                )
            }
            (Screen::ShowingQr(shown), Event::MarkNotPaid) => {
                let notice = Notice(format!("{} marked NOT paid", shown.sale.amount));
                let keep_watching = self.leave_unpaid(&shown);
                (
                    Screen::Entry,
                    vec![keep_watching, ClearForm, FocusAmount, notice],
                )
            }
            (Screen::ShowingQr(shown), Event::Escape) => {
                let notice = Notice(format!("QR for {} withdrawn", shown.sale.amount));
                let keep_watching = self.leave_unpaid(&shown);
                (
                    Screen::Entry,
                    vec![keep_watching, ClearForm, FocusAmount, notice],
                )
            }

            (Screen::Expired { sale } | Screen::Failed { sale, .. }, Event::Enter) => {
                self.request(sale)
            }
            (Screen::Expired { .. } | Screen::Failed { .. }, Event::Escape) => {
                (Screen::Entry, vec![FocusAmount])
            }

            (Screen::Paid { since, .. }, Event::Tick) if now >= since + PAID_SCREEN_TIME => {
                (Screen::Entry, vec![ClearForm, FocusAmount])
            }
            (Screen::Paid { .. }, Event::Enter | Event::Escape) => {
                (Screen::Entry, vec![ClearForm, FocusAmount])
            }

            // Anything else (a second Enter while requesting, a stale answer, a key that means
            // nothing here) changes nothing.
            (screen, _) => (screen, vec![]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Customer, Paise};
    use crate::gateway::QrGrant;

    fn sale() -> Sale {
        Sale::new(Paise::from_rupees(500), Customer::default())
    }

    fn grant(expires_secs: u64) -> QrGrant {
        QrGrant {
            payload: "upi://pay?pa=a@b&am=500.00".into(),
            payee_name: "Shop".into(),
            payee_vpa: Some("a@b".into()),
            expires_in: Duration::from_secs(expires_secs),
            picture: None,
            gateway_ids: vec![],
        }
    }

    fn ready(attempt: u64, expires_secs: u64, requested_at: Instant) -> Event {
        let qr = crate::vetting::vet(&sale(), grant(expires_secs), None).expect("valid payload");
        Event::QrReady {
            attempt,
            qr: Box::new(qr),
            requested_at,
        }
    }

    /// A flow showing a QR that was requested at `t0` and lives 300 s.
    fn showing(confirms: bool, t0: Instant) -> (Flow, Sale) {
        let mut flow = Flow::new(confirms);
        let sale = sale();
        let _ = flow.handle(Event::Submit(sale.clone()), t0);
        let ready = ready(1, 300, t0);
        let commands = flow.handle(ready, t0 + Duration::from_secs(1));
        assert_eq!(commands.is_empty(), !confirms);
        assert!(matches!(flow.screen(), Screen::ShowingQr(_)));
        (flow, sale)
    }

    #[test]
    fn submit_requests_once_even_if_enter_is_pressed_twice() {
        let t0 = Instant::now();
        let mut flow = Flow::new(false);
        let sale = sale();
        let first = flow.handle(Event::Submit(sale.clone()), t0);
        assert_eq!(
            first,
            vec![Command::RequestQr {
                sale: sale.clone(),
                attempt: 1
            }]
        );
        assert!(flow.handle(Event::Submit(sale.clone()), t0).is_empty());
        assert!(flow.handle(Event::Enter, t0).is_empty());
        assert_eq!(flow.screen(), &Screen::Requesting { sale, attempt: 1 });
    }

    #[test]
    fn qr_expires_at_the_deadline_counted_from_the_request() {
        let t0 = Instant::now();
        let (mut flow, sale) = showing(false, t0);
        assert!(
            flow.handle(Event::Tick, t0 + Duration::from_millis(299_999))
                .is_empty()
        );
        assert!(matches!(flow.screen(), Screen::ShowingQr(_)));
        let commands = flow.handle(Event::Tick, t0 + Duration::from_secs(300));
        assert_eq!(commands, vec![Command::StopWork]);
        assert_eq!(flow.screen(), &Screen::Expired { sale: sale.clone() });
        // Enter asks again for the same sale.
        let again = flow.handle(Event::Enter, t0 + Duration::from_secs(301));
        assert_eq!(again, vec![Command::RequestQr { sale, attempt: 2 }]);
    }

    #[test]
    fn an_answer_that_is_already_expired_never_shows() {
        let t0 = Instant::now();
        let mut flow = Flow::new(false);
        let sale = sale();
        let _ = flow.handle(Event::Submit(sale.clone()), t0);
        let ready = ready(1, 5, t0);
        let _ = flow.handle(ready, t0 + Duration::from_secs(6));
        assert_eq!(flow.screen(), &Screen::Expired { sale });
    }

    #[test]
    fn stale_answers_after_cancel_are_ignored() {
        let t0 = Instant::now();
        let mut flow = Flow::new(false);
        let _ = flow.handle(Event::Submit(sale()), t0);
        let cancel = flow.handle(Event::Escape, t0);
        assert!(cancel.contains(&Command::StopWork));
        assert!(cancel.contains(&Command::FocusAmount));
        let second = sale();
        let _ = flow.handle(Event::Submit(second.clone()), t0);
        let stale = ready(1, 300, t0);
        assert!(flow.handle(stale, t0).is_empty());
        assert_eq!(
            flow.screen(),
            &Screen::Requesting {
                sale: second,
                attempt: 2
            }
        );
    }

    #[test]
    fn failure_keeps_the_sale_for_retry() {
        let t0 = Instant::now();
        let mut flow = Flow::new(false);
        let sale = sale();
        let _ = flow.handle(Event::Submit(sale.clone()), t0);
        let failed = Event::QrFailed {
            attempt: 1,
            message: "down".into(),
        };
        let _ = flow.handle(failed, t0);
        assert_eq!(
            flow.screen(),
            &Screen::Failed {
                sale: sale.clone(),
                message: "down".into()
            }
        );
        let retry = flow.handle(Event::Enter, t0);
        assert_eq!(retry, vec![Command::RequestQr { sale, attempt: 2 }]);
    }

    #[test]
    fn marking_by_hand_ends_the_sale() {
        let t0 = Instant::now();
        let (mut flow, _) = showing(false, t0);
        let _ = flow.handle(Event::MarkPaid, t0);
        assert!(matches!(
            flow.screen(),
            Screen::Paid {
                how: PaidHow::MarkedByHand,
                ..
            }
        ));
        // The Paid screen goes back to a new sale by itself.
        let back = flow.handle(Event::Tick, t0 + PAID_SCREEN_TIME);
        assert_eq!(back, vec![Command::ClearForm, Command::FocusAmount]);
        assert_eq!(flow.screen(), &Screen::Entry);

        let (mut flow, _) = showing(false, t0);
        let commands = flow.handle(Event::MarkNotPaid, t0);
        assert!(commands.contains(&Command::ClearForm));
        assert!(matches!(commands.last(), Some(Command::Notice(n)) if n.contains("NOT paid")));
        assert_eq!(flow.screen(), &Screen::Entry);
    }

    #[test]
    fn confirmed_payment_is_watched_and_shown() {
        let t0 = Instant::now();
        let (mut flow, _) = showing(true, t0);
        let stale = Event::StatusPaid {
            attempt: 9,
            details: PaidDetails::default(),
        };
        assert!(flow.handle(stale, t0).is_empty());
        let paid = Event::StatusPaid {
            attempt: 1,
            details: PaidDetails::default(),
        };
        assert_eq!(flow.handle(paid, t0), vec![Command::StopWork]);
        assert!(matches!(
            flow.screen(),
            Screen::Paid {
                how: PaidHow::Confirmed(_),
                ..
            }
        ));
    }

    #[test]
    fn escape_on_the_qr_starts_a_new_sale() {
        let t0 = Instant::now();
        let (mut flow, _) = showing(false, t0);
        let commands = flow.handle(Event::Escape, t0);
        assert_eq!(
            &commands[..3],
            &[Command::StopWork, Command::ClearForm, Command::FocusAmount]
        );
        assert_eq!(flow.screen(), &Screen::Entry);
    }

    fn paid_event(attempt: u64, bank: &str) -> Event {
        Event::StatusPaid {
            attempt,
            details: PaidDetails {
                bank_reference: Some(bank.to_owned()),
                ..PaidDetails::default()
            },
        }
    }

    #[test]
    fn a_payment_after_expiry_is_still_caught_and_shown() {
        let t0 = Instant::now();
        let (mut flow, sale) = showing(true, t0);
        let expiry = t0 + Duration::from_secs(300);
        assert_eq!(flow.handle(Event::Tick, expiry), vec![Command::WatchLate]);
        assert_eq!(flow.screen(), &Screen::Expired { sale: sale.clone() });
        assert!(flow.watching_late());
        let commands = flow.handle(paid_event(1, "B1"), expiry + Duration::from_secs(30));
        assert_eq!(commands, vec![Command::StopLateWatch, Command::StopWork]);
        assert!(matches!(
            flow.screen(),
            Screen::Paid { sale: s, how: PaidHow::Confirmed(d), .. }
                if s.reference == sale.reference && d.bank_reference.as_deref() == Some("B1")
        ));
        assert!(!flow.watching_late());
    }

    #[test]
    fn the_late_watch_ends_after_the_grace_period() {
        let t0 = Instant::now();
        let (mut flow, _) = showing(true, t0);
        let expiry = t0 + Duration::from_secs(300);
        let _ = flow.handle(Event::Tick, expiry);
        let before = expiry + LATE_PAYMENT_GRACE - Duration::from_millis(1);
        assert!(flow.handle(Event::Tick, before).is_empty());
        assert_eq!(
            flow.handle(Event::Tick, expiry + LATE_PAYMENT_GRACE),
            vec![Command::StopLateWatch]
        );
        assert!(!flow.watching_late());
        // A payment reported after that is stale and changes nothing.
        assert!(
            flow.handle(paid_event(1, "B1"), expiry + LATE_PAYMENT_GRACE)
                .is_empty()
        );
        assert!(matches!(flow.screen(), Screen::Expired { .. }));
    }

    #[test]
    fn a_late_payment_during_the_next_sale_becomes_a_notice() {
        let t0 = Instant::now();
        let (mut flow, first) = showing(true, t0);
        let withdrawn = flow.handle(Event::Escape, t0 + Duration::from_secs(10));
        assert_eq!(
            withdrawn[0],
            Command::WatchLate,
            "a withdrawn QR can still be paid"
        );
        let next = sale();
        let _ = flow.handle(Event::Submit(next.clone()), t0 + Duration::from_secs(20));
        let commands = flow.handle(paid_event(1, "B7"), t0 + Duration::from_secs(21));
        assert_eq!(commands[0], Command::StopLateWatch);
        assert!(matches!(&commands[1], Command::Notice(n)
            if n.contains(first.reference.as_str()) && n.contains("B7")));
        assert!(
            matches!(flow.screen(), Screen::Requesting { sale, .. } if sale.reference == next.reference),
            "the next sale carries on"
        );
    }

    #[test]
    fn without_payment_confirmation_nothing_is_watched_late() {
        let t0 = Instant::now();
        let (mut flow, _) = showing(false, t0);
        let commands = flow.handle(Event::Tick, t0 + Duration::from_secs(300));
        assert_eq!(commands, vec![Command::StopWork]);
        assert!(!flow.watching_late());
    }
}
