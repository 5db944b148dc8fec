//! The sales API's contract end to end: reqwest against the real server, the window in kittest
//! taking the calls through its own event channel, a fake PayU (wiremock) counting the QRs it is
//! asked for. Every status code of the contract, idempotency by bill, 50 concurrent bills, a long
//! poll woken by the cashier, and the cashier's own keys reported back.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use counterqr::api::{self, ApiState, TokenGate};
use counterqr::app::{AppOptions, CounterApp};
use counterqr::config::{Config, CustomerDisplay};
use counterqr::domain::{Outcome, OutputType, PaidDetails, PaidHow, Record};
use counterqr::flow::Screen;
use counterqr::gateway::Gateway;
use counterqr::journal::{self, Journal};
use counterqr::secrets::{MemoryStore, Secret, SecretName, SecretStore};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::{Value, json};

mod common;
use common::ManualClock;
use common::payu_fake::{Fake, fake, gateway};

const TOKEN: &str = "test-token-7f3a91";
const QR_LABEL: &str = "Payment QR code: scan with any UPI app";

struct Till {
    harness: Harness<'static, CounterApp>,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    base: String,
    writer: journal::Writer,
    fake: Option<Fake>,
    _dir: tempfile::TempDir,
}

/// A till with its API on a free loopback port, selling through `gateway` (PayU at a fake, or
/// training where the cashier marks by hand), with a customer window.
fn till_with(
    gateway_for: impl FnOnce(&tokio::runtime::Runtime, &ManualClock) -> (Arc<dyn Gateway>, Option<Fake>),
) -> Till {
    let runtime = common::runtime();
    let clock = ManualClock::default();
    let (gateway, fake) = gateway_for(&runtime, &clock);
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("journal.sqlite3"), time::UtcOffset::UTC).unwrap();
    let writer = journal::Writer::start(Arc::new(journal)).unwrap();
    let config = Config {
        provider: gateway.id(),
        customer_display: CustomerDisplay::SecondWindow,
        ..Config::default()
    };
    let app = CounterApp::new(
        gateway,
        runtime.handle().clone(),
        clock.shared(),
        AppOptions {
            config,
            expected_payee_vpa: Some(common::payu_fake::VPA.to_owned()).filter(|_| fake.is_some()),
            journal: Some(writer.clone()),
            ..AppOptions::default()
        },
    );
    let store = Arc::new(MemoryStore::default());
    store
        .set(SecretName::ApiToken, &Secret::new(TOKEN))
        .unwrap();
    let state = ApiState {
        till: app.api_till(),
        board: app.board(),
        journal: writer.clone(),
        gate: TokenGate::new(Arc::new(move || Ok(store.clone() as Arc<dyn SecretStore>))),
    };
    let bound: SocketAddr = api::start(runtime.handle(), "127.0.0.1:0", state).unwrap();
    Till {
        harness: common::harness(app, [1400.0, 900.0]),
        http: reqwest::Client::new(),
        base: format!("http://{bound}"),
        runtime,
        writer,
        fake,
        _dir: dir,
    }
}

fn payu_till() -> Till {
    till_with(|runtime, _| {
        let fake = fake(runtime, false);
        (gateway(&fake.server, OutputType::String), Some(fake))
    })
}

fn training_till() -> Till {
    till_with(|_, clock| (common::training(clock, Duration::ZERO), None))
}

/// An answer: its status code, a header, and its JSON body.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Value,
}

impl Till {
    /// Runs `call` on the runtime while the window takes the API's calls (it draws frames,
    /// waiting for its event channel between them), until the call is answered.
    fn call(
        &mut self,
        call: impl std::future::Future<Output = reqwest::Response> + Send + 'static,
    ) -> Answer {
        let handle = self.runtime.spawn(async move {
            let response = call.await;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            let text = response.text().await.unwrap();
            let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
            Answer {
                status,
                retry_after,
                body,
            }
        });
        while !handle.is_finished() {
            self.harness.run_steps(1);
            self.harness
                .state_mut()
                .wait_for_background(Duration::from_millis(50));
        }
        self.harness.run_steps(2);
        self.runtime.block_on(handle).unwrap()
    }

    fn post(&mut self, path: &str, body: Value, token: Option<&str>) -> Answer {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.call(async move { request.send().await.unwrap() })
    }

