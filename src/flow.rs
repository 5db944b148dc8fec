//! The screens of one sale, every transition between them, and each step of a sale's life that
//! is recorded, as a pure state machine: the one place that decides, for the window and the
//! command line alike.
//!
//! No egui and no I/O: the front ends turn key presses, clock ticks, gateway answers and what the
//! payment watch finds into [`Event`]s, and carry out the [`Command`]s that come back, among them
//! the [`Record`]s the recorder writes.

use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::domain::{PaidDetails, PaidHow, ProviderId, Record, Sale, SaleRef};
use crate::verified_qr::ReadyQr;

/// A sound the till plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// The sale on screen was paid.
    Paid,
    /// The QR on screen expired.
    Expired,
    /// A sale no longer on screen was paid.
    LatePaid,
}

/// What the payment watch found about one sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchReport {
    /// The gateway confirmed the payment (for this sale, for exactly its amount). The watch is
    /// over.
    Paid(PaidDetails),
    /// A payment attempt failed; the watch goes on (the customer may try again).
    AttemptFailed(String),
    /// The watch ended with no payment; `last_failure` is the last failed attempt, if any.
    Ended { last_failure: Option<String> },
    /// A single check (after a restart, past the sale's watch) could not tell: the sale stays
    /// unsettled, for the next start or a reconciliation.
    Undecided(String),
}

/// How long the Paid screen stays before the till returns to a new sale by itself.
pub const PAID_SCREEN_TIME: Duration = Duration::from_secs(15);

/// What the flow needs to know about the till.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowSettings {
    /// The provider selling now (written with each new sale).
    pub provider: ProviderId,
    /// Whether the gateway can confirm payments (then each shown QR is watched).
    pub confirms_payment: bool,
    /// How long after a QR's expiry its payment is still watched for.
    pub grace: Duration,
}

/// A QR on screen: the sale, what the gateway issued, and when it stops being valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownQr {
    pub sale: Sale,
    /// The checked QR.
    pub qr: ReadyQr,
    /// When the QR expires, on the monotonic clock.
    pub deadline: Instant,
    /// Which request produced it.
    pub attempt: u64,
    /// The last payment attempt that failed while this QR is up (the customer may try again).
    pub attempt_failed: Option<String>,
}

impl ShownQr {
    /// Time left before the QR expires.
    pub fn remaining(&self, now: Instant) -> Duration {
        self.deadline.saturating_duration_since(now)
    }
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
    /// Time ran out; the QR is gone. The sale is kept for a new QR. `watched_until`: a payment
    /// made at the last moment is still looked for until then.
    Expired {
        sale: Sale,
        watched_until: Option<Instant>,
    },
    /// The money arrived.
    Paid {
        sale: Sale,
        how: PaidHow,
        details: PaidDetails,
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
            | Self::Expired { sale, .. }
            | Self::Paid { sale, .. }
            | Self::Failed { sale, .. } => Some(sale),
            Self::ShowingQr(shown) => Some(&shown.sale),
        }
    }

    /// Whether a sale is in progress: a QR being asked for or on show. Nothing else may start.
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Requesting { .. } | Self::ShowingQr(_))
    }

    /// Whether the screen is about the sale `reference`.
    pub fn is_about(&self, reference: &SaleRef) -> bool {
        self.sale().is_some_and(|s| &s.reference == reference)
    }
}

/// A payment for a sale that is no longer on screen: it stays on the cashier's screen until the
/// cashier acknowledges it, and names the sale so it is never taken for the one on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateNotice {
    pub sale: Sale,
    /// When the sale was made (or its QR shown), on the wall clock.
    pub since: OffsetDateTime,
    pub how: PaidHow,
    pub details: PaidDetails,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The cashier (or billing software) submitted a checked sale.
    Submit(Sale),
    /// A gateway answered a request with a QR that passed the payload checks.
    QrReady {
        attempt: u64,
        qr: Box<ReadyQr>,
        requested_at: Instant,
    },
    /// A gateway request failed; the message is for the cashier.
    QrFailed { attempt: u64, message: String },
    /// The gateway refused a new QR because the sale is already paid, but its status did not
    /// (yet) confirm the payment: not paid, and watched on.
    PaidUnconfirmed { attempt: u64, message: String },
    /// The gateway refused a new QR because the sale is already paid, and its status confirmed
    /// the payment.
    AlreadyPaid { attempt: u64, details: PaidDetails },
    /// The payment watch found something about a sale (on screen or not).
    Watched {
        sale: Sale,
        since: OffsetDateTime,
        resumed: bool,
        report: WatchReport,
    },
    /// The clock moved (sent every frame).
    Tick,
    /// Enter: retry, new QR, or next sale, depending on the screen.
    Enter,
    /// Esc: cancel or back.
    Escape,
    /// P: the cashier confirms the payment arrived (providers that cannot confirm it).
    MarkPaid,
    /// N: the cashier says it did not.
    MarkNotPaid,
    /// The cashier read the oldest late-payment notice.
    Acknowledge,
}

