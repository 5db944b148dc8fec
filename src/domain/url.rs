//! The rule every gateway address follows: https, or plain http to this machine only (for testing
//! against a local fake).

/// Checks a base URL: https, or plain http to this machine only. The error says what to change.
pub fn check_base_url(base: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(base.trim()).map_err(|e| format!("\"{base}\" is not a URL ({e})"))?;
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(format!(
            "\"{base}\" is plain http: payment gateways must be reached over https \
             (http is allowed only to this machine, for testing)"
        )),
        _ => Err(format!("\"{base}\" must start with https://")),
    }
}

/// True when the URL's host is this machine (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_must_be_https_except_to_this_machine() {
        assert!(check_base_url("https://payin.oqpay.in").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://localhost:8080/x").is_ok());
        assert!(check_base_url("http://[::1]:8080").is_ok());
        assert!(check_base_url("http://payin.oqpay.in").is_err());
        assert!(check_base_url("http://10.0.0.5").is_err());
        assert!(check_base_url("http://localhost.evil.example").is_err());
        assert!(check_base_url("ftp://payin.oqpay.in").is_err());
        assert!(check_base_url("payin.oqpay.in").is_err());
    }
}