    fn sell(&mut self, amount_paise: u64, bill: &str) -> Answer {
        self.post(
            "/v1/sales",
            json!({"amount_paise": amount_paise, "bill_ref": bill}),
            Some(TOKEN),
        )
    }

    fn get(&mut self, path: &str) -> Answer {
        let request = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN);
        self.call(async move { request.send().await.unwrap() })
    }

    fn qr_requests(&self) -> usize {
        self.fake.as_ref().unwrap().qr_requests(&self.runtime)
    }

    fn count(&self, label: &str) -> usize {
        self.harness.query_all_by_label_contains(label).count()
    }

    fn press(&mut self, key: Key) {
        self.harness.key_press(key);
        self.harness.run_steps(2);
    }
}

#[test]
fn health_needs_no_token_and_everything_else_does() {
    let mut till = payu_till();
    let health = till.call({
        let url = format!("{}/v1/health", till.base);
        async move { reqwest::get(url).await.unwrap() }
    });
    assert_eq!(
        (health.status, health.body.clone()),
        (200, json!({"status": "ok"}))
    );
    let no_token = till.post(
        "/v1/sales",
        json!({"amount_paise": 100, "bill_ref": "B"}),
        None,
    );
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.body["error"], "unauthorized");
    let wrong = till.post(
        "/v1/sales",
        json!({"amount_paise": 100, "bill_ref": "B"}),
        Some("nope"),
    );
    assert_eq!(wrong.status, 401);
    assert!(!wrong.body.to_string().contains(TOKEN));
    let doc = till.get("/v1/openapi.json");
    assert_eq!(doc.status, 200);
    assert!(doc.body["paths"]["/v1/sales"].is_object(), "{}", doc.body);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with('3'));
    assert_eq!(till.qr_requests(), 0, "nothing reached the gateway");
}

#[test]
fn repeated_wrong_tokens_are_slowed_down() {
    let mut till = payu_till();
    let mut last = None;
    for _ in 0..6 {
        last = Some(till.post("/v1/sales", json!({}), Some("guess")));
    }
    let last = last.unwrap();
    assert_eq!(last.status, 401);
    let wait: u64 = last.retry_after.expect("Retry-After").parse().unwrap();
    assert!(wait >= 1, "{wait}");
}

#[test]
fn a_bill_becomes_a_sale_on_the_till_and_the_same_bill_is_the_same_sale() {
    let mut till = payu_till();
    let created = till.sell(123_450, "INV-0042");
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["bill_ref"], "INV-0042");
    assert_eq!(created.body["amount_paise"], 123_450);
    assert_eq!(created.body["status"], "showing");
    let payload = created.body["qr"]["payload"].as_str().unwrap();
    assert!(
        payload.contains("5407") && payload.contains("1234.50"),
        "{payload}"
    );
    assert!(
        created.body["qr"]["expires_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(
        till.count(QR_LABEL),
        2,
        "the QR is on the till and on the customer's window"
    );
    assert!(till.count("₹1,234.50") >= 2);
    assert_eq!(
        till.count("Bill INV-0042"),
        1,
        "the cashier sees which bill is on the till"
    );
    let sale_id = created.body["sale_id"].as_str().unwrap().to_owned();

    let again = till.sell(123_450, "INV-0042");
    assert_eq!(again.status, 200);
    assert_eq!(again.body["sale_id"], sale_id.as_str());
    assert_eq!(
        till.qr_requests(),
        1,
        "no second gateway request while it is open"
    );

    let conflict = till.sell(99_900, "INV-0042");
    assert_eq!(
        (conflict.status, conflict.body["error"].clone()),
        (409, json!("bill_ref_conflict"))
    );
    let busy = till.sell(5_000, "INV-0043");
    assert_eq!(busy.status, 409);
    assert_eq!(busy.body["error"], "busy");
    assert_eq!(busy.body["sale_id"], sale_id.as_str());
    assert_eq!(till.qr_requests(), 1);

    // Withdrawn, the bill's next request gets a new QR for the same sale.
    let cancelled = till.post(
        &format!("/v1/sales/{sale_id}/cancel"),
        json!({}),
        Some(TOKEN),
    );
    assert_eq!(
        (cancelled.status, cancelled.body["status"].clone()),
        (200, json!("cancelled"))
    );
    let final_cancel = till.post(
        &format!("/v1/sales/{sale_id}/cancel"),
        json!({}),
        Some(TOKEN),
    );
    assert_eq!(
        (final_cancel.status, final_cancel.body["error"].clone()),
        (409, json!("final"))
    );
    let retried = till.sell(123_450, "INV-0042");
    assert_eq!(retried.status, 200);
    assert_eq!(
        retried.body["sale_id"],
        sale_id.as_str(),
        "its reference reused"
    );
    assert_eq!(retried.body["status"], "showing");
    assert_eq!(till.qr_requests(), 2);
    let reference = counterqr::domain::SaleRef::parse(&sale_id).unwrap();
    let record = till
        .writer
        .read(move |j| j.sale(&reference))
        .blocking_recv()
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(record.bill_ref.as_deref(), Some("INV-0042"));
    assert_eq!(record.source, counterqr::domain::Source::Api);
    assert_eq!(record.outcome, Outcome::Shown);
}

