//! The journal's tests: a sale's life step by step, paid is final, the watch's settling, the
//! interrupted marking, migrations, CSV and totals.

use std::time::Duration;

use rusqlite::Connection;
use time::UtcOffset;

use super::schema::MIGRATIONS;
use super::*;
use crate::domain::Record;

fn sale(rupees: u64, name: Option<&str>) -> Sale {
    Sale::new(
        crate::reference::new_sale_ref(),
        Paise::from_rupees(rupees),
        Customer {
            name: name.map(str::to_owned),
            ..Customer::default()
        },
    )
}

fn at(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_795_000_000 + secs).expect("valid time")
}

fn requested(sale: &Sale, source: Source) -> Record {
    let mut sale = sale.clone();
    sale.source = source;
    Record::Requested {
        sale,
        provider: ProviderId::Payu,
    }
}

fn shown(sale: &Sale, grace: Option<u64>) -> Record {
    Record::Shown {
        reference: sale.reference.clone(),
        payload: "upi://pay?pa=a@b&am=500.00".into(),
        gateway_ids: vec![("transactionId".into(), sale.reference.to_string())],
        expires_in: Duration::from_secs(300),
        grace: grace.map(Duration::from_secs),
    }
}

fn paid(sale: &Sale, how: PaidHow, bank: &str) -> Record {
    Record::Paid {
        reference: sale.reference.clone(),
        how,
        details: PaidDetails {
            payer_vpa: Some("c@okicici".into()),
            bank_reference: Some(bank.into()),
            gateway_payment_id: Some("999".into()),
        },
    }
}

fn get(journal: &Journal, sale: &Sale) -> SaleRecord {
    journal.sale(&sale.reference).expect("read").expect("there")
}

#[test]
fn a_sales_life_is_recorded_step_by_step() {
    let journal = Journal::in_memory().expect("journal");
    let sale = sale(500, Some("Ravi"));
    journal
        .record(&requested(&sale, Source::Window), at(0))
        .expect("requested");
    let record = get(&journal, &sale);
    assert_eq!(record.outcome, Outcome::Requested);
    assert_eq!(record.amount, Paise::from_rupees(500));
    assert_eq!(record.customer.name.as_deref(), Some("Ravi"));
    assert_eq!(record.source, Source::Window);

    journal
        .record(&shown(&sale, Some(120)), at(1))
        .expect("shown");
    let record = get(&journal, &sale);
    assert_eq!(record.expires_at, Some(at(301)));
    assert_eq!(record.watch_until, Some(at(421)), "expiry plus the grace");
    assert_eq!(record.settled_at, None);
    let expired = Record::Expired {
        reference: sale.reference.clone(),
    };
    journal.record(&expired, at(301)).expect("expired");
    assert_eq!(get(&journal, &sale).settled_at, None, "still watched");
    // Retried: the same sale is asked for again, then paid.
    journal
        .record(&requested(&sale, Source::Window), at(302))
        .expect("again");
    journal
        .record(&paid(&sale, PaidHow::Late, "BR1"), at(320))
        .expect("paid");
    let record = get(&journal, &sale);
    assert_eq!(record.outcome, Outcome::Paid);
    assert_eq!(record.paid_how, Some(PaidHow::Late));
    assert_eq!(record.paid.bank_reference.as_deref(), Some("BR1"));
    assert_eq!(record.settled_at, Some(at(320)));
    assert_eq!(
        record.payload.as_deref(),
        Some("upi://pay?pa=a@b&am=500.00")
    );
    assert_eq!(record.gateway_ids[0].0, "transactionId");
    assert_eq!(record.created_at, at(0), "created once, kept on retry");
    let day = journal.today(at(0));
    assert_eq!(journal.sales_between(day, day).expect("list").len(), 1);
}

