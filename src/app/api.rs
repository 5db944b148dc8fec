//! The window's side of the sales API: a bill from billing software becomes the same `Submit`
//! the cashier's Enter makes, a cancellation the same `Escape`, so the flow decides for both. The
//! window publishes where each sale stands on the sales board, which the API answers from.

use std::time::Instant;

use super::CounterApp;
use crate::api::model::{QrView, SaleStatus, SaleView};
use crate::api::{Call, Cancelled, Created};
use crate::domain::{Record, Sale};
use crate::flow::{Event, Screen};
use crate::sell::{BillDecision, decide_bill};

/// How many of this session's bills the window remembers before the journal alone answers.
pub(super) const API_BILLS_REMEMBERED: usize = 10_000;

impl CounterApp {
    /// A call from the API.
    pub(super) fn api_call(&mut self, call: Call, now: Instant, ctx: &egui::Context) {
        match call {
            Call::Create { sale, known, reply } => {
                let created = self.api_create(*sale, known.map(|k| *k), now, ctx);
                let _ = reply.send(created);
            }
            Call::Cancel { reference, reply } => {
                let on_screen = self.flow.screen().is_about(&reference);
                let cancelled = match self.flow.screen() {
                    Screen::Requesting { .. } | Screen::ShowingQr(_) if on_screen => {
                        self.dispatch(Event::Escape, now, ctx);
                        Cancelled::Done
                    }
                    _ if on_screen => match self.screen_view() {
                        Some(view) => Cancelled::Final(view),
                        None => Cancelled::NotOnTill,
                    },
                    _ => Cancelled::NotOnTill,
                };
                let _ = reply.send(cancelled);
            }
        }
    }

    fn api_create(
        &mut self,
        sale: Sale,
        known: Option<crate::journal::SaleRecord>,
        now: Instant,
        ctx: &egui::Context,
    ) -> Created {
        // A payment the journal holds (the history's Check, `counterqr reconcile`) is final
        // whatever the screen shows: never a new QR for a paid bill.
        if let Some(paid) = known
            .as_ref()
            .filter(|k| k.outcome == crate::domain::Outcome::Paid)
        {
            return if paid.amount == sale.amount {
                self.board.set_status(&paid.reference, SaleStatus::Paid);
                Created::Existing(crate::api::model::view_from_record(
                    paid,
                    self.clock.now_utc(),
                ))
            } else {
                Created::Conflict
            };
        }
        let screen = self.flow.screen();
        // The screen knows the bill's sale sooner than the journal (whose writes trail it), and
        // so do the bills sold in this session: a bill sent twice at once is one sale.
        let bill = sale.extra.bill_ref.clone();
        let known_on_screen = screen
            .sale()
            .filter(|on| on.extra.bill_ref.is_some() && on.extra.bill_ref == bill);
        let known_this_session = bill
            .as_ref()
            .and_then(|bill| self.api_bills.get(bill))
            .filter(|_| known_on_screen.is_none());
        if let Some(earlier) = known_this_session {
            if earlier.amount != sale.amount {
                return Created::Conflict;
            }
            let view = self.board.get(&earlier.reference);
            if let Some(view) =
                view.filter(|v| !v.status.is_final() || v.status == SaleStatus::Paid)
            {
                return Created::Existing(view);
            }
        }
        let decision = match known_on_screen {
            Some(on) if on.amount != sale.amount => BillDecision::Conflict,
            Some(_) if screen.is_open() || matches!(screen, Screen::Paid { .. }) => {
                return self
                    .screen_view()
                    .map_or(Created::Conflict, Created::Existing);
            }
            Some(on) => BillDecision::Again(Box::new(on.clone())),
            None => match known_this_session {
                Some(earlier) if known.is_none() => BillDecision::Again(Box::new(earlier.clone())),
                _ => decide_bill(sale.amount, known),
            },
        };
        let (sale, new) = match decision {
            BillDecision::Conflict => return Created::Conflict,
            BillDecision::Answer(record) => {
                let view = self.board.get(&record.reference).unwrap_or_else(|| {
                    crate::api::model::view_from_record(&record, self.clock.now_utc())
                });
                return Created::Existing(view);
            }
            BillDecision::New => (sale, true),
            BillDecision::Again(earlier) => {
                let mut again = *earlier;
                again.source = crate::domain::Source::Api;
                (again, false)
            }
        };
        if let Some(busy) = self
            .flow
            .screen()
            .sale()
            .filter(|_| self.flow.screen().is_open())
        {
            return Created::Busy {
                sale_id: busy.reference.clone(),
            };
        }
        if let Err(why) =
            crate::gateway::check_amount(self.gateway.as_ref(), sale.amount, &sale.customer)
        {
            let fields = std::collections::BTreeMap::from([("amount_paise".to_owned(), why)]);
            return Created::Invalid(fields);
        }
        let sale_id = sale.reference.clone();
        if let Some(bill) = sale.extra.bill_ref.clone() {
            if self.api_bills.len() >= API_BILLS_REMEMBERED {
                self.api_bills.clear();
            }
            self.api_bills.insert(bill, sale.clone());
        }
        self.dispatch(Event::Submit(sale), now, ctx);
        Created::Started { sale_id, new }
    }

