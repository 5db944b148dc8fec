//! The secrets commands against the real OS keyring (a private Secret Service started by
//! `scripts/test.sh` under `dbus-run-session` with `gnome-keyring-daemon --unlock`), checked from outside
//! with `secret-tool`, and the plain-words message when no keyring can be reached.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn counterqr(args: &[&str], stdin: &str, data: &std::path::Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_counterqr"))
        .args(args)
        .env("COUNTERQR_CONFIG", data.join("config.toml"))
        .env("COUNTERQR_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run counterqr");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn secret_tool_lookup(name: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", "counterqr", "username", name])
        .output()
        .expect("secret-tool (Debian: libsecret-tools) must be installed");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The tests that set and delete the PayU secrets take turns: they share one keyring.
static PAYU_SECRETS: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn secrets_live_in_the_secret_service_and_nowhere_else() {
    let _turn = PAYU_SECRETS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "run through scripts/test.sh, which starts a private D-Bus session and keyring"
    );
    let data = tempfile::tempdir().expect("temp dir");
    let value = "salt-Zq8v1-never-in-a-file";

    let set = counterqr(
        &["secret", "set", "payu-salt"],
        &format!("{value}\n"),
        data.path(),
    );
    assert!(set.status.success(), "{}", text(&set));
    assert!(!text(&set).contains(value));
    assert_eq!(
        secret_tool_lookup("payu-salt").as_deref(),
        Some(value),
        "stored in the keyring"
    );

    let status = counterqr(&["secret", "status"], "", data.path());
    assert!(status.status.success(), "{}", text(&status));
    let listing = text(&status);
    assert!(listing.contains("payu-salt: set"), "{listing}");
    assert!(listing.contains("payu-key: not set"), "{listing}");
    assert!(!listing.contains(value));

    let show = counterqr(&["config", "show"], "", data.path());
    assert!(show.status.success(), "{}", text(&show));
    assert!(text(&show).contains("payu-salt: set"));
    assert!(!text(&show).contains(value));

    // Nothing on disk holds the value: not the (absent) config, not the logs.
    for entry in walk(data.path()) {
        let bytes = std::fs::read(&entry).expect("read");
        let found = bytes.windows(value.len()).any(|w| w == value.as_bytes());
        assert!(!found, "{} contains the secret", entry.display());
    }

    let empty = counterqr(&["secret", "set", "payu-key"], "\n", data.path());
    assert!(!empty.status.success(), "an empty value changes nothing");
    assert_eq!(secret_tool_lookup("payu-key"), None);

    let delete = counterqr(&["secret", "delete", "payu-salt"], "", data.path());
    assert!(delete.status.success(), "{}", text(&delete));
    assert_eq!(
        secret_tool_lookup("payu-salt"),
        None,
        "deleted from the keyring"
    );
}

#[test]
fn an_unreachable_keyring_is_explained_and_nothing_falls_back_to_a_file() {
    let data = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_counterqr"))
        .args(["secret", "status"])
        .env("COUNTERQR_CONFIG", data.path().join("config.toml"))
        .env("COUNTERQR_DATA_DIR", data.path())
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/counterqr-test-bus",
        )
        .output()
        .expect("run counterqr");
    assert!(!output.status.success());
    let message = text(&output);
    assert!(message.contains("keyring cannot be reached"), "{message}");
    assert!(message.contains("Secret Service"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_secret_used_for_a_sale_is_in_no_file_and_no_log() {
    let _turn = PAYU_SECRETS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(async {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(
                include_str!("fixtures/oqpay_success.json"),
                "application/json",
            ))
            .mount(&server)
            .await;
        server
    });
    let data = tempfile::tempdir().expect("temp dir");
    let config = format!(
        "provider = \"oqpay\"\n[oqpay]\nbase_url = \"{}\"\n",
        server.uri()
    );
    std::fs::write(data.path().join("config.toml"), config).expect("config");
    let value = "OQP-REG-id-5517-never-logged";

    let set = counterqr(
        &["secret", "set", "oqpay-registration-id"],
        value,
        data.path(),
    );
    assert!(set.status.success(), "{}", text(&set));
    let child = Command::new(env!("CARGO_BIN_EXE_counterqr"))
        .args([
            "request",
            "--amount",
            "500",
            "--name",
            "Ajay Singh",
            "--mobile",
            "9876543210",
        ])
        .args(["--email", "ajay@example.com", "--json"])
        .env("COUNTERQR_CONFIG", data.path().join("config.toml"))
        .env("COUNTERQR_DATA_DIR", data.path())
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run counterqr");
    let request = child.wait_with_output().expect("wait");
    assert!(request.status.success(), "{}", text(&request));
    assert!(
        !text(&request).contains(value),
        "not on stdout or stderr, even at trace level"
    );

    let received = runtime
        .block_on(server.received_requests())
        .expect("requests");
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).expect("json");
    assert_eq!(body["registrationID"], value, "the secret was used");
    for entry in walk(data.path()) {
        let bytes = std::fs::read(&entry).expect("read");
        let found = bytes.windows(value.len()).any(|w| w == value.as_bytes());
        assert!(!found, "{} contains the secret", entry.display());
    }
    let deleted = counterqr(
        &["secret", "delete", "oqpay-registration-id"],
        "",
        data.path(),
    );
    assert!(deleted.status.success());
}

