//! The one place a step of a sale's life is written: [`Journal::record`] turns each
//! [`Record`] the flow decides into its update. Every update but a payment leaves a paid sale
//! alone (and the file's own trigger refuses to turn `paid` into anything else).

use rusqlite::params;
use time::OffsetDateTime;

use super::{Journal, JournalError, time_text};
use crate::domain::Record;

/// An open sale older than this cannot still be live (the longest QR lives an hour, its watch a
/// little longer): it is marked interrupted by any process that opens the journal.
const STALE_AFTER: time::Duration = time::Duration::hours(3);

/// `at + duration`, or `at` itself where that would overflow.
fn later(at: OffsetDateTime, duration: std::time::Duration) -> OffsetDateTime {
    time::Duration::try_from(duration)
        .ok()
        .and_then(|d| at.checked_add(d))
        .unwrap_or(at)
}

impl Journal {
    /// Writes one step of a sale's life at `at`. Returns whether the journal changed (a step for
    /// a sale already paid changes nothing).
    pub fn record(&self, record: &Record, at: OffsetDateTime) -> Result<bool, JournalError> {
        let now = time_text(at);
        let reference = record.reference().as_str();
        let conn = self.conn()?;
        let changed = match record {
            Record::Requested { sale, provider } => {
                insert_requested(&conn, sale, *provider, &now, self.today(at))?
            }
            Record::Shown {
                payload,
                gateway_ids,
                expires_in,
                grace,
                ..
            } => {
                let expires_at = later(at, *expires_in);
                let watch_until = grace.map(|grace| time_text(later(expires_at, grace)));
                conn.execute(
                    "UPDATE sales SET outcome = 'shown', gateway_ids = ?3, payload = ?4,
                         expires_at = ?5, reason = NULL, settled_at = NULL, updated_at = ?2,
                         watch_until = CASE
                             WHEN ?6 IS NULL THEN watch_until
                             WHEN watch_until IS NULL OR watch_until < ?6 THEN ?6
                             ELSE watch_until END
                     WHERE reference = ?1 AND outcome != 'paid'",
                    params![
                        reference,
                        now,
                        serde_json::to_string(gateway_ids).unwrap_or_default(),
                        payload,
                        time_text(expires_at),
                        watch_until,
                    ],
                )?
            }
            Record::Expired { .. } => end_display(&conn, reference, &now, "expired", None)?,
            Record::Cancelled { .. } => end_display(&conn, reference, &now, "cancelled", None)?,
            Record::NotPaid { .. } => end_display(&conn, reference, &now, "not_paid", None)?,
            Record::Failed {
                reason, watch_for, ..
            } => {
                if let Some(watch_for) = watch_for {
                    watch_until_at_least(&conn, reference, later(at, *watch_for))?;
                }
                end_display(&conn, reference, &now, "failed", Some(reason))?
            }
            Record::Paid { how, details, .. } => conn.execute(
                "UPDATE sales SET outcome = 'paid', paid_how = ?3, payer_vpa = ?4,
                     bank_reference = ?5, gateway_payment_id = ?6, reason = NULL,
                     settled_at = ?2, updated_at = ?2
                 WHERE reference = ?1 AND outcome != 'paid'",
                params![
                    reference,
                    now,
                    how.as_str(),
                    details.payer_vpa,
                    details.bank_reference,
                    details.gateway_payment_id,
                ],
            )?,
            Record::AttemptFailed { reason, .. } => conn.execute(
                "UPDATE sales SET reason = ?3, updated_at = ?2
                 WHERE reference = ?1 AND outcome != 'paid'",
                params![reference, now, reason],
            )?,
            Record::WatchEnded { last_failure, .. } => conn.execute(
                "UPDATE sales SET settled_at = ?2, updated_at = ?2,
                     outcome = CASE WHEN ?3 IS NOT NULL THEN 'failed'
                                    WHEN outcome = 'shown' THEN 'expired'
                                    ELSE outcome END,
                     reason = coalesce(?3, reason)
                 WHERE reference = ?1 AND outcome != 'paid'",
                params![reference, now, last_failure],
            )?,
        };
        if changed == 0 {
            tracing::info!(sale = %reference, step = record.name(),
                "journal: nothing to change (paid already, or an unknown sale)");
        }
        Ok(changed > 0)
    }