/// Work for the window (or the command line) to do after a transition, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Write this step of a sale's life. A QR request that follows waits until it is on disk.
    Record(Record),
    /// Start a gateway request for this sale, tagged with `attempt`.
    RequestQr { sale: Sale, attempt: u64 },
    /// Cancel the request in flight.
    StopRequest,
    /// Watch this sale's payment: its QR has `expires_in` left, and is watched `grace` beyond.
    Watch {
        sale: Sale,
        expires_in: Duration,
        grace: Duration,
    },
    /// Play a sound.
    Play(Cue),
    /// Empty the entry form for the next sale.
    ClearForm,
    /// Put the keyboard focus in the amount field.
    FocusAmount,
    /// Tell the cashier something on the entry screen.
    Notice(String),
}

/// The state machine: the current screen, the late-payment notices, and a counter that tags each
/// gateway request.
#[derive(Debug, Clone)]
pub struct Flow {
    screen: Screen,
    attempts: u64,
    settings: FlowSettings,
    notices: Vec<LateNotice>,
}

impl Flow {
    /// A till on the entry screen.
    pub fn new(settings: FlowSettings) -> Self {
        Self {
            screen: Screen::Entry,
            attempts: 0,
            settings,
            notices: Vec::new(),
        }
    }

    /// The till's settings changed (another provider, another grace).
    pub fn set_settings(&mut self, settings: FlowSettings) {
        self.settings = settings;
    }

    /// What is on screen.
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// Late payments not yet acknowledged, oldest first.
    pub fn notices(&self) -> &[LateNotice] {
        &self.notices
    }

    /// Applies one event at time `now` and says what work follows.
    #[must_use]
    pub fn handle(&mut self, event: Event, now: Instant) -> Vec<Command> {
        match event {
            Event::Watched {
                sale,
                since,
                resumed,
                report,
            } => self.watched(sale, since, resumed, report, now),
            Event::Acknowledge => {
                if !self.notices.is_empty() {
                    self.notices.remove(0);
                }
                vec![]
            }
            event => {
                let screen = std::mem::replace(&mut self.screen, Screen::Entry);
                let (next, commands) = self.transition(screen, event, now);
                self.screen = next;
                commands
            }
        }
    }

    fn request(&mut self, sale: Sale) -> (Screen, Vec<Command>) {
        self.attempts += 1;
        let attempt = self.attempts;
        let commands = vec![
            Command::Record(Record::Requested {
                sale: sale.clone(),
                provider: self.settings.provider,
            }),
            Command::RequestQr {
                sale: sale.clone(),
                attempt,
            },
        ];
        (Screen::Requesting { sale, attempt }, commands)
    }

    /// The sale on screen is paid: the Paid screen, its record and the chime.
    fn paid(
        sale: Sale,
        how: PaidHow,
        details: PaidDetails,
        now: Instant,
    ) -> (Screen, Vec<Command>) {
        let record = Record::Paid {
            reference: sale.reference.clone(),
            how,
            details: details.clone(),
        };
        let screen = Screen::Paid {
            sale,
            how,
            details,
            since: now,
        };
        (
            screen,
            vec![Command::Record(record), Command::Play(Cue::Paid)],
        )
    }

    /// The QR leaves the screen with `record` (withdrawn or not paid): back to a new sale. Its
    /// payment is still watched where the gateway can confirm one.
    fn leave(&self, record: Record, notice: String) -> (Screen, Vec<Command>) {
        let notice = if self.settings.confirms_payment {
            format!("{notice}; a payment made on it is still watched for")
        } else {
            notice
        };
        let commands = vec![
            Command::Record(record),
            Command::ClearForm,
            Command::FocusAmount,
            Command::Notice(notice),
        ];
        (Screen::Entry, commands)
    }