    /// The sale on screen as the API shows it.
    fn screen_view(&self) -> Option<SaleView> {
        let screen = self.flow.screen();
        let sale = screen.sale()?;
        let (status, qr) = match screen {
            Screen::Entry => return None,
            Screen::Requesting { .. } => (SaleStatus::Requested, None),
            Screen::ShowingQr(shown) => {
                let qr = self.qr_expiry.as_ref().map(|(_, at)| QrView {
                    payload: shown.qr.grant.payload.clone(),
                    expires_at: crate::api::model::rfc3339(*at),
                });
                (SaleStatus::Showing, qr)
            }
            Screen::Expired { .. } => (SaleStatus::Expired, None),
            Screen::Paid { .. } => (SaleStatus::Paid, None),
            Screen::Failed { .. } => (SaleStatus::Failed, None),
        };
        Some(SaleView {
            sale_id: sale.reference.to_string(),
            bill_ref: sale.extra.bill_ref.clone(),
            amount_paise: sale.amount.paise(),
            status,
            qr,
        })
    }

    /// Publishes where the sale on screen stands (nothing changes on the board when it is the
    /// same as before).
    pub(super) fn publish_screen(&mut self) {
        if let Screen::ShowingQr(shown) = self.flow.screen() {
            let payload = &shown.qr.grant.payload;
            if self.qr_expiry.as_ref().is_none_or(|(p, _)| p != payload) {
                // The QR's end on the wall clock, fixed once when it shows.
                let left = time::Duration::try_from(shown.remaining(self.clock.now())).ok();
                let now = self.clock.now_utc();
                let at = left.and_then(|l| now.checked_add(l)).unwrap_or(now);
                self.qr_expiry = Some((payload.clone(), at));
            }
        } else {
            self.qr_expiry = None;
        }
        if let (Some(sale), Some(view)) = (self.flow.screen().sale(), self.screen_view()) {
            self.board.publish(&sale.reference, view);
        }
    }

    /// A step recorded for a sale: where it now stands, on the board.
    pub(super) fn publish_record(&self, record: &Record) {
        let status = match record {
            Record::Requested { .. } | Record::Shown { .. } | Record::AttemptFailed { .. } => {
                return;
            }
            Record::WatchEnded {
                last_failure: None, ..
            } => return,
            Record::Expired { .. } => SaleStatus::Expired,
            Record::Cancelled { .. } => SaleStatus::Cancelled,
            Record::NotPaid { .. } => SaleStatus::NotPaid,
            Record::Failed { .. } | Record::WatchEnded { .. } => SaleStatus::Failed,
            Record::Paid { .. } => SaleStatus::Paid,
        };
        self.board.set_status(record.reference(), status);
    }
}
