//! How long a QR may stay on screen: the shortest of everything the gateway says about its expiry
//! (a number of seconds, a moment), and never longer than the shop's cap. A missing, zero,
//! negative or absurd value gets the provider's default or a clear refusal, never a panic: no
//! arithmetic here can overflow on a gateway's value.

use std::time::Duration;

use time::OffsetDateTime;

/// A gateway's value above this many seconds is not a QR lifetime but a mistake (milliseconds
/// where seconds belong, or a timestamp): it is set aside, not capped.
pub const ABSURD_SECS: u64 = 7 * 24 * 60 * 60;

/// One thing a gateway says about when its QR stops being valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim<'a> {
    /// A number of seconds from when the QR was made (`expiresInSeconds`, PayU's `expiryTime`),
    /// as written (a JSON number's digits or a string).
    Seconds(&'a str),
    /// A moment, RFC 3339 (`expiresAt`, PayU's `QRexpire`).
    At(&'a str),
}

/// The provider's documented default and the shop's cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Used when the gateway says nothing usable.
    pub default: Duration,
    /// No QR stays longer than this, whatever the gateway says.
    pub cap: Duration,
}

/// The QR's life, and what was set aside on the way (for the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Life {
    pub duration: Duration,
    pub set_aside: Vec<String>,
}

/// Why a QR cannot be shown at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The gateway says its QR is already expired ({0}). It was not shown; try again.")]
pub struct AlreadyExpired(pub String);

/// What one claim says.
enum Reading {
    Valid(Duration),
    /// Explicitly zero or negative: the gateway says the QR is dead.
    Dead(String),
    /// Unreadable, absurd, or already past by this PC's clock (which may be wrong).
    SetAside(String),
}