#[test]
fn fifty_bills_at_once_make_one_sale_and_lose_nothing() {
    let mut till = payu_till();
    let requests: Vec<_> = (0..50)
        .map(|i| {
            till.http
                .post(format!("{}/v1/sales", till.base))
                .bearer_auth(TOKEN)
                .json(&json!({"amount_paise": 10_000 + i, "bill_ref": format!("BULK-{i}")}))
        })
        .collect();
    let all = till.call(async move {
        let answers = futures_join(requests).await;
        let codes: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
        reqwest::Response::from(http_json(&codes))
    });
    let codes: Vec<u16> = serde_json::from_value(all.body).unwrap();
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 49, "{codes:?}");
    assert_eq!(till.qr_requests(), 1);
    let today = till.writer.journal().today(time::OffsetDateTime::now_utc());
    let sales = till
        .writer
        .read(move |j| j.sales_between(today, today))
        .blocking_recv()
        .unwrap()
        .unwrap();
    assert_eq!(
        sales.len(),
        1,
        "one sale recorded, the rest refused before anything"
    );
}

/// Sends every request at once and waits for all the answers.
async fn futures_join(requests: Vec<reqwest::RequestBuilder>) -> Vec<reqwest::Response> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|r| tokio::spawn(async move { r.send().await.unwrap() }))
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

/// A JSON response made here, to carry several answers back through [`Till::call`].
fn http_json(value: &impl serde::Serialize) -> axum::http::Response<String> {
    axum::http::Response::builder()
        .status(200)
        .body(serde_json::to_string(value).unwrap())
        .unwrap()
}

#[test]
fn bad_bills_are_refused_by_field_and_nothing_reaches_the_gateway() {
    let mut till = payu_till();
    let invalid = till.post(
        "/v1/sales",
        json!({"amount_paise": "500", "bill_ref": "", "customer": {"mobile": "12"}}),
        Some(TOKEN),
    );
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.body["error"], "invalid");
    for field in ["amount_paise", "bill_ref", "customer.mobile"] {
        assert!(
            invalid.body["fields"][field].is_string(),
            "{field}: {}",
            invalid.body
        );
    }
    let below_minimum = till.sell(50, "TINY-1");
    assert_eq!(below_minimum.status, 400);
    assert!(
        below_minimum.body["fields"]["amount_paise"]
            .as_str()
            .unwrap()
            .contains("₹1.00"),
        "the provider's own rule: {}",
        below_minimum.body
    );
    let over = till.sell(1_00_00_001 * 100, "HUGE-1");
    assert_eq!(over.status, 400);
    let not_json = till.call({
        let request = till
            .http
            .post(format!("{}/v1/sales", till.base))
            .bearer_auth(TOKEN)
            .body("amount=500");
        async move { request.send().await.unwrap() }
    });
    assert_eq!(
        (not_json.status, not_json.body["error"].clone()),
        (400, json!("not_json"))
    );
    let huge = till.call({
        let request = till
            .http
            .post(format!("{}/v1/sales", till.base))
            .bearer_auth(TOKEN)
            .body(format!(
                r#"{{"amount_paise":100,"bill_ref":"B","x":"{}"}}"#,
                "x".repeat(20_000)
            ));
        async move { request.send().await.unwrap() }
    });
    assert_eq!(huge.status, 413);
    assert_eq!(till.qr_requests(), 0);
    assert!(matches!(till.harness.state().screen(), Screen::Entry));
    let unknown = till.get("/v1/sales/CQ0000");
    assert_eq!(unknown.status, 404);
    let bad_wait = till.get("/v1/sales/CQ0000?wait=600");
    assert_eq!(bad_wait.status, 400);
}