#[test]
fn nothing_turns_a_paid_sale_into_anything_else() {
    let journal = Journal::in_memory().expect("journal");
    let sale = sale(500, None);
    journal
        .record(&requested(&sale, Source::Window), at(0))
        .expect("r");
    journal.record(&shown(&sale, Some(120)), at(1)).expect("s");
    assert!(
        journal
            .record(&paid(&sale, PaidHow::Polled, "FIRST"), at(5))
            .expect("paid")
    );
    let r = sale.reference.clone();
    for later in [
        Record::Expired {
            reference: r.clone(),
        },
        Record::Cancelled {
            reference: r.clone(),
        },
        Record::NotPaid {
            reference: r.clone(),
        },
        Record::Failed {
            reference: r.clone(),
            reason: "x".into(),
            watch_for: Some(std::time::Duration::from_secs(120)),
        },
        Record::AttemptFailed {
            reference: r.clone(),
            reason: "x".into(),
        },
        Record::WatchEnded {
            reference: r.clone(),
            last_failure: Some("x".into()),
        },
        requested(&sale, Source::Window),
        shown(&sale, Some(120)),
        paid(&sale, PaidHow::Reconciled, "SECOND"),
    ] {
        assert!(
            !journal.record(&later, at(10)).expect("no error"),
            "{later:?}"
        );
        let record = get(&journal, &sale);
        assert_eq!(record.outcome, Outcome::Paid, "{later:?}");
        assert_eq!(record.paid.bank_reference.as_deref(), Some("FIRST"));
        assert_eq!(record.paid_how, Some(PaidHow::Polled));
    }
    // Not even a hand-written UPDATE can: the file's trigger refuses it.
    journal
        .conn()
        .expect("conn")
        .execute("UPDATE sales SET outcome = 'expired'", [])
        .expect("ignored, not an error");
    assert_eq!(get(&journal, &sale).outcome, Outcome::Paid);
}

#[test]
fn the_watch_settles_a_sale_when_it_ends() {
    let journal = Journal::in_memory().expect("journal");
    let quiet = sale(100, None);
    let failing = sale(200, None);
    for s in [&quiet, &failing] {
        journal
            .record(&requested(s, Source::Window), at(0))
            .expect("r");
        journal.record(&shown(s, Some(120)), at(1)).expect("s");
    }
    let attempt = Record::AttemptFailed {
        reference: failing.reference.clone(),
        reason: "the customer's bank declined".into(),
    };
    journal.record(&attempt, at(50)).expect("attempt");
    assert_eq!(
        get(&journal, &failing).outcome,
        Outcome::Shown,
        "the QR is still valid"
    );
    let since = at(-3600);
    assert_eq!(
        journal
            .unsettled(ProviderId::Payu, since)
            .expect("list")
            .len(),
        2
    );
    for (s, failure) in [(&quiet, None), (&failing, Some("declined".to_owned()))] {
        let ended = Record::WatchEnded {
            reference: s.reference.clone(),
            last_failure: failure,
        };
        journal.record(&ended, at(421)).expect("ended");
    }
    assert_eq!(get(&journal, &quiet).outcome, Outcome::Expired);
    assert_eq!(get(&journal, &failing).outcome, Outcome::Failed);
    assert_eq!(get(&journal, &failing).reason.as_deref(), Some("declined"));
    assert!(
        journal
            .unsettled(ProviderId::Payu, since)
            .expect("list")
            .is_empty()
    );
    // A sale that is not watched is settled as soon as it leaves the screen.
    let by_hand = sale(300, None);
    journal
        .record(&requested(&by_hand, Source::Window), at(0))
        .expect("r");
    journal.record(&shown(&by_hand, None), at(1)).expect("s");
    let not_paid = Record::NotPaid {
        reference: by_hand.reference.clone(),
    };
    journal.record(&not_paid, at(9)).expect("n");
    assert_eq!(get(&journal, &by_hand).settled_at, Some(at(9)));
}

