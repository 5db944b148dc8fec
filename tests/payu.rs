//! The PayU gateway against a local fake (wiremock): the form fields and the hash as documented;
//! each output type; each error shape; status polling through pending to paid, and the
//! `verify_payment` fallback.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use counterqr::domain::{
    Customer, OutputType, Paise, PaymentStatus, QrGrant, QrType, Sale, SaleExtra,
};
use counterqr::gateway::http::{Timeouts, client};
use counterqr::gateway::payu::{
    CHECK_STATUS, GENERATE, PATH, PayuGateway, PayuSettings, VERIFY_PAYMENT, request_hash,
};
use counterqr::gateway::{Gateway, GatewayError};
use counterqr::secrets::{MemoryStore, Secret, SecretName, SecretStore};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{bqr, png_of};

const KEY: &str = "vDy3i7";
const SALT: &str = "testsalt123";
const VPA: &str = "shop.payu@hdfcbank";

/// PayU's documented var1 sample, byte for byte.
const SAMPLE_VAR1: &str = r#"{"transactionId":"DBQR1981","transactionAmount":"1","merchantVpa":"gauravdua1.payu@indus","expiryTime":"3600","qrName":"payu","qrCity":"Gurgaon","qrPinCode":"122001","customerName":"Ravi","customerCity":"Ranchi","customerPinCode":"834001","customerPhoe":"7800078000","customerEmail":"[email protected]","customerAddress":"Ggn","udf3":"deliveryboy1","udf4":"sector14","udf5":"cod","outputType":"string"}"#;

#[test]
fn the_hash_matches_a_value_computed_outside_rust() {
    // printf '%s' 'vDy3i7|generate_dynamic_bharat_qr|<SAMPLE_VAR1>|testsalt123' | sha512sum
    assert_eq!(
        request_hash(KEY, GENERATE, SAMPLE_VAR1, SALT),
        "31c3339985268ff2f86234ad831c380df0c1ec87844314d39ad3d083c390d49e\
         e48fd9793f557e9ea7a92568e61e0e7071281488c1103cf110f5214c4bb2c4be"
    );
    // printf '%s' 'vDy3i7|check_bqr_txn_status|CQ1|testsalt123' | sha512sum
    assert_eq!(
        request_hash(KEY, CHECK_STATUS, "CQ1", SALT),
        "05944896068c59d98bfb1e766f4ed4804026d89f97e15cf0281b79b687121d92\
         42442e8021cd8b25ccb808119f540b995f3fb581389c5db03b4547a771e8cfe0"
    );
    // printf '%s' '|||' | sha512sum: the three separators alone, so empty parts still count.
    assert_eq!(
        request_hash("", "", "", ""),
        "a41b74fbbf6ece1538ffabf251df56e78a2c835dead4af5f2b4307926d1cab1f\
         68460cee283e98a0fdf02c602aaced9903b56b367cc0a1824171bee722c2710e"
    );
}

fn store() -> Arc<MemoryStore> {
    let store = MemoryStore::default();
    store.set(SecretName::PayuKey, &Secret::new(KEY)).unwrap();
    store.set(SecretName::PayuSalt, &Secret::new(SALT)).unwrap();
    Arc::new(store)
}

fn settings(base: &str) -> PayuSettings {
    PayuSettings {
        base_url: base.to_owned(),
        merchant_vpa: VPA.to_owned(),
        qr_name: "Sharma Stores".to_owned(),
        qr_city: "Pune".to_owned(),
        qr_pin_code: "411001".to_owned(),
        udf: ["counter1".into(), String::new(), "cod".into()],
        status_interval: Duration::from_millis(50),
        ..PayuSettings::default()
    }
}

fn gateway_with(settings: PayuSettings, store: Arc<MemoryStore>, total: Duration) -> PayuGateway {
    let http = client(Timeouts {
        connect: Duration::from_secs(2),
        total,
    })
    .unwrap();
    PayuGateway::new(http, settings, store).unwrap()
}

fn gateway(server: &MockServer) -> PayuGateway {
    gateway_with(settings(&server.uri()), store(), Duration::from_secs(5))
}

