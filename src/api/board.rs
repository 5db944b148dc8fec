//! The sales board: where each recent sale stands right now, as the window's flow decided it,
//! for the API to answer from (and to wait on) without asking the window or the disk. The window
//! publishes; the API reads, and a long poll sleeps until the next publication.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use super::model::{SaleStatus, SaleView};
use crate::domain::SaleRef;

/// How many sales the board remembers (older ones are read from the journal).
const REMEMBERED: usize = 500;

/// Where recent sales stand. Cloning shares the one board.
#[derive(Clone)]
pub struct SaleBoard {
    inner: Arc<Mutex<Board>>,
    changed: watch::Sender<u64>,
}

#[derive(Default)]
struct Board {
    sales: HashMap<SaleRef, SaleView>,
    order: VecDeque<SaleRef>,
    version: u64,
}

impl Default for SaleBoard {
    fn default() -> Self {
        Self {
            inner: Arc::new(Mutex::new(Board::default())),
            changed: watch::channel(0).0,
        }
    }
}

impl SaleBoard {
    fn lock(&self) -> MutexGuard<'_, Board> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Where `reference` stands, if the board knows it.
    pub fn get(&self, reference: &SaleRef) -> Option<SaleView> {
        self.lock().sales.get(reference).cloned()
    }

    /// Publishes `view`. A paid sale stays paid: nothing published later changes that.
    pub fn publish(&self, reference: &SaleRef, view: SaleView) {
        let mut board = self.lock();
        if board
            .sales
            .get(reference)
            .is_some_and(|old| old.status == SaleStatus::Paid && view.status != SaleStatus::Paid)
        {
            return;
        }
        if board.sales.get(reference) == Some(&view) {
            return;
        }
        if board.sales.insert(reference.clone(), view).is_none() {
            board.order.push_back(reference.clone());
            while board.order.len() > REMEMBERED {
                if let Some(old) = board.order.pop_front() {
                    board.sales.remove(&old);
                }
            }
        }
        board.version = board.version.wrapping_add(1);
        let version = board.version;
        drop(board);
        self.changed.send_replace(version);
    }

    /// Changes only the status of a sale the board knows (a step recorded for a sale not on
    /// screen); its QR goes when the sale is no longer requested or showing.
    pub fn set_status(&self, reference: &SaleRef, status: SaleStatus) {
        let Some(mut view) = self.get(reference) else {
            return;
        };
        view.status = status;
        if status.is_final() {
            view.qr = None;
        }
        self.publish(reference, view);
    }

    /// A receiver that wakes on the board's next change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(status: SaleStatus) -> SaleView {
        SaleView {
            sale_id: "CQ1".into(),
            bill_ref: Some("B1".into()),
            amount_paise: 100,
            status,
            qr: None,
        }
    }

    #[tokio::test]
    async fn a_change_wakes_a_waiter_and_paid_stays_paid() {
        let board = SaleBoard::default();
        let reference = SaleRef::parse("CQ1").expect("ref");
        let mut waiter = board.subscribe();
        board.publish(&reference, view(SaleStatus::Showing));
        waiter.changed().await.expect("woken");
        board.set_status(&reference, SaleStatus::Paid);
        board.set_status(&reference, SaleStatus::Expired);
        board.publish(&reference, view(SaleStatus::Cancelled));
        assert_eq!(
            board.get(&reference).map(|v| v.status),
            Some(SaleStatus::Paid)
        );
    }

    #[test]
    fn it_remembers_a_bounded_number_of_sales() {
        let board = SaleBoard::default();
        for i in 0..(REMEMBERED + 10) {
            let reference = SaleRef::parse(&format!("CQ{i}")).expect("ref");
            board.publish(&reference, view(SaleStatus::Requested));
        }
        assert!(board.get(&SaleRef::parse("CQ0").expect("ref")).is_none());
        let last = SaleRef::parse(&format!("CQ{}", REMEMBERED + 9)).expect("ref");
        assert!(board.get(&last).is_some());
    }
}
