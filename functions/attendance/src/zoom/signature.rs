//! Zoom's webhook signature, as Zoom documents it (`docs/zoom.md#signature`, with its sources):
//!
//! ```text
//! x-zm-signature = "v0=" + hex(HMAC-SHA256(secret token, "v0:{x-zm-request-timestamp}:{raw body}"))
//! ```
//!
//! over the body bytes exactly as received, compared in constant time, and refused when the
//! timestamp is more than five minutes ahead of our clock or older than Zoom's retries reach
//! (90 minutes; a captured request cannot be replayed later than that, and within it a replay
//! changes nothing). URL validation answers with `hex(HMAC-SHA256(secret token, plainToken))`.
//! Pure functions: the handler passes the clock's time in.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Zoom's header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-zm-signature";
/// Zoom's header carrying the request's time (Unix seconds).
pub const TIMESTAMP_HEADER: &str = "x-zm-request-timestamp";
/// How far a request's timestamp may be from our clock, either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::minutes(5);
/// How old a request's timestamp may be: Zoom retries an event we answered with a 5xx or too
/// slowly after about 5, 20 and 60 minutes (`docs/zoom.md#delivery-and-retries`), so a retry may
/// carry a timestamp 85 minutes old. The window is a reading (`docs/zoom.md#readings`).
/// Accepting it keeps a join that met a slow store; a replay within the window is harmless,
/// because crediting a join and noting a participant are idempotent.
pub const DEFAULT_RETRY_WINDOW: Duration = Duration::minutes(90);

/// Why a request's signature was refused. Every variant means 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureRejected {
    #[error("the x-zm-signature or x-zm-request-timestamp header is missing")]
    Missing,
    #[error("the timestamp is not a whole number of seconds")]
    BadTimestamp,
    #[error("the timestamp is {seconds_off} seconds away from now")]
    Stale { seconds_off: i64 },
    #[error("the signature is not v0= followed by 64 hex digits")]
    Malformed,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// The app's Zoom secret token, ready to sign with. `Debug` never shows it.
#[derive(Clone)]
pub struct ZoomSecret {
    keyed: HmacSha256,
}

/// The secret token is unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the Zoom secret token is empty")]
pub struct EmptyZoomSecret;

impl ZoomSecret {
    pub fn new(token: &SecretString) -> Result<Self, EmptyZoomSecret> {
        let bytes = token.expose_secret().trim().as_bytes();
        if bytes.is_empty() {
            return Err(EmptyZoomSecret);
        }
        // HMAC accepts keys of any length; the error arm is unreachable in practice.
        let keyed = HmacSha256::new_from_slice(bytes).map_err(|_| EmptyZoomSecret)?;
        Ok(Self { keyed })
    }

    fn mac(&self) -> HmacSha256 {
        self.keyed.clone()
    }
}

impl std::fmt::Debug for ZoomSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ZoomSecret([REDACTED])")
    }
}

fn signed_message(timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(body.len() + timestamp.len() + 4);
    message.extend_from_slice(b"v0:");
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b':');
    message.extend_from_slice(body);
    message
}

/// The `x-zm-signature` value Zoom would send for `body` at `timestamp`.
pub fn sign(secret: &ZoomSecret, timestamp: &str, body: &[u8]) -> String {
    let mut mac = secret.mac();
    mac.update(&signed_message(timestamp, body));
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a request's signature headers against its raw body and our clock, with the
/// timestamp at most `tolerance` away either way.
pub fn verify(
    secret: &ZoomSecret,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
    tolerance: Duration,
) -> Result<(), SignatureRejected> {
    verify_with_retries(secret, timestamp, signature, body, now, tolerance, tolerance)
}

/// [`verify`], with a timestamp in the past accepted up to `retry_window` old (Zoom's retries).
pub fn verify_with_retries(
    secret: &ZoomSecret,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
    tolerance: Duration,
    retry_window: Duration,
) -> Result<(), SignatureRejected> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(SignatureRejected::Missing);
    };
    let timestamp = timestamp.trim();
    let seconds: i64 = timestamp.parse().map_err(|_| SignatureRejected::BadTimestamp)?;
    let seconds_off = now.timestamp().saturating_sub(seconds);
    let allowed = if seconds_off > 0 {
        tolerance.max(retry_window)
    } else {
        tolerance
    };
    if seconds_off.unsigned_abs() > allowed.num_seconds().unsigned_abs() {
        return Err(SignatureRejected::Stale { seconds_off });
    }
    let presented = signature
        .trim()
        .strip_prefix("v0=")
        .filter(|h| h.len() == 64)
        .and_then(|h| hex::decode(h).ok())
        .ok_or(SignatureRejected::Malformed)?;
    let mut mac = secret.mac();
    mac.update(&signed_message(timestamp, body));
    // verify_slice compares in constant time.
    mac.verify_slice(&presented)
        .map_err(|_| SignatureRejected::Mismatch)
}