/// Whole seconds from a gateway's text: digits, optionally with a fraction (rounded down).
fn read_seconds(text: &str) -> Reading {
    let trimmed = text.trim();
    let set_aside = |why: &str| Reading::SetAside(format!("\"{}\" {why}", cut(trimmed)));
    if let Some(rest) = trimmed.strip_prefix('-') {
        return if rest.bytes().any(|b| b.is_ascii_digit()) {
            Reading::Dead(format!("{} seconds", cut(trimmed)))
        } else {
            set_aside("is not a number of seconds")
        };
    }
    let whole = trimmed.split_once('.').map_or(trimmed, |(w, _)| w);
    let fraction_ok = trimmed
        .split_once('.')
        .is_none_or(|(_, f)| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction_ok {
        return set_aside("is not a number of seconds");
    }
    let digits = whole.trim_start_matches('0');
    match digits.parse::<u64>() {
        _ if digits.is_empty() => Reading::Dead("0 seconds".to_owned()),
        Ok(secs) if secs <= ABSURD_SECS => Reading::Valid(Duration::from_secs(secs)),
        _ => set_aside("seconds is not a plausible QR life (milliseconds or a timestamp?)"),
    }
}

/// Time from `now` to an RFC 3339 moment.
fn read_moment(text: &str, now: OffsetDateTime) -> Reading {
    let trimmed = text.trim();
    let Ok(at) = OffsetDateTime::parse(trimmed, &time::format_description::well_known::Rfc3339)
    else {
        return Reading::SetAside(format!("\"{}\" is not a date and time", cut(trimmed)));
    };
    let left = at - now;
    if !left.is_positive() {
        // Seconds after it was made, a QR cannot be expired: this PC's clock is wrong.
        return Reading::SetAside(format!(
            "{trimmed} is already past by this PC's clock: check its date and time"
        ));
    }
    match u64::try_from(left.whole_seconds()) {
        Ok(secs) if secs <= ABSURD_SECS => Reading::Valid(Duration::from_secs(secs)),
        _ => Reading::SetAside(format!("{trimmed} is implausibly far ahead")),
    }
}

/// A gateway's text as quoted in a message: inert (no controls, no bidi) and short.
fn cut(text: &str) -> String {
    super::text::clean_gateway_text(text, 40)
}

/// The QR's life from everything the gateway said: the shortest usable claim, never longer than
/// the cap; with nothing usable, the provider's default (capped). An explicit zero or negative
/// number of seconds, with nothing usable beside it, is a refusal.
pub fn qr_life(
    claims: &[Claim<'_>],
    now: OffsetDateTime,
    limits: Limits,
) -> Result<Life, AlreadyExpired> {
    let mut shortest: Option<Duration> = None;
    let mut dead = None;
    let mut set_aside = Vec::new();
    for claim in claims {
        let reading = match claim {
            Claim::Seconds(text) => read_seconds(text),
            Claim::At(text) => read_moment(text, now),
        };
        match reading {
            Reading::Valid(d) => shortest = Some(shortest.map_or(d, |s| s.min(d))),
            Reading::Dead(why) => dead = Some(why),
            Reading::SetAside(why) => set_aside.push(why),
        }
    }
    let duration = match (shortest, dead) {
        (Some(d), _) => d,
        (None, Some(why)) => return Err(AlreadyExpired(why)),
        (None, None) => limits.default,
    };
    Ok(Life {
        duration: duration.min(limits.cap),
        set_aside,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        default: Duration::from_secs(300),
        cap: Duration::from_secs(900),
    };

    /// 2026-02-23T07:23:09Z
    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_771_831_389).expect("valid")
    }

    fn secs(claims: &[Claim<'_>]) -> Result<u64, AlreadyExpired> {
        qr_life(claims, now(), LIMITS).map(|l| l.duration.as_secs())
    }

    #[test]
    fn the_shortest_claim_wins_and_the_cap_holds() {
        use Claim::{At, Seconds};
        assert_eq!(secs(&[Seconds("300")]), Ok(300));
        assert_eq!(
            secs(&[Seconds("120"), At("2026-02-23T07:28:09.435Z")]),
            Ok(120)
        );
        assert_eq!(secs(&[Seconds("600"), At("2026-02-23T07:28:09Z")]), Ok(300));
        assert_eq!(secs(&[At("2026-02-23T12:58:09+05:30")]), Ok(300));
        assert_eq!(secs(&[Seconds("86400")]), Ok(900), "a day is capped");
        assert_eq!(secs(&[Seconds("\"240\"".trim_matches('"'))]), Ok(240));
        assert_eq!(secs(&[Seconds("299.9")]), Ok(299));
        assert_eq!(secs(&[]), Ok(300), "nothing said: the default");
    }

    #[test]
    fn absurd_and_unreadable_values_are_set_aside_never_a_panic() {
        use Claim::{At, Seconds};
        for claim in [
            Seconds("1771831689435"),
            Seconds("18446744073709551616"),
            Seconds("99999999999999999999999999999999"),
            Seconds("1e9"),
            Seconds("soon"),
            Seconds(""),
            Seconds("5 minutes"),
            Seconds("-"),
            At("9999-12-31T23:59:59Z"),
            At("tomorrow"),
            At("2020-01-01T00:00:00Z"),
            At("+999999-01-01T00:00:00Z"),
        ] {
            let life = qr_life(&[claim], now(), LIMITS).expect("the default");
            assert_eq!(life.duration, LIMITS.default, "{claim:?}");
            assert_eq!(life.set_aside.len(), 1, "{claim:?}");
        }
        // Set aside beside a usable one: the usable one counts.
        assert_eq!(secs(&[Seconds("1771831689435"), Seconds("180")]), Ok(180));
    }

    #[test]
    fn zero_or_negative_is_a_refusal_unless_something_usable_says_otherwise() {
        use Claim::{At, Seconds};
        assert!(secs(&[Seconds("0")]).is_err());
        assert!(secs(&[Seconds("000")]).is_err());
        assert!(secs(&[Seconds("-5")]).is_err());
        assert!(secs(&[Seconds("-1771831689435")]).is_err());
        assert_eq!(secs(&[Seconds("0"), At("2026-02-23T07:28:09Z")]), Ok(300));
    }

    #[test]
    fn the_default_is_capped_too() {
        let limits = Limits {
            default: Duration::from_secs(300),
            cap: Duration::from_secs(60),
        };
        let life = qr_life(&[], now(), limits).expect("default");
        assert_eq!(life.duration, Duration::from_secs(60));
    }
}