/// PayU's status answer: `result` (base64) is `fields` about the transactionId asked for.
struct PayuStatus(serde_json::Value);

impl wiremock::Respond for PayuStatus {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        use base64::Engine as _;
        let txnid = url::form_urlencoded::parse(&request.body)
            .find(|(k, _)| k == "var1")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let mut result = self.0.clone();
        result["txnid"] = serde_json::Value::String(txnid);
        let encoded = base64::engine::general_purpose::STANDARD.encode(result.to_string());
        wiremock::ResponseTemplate::new(200).set_body_raw(
            serde_json::json!({"status": 1, "msg": "fetched", "result": encoded}).to_string(),
            "application/json",
        )
    }
}

/// A local PayU that issues a ₹500 UPI QR and answers status checks: pending once, then `last`.
fn fake_payu(runtime: &tokio::runtime::Runtime, last: serde_json::Value) -> wiremock::MockServer {
    use wiremock::matchers::{body_string_contains, method};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    runtime.block_on(async {
        let server = MockServer::start().await;
        let link = "upi://pay?pa=shop.payu@hdfcbank&pn=Sharma&am=500.00&cu=INR";
        Mock::given(method("POST"))
            .and(body_string_contains("command=generate_dynamic_bharat_qr"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                serde_json::json!({ "qrString": link }).to_string(),
                "application/json",
            ))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_string_contains("command=check_bqr_txn_status"))
            .respond_with(PayuStatus(serde_json::json!({"status": "pending"})))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_string_contains("command=check_bqr_txn_status"))
            .respond_with(PayuStatus(last))
            .mount(&server)
            .await;
        server
    })
}

#[test]
fn request_wait_ends_with_the_payment_outcome_and_its_exit_code() {
    let _turn = PAYU_SECRETS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let data = tempfile::tempdir().expect("temp dir");
    for (name, value) in [("payu-key", "key-wait-1"), ("payu-salt", "salt-wait-1")] {
        let set = counterqr(&["secret", "set", name], value, data.path());
        assert!(set.status.success(), "{}", text(&set));
    }
    let paid = serde_json::json!({"status": "success", "amount": "500.00",
        "mihpayid": "4039937", "bank_ref_num": "612345678901", "field3": "customer@okicici"});
    let failed = serde_json::json!({"status": "failure", "amount": "500.00",
        "unmappedstatus": "failed", "error": "E231"});
    for (last, code, word) in [(paid, 0, "paid"), (failed, 3, "failed")] {
        let server = fake_payu(&runtime, last);
        // A failed attempt does not end the wait while the QR is valid (the customer may try
        // again): the shortest QR and no grace keep this test to half a minute.
        let config = format!(
            "provider = \"payu\"\nlate_payment_grace_secs = 0\n[payu]\nenvironment = \"custom\"\n\
             base_url = \"{}\"\nmerchant_vpa = \"shop.payu@hdfcbank\"\nexpiry_secs = 30\n",
            server.uri()
        );
        std::fs::write(data.path().join("config.toml"), config).expect("config");
        let output = counterqr(
            &["request", "--amount", "500", "--wait", "--json"],
            "",
            data.path(),
        );
        assert_eq!(output.status.code(), Some(code), "{}", text(&output));
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON lines"))
            .collect();
        assert_eq!(lines.len(), 2, "{stdout}");
        assert!(lines[0]["payload"].as_str().unwrap().contains("am=500.00"));
        assert_eq!(lines[1]["outcome"], word);
        assert_eq!(lines[1]["sale_reference"], lines[0]["sale_reference"]);
        if word == "paid" {
            assert_eq!(lines[1]["bank_reference"], "612345678901");
            assert_eq!(lines[1]["payer_vpa"], "customer@okicici");
        }
    }
    for name in ["payu-key", "payu-salt"] {
        assert!(
            counterqr(&["secret", "delete", name], "", data.path())
                .status
                .success()
        );
    }
}