    fn shown(
        &self,
        sale: Sale,
        attempt: u64,
        qr: ReadyQr,
        requested_at: Instant,
        now: Instant,
    ) -> (Screen, Vec<Command>) {
        // Counted from when we asked, not when the answer came: the gateway's clock started
        // first, so this can only make the QR disappear early, never late.
        let deadline = requested_at
            .checked_add(qr.grant.expires_in)
            .filter(|deadline| *deadline > now);
        let Some(deadline) = deadline else {
            let record = Record::Expired {
                reference: sale.reference.clone(),
            };
            let screen = Screen::Expired {
                sale,
                watched_until: None,
            };
            return (screen, vec![Command::Record(record)]);
        };
        let expires_in = deadline.saturating_duration_since(now);
        let grace = self.settings.grace;
        let confirms = self.settings.confirms_payment;
        let mut commands = vec![Command::Record(Record::Shown {
            reference: sale.reference.clone(),
            payload: qr.grant.payload.clone(),
            gateway_ids: qr.grant.gateway_ids.clone(),
            expires_in,
            grace: confirms.then_some(grace),
        })];
        if confirms {
            commands.push(Command::Watch {
                sale: sale.clone(),
                expires_in,
                grace,
            });
        }
        let shown = ShownQr {
            sale,
            qr,
            deadline,
            attempt,
            attempt_failed: None,
        };
        (Screen::ShowingQr(Box::new(shown)), commands)
    }