/// The `encryptedToken` of Zoom's URL validation: hex HMAC-SHA256 of `plainToken`
/// (`docs/zoom.md#url-validation`).
pub fn encrypted_token(secret: &ZoomSecret, plain_token: &str) -> String {
    let mut mac = secret.mac();
    mac.update(plain_token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    // Fixed vectors, computed once by the documented algorithm with Python's hmac:
    //
    //   import hmac, hashlib
    //   secret = b"zoom-test-secret-token"
    //   body = b'{"event":"endpoint.url_validation","event_ts":1795222800123,"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}'
    //   "v0=" + hmac.new(secret, b"v0:1795222800:" + body, hashlib.sha256).hexdigest()
    //   hmac.new(secret, b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    //   "v0=" + hmac.new(b"key", b"v0:0:", hashlib.sha256).hexdigest()
    const SECRET: &str = "zoom-test-secret-token";
    const TIMESTAMP: &str = "1795222800";
    const BODY: &str = r#"{"event":"endpoint.url_validation","event_ts":1795222800123,"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}"#;
    const SIGNATURE: &str = "v0=aa31bddd38e2892f174b8380aede7cb62b9752086533c7322022cb8c091390f0";
    const ENCRYPTED: &str = "189bad60d71b25fc9705f43e5883e837f2d813ec93ba913b641fbe02d931744f";
    const EMPTY_SIGNATURE: &str = "v0=4712301027d41f1f81c0c1c1eeee3c07e179590725f81fc56bb2cc3dcaba83f5";

    fn secret() -> ZoomSecret {
        ZoomSecret::new(&SecretString::from(SECRET)).unwrap()
    }

    fn other(token: &str) -> ZoomSecret {
        ZoomSecret::new(&SecretString::from(token)).unwrap()
    }

    /// 2026-11-21 01:00:00 UTC, the vector's timestamp.
    fn at_timestamp() -> DateTime<Utc> {
        Utc.timestamp_opt(1_795_222_800, 0).unwrap()
    }

    #[test]
    fn signing_matches_the_fixed_vectors() {
        assert_eq!(sign(&secret(), TIMESTAMP, BODY.as_bytes()), SIGNATURE);
        assert_eq!(sign(&other("key"), "0", b""), EMPTY_SIGNATURE);
        assert_eq!(encrypted_token(&secret(), "qgg8vlvZRS6UYooatFL8Aw"), ENCRYPTED);
    }

    #[test]
    fn the_right_signature_within_five_minutes_passes() {
        for now in [
            at_timestamp(),
            at_timestamp() + Duration::minutes(5),
            at_timestamp() - Duration::minutes(5),
        ] {
            let ok = verify(
                &secret(),
                Some(TIMESTAMP),
                Some(SIGNATURE),
                BODY.as_bytes(),
                now,
                DEFAULT_TOLERANCE,
            );
            assert_eq!(ok, Ok(()), "at {now}");
        }
        let upper = SIGNATURE.to_uppercase().replacen("V0=", "v0=", 1);
        assert_eq!(
            verify(
                &secret(),
                Some(TIMESTAMP),
                Some(&upper),
                BODY.as_bytes(),
                at_timestamp(),
                DEFAULT_TOLERANCE
            ),
            Ok(()),
            "hex case does not matter"
        );
    }

    #[test]
    fn a_wrong_signature_is_refused() {
        let check = |secret: &ZoomSecret, body: &str, sig: &str| {
            verify(
                secret,
                Some(TIMESTAMP),
                Some(sig),
                body.as_bytes(),
                at_timestamp(),
                DEFAULT_TOLERANCE,
            )
        };
        let other_secret = other("another-secret");
        assert_eq!(
            check(&other_secret, BODY, SIGNATURE),
            Err(SignatureRejected::Mismatch)
        );
        let tampered = BODY.replace("qgg8", "qgg9");
        assert_eq!(
            check(&secret(), &tampered, SIGNATURE),
            Err(SignatureRejected::Mismatch)
        );
        let reserialised = BODY.replace(",", ", ");
        assert_eq!(
            check(&secret(), &reserialised, SIGNATURE),
            Err(SignatureRejected::Mismatch),
            "raw bytes only"
        );
        let flipped = format!("{}1", &SIGNATURE[..SIGNATURE.len() - 1]);
        assert_eq!(check(&secret(), BODY, &flipped), Err(SignatureRejected::Mismatch));
        for malformed in [
            "",
            "v0=",
            "v1=aa31",
            "aa31bddd38e2892f174b8380aede7cb62b9752086533c7322022cb8c091390f0",
            "v0=zz",
        ] {
            assert_eq!(
                check(&secret(), BODY, malformed),
                Err(SignatureRejected::Malformed),
                "{malformed:?}"
            );
        }
    }

    #[test]
    fn a_stale_or_future_timestamp_is_refused_even_with_a_valid_signature() {
        let late = at_timestamp() + Duration::minutes(5) + Duration::seconds(1);
        assert_eq!(
            verify(
                &secret(),
                Some(TIMESTAMP),
                Some(SIGNATURE),
                BODY.as_bytes(),
                late,
                DEFAULT_TOLERANCE
            ),
            Err(SignatureRejected::Stale { seconds_off: 301 })
        );
        let early = at_timestamp() - Duration::minutes(6);
        assert_eq!(
            verify(
                &secret(),
                Some(TIMESTAMP),
                Some(SIGNATURE),
                BODY.as_bytes(),
                early,
                DEFAULT_TOLERANCE
            ),
            Err(SignatureRejected::Stale { seconds_off: -360 })
        );
    }

    #[test]
    fn an_empty_secret_is_refused_and_a_secret_never_prints() {
        assert_eq!(
            ZoomSecret::new(&SecretString::from("  ")).unwrap_err(),
            EmptyZoomSecret
        );
        assert!(!format!("{:?}", secret()).contains(SECRET));
    }

    #[test]
    fn missing_or_unreadable_headers_are_refused() {
        let now = at_timestamp();
        let body = BODY.as_bytes();
        assert_eq!(
            verify(&secret(), None, Some(SIGNATURE), body, now, DEFAULT_TOLERANCE),
            Err(SignatureRejected::Missing)
        );
        assert_eq!(
            verify(&secret(), Some(TIMESTAMP), None, body, now, DEFAULT_TOLERANCE),
            Err(SignatureRejected::Missing)
        );
        assert_eq!(
            verify(
                &secret(),
                Some("soon"),
                Some(SIGNATURE),
                body,
                now,
                DEFAULT_TOLERANCE
            ),
            Err(SignatureRejected::BadTimestamp)
        );
    }
}