#[test]
fn open_sales_of_a_stopped_till_become_interrupted_and_stay_unsettled() {
    let journal = Journal::in_memory().expect("journal");
    let window = sale(100, None);
    let cli = sale(200, None);
    let old_cli = sale(300, None);
    let done = sale(400, None);
    journal
        .record(&requested(&window, Source::Window), at(0))
        .expect("w");
    journal
        .record(&shown(&window, Some(120)), at(1))
        .expect("w");
    journal
        .record(&requested(&cli, Source::Cli), at(0))
        .expect("c");
    journal
        .record(&requested(&old_cli, Source::Cli), at(-4 * 3600))
        .expect("o");
    journal
        .record(&requested(&done, Source::Window), at(0))
        .expect("d");
    let cancelled = Record::Cancelled {
        reference: done.reference.clone(),
    };
    journal.record(&cancelled, at(1)).expect("cancelled");

    assert_eq!(journal.mark_interrupted(true, at(10)).expect("mark"), 2);
    assert_eq!(get(&journal, &window).outcome, Outcome::Interrupted);
    assert_eq!(
        get(&journal, &window).settled_at,
        None,
        "its payment may still come"
    );
    assert_eq!(
        get(&journal, &cli).outcome,
        Outcome::Requested,
        "a live CLI request is left alone"
    );
    assert_eq!(
        get(&journal, &old_cli).outcome,
        Outcome::Interrupted,
        "too old to be live"
    );
    assert_eq!(get(&journal, &done).outcome, Outcome::Cancelled);
    // A payment found later still lands.
    journal
        .record(&paid(&window, PaidHow::AfterRestart, "B9"), at(20))
        .expect("paid");
    assert_eq!(get(&journal, &window).outcome, Outcome::Paid);
}

#[test]
fn a_second_schema_file_is_migrated_with_its_sales_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch(MIGRATIONS[0]).expect("schema 1");
        conn.execute_batch(MIGRATIONS[1]).expect("schema 2");
        conn.pragma_update(None, "user_version", 2)
            .expect("version");
        for (reference, provider, outcome) in [
            ("CQOLD1", "upi", "paid"),
            ("CQOLD2", "payu", "shown"),
            ("CQOLD3", "payu", "paid"),
            ("CQOLD4", "oqpay", "shown"),
        ] {
            conn.execute(
                "INSERT INTO sales (reference, provider, amount_paise, created_at, local_date,
                     source, outcome, updated_at, paid_how)
                 VALUES (?1, ?2, 12345, '2026-01-02T03:04:05Z', '2026-01-02', 'window',
                     ?3, '2026-01-02T03:04:05Z', 'polled')",
                params![reference, provider, outcome],
            )
            .expect("a sale from the second version");
        }
    }
    let journal = Journal::open(&path, UtcOffset::UTC).expect("migrates");
    assert_eq!(journal.schema_version().expect("version"), SCHEMA_VERSION);
    let old = |r: &str| {
        journal
            .sale(&SaleRef::parse(r).expect("ref"))
            .expect("read")
            .expect("kept")
    };
    assert_eq!(old("CQOLD1").amount, Paise::new(12345));
    assert_eq!(old("CQOLD1").paid_how, Some(PaidHow::Polled));
    assert!(old("CQOLD1").settled_at.is_some());
    assert!(
        old("CQOLD2").settled_at.is_none(),
        "an unpaid PayU sale is asked about once"
    );
    assert!(old("CQOLD3").settled_at.is_some());
    assert!(old("CQOLD4").settled_at.is_some(), "OQPay cannot be asked");
    drop(journal);
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
fn one_sale_per_bill_reference() {
    let journal = Journal::in_memory().expect("journal");
    let mut first = sale(500, None);
    first.extra.bill_ref = Some("INV-0042".into());
    journal
        .record(&requested(&first, Source::Api), at(0))
        .expect("first");
    let found = journal
        .sale_by_bill("INV-0042")
        .expect("read")
        .expect("there");
    assert_eq!(found.reference, first.reference);
    assert_eq!(found.to_sale().extra.bill_ref.as_deref(), Some("INV-0042"));
    let mut second = sale(600, None);
    second.extra.bill_ref = Some("INV-0042".into());
    assert!(
        journal
            .record(&requested(&second, Source::Api), at(1))
            .is_err()
    );
}