    fn transition(&mut self, screen: Screen, event: Event, now: Instant) -> (Screen, Vec<Command>) {
        use Command::{ClearForm, FocusAmount, Notice, StopRequest};
        match (screen, event) {
            // A new sale from Entry, or over a sale that is over (its watch, if any, goes on).
            (
                Screen::Entry
                | Screen::Paid { .. }
                | Screen::Expired { .. }
                | Screen::Failed { .. },
                Event::Submit(sale),
            ) => self.request(sale),

            (
                Screen::Requesting { sale, attempt },
                Event::QrReady {
                    attempt: a,
                    qr,
                    requested_at,
                },
            ) if a == attempt => self.shown(sale, attempt, *qr, requested_at, now),
            (
                Screen::Requesting { sale, attempt },
                Event::QrFailed {
                    attempt: a,
                    message,
                },
            ) if a == attempt => {
                let record = Command::Record(Record::failed(&sale.reference, &message));
                (Screen::Failed { sale, message }, vec![record])
            }
            (
                Screen::Requesting { sale, attempt },
                Event::PaidUnconfirmed {
                    attempt: a,
                    message,
                },
            ) if a == attempt => self.paid_unconfirmed(sale, message),
            (
                Screen::Requesting { sale, attempt },
                Event::AlreadyPaid {
                    attempt: a,
                    details,
                },
            ) if a == attempt => Self::paid(sale, PaidHow::AlreadyPaid, details, now),
            (Screen::Requesting { sale, .. }, Event::Escape) => {
                let record = Record::Cancelled {
                    reference: sale.reference.clone(),
                };
                let notice = Notice(format!("Request for {} cancelled", sale.amount));
                (
                    Screen::Entry,
                    vec![StopRequest, Command::Record(record), FocusAmount, notice],
                )
            }

            (Screen::ShowingQr(shown), Event::Tick) if now >= shown.deadline => {
                self.expired(*shown)
            }
            (Screen::ShowingQr(shown), Event::MarkPaid) if !self.settings.confirms_payment => {
                Self::paid(shown.sale, PaidHow::ByHand, PaidDetails::default(), now)
            }
            (Screen::ShowingQr(shown), Event::MarkNotPaid) if !self.settings.confirms_payment => {
                let record = Record::NotPaid {
                    reference: shown.sale.reference.clone(),
                };
                let notice = format!("{} marked NOT paid", shown.sale.amount);
                self.leave(record, notice)
            }
            (Screen::ShowingQr(shown), Event::Escape) => {
                let record = Record::Cancelled {
                    reference: shown.sale.reference.clone(),
                };
                let notice = format!("QR for {} withdrawn", shown.sale.amount);
                self.leave(record, notice)
            }

            (Screen::Expired { sale, .. } | Screen::Failed { sale, .. }, Event::Enter) => {
                self.request(sale)
            }
            (Screen::Expired { .. } | Screen::Failed { .. }, Event::Escape) => {
                (Screen::Entry, vec![FocusAmount])
            }

            (Screen::Paid { since, .. }, Event::Tick)
                if since
                    .checked_add(PAID_SCREEN_TIME)
                    .is_none_or(|end| now >= end) =>
            {
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

    /// The QR on screen reached its deadline: off the screen, watched on for the grace.
    fn expired(&self, shown: ShownQr) -> (Screen, Vec<Command>) {
        let watched_until = self
            .settings
            .confirms_payment
            .then(|| shown.deadline.checked_add(self.settings.grace))
            .flatten();
        let record = Record::Expired {
            reference: shown.sale.reference.clone(),
        };
        let screen = Screen::Expired {
            sale: shown.sale,
            watched_until,
        };
        (
            screen,
            vec![Command::Record(record), Command::Play(Cue::Expired)],
        )
    }

    /// The gateway says the sale is paid and its status does not confirm it: the cashier sees the
    /// failure, and the sale stays watched (and open in the journal) for the grace, where the
    /// gateway can confirm payments, so a payment that lands is still caught.
    fn paid_unconfirmed(&self, sale: Sale, message: String) -> (Screen, Vec<Command>) {
        let grace = self.settings.grace;
        let confirms = self.settings.confirms_payment;
        let record = Record::Failed {
            reference: sale.reference.clone(),
            reason: message.clone(),
            watch_for: confirms.then_some(grace),
        };
        let mut commands = vec![Command::Record(record)];
        if confirms {
            commands.push(Command::Watch {
                sale: sale.clone(),
                expires_in: Duration::ZERO,
                grace,
            });
        }
        (Screen::Failed { sale, message }, commands)
    }

    /// What the payment watch found, for the sale on screen or for another.
    fn watched(
        &mut self,
        sale: Sale,
        since: OffsetDateTime,
        resumed: bool,
        report: WatchReport,
        now: Instant,
    ) -> Vec<Command> {
        let on_screen = self.screen.is_about(&sale.reference);
        let reference = sale.reference.clone();
        match report {
            WatchReport::Paid(details) if on_screen => self.paid_on_screen(details, now),
            WatchReport::Paid(details) => {
                let how = if resumed {
                    PaidHow::AfterRestart
                } else {
                    PaidHow::Late
                };
                let record = Record::Paid {
                    reference,
                    how,
                    details: details.clone(),
                };
                self.notices.push(LateNotice {
                    sale,
                    since,
                    how,
                    details,
                });
                vec![Command::Record(record), Command::Play(Cue::LatePaid)]
            }
            WatchReport::AttemptFailed(reason) => {
                if let Screen::ShowingQr(shown) = &mut self.screen
                    && shown.sale.reference == reference
                {
                    shown.attempt_failed = Some(reason.clone());
                }
                vec![Command::Record(Record::AttemptFailed { reference, reason })]
            }
            WatchReport::Ended { last_failure } => {
                if let Screen::Expired {
                    sale,
                    watched_until,
                } = &mut self.screen
                    && sale.reference == reference
                {
                    *watched_until = None;
                }
                // A new QR for the same sale is being asked for or shown: its own watch goes on.
                let live = matches!(
                    self.screen,
                    Screen::Requesting { .. } | Screen::ShowingQr(_)
                );
                if on_screen && live {
                    return vec![];
                }
                vec![Command::Record(Record::WatchEnded {
                    reference,
                    last_failure,
                })]
            }
            WatchReport::Undecided(_) => vec![],
        }
    }

    /// The watch found the payment for the sale on screen.
    fn paid_on_screen(&mut self, details: PaidDetails, now: Instant) -> Vec<Command> {
        let screen = std::mem::replace(&mut self.screen, Screen::Entry);
        let (how, sale, stop) = match screen {
            Screen::ShowingQr(shown) => (PaidHow::Polled, shown.sale, false),
            Screen::Requesting { sale, .. } => (PaidHow::Late, sale, true),
            Screen::Expired { sale, .. } | Screen::Failed { sale, .. } => {
                (PaidHow::Late, sale, false)
            }
            paid @ Screen::Paid { .. } => {
                self.screen = paid;
                return vec![];
            }
            Screen::Entry => {
                self.screen = Screen::Entry;
                return vec![];
            }
        };
        let (next, mut commands) = Self::paid(sale, how, details, now);
        self.screen = next;
        if stop {
            commands.insert(0, Command::StopRequest);
        }
        commands
    }
}

#[cfg(test)]
mod tests;
