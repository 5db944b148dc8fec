//! The OQPay gateway against a local fake (wiremock): the request as documented, field by field;
//! the documented answers; and every way the answer can go wrong.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use counterqr::domain::{Customer, Paise, QrGrant, Sale};
use counterqr::gateway::http::{Timeouts, client};
use counterqr::gateway::oqpay::{DefaultCustomer, OqpayGateway, OqpaySettings, PATH};
use counterqr::gateway::{Gateway, GatewayError};
use counterqr::secrets::{MemoryStore, Secret, SecretName, SecretStore};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUCCESS: &str = include_str!("fixtures/oqpay_success.json");
const ERROR_400: &str = include_str!("fixtures/oqpay_400.json");
const REGISTRATION_ID: &str = "OQP-TEST-7731";

fn store_with_id() -> Arc<MemoryStore> {
    let store = MemoryStore::default();
    store
        .set(
            SecretName::OqpayRegistrationId,
            &Secret::new(REGISTRATION_ID),
        )
        .unwrap();
    Arc::new(store)
}

fn gateway_at(base: &str, store: Arc<MemoryStore>, total: Duration) -> OqpayGateway {
    let http = client(Timeouts {
        connect: Duration::from_secs(2),
        total,
    })
    .unwrap();
    let settings = OqpaySettings {
        base_url: base.to_owned(),
        ..OqpaySettings::default()
    };
    OqpayGateway::new(http, settings, store).unwrap()
}

fn gateway(server: &MockServer) -> OqpayGateway {
    gateway_at(&server.uri(), store_with_id(), Duration::from_secs(5))
}

fn sale(rupees: u64) -> Sale {
    Sale::new(
        counterqr::reference::new_sale_ref(),
        Paise::from_rupees(rupees),
        Customer {
            name: Some("Ajay Singh".into()),
            mobile: Some("9876543210".into()),
            email: Some("ajaysingh1898@gmail.com".into()),
        },
    )
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn json_answer(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

async fn request(template: ResponseTemplate, rupees: u64) -> Result<QrGrant, GatewayError> {
    let server = answering(template).await;
    gateway(&server).request_qr(&sale(rupees)).await
}

#[tokio::test]
async fn sends_the_documented_request_and_reads_the_documented_answer() {
    let server = answering(json_answer(200, SUCCESS)).await;
    let gateway = gateway(&server);
    let grant = gateway.request_qr(&sale(500)).await.expect("QR");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.url.path(), "/api/V5/Payin/DynamicQRCode");
    let content_type = sent.headers.get("content-type").unwrap().to_str().unwrap();
    assert_eq!(content_type, "application/json");
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["customerName"], "Ajay Singh");
    assert_eq!(body["customerMobile"], "9876543210");
    assert_eq!(body["customerEmail"], "ajaysingh1898@gmail.com");
    assert_eq!(body["amount"], json!(500), "whole rupees, as an integer");
    assert!(body["amount"].is_u64());
    assert_eq!(body["registrationID"], REGISTRATION_ID);
    assert_eq!(
        body.as_object().unwrap().len(),
        5,
        "exactly the documented fields"
    );

    let sample: Value = serde_json::from_str(SUCCESS).unwrap();
    assert_eq!(grant.payload, sample["data"]["qrString"].as_str().unwrap());
    assert_eq!(grant.expires_in, Duration::from_secs(300));
    let ids: HashMap<_, _> = grant.gateway_ids.iter().cloned().collect();
    assert_eq!(ids["txnId"], "TPAY202602230723071213842");
    assert_eq!(ids["refId"], "REF-OQP1001V3463548");
    assert_eq!(ids["transactionId"], "cmlyuntvg01bp01s6q27lgaol");
    assert_eq!(ids["status"], "PENDING");

    // The payload passes the checks for ₹500 and fails them for any other amount.
    assert!(counterqr::verified_qr::verify_qr(&sale(500), grant.clone(), None).is_ok());
    assert!(counterqr::verified_qr::verify_qr(&sale(600), grant, None).is_err());
}