#[test]
fn csv_quotes_names_with_commas_and_quotes() {
    let journal = Journal::in_memory().expect("journal");
    let tricky = sale(500, Some("Sharma, \"Ravi\" & Sons"));
    journal
        .record(&requested(&tricky, Source::Window), at(0))
        .expect("requested");
    let day = journal.today(at(0));
    let records = journal.sales_between(day, day).expect("list");
    let text = to_csv(&records, false).expect("csv");
    assert!(
        text.contains("\"Sharma, \"\"Ravi\"\" & Sons\""),
        "quoted and doubled: {text}"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let row = reader.records().next().expect("a row").expect("parses");
    let column = |name: &str| {
        let i = headers.iter().position(|h| h == name).expect("column");
        row[i].to_owned()
    };
    assert_eq!(column("customer_name"), "Sharma, \"Ravi\" & Sons");
    assert_eq!(column("amount"), "500.00");
    assert_eq!(column("outcome"), "requested");
}

#[test]
fn totals_count_and_sum_each_outcome_without_overflow() {
    let journal = Journal::in_memory().expect("journal");
    let make = |rupees, outcome: Option<Record>| {
        let s = sale(rupees, None);
        journal
            .record(&requested(&s, Source::Window), at(0))
            .expect("r");
        if let Some(mut step) = outcome {
            match &mut step {
                Record::Expired { reference } => *reference = s.reference.clone(),
                Record::Paid { reference, .. } => *reference = s.reference.clone(),
                _ => {}
            }
            journal.record(&step, at(1)).expect("step");
        }
    };
    let placeholder = SaleRef::from_parts(0, 0, 0);
    make(
        1,
        Some(paid(
            &Sale::new(placeholder.clone(), Paise::new(1), Customer::default()),
            PaidHow::ByHand,
            "b",
        )),
    );
    make(
        2,
        Some(paid(
            &Sale::new(placeholder.clone(), Paise::new(1), Customer::default()),
            PaidHow::ByHand,
            "b",
        )),
    );
    make(
        9,
        Some(Record::Expired {
            reference: placeholder,
        }),
    );
    let day = journal.today(at(0));
    let records = journal.sales_between(day, day).expect("list");
    assert_eq!(
        totals(&records),
        [
            (Outcome::Expired, 1, Paise::from_rupees(9)),
            (Outcome::Paid, 2, Paise::from_rupees(3)),
        ]
    );
    let mut huge = records[0].clone();
    huge.amount = Paise::new(u64::MAX);
    let twice = [huge.clone(), huge];
    assert_eq!(totals(&twice)[0].2, Paise::new(u64::MAX));
}

#[test]
fn an_unconfirmed_already_paid_keeps_the_sale_open_until_its_watch_ends() {
    // Shown, expired and its watch over (the payment landed at the last second and the status
    // lagged); a retry is refused "already paid" without confirmation: the sale stays open.
    let journal = Journal::in_memory().expect("journal");
    let s = sale(500, None);
    journal
        .record(&requested(&s, Source::Window), at(0))
        .expect("r");
    journal.record(&shown(&s, Some(120)), at(1)).expect("s");
    let ended = Record::WatchEnded {
        reference: s.reference.clone(),
        last_failure: None,
    };
    journal.record(&ended, at(500)).expect("ended");
    journal
        .record(&requested(&s, Source::Window), at(510))
        .expect("retry");
    let refused = Record::Failed {
        reference: s.reference.clone(),
        reason: "PayU says this sale is already paid (E2012)".into(),
        watch_for: Some(std::time::Duration::from_secs(120)),
    };
    journal.record(&refused, at(511)).expect("failed");
    assert_eq!(get(&journal, &s).outcome, Outcome::Failed);
    let open = journal
        .unsettled(ProviderId::Payu, at(-3600))
        .expect("list");
    assert_eq!(open.len(), 1, "still watched, so resumed after a restart");
    // Without the watch, the same failure settles it.
    let plain = sale(300, None);
    journal
        .record(&requested(&plain, Source::Window), at(0))
        .expect("r");
    let failed = Record::Failed {
        reference: plain.reference.clone(),
        reason: "no QR".into(),
        watch_for: None,
    };
    journal.record(&failed, at(1)).expect("failed");
    assert_eq!(
        journal
            .unsettled(ProviderId::Payu, at(-3600))
            .expect("list")
            .len(),
        1
    );
}

#[test]
fn csv_cells_never_run_as_formulas_and_redaction_keeps_the_money() {
    let journal = Journal::in_memory().expect("journal");
    let hostile = [
        "=HYPERLINK(\"http://evil.example\",\"Click\")",
        "+91 98765",
        "-2+3",
        "@SUM(A1:A9)",
        "\tTAB",
        "\rCR",
        "\u{FF1D}HYPERLINK(\"http://evil.example\")",
        "\u{FF0B}1",
        "\u{200B}=cmd",
        " =cmd",
        "\u{0007}=cmd",
        "\u{200D}=HYPERLINK(\"http://evil.example\")",
        "\u{FE66}1+1",
        "\u{2212}2+3",
    ];
    let mut sales = Vec::new();
    for (i, name) in hostile.iter().enumerate() {
        let s = sale(100 + i as u64, Some(name));
        journal
            .record(&requested(&s, Source::Window), at(0))
            .expect("requested");
        let failed = Record::Failed {
            reference: s.reference.clone(),
            reason: "=cmd|' /C calc'!A0".into(),
            watch_for: None,
        };
        journal.record(&failed, at(1)).expect("failed");
        sales.push(s);
    }
    let day = journal.today(at(0));
    let records = journal.sales_between(day, day).expect("list");
    for redact in [false, true] {
        let text = to_csv(&records, redact).expect("csv");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().expect("header").clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("parses")).collect();
        assert_eq!(rows.len(), hostile.len());
        for row in &rows {
            for cell in row {
                assert!(
                    !cell.starts_with([
                        '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{200B}', ' ',
                        '\u{7}', '\u{200D}', '\u{FE66}', '\u{2212}'
                    ]),
                    "a live formula: {cell:?}"
                );
            }
            let column =
                |name: &str| row[headers.iter().position(|h| h == name).expect(name)].to_owned();
            assert_eq!(column("reason"), "'=cmd|' /C calc'!A0", "kept, made inert");
            let name = column("customer_name");
            if redact {
                assert_eq!(name, super::export::REDACTED);
            } else {
                assert!(hostile.iter().any(|h| name == format!("'{h}")), "{name:?}");
            }
            assert!(column("amount").ends_with(".00"), "amounts stay");
            assert!(column("reference").starts_with("CQ"), "references stay");
        }
    }
}