fn sale(rupees: u64) -> Sale {
    Sale::new(
        counterqr::reference::new_sale_ref(),
        Paise::from_rupees(rupees),
        Customer {
            name: Some("Ravi Kumar".into()),
            mobile: Some("7800078000".into()),
            email: Some("ravi@example.com".into()),
        },
    )
}

fn json_answer(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// A fake PayU answering every `command` post with `template`.
async fn answering(command: &str, template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    mount(&server, command, template).await;
    server
}

async fn mount(server: &MockServer, command: &str, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(query_param("form", "2"))
        .and(body_string_contains(format!("command={command}")))
        .respond_with(template)
        .mount(server)
        .await;
}

async fn request(template: ResponseTemplate) -> Result<QrGrant, GatewayError> {
    let server = answering(GENERATE, template).await;
    gateway(&server).request_qr(&sale(500)).await
}

/// The form fields of each request the fake received.
async fn sent_forms(server: &MockServer) -> Vec<HashMap<String, String>> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let content_type = r.headers.get("content-type").unwrap().to_str().unwrap();
            assert_eq!(content_type, "application/x-www-form-urlencoded");
            url::form_urlencoded::parse(&r.body).into_owned().collect()
        })
        .collect()
}

#[tokio::test]
async fn sends_the_documented_form_with_the_hash_of_the_exact_var1_sent() {
    let payload = bqr("500.00", VPA);
    let server = answering(
        GENERATE,
        json_answer(200, &json!({ "qrString": payload }).to_string()),
    )
    .await;
    let sale = sale(500);
    let grant = gateway(&server).request_qr(&sale).await.expect("QR");

    let forms = sent_forms(&server).await;
    assert_eq!(forms.len(), 1);
    let form = &forms[0];
    let mut keys: Vec<&str> = form.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["command", "hash", "key", "var1"]);
    assert_eq!(form["key"], KEY);
    assert_eq!(form["command"], GENERATE);
    assert_eq!(
        form["hash"],
        request_hash(KEY, GENERATE, &form["var1"], SALT)
    );
    assert_eq!(form["hash"].len(), 128);
    assert!(
        form["hash"]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert!(
        !form.values().any(|v| v.contains(SALT)),
        "the salt is never sent"
    );

    let var1: Value = serde_json::from_str(&form["var1"]).unwrap();
    let expected = json!({
        "transactionId": sale.reference.as_str(),
        "transactionAmount": "500.00",
        "merchantVpa": VPA,
        "expiryTime": "300",
        "qrName": "Sharma Stores",
        "qrCity": "Pune",
        "qrPinCode": "411001",
        "customerName": "Ravi Kumar",
        "customerPhone": "7800078000",
        "customerEmail": "ravi@example.com",
        "udf3": "counter1",
        "udf5": "cod",
        "qrType": "bqr",
        "outputType": "string",
    });
    assert_eq!(var1, expected);

    assert_eq!(grant.payload, payload);
    assert_eq!(grant.expires_in, Duration::from_secs(300));
    assert!(grant.picture.is_none());
    assert_eq!(
        grant.gateway_ids[0],
        ("transactionId".into(), sale.reference.to_string())
    );
    assert!(counterqr::verified_qr::verify_qr(&sale, grant.clone(), Some(VPA)).is_ok());
    assert!(counterqr::verified_qr::verify_qr(&sale, grant.clone(), Some("thief@okaxis")).is_err());
    let other = Sale::new(
        counterqr::reference::new_sale_ref(),
        Paise::from_rupees(600),
        Customer::default(),
    );
    assert!(counterqr::verified_qr::verify_qr(&other, grant, Some(VPA)).is_err());
}