#[tokio::test]
async fn expiry_as_a_string_and_upi_link_as_the_fallback() {
    let mut answer: Value = serde_json::from_str(SUCCESS).unwrap();
    answer["data"]["expiresInSeconds"] = json!("180");
    answer["data"].as_object_mut().unwrap().remove("qrString");
    let grant = request(json_answer(200, &answer.to_string()), 500)
        .await
        .expect("QR");
    assert_eq!(grant.expires_in, Duration::from_secs(180));
    assert!(
        grant
            .payload
            .starts_with("upi://pay?pa=shoppingair.payu@axisbank")
    );
}

#[tokio::test]
async fn no_expiry_at_all_means_300_seconds() {
    let mut answer: Value = serde_json::from_str(SUCCESS).unwrap();
    let data = answer["data"].as_object_mut().unwrap();
    data.remove("expiresInSeconds");
    data.remove("expiresAt");
    let grant = request(json_answer(200, &answer.to_string()), 500)
        .await
        .expect("QR");
    assert_eq!(grant.expires_in, Duration::from_secs(300));
}

#[tokio::test]
async fn the_documented_400_shows_oqpays_message() {
    let err = request(json_answer(400, ERROR_400), 500)
        .await
        .expect_err("400");
    assert_eq!(
        err,
        GatewayError::Rejected {
            provider: "OQPay",
            message: "VPA does not exist for the account provided".into()
        }
    );
}