#[test]
fn a_long_poll_returns_when_the_cashier_marks_the_sale_paid() {
    let mut till = training_till();
    let created = till.sell(50_000, "BILL-P");
    assert_eq!(created.status, 201, "{}", created.body);
    let sale_id = created.body["sale_id"].as_str().unwrap().to_owned();
    let request = till
        .http
        .get(format!("{}/v1/sales/{sale_id}?wait=60", till.base))
        .bearer_auth(TOKEN);
    let waiting = till
        .runtime
        .spawn(async move { request.send().await.unwrap() });
    // The poll is waiting (it would say "showing" only after its 60 s): the cashier presses P.
    till.harness.run_steps(2);
    till.press(Key::P);
    let answer = till.runtime.block_on(async {
        let response = waiting.await.unwrap();
        (
            response.status().as_u16(),
            response.json::<Value>().await.unwrap(),
        )
    });
    assert_eq!(answer.0, 200);
    assert_eq!(
        answer.1["status"], "paid",
        "woken by the payment, not by its wait"
    );

    // The next bill; the cashier presses N: reported as not paid.
    let second = till.sell(20_000, "BILL-N");
    let second_id = second.body["sale_id"].as_str().unwrap().to_owned();
    assert_eq!(second.status, 201, "{}", second.body);
    till.press(Key::N);
    let read = till.get(&format!("/v1/sales/{second_id}"));
    assert_eq!(read.body["status"], "not_paid", "{}", read.body);
    // A paid bill asked again: paid, nothing new.
    let paid_again = till.sell(50_000, "BILL-P");
    assert_eq!(
        (paid_again.status, paid_again.body["status"].clone()),
        (200, json!("paid"))
    );
    assert_eq!(paid_again.body["sale_id"], sale_id.as_str());
}

#[test]
fn esc_on_the_till_is_reported_as_cancelled_and_the_bill_can_come_again() {
    let mut till = payu_till();
    let created = till.sell(40_000, "BILL-ESC");
    assert_eq!(created.status, 201, "{}", created.body);
    let sale_id = created.body["sale_id"].as_str().unwrap().to_owned();
    till.press(Key::Escape);
    let read = till.get(&format!("/v1/sales/{sale_id}?wait=5"));
    assert_eq!(read.body["status"], "cancelled", "{}", read.body);
    assert_eq!(till.count(QR_LABEL), 0, "the QR is gone from both windows");
    let again = till.sell(40_000, "BILL-ESC");
    assert_eq!(
        (again.status, again.body["status"].clone()),
        (200, json!("showing"))
    );
    assert_eq!(again.body["sale_id"], sale_id.as_str());
}

#[test]
fn a_sale_found_paid_outside_the_flow_is_paid_to_the_api_and_cannot_be_withdrawn() {
    let mut till = payu_till();
    let created = till.sell(45_000, "BILL-RECONCILED");
    assert_eq!(created.status, 201, "{}", created.body);
    let sale_id = created.body["sale_id"].as_str().unwrap().to_owned();
    let reference = counterqr::domain::SaleRef::parse(&sale_id).unwrap();
    // `counterqr reconcile` (another process) finds it paid while its QR is still on the till.
    till.writer
        .journal()
        .record(
            &Record::Paid {
                reference: reference.clone(),
                how: PaidHow::Reconciled,
                details: PaidDetails::default(),
            },
            time::OffsetDateTime::now_utc(),
        )
        .unwrap();
    let read = till.get(&format!("/v1/sales/{sale_id}"));
    assert_eq!(read.body["status"], "paid", "{}", read.body);
    let cancel = till.post(
        &format!("/v1/sales/{sale_id}/cancel"),
        json!({}),
        Some(TOKEN),
    );
    assert_eq!(
        (cancel.status, cancel.body["error"].clone()),
        (409, json!("final")),
        "{}",
        cancel.body
    );
    assert!(
        matches!(till.harness.state().screen(), Screen::ShowingQr(_)),
        "the till was not asked to withdraw it"
    );
    let requests = till.qr_requests();
    let again = till.sell(45_000, "BILL-RECONCILED");
    assert_eq!(
        (again.status, again.body["status"].clone()),
        (200, json!("paid")),
        "{}",
        again.body
    );
    assert_eq!(till.qr_requests(), requests, "no second QR for a paid bill");
}