#[tokio::test]
async fn every_optional_field_and_the_gst_block_reach_a_upi_qr() {
    let server = MockServer::start().await;
    let link = format!("upi://pay?pa={VPA}&pn=Sharma&am=500.00&cu=INR");
    mount(
        &server,
        GENERATE,
        json_answer(200, &json!({ "qrString": link }).to_string()),
    )
    .await;
    let settings = PayuSettings {
        qr_type: QrType::Upi,
        expiry: Duration::from_secs(600),
        purpose: "3".into(),
        ref_url: "https://shop.example/invoice/78457637".into(),
        category: "02".into(),
        ..settings(&server.uri())
    };
    let gateway = gateway_with(settings, store(), Duration::from_secs(5));
    let gst = r#"{"gst":"100.25","cgst":"25.45","sgst":"25.45","igst":"50.9","cess":"10.2",
        "gstIncentive":"10.2","gstPercentage":"18","gstIn":"24AAACC1206D1ZM","invoiceName":"Bill",
        "invoiceNo":"78457637","invoiceDate":"2021-05-21T13:21:50+05:30"}"#;
    let mut sale = sale(500);
    sale.extra = SaleExtra::check("Ranchi", "834001", &"A".repeat(130), Some(gst)).unwrap();
    gateway.request_qr(&sale).await.expect("QR");

    let form = &sent_forms(&server).await[0];
    let var1: Value = serde_json::from_str(&form["var1"]).unwrap();
    for (key, value) in [
        ("qrType", "upi"),
        ("expiryTime", "600"),
        ("customerCity", "Ranchi"),
        ("customerPinCode", "834001"),
        ("gst", "100.25"),
        ("cgst", "25.45"),
        ("sgst", "25.45"),
        ("igst", "50.9"),
        ("cess", "10.2"),
        ("gstIncentive", "10.2"),
        ("gstPercentage", "18"),
        ("gstIn", "24AAACC1206D1ZM"),
        ("invoiceName", "Bill"),
        ("invoiceNo", "78457637"),
        ("invoiceDate", "2021-05-21T13:21:50+05:30"),
        ("purpose", "3"),
        ("refUrl", "https://shop.example/invoice/78457637"),
        ("category", "02"),
    ] {
        assert_eq!(var1[key], value, "{key}");
    }
    assert_eq!(
        var1["customerAddress"].as_str().unwrap().chars().count(),
        100,
        "the address is cut to 100 characters"
    );
}