/// A local PayU that issues ₹500 QRs and says a transactionId is paid once it is in `paid`.
fn fake_payu_ledger(
    runtime: &tokio::runtime::Runtime,
    paid: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) -> wiremock::MockServer {
    use wiremock::matchers::{body_string_contains, method};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
    struct Ledger(std::sync::Arc<std::sync::Mutex<Vec<String>>>);
    impl Respond for Ledger {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let txnid = url::form_urlencoded::parse(&request.body)
                .find(|(k, _)| k == "var1")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            let paid = self.0.lock().unwrap().contains(&txnid);
            let fields = if paid {
                serde_json::json!({"status": "success", "amount": "500.00",
                    "mihpayid": 777, "bank_ref_num": 612345678901_u64})
            } else {
                serde_json::json!({"status": "pending"})
            };
            PayuStatus(fields).respond(request)
        }
    }
    runtime.block_on(async {
        let server = MockServer::start().await;
        let link = "upi://pay?pa=shop.payu@hdfcbank&pn=Sharma&am=500.00&cu=INR";
        Mock::given(method("POST"))
            .and(body_string_contains("command=generate_dynamic_bharat_qr"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                serde_json::json!({ "qrString": link }).to_string(),
                "application/json",
            ))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_string_contains("command=check_bqr_txn_status"))
            .respond_with(Ledger(paid))
            .mount(&server)
            .await;
        server
    })
}