#[test]
fn customer_details_are_erased_after_their_days_and_the_money_stays() {
    let journal = Journal::in_memory().expect("journal");
    let old = sale(700, Some("Old Customer"));
    let new = sale(800, Some("New Customer"));
    let day = 86_400;
    journal
        .record(&requested(&old, Source::Window), at(0))
        .expect("old");
    journal
        .record(&paid(&old, PaidHow::Polled, "BANK1"), at(10))
        .expect("paid");
    journal
        .record(&requested(&new, Source::Window), at(31 * day))
        .expect("new");
    let today = journal.today(at(31 * day));
    let cutoff = super::customer_cutoff(today, 30);
    assert_eq!(journal.erase_customer_details(cutoff).expect("erase"), 1);
    let erased = get(&journal, &old);
    assert_eq!(
        erased.customer,
        Customer::default(),
        "name, mobile, e-mail gone"
    );
    assert_eq!(erased.paid.payer_vpa, None);
    assert_eq!(erased.outcome, Outcome::Paid, "the outcome stays");
    assert_eq!(erased.amount, Paise::from_rupees(700));
    assert_eq!(erased.paid.bank_reference.as_deref(), Some("BANK1"));
    assert_eq!(
        get(&journal, &new).customer.name.as_deref(),
        Some("New Customer")
    );
    assert_eq!(journal.erase_customer_details(cutoff).expect("again"), 0);
    // Days beyond any calendar do not panic: everything is kept.
    assert!(super::customer_cutoff(today, u64::MAX) < today);
}

