//! The network is narrow, for both networked gateways: no redirect is followed (and the
//! redirect's target, which would have received the key, hash or registration ID, sees
//! nothing), answers are capped in size while they are read, and a server that trickles one byte
//! a second is cut off by the total timeout.

// Test helpers stop loudly on what cannot happen in a working test environment.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use counterqr::domain::{Customer, Paise, Sale};
use counterqr::gateway::http::{QR_LIMIT, Timeouts, client};
use counterqr::gateway::oqpay::{OqpayGateway, OqpaySettings};
use counterqr::gateway::payu::{PayuGateway, PayuSettings};
use counterqr::gateway::{Gateway, GatewayError};
use counterqr::secrets::{MemoryStore, Secret, SecretName, SecretStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "payu-key-never-forwarded";
const REGISTRATION_ID: &str = "OQP-NEVER-FORWARDED";

fn http(total: Duration) -> reqwest::Client {
    client(Timeouts {
        connect: Duration::from_secs(2),
        total,
    })
    .unwrap()
}

fn payu(base: &str, total: Duration) -> Arc<dyn Gateway> {
    let store = MemoryStore::default();
    store.set(SecretName::PayuKey, &Secret::new(KEY)).unwrap();
    store
        .set(SecretName::PayuSalt, &Secret::new("salt"))
        .unwrap();
    let settings = PayuSettings {
        base_url: base.to_owned(),
        merchant_vpa: "shop@hdfcbank".to_owned(),
        ..PayuSettings::default()
    };
    Arc::new(PayuGateway::new(http(total), settings, Arc::new(store)).unwrap())
}

fn oqpay(base: &str, total: Duration) -> Arc<dyn Gateway> {
    let store = MemoryStore::default();
    store
        .set(
            SecretName::OqpayRegistrationId,
            &Secret::new(REGISTRATION_ID),
        )
        .unwrap();
    let settings = OqpaySettings {
        base_url: base.to_owned(),
        ..OqpaySettings::default()
    };
    Arc::new(OqpayGateway::new(http(total), settings, Arc::new(store)).unwrap())
}

fn both(base: &str, total: Duration) -> [Arc<dyn Gateway>; 2] {
    [payu(base, total), oqpay(base, total)]
}

fn sale() -> Sale {
    Sale::new(
        counterqr::reference::new_sale_ref(),
        Paise::from_rupees(500),
        Customer {
            name: Some("Ravi Kumar".into()),
            mobile: Some("9876543210".into()),
            email: Some("ravi@example.com".into()),
        },
    )
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_redirect_is_refused_and_its_target_receives_nothing() {
    let elsewhere = answering(ResponseTemplate::new(200).set_body_string("{}")).await;
    for code in [301, 302, 303, 307, 308] {
        let target = format!("{}/collect?k=v", elsewhere.uri());
        let server =
            answering(ResponseTemplate::new(code).insert_header("Location", target.as_str())).await;
        for gateway in both(&server.uri(), Duration::from_secs(5)) {
            let err = gateway.request_qr(&sale()).await.unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(err, GatewayError::BadAnswer { .. }),
                "{code}: {err:?}"
            );
            assert!(text.contains("redirect"), "{text}");
            assert!(
                text.contains(&format!("{}/collect", elsewhere.uri())),
                "names it: {text}"
            );
            assert!(!text.contains("k=v"), "no query: {text}");
        }
    }
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "the redirect's target was sent nothing"
    );
}

#[tokio::test]
async fn an_oversized_answer_is_refused_while_it_is_read() {
    let huge = vec![b'x'; QR_LIMIT + 1];
    let server = answering(ResponseTemplate::new(200).set_body_raw(huge, "application/json")).await;
    for gateway in both(&server.uri(), Duration::from_secs(10)) {
        let err = gateway.request_qr(&sale()).await.unwrap_err();
        assert!(err.to_string().contains("larger than"), "{err}");
    }
    // A status answer's cap is far smaller: 300 KiB of JSON is refused.
    let padding = "x".repeat(300 * 1024);
    let status = answering(ResponseTemplate::new(200).set_body_raw(
        format!(r#"{{"status":1,"pad":"{padding}"}}"#),
        "application/json",
    ))
    .await;
    let err = payu(&status.uri(), Duration::from_secs(10))
        .check_status(&sale())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("larger than 256 KiB"), "{err}");
}

/// A server that answers with headers and then one byte a second, chunked, forever; and one
/// that never stops sending a chunked body without a length.
async fn trickling() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = [0u8; 8192];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                            Transfer-Encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                loop {
                    if socket.write_all(b"1\r\n{\r\n").await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        }
    });
    (format!("http://{address}"), task)
}

#[tokio::test]
async fn a_server_trickling_a_byte_a_second_is_cut_off_at_the_total_timeout() {
    let (base, server) = trickling().await;
    for gateway in both(&base, Duration::from_secs(2)) {
        let err = gateway.request_qr(&sale()).await.unwrap_err();
        assert!(
            matches!(&err, GatewayError::Unreachable { detail, .. } if detail.contains("in time")),
            "{err:?}"
        );
    }
    server.abort();
}
