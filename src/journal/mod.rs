//! The sales journal: every sale recorded durably in SQLite (WAL, `synchronous = FULL`) before its
//! QR is asked for, and updated step by step as the flow decides ([`Journal::record`] is the one
//! place a step is written). A crash or a power cut loses nothing: a sale left open is marked
//! `interrupted` when the till starts again, and a sale whose payment may still arrive stays
//! unsettled until the watch over it ends. Nothing ever turns `paid` into anything else. No secret
//! is ever written here.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OptionalExtension as _, params};
use time::{Date, OffsetDateTime, UtcOffset};

use crate::domain::{
    Customer, Outcome, PaidDetails, PaidHow, Paise, ProviderId, Sale, SaleExtra, SaleRef, Source,
};

mod export;
mod record;
mod schema;
mod writer;

pub use export::{REDACTED, to_csv, totals};
pub use schema::SCHEMA_VERSION;
pub use writer::{Receipt, Writer};

/// The journal's file name inside the data directory.
pub const JOURNAL_FILE_NAME: &str = "journal.sqlite3";

/// How far back the till looks for sales whose payment may still be unknown, when it starts.
pub const UNSETTLED_HORIZON: time::Duration = time::Duration::days(2);

/// One sale as the journal has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRecord {
    pub reference: SaleRef,
    pub provider: ProviderId,
    pub amount: Paise,
    /// When the sale was first recorded.
    pub created_at: OffsetDateTime,
    /// The shop's calendar day.
    pub local_date: Date,
    pub source: Source,
    pub customer: Customer,
    /// The billing software's bill reference, when it sent the sale.
    pub bill_ref: Option<String>,
    pub outcome: Outcome,
    pub paid_how: Option<PaidHow>,
    pub reason: Option<String>,
    pub paid: PaidDetails,
    pub gateway_ids: Vec<(String, String)>,
    pub payload: Option<String>,
    pub expires_at: Option<OffsetDateTime>,
    /// Until when the payment is watched for (`None`: the provider cannot confirm payments).
    pub watch_until: Option<OffsetDateTime>,
    /// When the sale's payment was settled (paid, or the watch over it ended); `None` while a
    /// payment may still arrive.
    pub settled_at: Option<OffsetDateTime>,
}