#[test]
fn erased_customer_details_leave_no_bytes_behind_in_the_files() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("journal.sqlite3");
    let journal = Journal::open(&path, time::UtcOffset::UTC).expect("open");
    let gone = sale(700, Some("Zebediah Quartermaine"));
    journal
        .record(&requested(&gone, Source::Window), at(0))
        .expect("requested");
    journal
        .record(&paid(&gone, PaidHow::Polled, "BANK1"), at(10))
        .expect("paid");
    let later = journal.today(at(40 * 86_400));
    assert_eq!(
        journal
            .erase_customer_details(super::customer_cutoff(later, 30))
            .expect("erase"),
        1
    );
    for file in std::fs::read_dir(dir.path()).expect("dir") {
        let file = file.expect("entry").path();
        let bytes = std::fs::read(&file).expect("read");
        let found = bytes.windows(9).any(|w| w == b"Zebediah ");
        assert!(!found, "{} still holds the erased name", file.display());
    }
    assert_eq!(get(&journal, &gone).outcome, Outcome::Paid);
}

#[test]
fn erased_details_held_in_the_log_by_a_reader_leave_it_at_the_next_erase() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("journal.sqlite3");
    let journal = Journal::open(&path, time::UtcOffset::UTC).expect("open");
    let gone = sale(700, Some("Zanzibar Quixotic"));
    journal
        .record(&requested(&gone, Source::Window), at(0))
        .expect("requested");
    // Another process (`counterqr history`) reads while the erase runs: the checkpoint is busy.
    let reader = rusqlite::Connection::open(&path).expect("reader");
    reader.execute_batch("BEGIN").expect("begin");
    let _: i64 = reader
        .query_row("SELECT count(*) FROM sales", [], |r| r.get(0))
        .expect("read");
    let later = super::customer_cutoff(journal.today(at(40 * 86_400)), 30);
    assert_eq!(journal.erase_customer_details(later).expect("erase"), 1);
    reader.execute_batch("COMMIT").expect("commit");
    drop(reader);
    // The next erase clears nothing new, but empties the log it could not empty before.
    assert_eq!(journal.erase_customer_details(later).expect("again"), 0);
    for file in std::fs::read_dir(dir.path()).expect("dir") {
        let file = file.expect("entry").path();
        let bytes = std::fs::read(&file).expect("read");
        let found = bytes.windows(9).any(|w| w == b"Zanzibar ");
        assert!(!found, "{} still holds the erased name", file.display());
    }
}

#[cfg(unix)]
#[test]
fn the_journal_and_its_directory_are_the_users_alone() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let path = data.join("journal.sqlite3");
    let journal = Journal::open(&path, time::UtcOffset::UTC).expect("open");
    let s = sale(100, Some("Private Person"));
    journal
        .record(&requested(&s, Source::Window), at(0))
        .expect("r");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&path), 0o600);
    for extra in ["journal.sqlite3-wal", "journal.sqlite3-shm"] {
        let p = data.join(extra);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{extra}");
        }
    }
    // A journal made before with loose permissions is tightened when opened.
    drop(journal);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let _again = Journal::open(&path, time::UtcOffset::UTC).expect("open");
    assert_eq!((mode(&data), mode(&path)), (0o700, 0o600));
}

#[test]
fn a_full_disk_refuses_the_next_sale_and_loses_no_earlier_one() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = Journal::open(&dir.path().join("j.sqlite3"), time::UtcOffset::UTC).expect("open");
    let first = sale(100, Some("First"));
    journal
        .record(&requested(&first, Source::Window), at(0))
        .expect("first");
    journal
        .record(&paid(&first, PaidHow::Polled, "B1"), at(1))
        .expect("paid");
    {
        // The disk is full: the file may not grow by a single page.
        let conn = journal.conn().expect("conn");
        let pages: u32 = conn
            .query_row("PRAGMA page_count", [], |row| row.get(0))
            .expect("pages");
        let _: u32 = conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |row| {
                row.get(0)
            })
            .expect("limit");
    }
    let mut refused = None;
    for i in 0..500 {
        let s = sale(200 + i, Some(&"long name ".repeat(40)));
        if let Err(e) = journal.record(&requested(&s, Source::Window), at(2)) {
            refused = Some(e);
            break;
        }
    }
    let refused = refused.expect("the full journal refuses a sale");
    assert!(
        refused.to_string().to_lowercase().contains("full"),
        "{refused}"
    );
    let kept = get(&journal, &first);
    assert_eq!(
        (kept.outcome, kept.paid.bank_reference.as_deref()),
        (Outcome::Paid, Some("B1"))
    );
}
