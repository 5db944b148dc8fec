//! A fake PayU (wiremock) that issues a Bharat QR for the amount asked, answers status checks
//! from a ledger the test fills, refuses a paid transactionId with E2012, and counts what it was
//! asked; and the real PayU gateway pointed at it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use counterqr::domain::{OutputType, Sale};
use counterqr::gateway::http::{Timeouts, client};
use counterqr::gateway::payu::{CHECK_STATUS, GENERATE, PayuGateway, PayuSettings};
use counterqr::secrets::{MemoryStore, Secret, SecretName, SecretStore};
use serde_json::json;
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The merchant VPA every QR pays.
pub const VPA: &str = "shop.payu@hdfcbank";
/// How often the gateway's status is asked for.
pub const INTERVAL: Duration = Duration::from_secs(3);

/// A dynamic Bharat QR for `rupees` paying [`VPA`].
pub fn bqr(rupees: u64) -> String {
    super::bqr(&format!("{rupees}.00"), VPA)
}

/// The transactionIds a form post asks about (`var1`), as PayU receives them.
fn asked_about(request: &Request) -> String {
    url::form_urlencoded::parse(&request.body)
        .find(|(k, _)| k == "var1")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The fake's payments: which transactionIds are paid, and for how much.
#[derive(Clone, Default)]
pub struct Ledger(Arc<Mutex<Vec<(String, String)>>>);

impl Ledger {
    pub fn pay(&self, sale: &Sale) {
        let amount = format!(
            "{}.{:02}",
            sale.amount.rupees_part(),
            sale.amount.paise_part()
        );
        self.0
            .lock()
            .unwrap()
            .push((sale.reference.to_string(), amount));
    }

    pub fn paid(&self, reference: &str) -> Option<String> {
        let ledger = self.0.lock().unwrap();
        ledger
            .iter()
            .find(|(r, _)| r == reference)
            .map(|(_, a)| a.clone())
    }
}

/// PayU's `check_bqr_txn_status`: pending until the ledger says the transactionId is paid.
struct Status(Ledger);

impl Respond for Status {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let txnid = asked_about(request);
        let result = match self.0.paid(&txnid) {
            Some(amount) => {
                json!({"txnid": txnid, "status": "success", "unmappedstatus": "captured",
                "amount": amount, "mihpayid": 403993715521937565_u64,
                "bank_ref_num": 612345678901_u64, "field3": "customer@okicici"})
            }
            None => json!({"txnid": txnid, "status": "pending"}),
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode(result.to_string());
        ResponseTemplate::new(200).set_body_raw(
            json!({"status": 1, "msg": "fetched", "result": encoded}).to_string(),
            "application/json",
        )
    }
}

/// PayU's QR answer: the QR for the amount asked (or `E2012` for a paid transactionId).
struct Qr {
    ledger: Ledger,
    image: bool,
}

impl Respond for Qr {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let var1: serde_json::Value = serde_json::from_str(&asked_about(request)).unwrap();
        let txnid = var1["transactionId"].as_str().unwrap();
        if self.ledger.paid(txnid).is_some() {
            return ResponseTemplate::new(200).set_body_raw(
                json!({"status": "failed", "message": "transactionId already paid",
                    "errorCode": "E2012"})
                .to_string(),
                "application/json",
            );
        }
        // The amount exactly as asked ("1234.50"), into the QR.
        let amount = var1["transactionAmount"].as_str().unwrap();
        let payload = super::bqr(amount, VPA);
        if self.image {
            return ResponseTemplate::new(200).set_body_raw(super::png_of(&payload), "image/png");
        }
        ResponseTemplate::new(200).set_body_raw(
            json!({ "qrString": payload }).to_string(),
            "application/json",
        )
    }
}

pub struct Fake {
    pub server: MockServer,
    pub ledger: Ledger,
}

pub fn fake(runtime: &tokio::runtime::Runtime, image: bool) -> Fake {
    let ledger = Ledger::default();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(body_string_contains(format!("command={GENERATE}")))
            .respond_with(Qr {
                ledger: ledger.clone(),
                image,
            })
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_string_contains(format!("command={CHECK_STATUS}")))
            .respond_with(Status(ledger.clone()))
            .mount(&server)
            .await;
        server
    });
    Fake { server, ledger }
}

impl Fake {
    /// How many QRs the fake was asked for.
    pub fn qr_requests(&self, runtime: &tokio::runtime::Runtime) -> usize {
        let received = runtime
            .block_on(self.server.received_requests())
            .unwrap_or_default();
        received
            .iter()
            .filter(|r| String::from_utf8_lossy(&r.body).contains(&format!("command={GENERATE}")))
            .count()
    }
}

/// The real PayU gateway, pointed at `server`.
pub fn gateway(server: &MockServer, output_type: OutputType) -> Arc<PayuGateway> {
    let store = MemoryStore::default();
    store
        .set(SecretName::PayuKey, &Secret::new("key1"))
        .unwrap();
    store
        .set(SecretName::PayuSalt, &Secret::new("salt1"))
        .unwrap();
    let settings = PayuSettings {
        base_url: server.uri(),
        merchant_vpa: VPA.to_owned(),
        output_type,
        status_interval: INTERVAL,
        ..PayuSettings::default()
    };
    let http = client(Timeouts {
        connect: Duration::from_secs(2),
        total: Duration::from_secs(5),
    })
    .unwrap();
    Arc::new(PayuGateway::new(http, settings, Arc::new(store)).unwrap())
}