    /// Erases customers' names, mobiles and e-mails, and payers' VPAs, from the sales made
    /// before `before` (a local date); amounts, references, outcomes and bank references stay.
    /// Returns how many sales were cleared.
    pub fn erase_customer_details(&self, before: time::Date) -> Result<usize, JournalError> {
        let conn = self.conn()?;
        let cleared = conn.execute(
            "UPDATE sales SET customer_name = NULL, customer_mobile = NULL,
                 customer_email = NULL, payer_vpa = NULL
             WHERE local_date < ?1
               AND (customer_name IS NOT NULL OR customer_mobile IS NOT NULL
                    OR customer_email IS NOT NULL OR payer_vpa IS NOT NULL)",
            params![before.to_string()],
        )?;
        use std::sync::atomic::Ordering;
        if cleared > 0 {
            tracing::info!(count = cleared, %before, "customer details erased from older sales");
        }
        if cleared > 0 || self.wal_holds_erased.load(Ordering::Relaxed) {
            // The old rows' bytes also sit in the write-ahead log until a checkpoint: copy it
            // into the file (whose freed bytes secure_delete zeroed) and empty it now. A reader
            // holding the log makes it busy: then the next erase tries again.
            let busy: i64 =
                conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
            self.wal_holds_erased.store(busy != 0, Ordering::Relaxed);
            if busy != 0 {
                tracing::warn!("the write-ahead log is in use: erased details leave it next time");
            }
        }
        Ok(cleared)
    }

    /// Marks as interrupted the sales a stopped program left open: those the window left
    /// requested or shown when `window_gone` (no window is running: the caller holds the window
    /// lock), and any sale still waiting for its QR long after a QR could live (a killed
    /// `counterqr request`). A QR that `counterqr request` printed stays `shown`: what became of
    /// it is up to the program that asked, and the watch. Their payment stays unsettled, so the
    /// watch can still find it. Returns how many.
    pub fn mark_interrupted(
        &self,
        window_gone: bool,
        now: OffsetDateTime,
    ) -> Result<usize, JournalError> {
        let stale = now.checked_sub(STALE_AFTER).unwrap_or(now);
        let changed = self.conn()?.execute(
            "UPDATE sales SET outcome = 'interrupted', updated_at = ?1,
                 reason = 'the till stopped while this sale was open'
             WHERE (outcome IN ('requested', 'shown') AND ?2 AND source IN ('window', 'api'))
                OR (outcome = 'requested' AND created_at < ?3)",
            params![time_text(now), window_gone, time_text(stale)],
        )?;
        if changed > 0 {
            tracing::warn!(
                count = changed,
                "sales left open by a stopped till marked interrupted"
            );
        }
        Ok(changed)
    }
}

/// Writes a sale before its QR is asked for; a retry of the same sale (its reference reused)
/// opens it again, unless it is paid.
fn insert_requested(
    conn: &rusqlite::Connection,
    sale: &crate::domain::Sale,
    provider: crate::domain::ProviderId,
    now: &str,
    local_date: time::Date,
) -> Result<usize, rusqlite::Error> {
    let c = &sale.customer;
    conn.execute(
        "INSERT INTO sales (reference, provider, amount_paise, created_at, local_date,
             source, customer_name, customer_mobile, customer_email, bill_ref,
             outcome, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'requested', ?4)
         ON CONFLICT (reference) DO UPDATE SET
             outcome = 'requested', reason = NULL, settled_at = NULL,
             updated_at = excluded.updated_at
         WHERE sales.outcome != 'paid'",
        params![
            sale.reference.as_str(),
            provider.as_str(),
            i64::try_from(sale.amount.paise()).unwrap_or(i64::MAX),
            now,
            local_date.to_string(),
            sale.source.as_str(),
            c.name,
            c.mobile,
            c.email,
            sale.extra.bill_ref,
        ],
    )
}

/// Makes sure `reference` is watched until `until` at least (a paid sale is left alone).
fn watch_until_at_least(
    conn: &rusqlite::Connection,
    reference: &str,
    until: OffsetDateTime,
) -> Result<usize, rusqlite::Error> {
    conn.execute(
        "UPDATE sales SET watch_until = ?2
         WHERE reference = ?1 AND outcome != 'paid'
           AND (watch_until IS NULL OR watch_until < ?2)",
        params![reference, time_text(until)],
    )
}

/// The QR left the screen (or never came) with `outcome`. A sale whose payment is watched stays
/// unsettled until its watch ends; one that is not watched (or whose watch is over) is settled.
fn end_display(
    conn: &rusqlite::Connection,
    reference: &str,
    now: &str,
    outcome: &str,
    reason: Option<&String>,
) -> Result<usize, rusqlite::Error> {
    conn.execute(
        "UPDATE sales SET outcome = ?3, reason = coalesce(?4, reason), updated_at = ?2,
             settled_at = CASE WHEN watch_until IS NULL OR watch_until <= ?2 THEN ?2
                               ELSE settled_at END
         WHERE reference = ?1 AND outcome != 'paid'",
        params![reference, now, outcome, reason],
    )
}