impl SaleRecord {
    /// The sale again, to ask the gateway about it (same reference, amount and customer).
    pub fn to_sale(&self) -> Sale {
        let mut sale = Sale::new(self.reference.clone(), self.amount, self.customer.clone());
        sale.extra = SaleExtra {
            bill_ref: self.bill_ref.clone(),
            ..SaleExtra::default()
        };
        sale.source = self.source;
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
    /// Erased customer details may still sit in the write-ahead log: a checkpoint was busy (a
    /// reader held it), so the next erase tries again even when it clears nothing new.
    wal_holds_erased: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

/// A moment as the journal writes it: UTC, whole seconds, so the text sorts as the time does.
pub(crate) fn time_text(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

impl Journal {
    /// Opens (creating if need be) the journal at `path`, bringing its schema up to date.
    /// `offset` is the shop's time zone, for calendar days.
    pub fn open(path: &Path, offset: UtcOffset) -> Result<Self, JournalError> {
        Self::open_private(path, offset)
    }

    fn open_private(path: &Path, offset: UtcOffset) -> Result<Self, JournalError> {
        let open_error = |source| JournalError::Open {
            path: path.to_path_buf(),
            source,
        };
        let io_error =
            |e: std::io::Error| open_error(rusqlite::Error::ToSqlConversionFailure(Box::new(e)));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_dir(dir).map_err(io_error)?;
        }
        // Customers' names and mobiles are in it: only this user may read it (SQLite gives its
        // -wal and -shm files the same permissions).
        private_file(path).map_err(io_error)?;
        let conn = Connection::open(path).map_err(open_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_error)?;
        // WAL with FULL: each commit is on disk before the call returns, so a power cut after
        // "requested" was written cannot lose the sale.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_error)?;
        // Erased customer details are overwritten with zeros, not left in free pages.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(open_error)?;
        let journal = Self {
            wal_holds_erased: std::sync::atomic::AtomicBool::new(false),
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
            wal_holds_erased: std::sync::atomic::AtomicBool::new(false),
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
        Ok(usize::try_from(version).unwrap_or_default())
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, JournalError> {
        self.conn.lock().map_err(|_| JournalError::Poisoned)
    }

    fn migrate(&self) -> Result<(), JournalError> {
        let mut conn = self.conn()?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let found = usize::try_from(found).unwrap_or(usize::MAX);
        if found > SCHEMA_VERSION {
            return Err(JournalError::TooNew {
                path: PathBuf::new(),
                found,
            });
        }
        for (version, sql) in schema::MIGRATIONS.iter().enumerate().skip(found) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (version + 1) as i64)?;
            tx.commit()?;
            tracing::info!(schema = version + 1, "sales journal migrated");
        }
        Ok(())
    }

    /// The sales of the calendar days `from..=to`, newest first.
    pub fn sales_between(&self, from: Date, to: Date) -> Result<Vec<SaleRecord>, JournalError> {
        self.select(
            "WHERE local_date BETWEEN ?1 AND ?2 ORDER BY created_at DESC, id DESC",
            params![from.to_string(), to.to_string()],
        )
    }

    /// One sale by its reference.
    pub fn sale(&self, reference: &SaleRef) -> Result<Option<SaleRecord>, JournalError> {
        let conn = self.conn()?;
        Ok(conn
            .query_row(
                &format!("SELECT {RECORD_COLUMNS} FROM sales WHERE reference = ?1"),
                params![reference.as_str()],
                row_to_record,
            )
            .optional()?)
    }

    /// The sale billing software sent under `bill_ref`, if any.
    pub fn sale_by_bill(&self, bill_ref: &str) -> Result<Option<SaleRecord>, JournalError> {
        let conn = self.conn()?;
        Ok(conn
            .query_row(
                &format!("SELECT {RECORD_COLUMNS} FROM sales WHERE bill_ref = ?1"),
                params![bill_ref],
                row_to_record,
            )
            .optional()?)
    }

    /// `provider`'s sales whose payment may still be unknown (not paid, not settled), made since
    /// `since`, oldest first: what the watch picks up again when the till starts.
    pub fn unsettled(
        &self,
        provider: ProviderId,
        since: OffsetDateTime,
    ) -> Result<Vec<SaleRecord>, JournalError> {
        self.select(
            "WHERE settled_at IS NULL AND outcome != 'paid' AND provider = ?1
               AND created_at >= ?2 ORDER BY created_at, id",
            params![provider.as_str(), time_text(since)],
        )
    }

    fn select(
        &self,
        rest: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<SaleRecord>, JournalError> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(&format!("SELECT {RECORD_COLUMNS} FROM sales {rest}"))?;
        let rows = statement.query_map(params, row_to_record)?;
        Ok(rows.collect::<Result<_, _>>()?)
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

/// The columns [`row_to_record`] reads, in its order.
const RECORD_COLUMNS: &str = "reference, provider, amount_paise, created_at, local_date, source, \
    customer_name, customer_mobile, customer_email, bill_ref, outcome, paid_how, reason, \
    payer_vpa, bank_reference, gateway_payment_id, gateway_ids, payload, expires_at, \
    watch_until, settled_at";

/// A column read into one of the domain's types through its text.
struct Parsed<T>(T);

impl<T: ParseColumn> FromSql for Parsed<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        T::parse_column(text)
            .map(Parsed)
            .ok_or_else(|| FromSqlError::Other(format!("unexpected \"{text}\"").into()))
    }
}

/// A type stored as text in the journal.
trait ParseColumn: Sized {
    fn parse_column(text: &str) -> Option<Self>;
}

impl ParseColumn for SaleRef {
    fn parse_column(text: &str) -> Option<Self> {
        SaleRef::parse(text)
    }
}
impl ParseColumn for ProviderId {
    fn parse_column(text: &str) -> Option<Self> {
        ProviderId::parse(text)
    }
}
impl ParseColumn for Source {
    fn parse_column(text: &str) -> Option<Self> {
        Source::parse(text)
    }
}
impl ParseColumn for Outcome {
    fn parse_column(text: &str) -> Option<Self> {
        Outcome::parse(text)
    }
}
impl ParseColumn for PaidHow {
    fn parse_column(text: &str) -> Option<Self> {
        PaidHow::parse(text)
    }
}
impl ParseColumn for OffsetDateTime {
    fn parse_column(text: &str) -> Option<Self> {
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
    }
}
impl ParseColumn for Date {
    fn parse_column(text: &str) -> Option<Self> {
        Date::parse(text, &time::format_description::well_known::Iso8601::DATE).ok()
    }
}

fn parsed<T: ParseColumn>(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T> {
    row.get::<_, Parsed<T>>(i).map(|p| p.0)
}

fn parsed_opt<T: ParseColumn>(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<T>> {
    row.get::<_, Option<Parsed<T>>>(i).map(|p| p.map(|p| p.0))
}

fn row_to_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<SaleRecord> {
    let amount: i64 = row.get(2)?;
    let ids: Option<String> = row.get(16)?;
    Ok(SaleRecord {
        reference: parsed(row, 0)?,
        provider: parsed(row, 1)?,
        amount: Paise::new(u64::try_from(amount).unwrap_or_default()),
        created_at: parsed(row, 3)?,
        local_date: parsed(row, 4)?,
        source: parsed(row, 5)?,
        customer: Customer {
            name: row.get(6)?,
            mobile: row.get(7)?,
            email: row.get(8)?,
        },
        bill_ref: row.get(9)?,
        outcome: parsed(row, 10)?,
        paid_how: parsed_opt(row, 11)?,
        reason: row.get(12)?,
        paid: PaidDetails {
            payer_vpa: row.get(13)?,
            bank_reference: row.get(14)?,
            gateway_payment_id: row.get(15)?,
        },
        gateway_ids: ids
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default(),
        payload: row.get(17)?,
        expires_at: parsed_opt(row, 18)?,
        watch_until: parsed_opt(row, 19)?,
        settled_at: parsed_opt(row, 20)?,
    })
}

#[cfg(test)]
mod tests;

/// Creates `dir` (and its parents) and makes it this user's alone (0700 on Unix).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Creates `path` if needed, empty and readable by this user alone (0600 on Unix), and makes an
/// existing one so.
fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    drop(options.open(path)?);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The first day whose customer details are kept, when they are kept `days` days.
pub fn customer_cutoff(today: time::Date, days: u64) -> time::Date {
    let days = i64::try_from(days).unwrap_or(i64::MAX);
    today
        .checked_sub(time::Duration::days(days.min(365 * 100)))
        .unwrap_or(time::Date::MIN)
}
