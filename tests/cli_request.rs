//! `counterqr request` run as a process: the payload, `--json`, `--png`, and one-line failures.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("config.toml"), config).expect("write config");
        Self { dir }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_counterqr"))
            .args(args)
            .env("COUNTERQR_CONFIG", self.path("config.toml"))
            .env("COUNTERQR_DATA_DIR", self.path("data"))
            .env_remove("RUST_LOG")
            .output()
            .expect("run counterqr")
    }
}

const FAST_TRAINING: &str = "[training]\nmin_delay_ms = 0\nmax_delay_ms = 0\n";

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn decode_png(path: &Path) -> String {
    let image = image::open(path).expect("png").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR in the PNG");
    grids[0].decode().expect("decodable QR").1
}

#[test]
fn prints_the_payload_for_the_amount() {
    let env = Env::new(FAST_TRAINING);
    let output = env.run(&["request", "--amount", "1,250.50"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let payload = stdout(&output);
    assert!(
        payload.starts_with("upi://pay?pa=training@invalid&"),
        "{payload}"
    );
    assert!(payload.contains("&am=1250.50&"), "{payload}");
    assert_eq!(payload.lines().count(), 1);
}

#[test]
fn json_and_png_carry_the_same_payload() {
    let env = Env::new(FAST_TRAINING);
    let png = env.path("qr.png");
    let output = env.run(&[
        "request",
        "--amount",
        "500",
        "--name",
        "Ajay Singh",
        "--mobile",
        "+91 98765-43210",
        "--email",
        "ajay@example.com",
        "--json",
        "--png",
        png.to_str().expect("utf-8 path"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(json["provider"], "training");
    assert_eq!(json["amount_paise"], 50_000);
    assert_eq!(json["expires_in_secs"], 300);
    assert_eq!(json["payee_vpa"], "training@invalid");
    let payload = json["payload"].as_str().expect("payload");
    assert!(payload.contains("&am=500.00&"));
    let reference = json["sale_reference"].as_str().expect("reference");
    assert!(payload.contains(&format!("&tr={reference}&")));
    assert_eq!(
        decode_png(&png),
        payload,
        "the PNG encodes the payload byte for byte"
    );
}

#[test]
fn upi_provider_uses_the_shop_vpa() {
    let env = Env::new(
        "provider = \"upi\"\n[upi]\nvpa = \"sharma@okaxis\"\npayee_name = \"Sharma Stores\"\nexpiry_secs = 120\n",
    );
    let output = env.run(&["request", "--amount", "99.9", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(json["provider"], "upi");
    assert_eq!(json["expires_in_secs"], 120);
    let payload = json["payload"].as_str().expect("payload");
    assert!(
        payload.starts_with("upi://pay?pa=sharma@okaxis&pn=Sharma%20Stores&am=99.90&tr="),
        "{payload}"
    );
    assert!(payload.ends_with("&cu=INR"));
}

#[test]
fn bad_input_fails_with_one_line_and_no_payload() {
    let env = Env::new(FAST_TRAINING);
    for (amount, reason) in [
        ("abc", "is not an amount"),
        ("-5", "cannot be negative"),
        ("0", "more than ₹0"),
        ("12.345", "two digits"),
        ("1e9", "is not an amount"),
        ("200000", "over the limit"),
    ] {
        let output = env.run(&["request", "--amount", amount]);
        assert!(!output.status.success(), "{amount}");
        assert!(stdout(&output).is_empty(), "{amount}");
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(err.matches(reason).count(), 1, "said once: {err}");
    }
    let output = env.run(&["request", "--amount", "5", "--mobile", "123"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("10-digit"));
}

#[test]
fn settings_problems_are_named_with_the_file() {
    let env = Env::new("provider = \"upi\"\n");
    let output = env.run(&["request", "--amount", "5"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("upi.vpa"), "{}", stderr(&output));

    let env = Env::new("provder = \"upi\"\n");
    let output = env.run(&["request", "--amount", "5"]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("config.toml") && err.contains("unknown field"),
        "{err}"
    );
}

#[test]
fn help_documents_the_request_options() {
    let env = Env::new("");
    let output = env.run(&["request", "--help"]);
    let help = stdout(&output);
    for option in [
        "--amount", "--name", "--mobile", "--email", "--json", "--png", "--config",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[test]
fn a_qr_that_pays_someone_else_is_refused() {
    let env = Env::new(
        "provider = \"upi\"\nexpected_payee_vpa = \"owner@okhdfc\"\n[upi]\nvpa = \"shop@okaxis\"\npayee_name = \"Shop\"\n",
    );
    let png = env.path("qr.png");
    let output = env.run(&[
        "request",
        "--amount",
        "10",
        "--png",
        png.to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    assert!(stdout(&output).is_empty(), "no payload printed");
    assert!(!png.exists(), "no QR image written");
    let err = stderr(&output);
    assert!(
        err.contains("pays shop@okaxis, not this shop's owner@okhdfc"),
        "{err}"
    );
    let log = std::fs::read_dir(env.path("data/logs"))
        .expect("log dir")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("log"))
        .collect::<String>();
    assert!(
        log.contains("gateway QR refused"),
        "the refusal is logged: {log}"
    );
}

#[test]
fn wait_is_refused_where_payment_cannot_be_confirmed_and_sends_nothing() {
    let env = Env::new(
        "provider = \"upi\"\n[upi]\nvpa = \"sharma@okaxis\"\npayee_name = \"Sharma Stores\"\n",
    );
    let output = env.run(&["request", "--amount", "500", "--wait"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty(), "no QR was printed");
    assert!(
        stderr(&output).contains("cannot confirm payments"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn training_with_simulated_payment_waits_until_paid() {
    let env = Env::new(&format!("{FAST_TRAINING}simulate_paid_after_secs = 1\n"));
    let output = env.run(&["request", "--amount", "500", "--wait"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("upi://pay?pa=training@invalid"));
    assert!(
        lines[1].starts_with("paid: ₹500.00 (sale CQ"),
        "{}",
        lines[1]
    );
}

#[test]
fn customer_pin_code_and_gst_details_are_checked_before_anything_is_sent() {
    let env = Env::new(FAST_TRAINING);
    let output = env.run(&["request", "--amount", "500", "--pin-code", "5600"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("6 digits"), "{}", stderr(&output));
    let output = env.run(&["request", "--amount", "500", "--gst", "{\"gst\":\"1\"}"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("GST details"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn history_lists_todays_sales_from_the_journal() {
    let env = Env::new(FAST_TRAINING);
    let sold = env.run(&[
        "request",
        "--amount",
        "321",
        "--name",
        "Sharma, \"Ravi\"",
        "--json",
    ]);
    assert!(sold.status.success(), "{}", stderr(&sold));
    let json: serde_json::Value = serde_json::from_str(&stdout(&sold)).expect("json");
    let reference = json["sale_reference"].as_str().expect("reference");

    let csv = env.run(&["history", "--csv"]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    let row = text
        .lines()
        .find(|l| l.contains(reference))
        .expect("the sale is listed");
    assert!(row.contains(",321.00,shown,"), "{row}");
    assert!(row.contains("\"Sharma, \"\"Ravi\"\"\""), "quoted: {row}");

    let table = env.run(&["history"]);
    assert!(stdout(&table).contains("shown"), "{}", stdout(&table));
    assert!(stdout(&table).contains("₹321.00"));

    let bad = env.run(&["history", "--from", "2026-13-01"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("not a date"), "{}", stderr(&bad));
    let backwards = env.run(&["history", "--from", "2026-11-22", "--to", "2026-11-01"]);
    assert_eq!(backwards.status.code(), Some(1));
    let empty = env.run(&["history", "--from", "2020-01-01", "--csv"]);
    assert_eq!(stdout(&empty).lines().count(), 1, "only the header");
}

#[test]
fn the_wgpu_renderer_needs_a_build_with_it() {
    if cfg!(feature = "wgpu") {
        return; // this build has it: the window would open
    }
    let env = Env::new(FAST_TRAINING);
    let output = env.run(&["--renderer", "wgpu"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--features wgpu"),
        "{}",
        stderr(&output)
    );
    let bad = env.run(&["--renderer", "vulkan"]);
    assert_eq!(bad.status.code(), Some(2), "not a renderer");
}

#[test]
fn one_bill_is_one_sale_and_history_finds_it_by_bill() {
    let env = Env::new(FAST_TRAINING);
    let first = env.run(&["request", "--amount", "321", "--bill", "INV-7", "--json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let first: serde_json::Value = serde_json::from_str(&stdout(&first)).expect("json");
    let reference = first["sale_reference"]
        .as_str()
        .expect("reference")
        .to_owned();

    // The same bill again while its QR is open: the same sale, no new QR.
    let again = env.run(&["request", "--amount", "321", "--bill", "INV-7", "--json"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let again: serde_json::Value = serde_json::from_str(&stdout(&again)).expect("json");
    assert_eq!(
        again["sale_reference"].as_str(),
        Some(reference.as_str()),
        "{again}"
    );
    assert_eq!(
        again["via"], "journal",
        "answered from the journal: {again}"
    );
    assert_eq!(again["status"], "showing", "{again}");

    let conflict = env.run(&["request", "--amount", "400", "--bill", "INV-7"]);
    assert_eq!(conflict.status.code(), Some(1));
    assert!(
        stderr(&conflict).contains("another amount"),
        "{}",
        stderr(&conflict)
    );
    let bad = env.run(&["request", "--amount", "400", "--bill", ""]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).is_empty(), "nothing sold");

    let found = env.run(&["history", "--bill", "INV-7"]);
    assert!(found.status.success(), "{}", stderr(&found));
    assert!(stdout(&found).contains(&reference), "{}", stdout(&found));
    assert!(stdout(&found).contains("INV-7"), "{}", stdout(&found));
    let csv = env.run(&["history", "--csv"]);
    let row = stdout(&csv)
        .lines()
        .find(|l| l.contains(&reference))
        .map(str::to_owned)
        .expect("listed");
    assert!(row.contains("INV-7"), "{row}");
    let unknown = env.run(&["history", "--bill", "INV-404"]);
    assert!(!unknown.status.success(), "an unknown bill is said so");
    assert!(stderr(&unknown).contains("INV-404"), "{}", stderr(&unknown));
}

#[test]
fn a_name_that_starts_with_a_formula_is_inert_in_csv_and_can_be_redacted() {
    let env = Env::new(FAST_TRAINING);
    let sold = env.run(&["request", "--amount", "250", "--name", "=HYPERLINK(\"x\")"]);
    assert!(sold.status.success(), "{}", stderr(&sold));
    let csv = stdout(&env.run(&["history", "--csv"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let name_at = headers.iter().position(|h| h == "customer_name").unwrap();
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[name_at], "'=HYPERLINK(\"x\")");
    let redacted = stdout(&env.run(&["history", "--csv", "--redact"]));
    assert!(!redacted.contains("HYPERLINK"), "{redacted}");
    assert!(
        redacted.contains("[redacted]") && redacted.contains(",250.00,"),
        "{redacted}"
    );
}
