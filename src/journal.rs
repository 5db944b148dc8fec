//! The sales journal: every sale recorded durably in SQLite (WAL, `synchronous = FULL`) before its
//! QR is asked for, and updated as it moves on. A crash or a power cut loses nothing: a sale left
//! open is marked `interrupted` when the till starts again. No secret is ever written here.
//!
//! The schema is versioned with `PRAGMA user_version`; [`MIGRATIONS`] bring any older file up to
//! date when it is opened.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension as _, params};
use serde::Serialize;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::domain::{Customer, Paise, Sale, SaleRef};
use crate::gateway::{PaidDetails, ProviderId, QrGrant};

/// The journal's file name inside the data directory.
pub const JOURNAL_FILE_NAME: &str = "journal.sqlite3";

/// An open sale older than this cannot still be live (the longest QR lives an hour): it is
/// marked interrupted by any process that opens the journal.
const STALE_AFTER: time::Duration = time::Duration::hours(2);

/// Each step brings the schema from version `i` to `i + 1`.
const MIGRATIONS: [&str; 2] = [
    // 1: the sales table.
    "CREATE TABLE sales (
        id INTEGER PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        provider TEXT NOT NULL,
        amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
        created_at TEXT NOT NULL,
        local_date TEXT NOT NULL,
        source TEXT NOT NULL,
        customer_name TEXT,
        customer_mobile TEXT,
        customer_email TEXT,
        gateway_ids TEXT,
        payload TEXT,
        expires_at TEXT,
        outcome TEXT NOT NULL,
        reason TEXT,
        updated_at TEXT NOT NULL
    );",
    // 2: how a payment was confirmed, and what the gateway said about it; a date index for the
    // history screen.
    "ALTER TABLE sales ADD COLUMN paid_how TEXT;
     ALTER TABLE sales ADD COLUMN payer_vpa TEXT;
     ALTER TABLE sales ADD COLUMN bank_reference TEXT;
     ALTER TABLE sales ADD COLUMN gateway_payment_id TEXT;
     CREATE INDEX sales_by_date ON sales (local_date, created_at);",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Where a sale stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Written before the gateway was asked.
    Requested,
    /// The QR is (or was) on screen.
    Shown,
    Expired,
    Paid,
    NotPaid,
    Failed,
    /// The cashier withdrew the request or the QR.
    Cancelled,
    /// The till stopped (crash, power cut) while the sale was open.
    Interrupted,
}

impl Outcome {
    pub const ALL: [Self; 8] = [
        Self::Requested,
        Self::Shown,
        Self::Expired,
        Self::Paid,
        Self::NotPaid,
        Self::Failed,
        Self::Cancelled,
        Self::Interrupted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Shown => "shown",
            Self::Expired => "expired",
            Self::Paid => "paid",
            Self::NotPaid => "not_paid",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Interrupted => "interrupted",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// How a paid sale came to be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaidHow {
    /// The gateway confirmed it.
    Polled,
    /// The cashier pressed "Mark paid".
    ByHand,
}

impl PaidHow {
    fn as_str(self) -> &'static str {
        match self {
            Self::Polled => "polled",
            Self::ByHand => "by_hand",
        }
    }
}

/// Which program wrote a sale: the window (one per PC) or a `counterqr request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Window,
    Cli,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Window => "window",
            Self::Cli => "cli",
        }
    }
}

/// One sale as the journal has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleRecord {
    pub reference: String,
    pub provider: String,
    pub amount_paise: u64,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// The shop's calendar day, `YYYY-MM-DD`.
    pub local_date: String,
    pub customer_name: Option<String>,
    pub customer_mobile: Option<String>,
    pub customer_email: Option<String>,
    pub outcome: Outcome,
    pub paid_how: Option<String>,
    pub reason: Option<String>,
    pub payer_vpa: Option<String>,
    pub bank_reference: Option<String>,
    pub gateway_payment_id: Option<String>,
    /// JSON list of `[name, value]` pairs.
    pub gateway_ids: Option<String>,
    pub payload: Option<String>,
    pub expires_at: Option<String>,
}

impl SaleRecord {
    pub fn amount(&self) -> Paise {
        Paise::new(self.amount_paise)
    }