#[tokio::test]
async fn other_statuses_say_what_happened() {
    let err = request(ResponseTemplate::new(502), 500)
        .await
        .expect_err("502");
    assert!(matches!(err, GatewayError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("HTTP 502"), "{err}");
    let err = request(ResponseTemplate::new(404), 500)
        .await
        .expect_err("404");
    assert!(err.to_string().contains("HTTP 404"), "{err}");
    let err = request(json_answer(503, r#"{"message":"maintenance"}"#), 500)
        .await
        .expect_err("503");
    assert!(err.to_string().contains("maintenance"), "{err}");
}

#[tokio::test]
async fn an_html_page_is_not_taken_for_an_answer() {
    let page = ResponseTemplate::new(200).set_body_raw(
        "<!DOCTYPE html><html><body>Sorry, Some Problem Occurred</body></html>",
        "text/html",
    );
    let err = request(page, 500).await.expect_err("html");
    assert!(matches!(err, GatewayError::BadAnswer { .. }), "{err}");
    assert!(err.to_string().contains("web page"), "{err}");
}

#[tokio::test]
async fn truncated_and_non_json_bodies_are_bad_answers() {
    for body in [&SUCCESS[..SUCCESS.len() / 2], "OK", "", "null", "[]"] {
        let err = request(json_answer(200, body), 500).await.expect_err(body);
        assert!(
            matches!(
                err,
                GatewayError::BadAnswer { .. } | GatewayError::Rejected { .. }
            ),
            "{body}: {err}"
        );
    }
}

#[tokio::test]
async fn success_false_and_a_missing_qr_are_refusals() {
    let body = r#"{"success":false,"message":"Merchant is inactive"}"#;
    let err = request(json_answer(200, body), 500)
        .await
        .expect_err("success:false");
    assert!(err.to_string().contains("Merchant is inactive"), "{err}");

    let mut answer: Value = serde_json::from_str(SUCCESS).unwrap();
    let data = answer["data"].as_object_mut().unwrap();
    data.remove("qrString");
    data.remove("upiLink");
    let err = request(json_answer(200, &answer.to_string()), 500)
        .await
        .expect_err("no QR");
    assert!(err.to_string().contains("no QR string"), "{err}");
}

#[tokio::test]
async fn a_slow_gateway_times_out() {
    let server = answering(json_answer(200, SUCCESS).set_delay(Duration::from_secs(3))).await;
    let gateway = gateway_at(&server.uri(), store_with_id(), Duration::from_millis(500));
    let err = gateway.request_qr(&sale(500)).await.expect_err("timeout");
    assert!(err.to_string().contains("did not answer in time"), "{err}");
}

#[tokio::test]
async fn connection_refused_and_tls_failures_are_explained() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let gateway = gateway_at(
        &format!("http://127.0.0.1:{port}"),
        store_with_id(),
        Duration::from_secs(2),
    );
    let err = gateway.request_qr(&sale(500)).await.expect_err("refused");
    assert!(err.to_string().contains("could not connect"), "{err}");

    // https to a plain-http server: the TLS handshake fails.
    let server = answering(json_answer(200, SUCCESS)).await;
    let https = server.uri().replace("http://", "https://");
    let gateway = gateway_at(&https, store_with_id(), Duration::from_secs(2));
    let err = gateway.request_qr(&sale(500)).await.expect_err("tls");
    assert!(
        err.to_string().contains("secure (TLS) connection failed"),
        "{err}"
    );
}

#[tokio::test]
async fn oqpays_rules_are_checked_before_anything_is_sent() {
    let server = answering(json_answer(200, SUCCESS)).await;
    let gateway = gateway(&server);
    let customer = sale(500).customer;
    let paise = gateway
        .check_sale(Paise::new(50_050), &customer)
        .expect_err("paise");
    assert!(paise.contains("whole rupees"), "{paise}");
    let small = gateway
        .check_sale(Paise::from_rupees(299), &customer)
        .expect_err("299");
    assert!(small.contains("less than ₹300.00"), "{small}");
    assert!(
        gateway
            .check_sale(Paise::from_rupees(300), &customer)
            .is_ok()
    );
    let nobody = Customer::default();
    assert!(
        gateway
            .check_sale(Paise::from_rupees(500), &nobody)
            .unwrap_err()
            .contains("name")
    );

    let mut no_email = sale(500);
    no_email.customer.email = None;
    let err = gateway.request_qr(&no_email).await.expect_err("no e-mail");
    assert!(err.to_string().contains("e-mail"), "{err}");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn configured_defaults_fill_in_for_a_customer_who_gave_nothing() {
    let server = answering(json_answer(200, SUCCESS)).await;
    let http = client(Timeouts {
        connect: Duration::from_secs(2),
        total: Duration::from_secs(5),
    })
    .unwrap();
    let defaults = DefaultCustomer {
        name: "Walk-in customer".into(),
        mobile: "+91 90000 00001".into(),
        email: "counter@shop.example".into(),
    };
    let settings = OqpaySettings {
        base_url: server.uri(),
        defaults,
        ..OqpaySettings::default()
    };
    let gateway = OqpayGateway::new(http, settings, store_with_id()).unwrap();
    let mut anonymous = sale(500);
    anonymous.customer = Customer::default();
    gateway.request_qr(&anonymous).await.expect("QR");
    let body: Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(body["customerName"], "Walk-in customer");
    assert_eq!(body["customerMobile"], "9000000001");
    assert_eq!(body["customerEmail"], "counter@shop.example");
}

#[tokio::test]
async fn a_missing_registration_id_is_a_settings_problem_and_sends_nothing() {
    let server = answering(json_answer(200, SUCCESS)).await;
    let gateway = gateway_at(
        &server.uri(),
        Arc::new(MemoryStore::default()),
        Duration::from_secs(5),
    );
    let err = gateway.request_qr(&sale(500)).await.expect_err("no id");
    assert!(matches!(err, GatewayError::Config(_)), "{err}");
    assert!(
        err.to_string()
            .contains("counterqr secret set oqpay-registration-id"),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_registration_id_never_shows_in_errors() {
    for template in [
        json_answer(400, ERROR_400),
        ResponseTemplate::new(500),
        json_answer(200, "{"),
    ] {
        let err = request(template, 500).await.expect_err("error");
        assert!(!format!("{err} {err:?}").contains(REGISTRATION_ID));
    }
}
