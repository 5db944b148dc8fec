//! The journal's schema, versioned with `PRAGMA user_version`: each step brings a file from
//! version `i` to `i + 1`, so any older file is brought up to date when it is opened.

/// Each step brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: [&str; 3] = [
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
    // 3: every sale watched until it is settled (`watch_until`, `settled_at`); the billing
    // software's bill reference, one sale per bill; and paid made final in the file itself, so no
    // later write can turn a paid sale into anything else. Sales from before are settled, except
    // unpaid PayU sales, which the till asks PayU about once.
    "ALTER TABLE sales ADD COLUMN watch_until TEXT;
     ALTER TABLE sales ADD COLUMN settled_at TEXT;
     ALTER TABLE sales ADD COLUMN bill_ref TEXT;
     UPDATE sales SET settled_at = updated_at WHERE outcome = 'paid' OR provider != 'payu';
     CREATE INDEX sales_unsettled ON sales (created_at) WHERE settled_at IS NULL;
     CREATE UNIQUE INDEX sales_by_bill ON sales (bill_ref) WHERE bill_ref IS NOT NULL;
     CREATE TRIGGER paid_is_final BEFORE UPDATE OF outcome ON sales
        WHEN OLD.outcome = 'paid' AND NEW.outcome IS NOT 'paid'
        BEGIN SELECT RAISE(IGNORE); END;",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();