    /// The sale again, to ask the gateway about it (same reference, amount and customer).
    pub fn to_sale(&self) -> Sale {
        let mut sale = Sale::new(
            self.amount(),
            Customer {
                name: self.customer_name.clone(),
                mobile: self.customer_mobile.clone(),
                email: self.customer_email.clone(),
            },
        );
        sale.reference = SaleRef::from_journal(&self.reference);
        sale
    }
}

/// Why the journal could not be used. The text says which file.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("The sales journal {path} could not be opened: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "The sales journal {path} is from a newer counterqr (schema {found}, this one knows \
         {SCHEMA_VERSION}); it is left untouched"
    )]
    TooNew { path: PathBuf, found: usize },
    #[error("The sales journal could not be written: {0}")]
    Write(#[from] rusqlite::Error),
    #[error("The sales journal is unusable after an earlier failure")]
    Poisoned,
}

/// The journal. Shared by the window's threads; each call is one short transaction.
pub struct Journal {
    conn: Mutex<Connection>,
    offset: UtcOffset,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

fn now_text(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Journal {
    /// Opens (creating if need be) the journal at `path`, bringing its schema up to date.
    /// `offset` is the shop's time zone, for calendar days.
    pub fn open(path: &Path, offset: UtcOffset) -> Result<Self, JournalError> {
        let open_error = |source| JournalError::Open {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| open_error(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        }
        let conn = Connection::open(path).map_err(open_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_error)?;
        // WAL with FULL: each commit is on disk before the call returns, so a power cut after
        // "requested" was written cannot lose the sale.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_error)?;
        let journal = Self {
            conn: Mutex::new(conn),
            offset,
        };
        journal.migrate().map_err(|e| match e {
            JournalError::Write(source) => open_error(source),
            JournalError::TooNew { found, .. } => JournalError::TooNew {
                path: path.to_path_buf(),
                found,
            },
            other => other,
        })?;
        Ok(journal)
    }

    /// A journal in memory, for tests.
    pub fn in_memory() -> Result<Self, JournalError> {
        let journal = Self {
            conn: Mutex::new(Connection::open_in_memory()?),
            offset: UtcOffset::UTC,
        };
        journal.migrate()?;
        Ok(journal)
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<usize, JournalError> {
        let conn = self.conn()?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        Ok(version as usize)
    }

    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>, JournalError> {
        self.conn.lock().map_err(|_| JournalError::Poisoned)
    }

    fn migrate(&self) -> Result<(), JournalError> {
        let mut conn = self.conn()?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let found = found as usize;
        if found > SCHEMA_VERSION {
            return Err(JournalError::TooNew {
                path: PathBuf::new(),
                found,
            });
        }
        for (version, sql) in MIGRATIONS.iter().enumerate().skip(found) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (version + 1) as i64)?;
            tx.commit()?;
            tracing::info!(schema = version + 1, "sales journal migrated");
        }
        Ok(())
    }

    /// Records a sale before its QR is asked for (again, for a retry of the same sale).
    pub fn record_requested(
        &self,
        sale: &Sale,
        provider: ProviderId,
        source: Source,
        at: OffsetDateTime,
    ) -> Result<(), JournalError> {
        let local_date = at.to_offset(self.offset).date().to_string();
        let c = &sale.customer;
        self.conn()?.execute(
            "INSERT INTO sales (reference, provider, amount_paise, created_at, local_date, source,
                 customer_name, customer_mobile, customer_email, outcome, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'requested', ?4)
             ON CONFLICT (reference) DO UPDATE SET
                 outcome = 'requested', reason = NULL, updated_at = excluded.updated_at",
            params![
                sale.reference.as_str(),
                provider.as_str(),
                sale.amount.paise() as i64,
                now_text(at),
                local_date,
                source.as_str(),
                c.name,
                c.mobile,
                c.email,
            ],
        )?;
        Ok(())
    }

    /// The gateway issued a QR and it passed the checks: its ids, payload and expiry.
    pub fn record_shown(
        &self,
        reference: &SaleRef,
        grant: &QrGrant,
        expires_at: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<(), JournalError> {
        let ids = serde_json::to_string(&grant.gateway_ids).unwrap_or_default();
        self.update(
            reference,
            "outcome = 'shown', gateway_ids = ?3, payload = ?4, expires_at = ?5, reason = NULL",
            params![
                reference.as_str(),
                now_text(at),
                ids,
                grant.payload,
                now_text(expires_at)
            ],
        )
    }

    /// The sale ended (or moved on) with `outcome`; `reason` for failures.
    pub fn record_outcome(
        &self,
        reference: &SaleRef,
        outcome: Outcome,
        reason: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<(), JournalError> {
        self.update(
            reference,
            "outcome = ?3, reason = ?4",
            params![reference.as_str(), now_text(at), outcome.as_str(), reason],
        )
    }

    /// Like [`Journal::record_outcome`], but only for a sale still open (requested or shown):
    /// withdrawing a QR must not overwrite a payment that a late status check already recorded.
    pub fn record_open_outcome(
        &self,
        reference: &SaleRef,
        outcome: Outcome,
        at: OffsetDateTime,
    ) -> Result<(), JournalError> {
        self.conn()?.execute(
            "UPDATE sales SET outcome = ?3, updated_at = ?2
             WHERE reference = ?1 AND outcome IN ('requested', 'shown')",
            params![reference.as_str(), now_text(at), outcome.as_str()],
        )?;
        Ok(())
    }

    /// The sale was paid: how, and what the gateway said about the payment.
    pub fn record_paid(
        &self,
        reference: &SaleRef,
        how: PaidHow,
        details: &PaidDetails,
        at: OffsetDateTime,
    ) -> Result<(), JournalError> {
        self.update(
            reference,
            "outcome = 'paid', reason = NULL, paid_how = ?3, payer_vpa = ?4, bank_reference = ?5,
             gateway_payment_id = ?6",
            params![
                reference.as_str(),
                now_text(at),
                how.as_str(),
                details.payer_vpa,
                details.bank_reference,
                details.gateway_payment_id,
            ],
        )
    }

    /// `set` with `?1` = reference and `?2` = the update time, plus its own parameters.
    fn update(
        &self,
        reference: &SaleRef,
        set: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<(), JournalError> {
        let sql = format!("UPDATE sales SET {set}, updated_at = ?2 WHERE reference = ?1");
        let changed = self.conn()?.execute(&sql, params)?;
        if changed == 0 {
            tracing::warn!(sale = %reference, "journal update for a sale it does not have");
        }
        Ok(())
    }

    /// Marks as interrupted the sales a stopped program left open: those the window left
    /// requested or shown when `window_gone` (no window is running: the caller holds the window
    /// lock), and any sale still waiting for its QR long after a QR could live (a killed
    /// `counterqr request`). A QR that `counterqr request` printed stays `shown`: what became of
    /// it is up to the program that asked. Returns how many.
    pub fn mark_interrupted(
        &self,
        window_gone: bool,
        now: OffsetDateTime,
    ) -> Result<usize, JournalError> {
        let stale = now_text(now - STALE_AFTER);
        let changed = self.conn()?.execute(
            "UPDATE sales SET outcome = 'interrupted', updated_at = ?1,
                 reason = 'the till stopped while this sale was open'
             WHERE (outcome IN ('requested', 'shown') AND ?2 AND source = 'window')
                OR (outcome = 'requested' AND created_at < ?3)",
            params![now_text(now), window_gone, stale],
        )?;
        if changed > 0 {
            tracing::warn!(
                count = changed,
                "sales left open by a stopped till marked interrupted"
            );
        }
        Ok(changed)
    }

    /// The sales of the calendar days `from..=to`, newest first.
    pub fn sales_between(&self, from: Date, to: Date) -> Result<Vec<SaleRecord>, JournalError> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(&format!(
            "SELECT {RECORD_COLUMNS} FROM sales WHERE local_date BETWEEN ?1 AND ?2
             ORDER BY created_at DESC, id DESC"
        ))?;
        let rows = statement.query_map(params![from.to_string(), to.to_string()], row_to_record)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One sale by its reference.
    pub fn sale(&self, reference: &str) -> Result<Option<SaleRecord>, JournalError> {
        let conn = self.conn()?;
        Ok(conn
            .query_row(
                &format!("SELECT {RECORD_COLUMNS} FROM sales WHERE reference = ?1"),
                params![reference],
                row_to_record,
            )
            .optional()?)
    }

    /// The shop's time zone.
    pub fn offset(&self) -> UtcOffset {
        self.offset
    }

    /// Today, in the shop's time zone.
    pub fn today(&self, now: OffsetDateTime) -> Date {
        now.to_offset(self.offset).date()
    }
}

/// A journal write, run on the writer thread.
type Job = Box<dyn FnOnce(&Journal) + Send>;

/// Writes to the journal in order on a thread of its own, so the window never waits for the
/// disk. Cloning shares the one thread.
#[derive(Clone)]
pub struct Writer {
    tx: std::sync::mpsc::Sender<Job>,
    journal: std::sync::Arc<Journal>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("journal::Writer")
    }
}

impl Writer {
    /// Starts the writer thread for `journal`.
    pub fn start(journal: std::sync::Arc<Journal>) -> std::io::Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let on_thread = journal.clone();
        std::thread::Builder::new()
            .name("counterqr-journal".to_owned())
            .spawn(move || {
                for job in rx {
                    job(&on_thread);
                }
            })?;
        Ok(Self { tx, journal })
    }

    /// The journal, for reading.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Queues a write after every earlier one; a failure is logged (`what` names it).
    pub fn write(
        &self,
        what: &'static str,
        job: impl FnOnce(&Journal) -> Result<(), JournalError> + Send + 'static,
    ) {
        let queued = self.tx.send(Box::new(move |journal| {
            if let Err(e) = job(journal) {
                tracing::error!("sales journal: {what} not recorded: {e}");
            }
        }));
        if queued.is_err() {
            tracing::error!("sales journal: {what} not recorded: the writer thread stopped");
        }
    }

    /// Queues a write and returns its result when it is on disk.
    pub fn write_confirmed(
        &self,
        job: impl FnOnce(&Journal) -> Result<(), JournalError> + Send + 'static,
    ) -> tokio::sync::oneshot::Receiver<Result<(), String>> {
        let (done, result) = tokio::sync::oneshot::channel();
        let queued = self.tx.send(Box::new(move |journal| {
            let _ = done.send(job(journal).map_err(|e| e.to_string()));
        }));
        if let Err(std::sync::mpsc::SendError(job)) = queued {
            // The thread is gone: write here instead, so the caller still gets an answer.
            job(&self.journal);
        }
        result
    }
}

/// The columns [`row_to_record`] reads, in its order.
const RECORD_COLUMNS: &str = "reference, provider, amount_paise, created_at, local_date, \
    customer_name, customer_mobile, customer_email, outcome, paid_how, reason, payer_vpa, \
    bank_reference, gateway_payment_id, gateway_ids, payload, expires_at";

fn row_to_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<SaleRecord> {
    let outcome: String = row.get(8)?;
    Ok(SaleRecord {
        reference: row.get(0)?,
        provider: row.get(1)?,
        amount_paise: row.get::<_, i64>(2)?.max(0) as u64,
        created_at: row.get(3)?,
        local_date: row.get(4)?,
        customer_name: row.get(5)?,
        customer_mobile: row.get(6)?,
        customer_email: row.get(7)?,
        outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Interrupted),
        paid_how: row.get(9)?,
        reason: row.get(10)?,
        payer_vpa: row.get(11)?,
        bank_reference: row.get(12)?,
        gateway_payment_id: row.get(13)?,
        gateway_ids: row.get(14)?,
        payload: row.get(15)?,
        expires_at: row.get(16)?,
    })
}

/// Count and amount of sales for each outcome, in [`Outcome::ALL`] order, skipping empty ones.
pub fn totals(records: &[SaleRecord]) -> Vec<(Outcome, usize, Paise)> {
    Outcome::ALL
        .into_iter()
        .filter_map(|outcome| {
            let matching: Vec<_> = records.iter().filter(|r| r.outcome == outcome).collect();
            (!matching.is_empty()).then(|| {
                let sum = matching.iter().map(|r| r.amount_paise).sum();
                (outcome, matching.len(), Paise::new(sum))
            })
        })
        .collect()
}

/// The records as CSV, with a header row; names with commas, quotes or line breaks are quoted.
pub fn to_csv(records: &[SaleRecord]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "created_at",
        "local_date",
        "reference",
        "provider",
        "amount",
        "outcome",
        "paid_how",
        "customer_name",
        "customer_mobile",
        "customer_email",
        "payer_vpa",
        "bank_reference",
        "gateway_payment_id",
        "reason",
    ])?;
    for r in records {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        writer.write_record([
            r.created_at.clone(),
            r.local_date.clone(),
            r.reference.clone(),
            r.provider.clone(),
            r.amount().to_decimal_string(),
            r.outcome.as_str().to_owned(),
            text(&r.paid_how),
            text(&r.customer_name),
            text(&r.customer_mobile),
            text(&r.customer_email),
            text(&r.payer_vpa),
            text(&r.bank_reference),
            text(&r.gateway_payment_id),
            text(&r.reason),
        ])?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn sale(rupees: u64, name: Option<&str>) -> Sale {
        Sale::new(
            Paise::from_rupees(rupees),
            Customer {
                name: name.map(str::to_owned),
                ..Customer::default()
            },
        )
    }

    fn grant() -> QrGrant {
        QrGrant {
            payload: "upi://pay?pa=a@b&am=500.00".into(),
            payee_name: "Shop".into(),
            payee_vpa: None,
            expires_in: Duration::from_secs(300),
            picture: None,
            gateway_ids: vec![("transactionId".into(), "CQ1".into())],
        }
    }

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_795_000_000 + secs).expect("valid time")
    }

    #[test]
    fn a_sales_life_is_recorded_step_by_step() {
        let journal = Journal::in_memory().expect("journal");
        let sale = sale(500, Some("Ravi"));
        journal
            .record_requested(&sale, ProviderId::Payu, Source::Window, at(0))
            .expect("requested");
        let record = journal
            .sale(sale.reference.as_str())
            .expect("read")
            .expect("there");
        assert_eq!(record.outcome, Outcome::Requested);
        assert_eq!(record.amount_paise, 50_000);
        assert_eq!(record.customer_name.as_deref(), Some("Ravi"));

        journal
            .record_shown(&sale.reference, &grant(), at(300), at(1))
            .expect("shown");
        journal
            .record_outcome(&sale.reference, Outcome::Expired, None, at(300))
            .expect("expired");
        // Retried: the same sale is asked for again, then paid.
        journal
            .record_requested(&sale, ProviderId::Payu, Source::Window, at(301))
            .expect("again");
        let details = PaidDetails {
            payer_vpa: Some("c@okicici".into()),
            bank_reference: Some("BR1".into()),
            gateway_payment_id: Some("999".into()),
        };
        journal
            .record_paid(&sale.reference, PaidHow::Polled, &details, at(320))
            .expect("paid");
        let record = journal
            .sale(sale.reference.as_str())
            .expect("read")
            .expect("there");
        assert_eq!(record.outcome, Outcome::Paid);
        assert_eq!(record.paid_how.as_deref(), Some("polled"));
        assert_eq!(record.bank_reference.as_deref(), Some("BR1"));
        assert_eq!(
            record.payload.as_deref(),
            Some("upi://pay?pa=a@b&am=500.00")
        );
        assert!(record.gateway_ids.expect("ids").contains("transactionId"));
        assert_eq!(
            record.created_at,
            now_text(at(0)),
            "created once, kept on retry"
        );
        let day = journal.today(at(0));
        assert_eq!(journal.sales_between(day, day).expect("list").len(), 1);
    }

    #[test]
    fn open_sales_of_a_stopped_till_become_interrupted() {
        let journal = Journal::in_memory().expect("journal");
        let window = sale(100, None);
        let cli = sale(200, None);
        let old_cli = sale(300, None);
        let done = sale(400, None);
        journal
            .record_requested(&window, ProviderId::Upi, Source::Window, at(0))
            .expect("w");
        journal
            .record_requested(&cli, ProviderId::Upi, Source::Cli, at(0))
            .expect("c");
        journal
            .record_requested(&old_cli, ProviderId::Upi, Source::Cli, at(-3 * 3600))
            .expect("o");
        journal
            .record_requested(&done, ProviderId::Upi, Source::Window, at(0))
            .expect("d");
        journal
            .record_outcome(&done.reference, Outcome::Cancelled, None, at(1))
            .expect("cancelled");

        assert_eq!(journal.mark_interrupted(true, at(10)).expect("mark"), 2);
        let outcome = |s: &Sale| {
            journal
                .sale(s.reference.as_str())
                .expect("read")
                .expect("there")
                .outcome
        };
        assert_eq!(outcome(&window), Outcome::Interrupted);
        assert_eq!(
            outcome(&cli),
            Outcome::Requested,
            "a live CLI request is left alone"
        );
        assert_eq!(
            outcome(&old_cli),
            Outcome::Interrupted,
            "too old to be live"
        );
        assert_eq!(outcome(&done), Outcome::Cancelled);
    }

    #[test]
    fn a_first_schema_file_is_migrated_with_its_sales_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("journal.sqlite3");
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(MIGRATIONS[0]).expect("schema 1");
            conn.pragma_update(None, "user_version", 1)
                .expect("version");
            conn.execute(
                "INSERT INTO sales (reference, provider, amount_paise, created_at, local_date,
                     source, outcome, updated_at)
                 VALUES ('CQOLD1', 'upi', 12345, '2026-01-02T03:04:05Z', '2026-01-02', 'window',
                     'paid', '2026-01-02T03:04:05Z')",
                [],
            )
            .expect("a sale from the first version");
        }
        let journal = Journal::open(&path, UtcOffset::UTC).expect("migrates");
        assert_eq!(journal.schema_version().expect("version"), SCHEMA_VERSION);
        let old = journal.sale("CQOLD1").expect("read").expect("kept");
        assert_eq!(old.amount_paise, 12345);
        assert_eq!(old.outcome, Outcome::Paid);
        assert_eq!(old.paid_how, None);
        drop(journal);
        // Opening again changes nothing.
        let again = Journal::open(&path, UtcOffset::UTC).expect("reopens");
        assert_eq!(again.schema_version().expect("version"), SCHEMA_VERSION);
    }

    #[test]
    fn a_journal_from_a_newer_version_is_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("journal.sqlite3");
        let conn = Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", 99)
            .expect("version");
        drop(conn);
        assert!(matches!(
            Journal::open(&path, UtcOffset::UTC),
            Err(JournalError::TooNew { found: 99, .. })
        ));
    }

    #[test]
    fn csv_quotes_names_with_commas_and_quotes() {
        let journal = Journal::in_memory().expect("journal");
        let tricky = sale(500, Some("Sharma, \"Ravi\" & Sons"));
        journal
            .record_requested(&tricky, ProviderId::Upi, Source::Window, at(0))
            .expect("requested");
        let day = journal.today(at(0));
        let records = journal.sales_between(day, day).expect("list");
        let text = to_csv(&records).expect("csv");
        assert!(
            text.contains("\"Sharma, \"\"Ravi\"\" & Sons\""),
            "quoted and doubled: {text}"
        );
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let row = reader.records().next().expect("a row").expect("parses");
        assert_eq!(&row[7], "Sharma, \"Ravi\" & Sons");
        assert_eq!(&row[4], "500.00");
        assert_eq!(&row[5], "requested");
    }

    #[test]
    fn totals_count_and_sum_each_outcome() {
        let record = |outcome, paise| SaleRecord {
            reference: String::new(),
            provider: "upi".into(),
            amount_paise: paise,
            created_at: String::new(),
            local_date: String::new(),
            customer_name: None,
            customer_mobile: None,
            customer_email: None,
            outcome,
            paid_how: None,
            reason: None,
            payer_vpa: None,
            bank_reference: None,
            gateway_payment_id: None,
            gateway_ids: None,
            payload: None,
            expires_at: None,
        };
        let records = [
            record(Outcome::Paid, 100),
            record(Outcome::Paid, 250),
            record(Outcome::Expired, 999),
        ];
        assert_eq!(
            totals(&records),
            [
                (Outcome::Expired, 1, Paise::new(999)),
                (Outcome::Paid, 2, Paise::new(350)),
            ]
        );
    }
}