#[test]
fn reconcile_asks_again_about_the_days_unpaid_sales_and_records_a_late_payment() {
    let _turn = PAYU_SECRETS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let data = tempfile::tempdir().expect("temp dir");
    for (name, value) in [("payu-key", "key-rec-1"), ("payu-salt", "salt-rec-1")] {
        let set = counterqr(&["secret", "set", name], value, data.path());
        assert!(set.status.success(), "{}", text(&set));
    }
    let paid = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let server = fake_payu_ledger(&runtime, paid.clone());
    let config = format!(
        "provider = \"payu\"\n[payu]\nenvironment = \"custom\"\nbase_url = \"{}\"\n\
         merchant_vpa = \"shop.payu@hdfcbank\"\n",
        server.uri()
    );
    std::fs::write(data.path().join("config.toml"), config).expect("config");
    // Two QRs printed for billing software that never waited for the outcome.
    let references: Vec<String> = (0..2)
        .map(|_| {
            let output = counterqr(&["request", "--amount", "500", "--json"], "", data.path());
            assert!(output.status.success(), "{}", text(&output));
            let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
            json["sale_reference"]
                .as_str()
                .expect("reference")
                .to_owned()
        })
        .collect();
    paid.lock().unwrap().push(references[0].clone());

    let output = counterqr(&["reconcile"], "", data.path());
    assert!(output.status.success(), "{}", text(&output));
    let said = text(&output);
    assert!(
        said.contains(&format!("✔ Sale {} (₹500.00) is PAID", references[0])),
        "{said}"
    );
    assert!(
        said.contains(&format!("Sale {} (₹500.00): no payment", references[1])),
        "{said}"
    );
    assert!(
        said.contains("Asked about 2 sales: 1 paid, 0 failed, 1 with no payment"),
        "{said}"
    );

    let csv = counterqr(&["history", "--csv"], "", data.path());
    let csv = String::from_utf8_lossy(&csv.stdout).into_owned();
    let row = |reference: &str| {
        csv.lines()
            .find(|l| l.contains(reference))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(row(&references[0]).contains(",paid,reconciled,"), "{csv}");
    assert!(row(&references[1]).contains(",shown,"), "still open: {csv}");
    // Asked again, the paid sale is not asked about or changed.
    let again = counterqr(&["reconcile"], "", data.path());
    assert!(
        text(&again).contains("Asked about 1 sales"),
        "{}",
        text(&again)
    );
    for name in ["payu-key", "payu-salt"] {
        assert!(
            counterqr(&["secret", "delete", name], "", data.path())
                .status
                .success()
        );
    }
}

#[test]
fn every_secret_change_needs_the_manager_pin_and_wrong_pins_back_off() {
    let _turn = PAYU_SECRETS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let data = tempfile::tempdir().expect("temp dir");
    let pin = "90817263";
    let set_pin = counterqr(
        &["secret", "set", "manager-pin"],
        &format!("{pin}\n"),
        data.path(),
    );
    assert!(
        set_pin.status.success(),
        "no PIN yet, none asked: {}",
        text(&set_pin)
    );

    // Without the PIN, nothing changes: not a key, not the PIN itself, not the API token.
    for args in [
        &["secret", "set", "payu-key"][..],
        &["secret", "delete", "manager-pin"][..],
        &["api", "new-token"][..],
    ] {
        let refused = counterqr(args, "1111\nkey-value\n", data.path());
        assert!(!refused.status.success(), "{args:?}: {}", text(&refused));
        assert!(
            text(&refused).contains("Wrong manager PIN"),
            "{}",
            text(&refused)
        );
    }
    assert_eq!(secret_tool_lookup("payu-key"), None);
    assert_eq!(secret_tool_lookup("manager-pin").as_deref(), Some(pin));

    // Two more wrong PINs make five: the sixth try waits, even with the right PIN.
    for _ in 0..2 {
        let _ = counterqr(&["secret", "set", "payu-key"], "9999\nv\n", data.path());
    }
    let waiting = counterqr(
        &["secret", "set", "payu-key"],
        &format!("{pin}\nkey-value\n"),
        data.path(),
    );
    assert!(!waiting.status.success());
    assert!(
        text(&waiting).contains("try again in"),
        "{}",
        text(&waiting)
    );
    assert_eq!(secret_tool_lookup("payu-key"), None);

    // The wait is kept in the keyring beside the PIN, digits nowhere: another settings file
    // (another data directory) does not start it afresh.
    let kept = secret_tool_lookup("pin-attempts").expect("attempts kept");
    assert!(kept.contains("\"wrong_in_a_row\":5"), "{kept}");
    let elsewhere = tempfile::tempdir().expect("dir");
    let still_waiting = counterqr(
        &["secret", "set", "payu-key"],
        &format!("{pin}\nkey-value\n"),
        elsewhere.path(),
    );
    assert!(
        text(&still_waiting).contains("try again in"),
        "{}",
        text(&still_waiting)
    );
    // Once the wait is over (the record cleared, as an hour would), the PIN works.
    let cleared = Command::new("secret-tool")
        .args(["clear", "service", "counterqr", "username", "pin-attempts"])
        .status()
        .expect("secret-tool");
    assert!(cleared.success());
    let right = counterqr(
        &["secret", "set", "payu-key"],
        &format!("{pin}\nkey-value\n"),
        data.path(),
    );
    assert!(right.status.success(), "{}", text(&right));
    assert_eq!(secret_tool_lookup("payu-key").as_deref(), Some("key-value"));
    for entry in walk(data.path()) {
        let bytes = std::fs::read(&entry).expect("read");
        assert!(
            !bytes.windows(pin.len()).any(|w| w == pin.as_bytes()),
            "{} holds the PIN",
            entry.display()
        );
    }

    // Tidy up for the other tests: with the PIN.
    for name in ["payu-key", "manager-pin"] {
        let deleted = counterqr(
            &["secret", "delete", name],
            &format!("{pin}\n"),
            data.path(),
        );
        assert!(deleted.status.success(), "{}", text(&deleted));
    }
    assert_eq!(secret_tool_lookup("manager-pin"), None);
}
