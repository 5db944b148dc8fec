//! What the networked gateways share: the one HTTP client, base-URL rules, sending a request and
//! reading the answer whatever it is, and turning transport failures into plain words.

use std::error::Error as _;
use std::time::Duration;

use super::GatewayError;

/// How much of an answer's body goes into a log line.
const LOGGED_BODY_CHARS: usize = 500;

/// Timeouts for the shared client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

/// The most a JSON answer (a status, an error) may weigh; PayU's and OQPay's are under 4 KiB.
pub const JSON_LIMIT: usize = 256 * 1024;
/// The most a QR answer may weigh: PayU's image output is a PNG of some tens of KiB.
pub const QR_LIMIT: usize = 4 * 1024 * 1024;

/// The one HTTP client for the whole run (connection pool, TLS with the system's CA store).
/// It follows no redirect: a 307/308 would re-send the form (PayU's key and hash, OQPay's
/// registration ID) to wherever `Location` points. The total timeout covers reading the body,
/// so a server trickling a byte a second is cut off at it.
pub fn client(timeouts: Timeouts) -> Result<reqwest::Client, GatewayError> {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .redirect(reqwest::redirect::Policy::none())
        .https_only(false)
        .user_agent(concat!("counterqr/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| GatewayError::Config(format!("the HTTP client could not start: {e}")))
}

/// `base` (checked) joined with `path`, keeping any path prefix in `base`.
pub fn endpoint(base: &str, path: &str) -> Result<url::Url, GatewayError> {
    let mut url = crate::domain::url::check_base_url(base).map_err(GatewayError::Config)?;
    let joined = format!("{}{path}", url.path().trim_end_matches('/'));
    url.set_path(&joined);
    Ok(url)
}

/// An HTTP answer, whatever its status or body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    /// The body as text (invalid UTF-8 replaced), for JSON and HTML answers.
    pub body: String,
    /// The body's bytes as sent, for image answers.
    pub raw: Vec<u8>,
}

impl HttpAnswer {
    /// An answer with this status, content type and body.
    pub fn new(status: u16, content_type: Option<&str>, raw: Vec<u8>) -> Self {
        Self {
            status,
            content_type: content_type.map(str::to_owned),
            body: String::from_utf8_lossy(&raw).into_owned(),
            raw,
        }
    }

    /// True for an HTML error page (by content type or by its first characters).
    pub fn looks_like_html(&self) -> bool {
        let by_type = self
            .content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
        let start = self
            .body
            .trim_start()
            .chars()
            .take(15)
            .collect::<String>()
            .to_ascii_lowercase();
        by_type || start.starts_with("<!doctype html") || start.starts_with("<html")
    }

    /// The start of the body, on one line, for a log (an image is only named).
    pub fn body_for_log(&self) -> String {
        if crate::render::looks_like_image(&self.raw) {
            return format!("({} bytes of image)", self.raw.len());
        }
        crate::domain::text::clean_gateway_text(&self.body, LOGGED_BODY_CHARS)
    }
}

/// Sends `request` and reads the answer, at most `limit` bytes of it (checked while reading,
/// so an endless body is cut off); a redirect is refused, naming where it pointed. Transport
/// failures become plain words.
pub async fn send(
    provider: &'static str,
    request: reqwest::RequestBuilder,
    limit: usize,
) -> Result<HttpAnswer, GatewayError> {
    let mut response = request
        .send()
        .await
        .map_err(|e| transport_error(provider, e))?;
    let status = response.status().as_u16();
    if response.status().is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| "nowhere".to_owned(), redirect_target);
        return Err(GatewayError::BadAnswer {
            provider,
            detail: format!(
                "the gateway answered with a redirect (HTTP {status}) to {location}; counterqr \
                 follows no redirects: check the gateway address in Settings"
            ),
        });
    }
    let too_big = || GatewayError::BadAnswer {
        provider,
        detail: format!("the answer is larger than {} KiB", limit / 1024),
    };
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_big());
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut raw = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(provider, e))?
    {
        if raw.len().saturating_add(chunk.len()) > limit {
            return Err(too_big());
        }
        raw.extend_from_slice(&chunk);
    }
    Ok(HttpAnswer::new(status, content_type.as_deref(), raw))
}

/// Where a redirect pointed, for the cashier: scheme, host and path (no query, which could
/// carry anything), cut short and stripped of control characters.
fn redirect_target(location: &str) -> String {
    let shown = url::Url::parse(location).map_or_else(
        |_| location.to_owned(),
        |mut url| {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url[..url::Position::AfterPath].to_owned()
        },
    );
    crate::domain::text::clean_gateway_text(&shown, 120)
}

/// A transport failure in words a cashier can act on. The request (which may hold a secret) is
/// never part of the message; only the kind of failure is.
fn transport_error(provider: &'static str, error: reqwest::Error) -> GatewayError {
    let error = error.without_url();
    let chain = source_chain(&error).to_ascii_lowercase();
    let detail = if chain.contains("certificate")
        || chain.contains("tls")
        || chain.contains("handshake")
        || chain.contains("invalidcontenttype")
        || chain.contains("corrupt message")
    {
        "the secure (TLS) connection failed; check the PC's date and time, and the gateway address"
            .to_owned()
    } else if error.is_timeout() && error.is_connect() {
        "the connection was not set up in time".to_owned()
    } else if error.is_timeout() {
        "the gateway did not answer in time".to_owned()
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else {
        "the connection broke off".to_owned()
    };
    tracing::warn!(provider, "transport error: {detail} ({chain})");
    GatewayError::Unreachable { provider, detail }
}

/// The error and its sources, for classification and the log (reqwest errors carry no bodies).
fn source_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// An error for an HTTP status with no readable explanation.
pub fn status_error(provider: &'static str, status: u16) -> GatewayError {
    if status >= 500 {
        GatewayError::Unreachable {
            provider,
            detail: format!("{provider} had a problem (HTTP {status})"),
        }
    } else {
        GatewayError::Rejected {
            provider,
            message: format!("HTTP {status} with no explanation"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_keep_a_base_path() {
        let url =
            endpoint("https://gw.example/prefix/", "/api/V5/Payin/DynamicQRCode").expect("ok");
        assert_eq!(
            url.as_str(),
            "https://gw.example/prefix/api/V5/Payin/DynamicQRCode"
        );
        let url = endpoint("https://payin.oqpay.in", "/api/x").expect("ok");
        assert_eq!(url.as_str(), "https://payin.oqpay.in/api/x");
    }

    #[test]
    fn html_is_recognised_by_type_or_by_its_start() {
        let page = |ct: Option<&str>, body: &str| HttpAnswer::new(200, ct, body.into());
        assert!(page(Some("text/html; charset=UTF-8"), "x").looks_like_html());
        assert!(page(None, "  <!DOCTYPE html><p>Sorry").looks_like_html());
        assert!(page(Some("application/json"), "<html>").looks_like_html());
        assert!(!page(Some("application/json"), "{}").looks_like_html());
    }
}