#[tokio::test]
async fn gst_on_a_bharat_qr_is_refused_before_anything_is_sent() {
    let server = answering(GENERATE, json_answer(200, "{}")).await;
    let gst = r#"{"gst":"1","cgst":"0.5","sgst":"0.5","igst":"0","cess":"0","gstIncentive":"0",
        "gstPercentage":"18","gstIn":"24AAACC1206D1ZM","invoiceName":"Bill","invoiceNo":"1",
        "invoiceDate":"2021-05-21T13:21:50+05:30"}"#;
    let mut sale = sale(500);
    sale.extra = SaleExtra::check("", "", "", Some(gst)).unwrap();
    let err = gateway(&server).request_qr(&sale).await.expect_err("bqr");
    assert!(err.to_string().contains("UPI QRs"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn below_one_rupee_is_refused_before_anything_is_sent() {
    let server = answering(GENERATE, json_answer(200, "{}")).await;
    let tiny = Sale::new(
        counterqr::reference::new_sale_ref(),
        Paise::new(99),
        Customer::default(),
    );
    let err = gateway(&server).request_qr(&tiny).await.expect_err("< ₹1");
    assert!(err.to_string().contains("₹1.00"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn output_base64_of_the_qr_text() {
    let payload = bqr("500.00", VPA);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&payload);
    let grant = request(json_answer(
        200,
        &json!({ "qrString": encoded, "qrId": "Q123", "vpa": VPA }).to_string(),
    ))
    .await
    .expect("QR");
    assert_eq!(grant.payload, payload);
    assert!(grant.picture.is_none());
    let ids: HashMap<_, _> = grant.gateway_ids.into_iter().collect();
    assert_eq!(ids["qrId"], "Q123");
    assert_eq!(ids["vpa"], VPA);
}

#[tokio::test]
async fn output_base64_of_an_image_is_read_back_and_shown_as_drawn() {
    let payload = bqr("500.00", VPA);
    let encoded = base64::engine::general_purpose::STANDARD.encode(png_of(&payload));
    for value in [encoded.clone(), format!("data:image/png;base64,{encoded}")] {
        let grant = request(json_answer(200, &json!({ "qrString": value }).to_string()))
            .await
            .expect("QR");
        assert_eq!(grant.payload, payload, "the text comes from the picture");
        let picture = grant.picture.as_ref().expect("PayU's picture is kept");
        assert!(picture.size()[0] > 100);
        assert!(counterqr::verified_qr::verify_qr(&sale(500), grant, Some(VPA)).is_ok());
    }
}

#[tokio::test]
async fn output_image_is_decoded_with_the_image_crate() {
    let payload = bqr("500.00", VPA);
    let grant = request(ResponseTemplate::new(200).set_body_raw(png_of(&payload), "image/png"))
        .await
        .expect("QR");
    assert_eq!(grant.payload, payload);
    assert!(grant.picture.is_some());
    let ready =
        counterqr::verified_qr::verify_qr(&sale(500), grant, Some(VPA)).expect("checks pass");
    assert_eq!(ready.payee_vpa(), Some(VPA));

    // A picture of a QR for another amount never passes.
    let wrong =
        request(ResponseTemplate::new(200).set_body_raw(png_of(&bqr("5.00", VPA)), "image/png"))
            .await
            .expect("readable");
    assert!(counterqr::verified_qr::verify_qr(&sale(500), wrong, Some(VPA)).is_err());

    // An image with no QR in it is a bad answer.
    let mut blank = Vec::new();
    image::GrayImage::from_pixel(80, 80, image::Luma([255]))
        .write_to(
            &mut std::io::Cursor::new(&mut blank),
            image::ImageFormat::Png,
        )
        .unwrap();
    let err = request(ResponseTemplate::new(200).set_body_raw(blank, "image/png"))
        .await
        .expect_err("no QR");
    assert!(matches!(err, GatewayError::BadAnswer { .. }), "{err}");
}

#[tokio::test]
async fn the_output_type_setting_is_sent() {
    for (output, word) in [
        (OutputType::String, "string"),
        (OutputType::Base64, "base64"),
        (OutputType::Image, "image"),
    ] {
        let server = answering(
            GENERATE,
            json_answer(200, &json!({ "qrString": bqr("500.00", VPA) }).to_string()),
        )
        .await;
        let settings = PayuSettings {
            output_type: output,
            ..settings(&server.uri())
        };
        gateway_with(settings, store(), Duration::from_secs(5))
            .request_qr(&sale(500))
            .await
            .expect("QR");
        let var1: Value = serde_json::from_str(&sent_forms(&server).await[0]["var1"]).unwrap();
        assert_eq!(var1["outputType"], word);
    }
}

#[tokio::test]
async fn qrexpire_in_the_upi_string_sets_the_expiry() {
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(90);
    let stamp = at
        .to_offset(time::UtcOffset::from_hms(5, 30, 0).unwrap())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let link = format!("upi://pay?pa={VPA}&am=500.00&cu=INR&QRexpire={stamp}");
    let grant = request(json_answer(200, &json!({ "qrString": link }).to_string()))
        .await
        .expect("QR");
    let secs = grant.expires_in.as_secs();
    assert!((85..=90).contains(&secs), "{secs} s from QRexpire");
}

#[tokio::test]
async fn each_documented_error_code_is_explained() {
    let cases = [
        ("E2003", "transactionId"),
        ("E2017", "40 characters"),
        ("E2018", "letters and digits"),
        ("E2004", "below ₹1.00"),
        ("E2006", "below ₹1.00"),
        ("E2007", "merchant VPA"),
        ("E2008", "not the one PayU has"),
        ("E2009", "at least 1 second"),
        ("E2010", "another amount"),
        ("E2011", "another VPA"),
        ("E2012", "ALREADY PAID"),
        ("E2013", "could not generate"),
        ("E2015", "not set up for QR"),
        ("E2025", "already running"),
    ];
    for (code, words) in cases {
        let body = json!({"status": "failed", "message": "PayU's own words", "errorCode": code});
        let err = request(json_answer(200, &body.to_string()))
            .await
            .expect_err(code);
        if code == "E2012" {
            assert!(
                matches!(err, GatewayError::AlreadyPaid { .. }),
                "{code}: {err}"
            );
        } else {
            assert!(
                matches!(err, GatewayError::Rejected { .. }),
                "{code}: {err}"
            );
        }
        let text = err.to_string();
        assert!(
            text.contains(words) && text.contains(code),
            "{code}: {text}"
        );
    }
}

#[tokio::test]
async fn the_older_status_zero_shape_and_unknown_codes_keep_payus_message() {
    let err = request(json_answer(200, r#"{"status":0,"msg":"Invalid Hash."}"#))
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("Invalid Hash."), "{err}");
    let err = request(json_answer(
        400,
        r#"{"status":"failed","message":"Brand new rule","errorCode":"E2099"}"#,
    ))
    .await
    .expect_err("refused");
    assert!(err.to_string().contains("Brand new rule (E2099)"), "{err}");
}

#[tokio::test]
async fn the_sorry_page_says_to_check_the_key_and_salt() {
    let page = "<html><body><h1>Sorry, Some Problem Occurred.</h1></body></html>";
    let err = request(ResponseTemplate::new(200).set_body_raw(page, "text/html"))
        .await
        .expect_err("HTML");
    let text = err.to_string();
    assert!(text.contains("key and salt"), "{text}");
    let err =
        request(ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"))
            .await
            .expect_err("HTML");
    assert!(matches!(err, GatewayError::BadAnswer { .. }), "{err}");
}

#[tokio::test]
async fn server_errors_malformed_and_empty_bodies() {
    for status in [500, 502, 503] {
        let err = request(ResponseTemplate::new(status))
            .await
            .expect_err("5xx");
        assert!(
            matches!(err, GatewayError::Unreachable { .. }),
            "{status}: {err}"
        );
    }
    let err =
        request(ResponseTemplate::new(502).set_body_raw("<html>Bad gateway</html>", "text/html"))
            .await
            .expect_err("5xx page");
    assert!(matches!(err, GatewayError::Unreachable { .. }), "{err}");
    for body in [
        "",
        "{\"qrString\":\"000201",
        "not json",
        "[]",
        "{}",
        r#"{"qrString":""}"#,
    ] {
        let err = request(json_answer(200, body)).await.expect_err(body);
        assert!(
            matches!(err, GatewayError::BadAnswer { .. }),
            "{body:?}: {err}"
        );
    }
    let err = request(json_answer(200, r#"{"qrString":"%%% not a QR %%%"}"#))
        .await
        .expect_err("garbage");
    assert!(matches!(err, GatewayError::BadAnswer { .. }), "{err}");
}

#[tokio::test]
async fn a_slow_payu_times_out_in_plain_words() {
    let server = answering(
        GENERATE,
        json_answer(200, "{}").set_delay(Duration::from_secs(3)),
    )
    .await;
    let gateway = gateway_with(settings(&server.uri()), store(), Duration::from_millis(300));
    let err = gateway.request_qr(&sale(500)).await.expect_err("timeout");
    assert!(err.to_string().contains("did not answer in time"), "{err}");
}

#[tokio::test]
async fn a_retry_reuses_the_transaction_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount(
        &server,
        GENERATE,
        json_answer(200, &json!({ "qrString": bqr("500.00", VPA) }).to_string()),
    )
    .await;
    let gateway = gateway(&server);
    let sale = sale(500);
    assert!(gateway.request_qr(&sale).await.is_err());
    gateway.request_qr(&sale).await.expect("the retry works");
    let ids: Vec<String> = sent_forms(&server)
        .await
        .iter()
        .map(|f| serde_json::from_str::<Value>(&f["var1"]).unwrap()["transactionId"].to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1]);
}

#[tokio::test]
async fn missing_key_or_salt_is_a_settings_problem_and_sends_nothing() {
    let server = answering(GENERATE, json_answer(200, "{}")).await;
    let only_key = MemoryStore::default();
    only_key
        .set(SecretName::PayuKey, &Secret::new(KEY))
        .unwrap();
    let gateway = gateway_with(
        settings(&server.uri()),
        Arc::new(only_key),
        Duration::from_secs(5),
    );
    let err = gateway.request_qr(&sale(500)).await.expect_err("no salt");
    assert!(matches!(err, GatewayError::Config(_)), "{err}");
    assert!(
        err.to_string().contains("counterqr secret set payu-salt"),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn key_and_salt_never_show_in_errors() {
    let server = answering(GENERATE, json_answer(200, "{}")).await;
    let answers = [
        ResponseTemplate::new(500),
        json_answer(200, "not json"),
        ResponseTemplate::new(200)
            .set_body_raw("<html>Sorry, Some Problem Occurred</html>", "text/html"),
    ];
    for answer in answers {
        let server = answering(GENERATE, answer).await;
        let err = gateway(&server)
            .request_qr(&sale(500))
            .await
            .expect_err("fails");
        let text = format!("{err} {err:?}");
        assert!(!text.contains(SALT) && !text.contains(KEY), "{text}");
    }
    drop(server);
}

/// A `check_bqr_txn_status` answer with `result` = base64 of `result`.
fn bqr_status(status: u8, msg: &str, result: &Value) -> ResponseTemplate {
    let encoded = base64::engine::general_purpose::STANDARD.encode(result.to_string());
    json_answer(
        200,
        &json!({"status": status, "msg": msg, "result": encoded}).to_string(),
    )
}

/// `fields` about `sale`'s transaction, as PayU describes one (its `txnid` added).
fn about(sale: &Sale, mut fields: Value) -> Value {
    fields["txnid"] = Value::String(sale.reference.to_string());
    fields
}

#[tokio::test]
async fn status_polling_goes_from_pending_to_paid() {
    let server = MockServer::start().await;
    let sale = sale(500);
    Mock::given(method("POST"))
        .and(body_string_contains(format!("command={CHECK_STATUS}")))
        .respond_with(bqr_status(
            0,
            "Transaction is Pending",
            &about(&sale, json!({"status": "pending", "error": "E000"})),
        ))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    mount(
        &server,
        CHECK_STATUS,
        bqr_status(
            1,
            "Transaction Fetched Successfully",
            &about(
                &sale,
                json!({
                    "status": "success", "unmappedstatus": "captured", "amount": "500.00",
                    "mihpayid": 403993715521937565_u64, "bank_ref_num": "123456789012",
                    "field3": "customer@okicici", "error": "E000"
                }),
            ),
        ),
    )
    .await;
    let gateway = gateway(&server);
    assert_eq!(
        gateway.check_status(&sale).await.unwrap(),
        PaymentStatus::Pending
    );
    assert_eq!(
        gateway.check_status(&sale).await.unwrap(),
        PaymentStatus::Pending
    );
    let PaymentStatus::Paid(details) = gateway.check_status(&sale).await.unwrap() else {
        panic!("paid expected");
    };
    assert_eq!(details.payer_vpa.as_deref(), Some("customer@okicici"));
    assert_eq!(details.bank_reference.as_deref(), Some("123456789012"));
    assert_eq!(
        details.gateway_payment_id.as_deref(),
        Some("403993715521937565")
    );

    let forms = sent_forms(&server).await;
    assert_eq!(forms.len(), 3);
    for form in &forms {
        assert_eq!(form["command"], CHECK_STATUS);
        assert_eq!(form["var1"], sale.reference.as_str());
        assert_eq!(form["var3"], "DBQR");
        assert_eq!(
            form["hash"],
            request_hash(KEY, CHECK_STATUS, sale.reference.as_str(), SALT)
        );
    }
}

#[tokio::test]
async fn a_failed_payment_and_a_wrong_amount_are_failures() {
    let sale = sale(500);
    let server = answering(
        CHECK_STATUS,
        bqr_status(
            1,
            "Transaction Failed",
            &about(
                &sale,
                json!({"status": "failure", "unmappedstatus": "failed", "error": "E231", "amount": "500.00"}),
            ),
        ),
    )
    .await;
    let status = gateway(&server).check_status(&sale).await.unwrap();
    assert!(
        matches!(&status, PaymentStatus::Failed { reason } if reason.contains("failed")),
        "{status:?}"
    );

    let server = answering(
        CHECK_STATUS,
        bqr_status(
            1,
            "ok",
            &about(&sale, json!({"status": "success", "amount": "5.00"})),
        ),
    )
    .await;
    let status = gateway(&server).check_status(&sale).await.unwrap();
    assert!(
        matches!(&status, PaymentStatus::Failed { reason } if reason.contains("₹5.00")),
        "{status:?}"
    );
}

#[tokio::test]
async fn a_garbled_status_is_an_error_so_polling_retries() {
    let sale = sale(500);
    for answer in [
        json_answer(200, r#"{"status":1,"msg":"ok","result":"!!!notbase64"}"#),
        json_answer(200, "{\"status\":1,"),
        ResponseTemplate::new(502),
    ] {
        let server = answering(CHECK_STATUS, answer).await;
        assert!(gateway(&server).check_status(&sale).await.is_err());
    }
}

#[tokio::test]
async fn verify_payment_takes_over_when_the_qr_status_call_is_refused() {
    let server = MockServer::start().await;
    let sale = sale(500);
    mount(
        &server,
        CHECK_STATUS,
        json_answer(200, r#"{"status":0,"msg":"Invalid command"}"#),
    )
    .await;
    Mock::given(method("POST"))
        .and(body_string_contains(format!("command={VERIFY_PAYMENT}")))
        .respond_with(json_answer(
            200,
            &json!({"status": 0, "msg": "0 out of 1 Transactions Fetched Successfully",
                "transaction_details": {sale.reference.as_str(): {"status": "Not Found"}}})
            .to_string(),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount(
        &server,
        VERIFY_PAYMENT,
        json_answer(
            200,
            &json!({"status": 1, "msg": "1 out of 1 Transactions Fetched Successfully",
                "transaction_details": {sale.reference.as_str(): {
                    "status": "success", "amt": "500.00", "mihpayid": "999",
                    "bank_ref_num": "BR1", "field3": "payer@ybl"}}})
            .to_string(),
        ),
    )
    .await;
    let gateway = gateway(&server);
    assert_eq!(
        gateway.check_status(&sale).await.unwrap(),
        PaymentStatus::Pending
    );
    let PaymentStatus::Paid(details) = gateway.check_status(&sale).await.unwrap() else {
        panic!("paid expected");
    };
    assert_eq!(details.bank_reference.as_deref(), Some("BR1"));
    let commands: Vec<String> = sent_forms(&server)
        .await
        .into_iter()
        .map(|f| f["command"].clone())
        .collect();
    assert_eq!(
        commands,
        [CHECK_STATUS, VERIFY_PAYMENT, VERIFY_PAYMENT],
        "the refused command is not asked again"
    );
}

/// The answers that made PAID wrong or lost a payment before the status decision became one
/// fail-closed rule: none of them is PAID, and PayU's real `verify_payment` answer is.
#[tokio::test]
async fn no_unsuccessful_unreadable_or_anonymous_answer_is_ever_paid() {
    let sale = sale(500);
    let not_paid = |status: &PaymentStatus| !matches!(status, PaymentStatus::Paid(_));
    // "Unsuccessful" holds "success": the command answered without a result, so verify_payment
    // is asked, and it says nothing has arrived.
    let server = answering(
        CHECK_STATUS,
        json_answer(200, r#"{"status":0,"msg":"Transaction Unsuccessful"}"#),
    )
    .await;
    let pending = json!({"status": 0, "msg": "0 out of 1 Transactions Fetched Successfully",
        "transaction_details": {sale.reference.as_str(): {"mihpayid": "Not Found", "status": "Not Found"}}});
    mount(
        &server,
        VERIFY_PAYMENT,
        json_answer(200, &pending.to_string()),
    )
    .await;
    let status = gateway(&server).check_status(&sale).await.unwrap();
    assert_eq!(status, PaymentStatus::Pending);
    // An amount that does not read as this sale's, in a result that names no transaction.
    for result in [
        json!({"status": "success", "amount": "50.000"}),
        json!({"status": "success", "amount": "1,000.00"}),
        json!({"status": "success"}),
    ] {
        let server = answering(
            CHECK_STATUS,
            bqr_status(1, "Transaction Successful", &result),
        )
        .await;
        let status = gateway(&server).check_status(&sale).await;
        assert!(
            status.as_ref().is_err() || not_paid(status.as_ref().unwrap()),
            "{result}: {status:?}"
        );
        let with_id = about(&sale, result.clone());
        let server = answering(
            CHECK_STATUS,
            bqr_status(1, "Transaction Successful", &with_id),
        )
        .await;
        let status = gateway(&server).check_status(&sale).await;
        assert!(
            status.as_ref().is_err() || not_paid(status.as_ref().unwrap()),
            "{with_id}: {status:?}"
        );
    }
    // Another sale's success.
    let mut other = about(&sale, json!({"status": "success", "amount": "500.00"}));
    other["txnid"] = json!("CQ1SOMEONEELSE");
    let server = answering(CHECK_STATUS, bqr_status(1, "ok", &other)).await;
    let status = gateway(&server).check_status(&sale).await;
    assert!(
        status.as_ref().is_err() || not_paid(status.as_ref().unwrap()),
        "{status:?}"
    );
}

#[tokio::test]
async fn a_result_that_names_no_transaction_is_confirmed_by_verify_payment() {
    let sale = sale(500);
    let server = answering(
        CHECK_STATUS,
        bqr_status(1, "ok", &json!({"status": "success", "amount": "500.00"})),
    )
    .await;
    // PayU's real verify_payment record: both amt and transaction_amount, references as numbers.
    let details = json!({"status": 1, "msg": "1 out of 1 Transactions Fetched Successfully",
        "transaction_details": {sale.reference.as_str(): {
            "mihpayid": 403993715521937565_u64, "request_id": "", "bank_ref_num": 612345678901_u64,
            "amt": "500.00", "transaction_amount": "500.00", "txnid": sale.reference.as_str(),
            "additional_charges": "0.00", "productinfo": "QR", "firstname": "", "status": "success",
            "unmappedstatus": "captured", "net_amount_debit": 500, "mode": "UPI",
            "field3": "customer@okicici", "error_code": "E000", "error_Message": "No Error"}}});
    mount(
        &server,
        VERIFY_PAYMENT,
        json_answer(200, &details.to_string()),
    )
    .await;
    let PaymentStatus::Paid(paid) = gateway(&server).check_status(&sale).await.unwrap() else {
        panic!("paid expected");
    };
    assert_eq!(paid.bank_reference.as_deref(), Some("612345678901"));
    assert_eq!(
        paid.gateway_payment_id.as_deref(),
        Some("403993715521937565")
    );
    let commands: Vec<String> = sent_forms(&server)
        .await
        .into_iter()
        .map(|f| f["command"].clone())
        .collect();
    assert_eq!(commands, [CHECK_STATUS, VERIFY_PAYMENT]);
}

#[tokio::test]
async fn an_unreadable_qr_status_is_asked_again_of_verify_payment() {
    let sale = sale(500);
    let server = answering(
        CHECK_STATUS,
        json_answer(
            200,
            r#"{"status":1,"msg":"fetched","result":"%%% not base64 %%%"}"#,
        ),
    )
    .await;
    let details = json!({"status": 1, "transaction_details": {sale.reference.as_str(): {
        "txnid": sale.reference.as_str(), "status": "pending", "unmappedstatus": "in progress",
        "amt": "500.00", "transaction_amount": "500.00"}}});
    mount(
        &server,
        VERIFY_PAYMENT,
        json_answer(200, &details.to_string()),
    )
    .await;
    let status = gateway(&server).check_status(&sale).await;
    assert_eq!(
        status,
        Ok(PaymentStatus::Pending),
        "verify_payment's word, not an error"
    );
    let commands: Vec<String> = sent_forms(&server)
        .await
        .into_iter()
        .map(|f| f["command"].clone())
        .collect();
    assert_eq!(commands, [CHECK_STATUS, VERIFY_PAYMENT]);
}
