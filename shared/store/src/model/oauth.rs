//! OAuth `state` values: created when a Kakao login starts, consumed once when it returns.

use std::collections::BTreeSet;
use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use domain::KakaoUserId;
use rand::RngCore as _;
use serde::{Deserialize, Serialize};

use super::ScopeId;
use crate::StoreError;

/// How long a login may take between leaving for Kakao and coming back.
pub const OAUTH_STATE_TTL: Duration = Duration::minutes(10);

/// The random `state` parameter: 32 random bytes, URL-safe base64 without padding (43 chars).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StateNonce(String);

impl StateNonce {
    const RANDOM_BYTES: usize = 32;
    const MIN_LEN: usize = 16;
    const MAX_LEN: usize = 128;

    /// A fresh, unguessable nonce.
    pub fn generate() -> Self {
        let mut bytes = [0u8; Self::RANDOM_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A nonce as it comes back on the redirect. Refuses anything we could not have made.
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let ok = (Self::MIN_LEN..=Self::MAX_LEN).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(StoreError::invalid("malformed OAuth state"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Printed in full only where it is needed (the redirect URL); logs get a prefix.
impl fmt::Debug for StateNonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StateNonce({}…)", self.0.get(..6).unwrap_or(""))
    }
}

impl TryFrom<String> for StateNonce {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<StateNonce> for String {
    fn from(n: StateNonce) -> String {
        n.0
    }
}

/// Where to send the browser after the flow: a path on our own site, never another host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReturnPath(String);

impl ReturnPath {
    pub const MAX_LEN: usize = 2048;

    /// Accepts `/...` paths only: no scheme, no `//host`, no backslashes, no control characters
    /// (each could turn into an open redirect).
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let ok = s.starts_with('/')
            && !s.starts_with("//")
            && s.len() <= Self::MAX_LEN
            && !s.contains('\\')
            && !s.chars().any(char::is_control);
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(StoreError::invalid(format!(
                "a return path must be a local path, got {s:?}"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ReturnPath {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ReturnPath> for String {
    fn from(p: ReturnPath) -> String {
        p.0
    }
}

/// Why the login was started: decides what the callback does with the tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "purpose")]
pub enum OAuthPurpose {
    /// An admin logs in to ttokttok.
    AdminLogin,
    /// A client logs in once and consents, so `admin` can remind them.
    ClientOnboarding { admin: KakaoUserId },
    /// An admin is sent back to Kakao to agree to scopes it has not granted.
    AdditionalConsent {
        admin: KakaoUserId,
        scopes: BTreeSet<ScopeId>,
    },
}

/// One pending login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthState {
    pub nonce: StateNonce,
    pub purpose: OAuthPurpose,
    pub return_to: Option<ReturnPath>,
    pub created_at: DateTime<Utc>,
    /// `created_at` + [`OAUTH_STATE_TTL`]; consuming after this is `Expired`.
    pub expires_at: DateTime<Utc>,
}

impl OAuthState {
    /// A new state with a fresh nonce, expiring [`OAUTH_STATE_TTL`] after `now`.
    pub fn new(purpose: OAuthPurpose, return_to: Option<ReturnPath>, now: DateTime<Utc>) -> Self {
        Self {
            nonce: StateNonce::generate(),
            purpose,
            return_to,
            created_at: now,
            expires_at: now + OAUTH_STATE_TTL,
        }
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_nonces_are_long_unique_and_parse_back() {
        let a = StateNonce::generate();
        assert_eq!(a.as_str().len(), 43);
        assert_ne!(a, StateNonce::generate());
        assert_eq!(StateNonce::parse(a.as_str()).unwrap(), a);
        assert!(!format!("{a:?}").contains(a.as_str()));
    }

    #[test]
    fn nonces_that_we_could_not_have_made_are_refused() {
        for bad in [
            "",
            "short",
            "has space in it......",
            &"x".repeat(129),
            "a/b+c=ddddddddddddddd",
        ] {
            assert!(StateNonce::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn return_paths_stay_on_our_site() {
        assert!(ReturnPath::parse("/meetings/1?tab=x").is_ok());
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "meetings",
            "/a\nb",
        ] {
            assert!(ReturnPath::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_state_expires_ten_minutes_after_it_is_made() {
        let now = Utc::now();
        let state = OAuthState::new(OAuthPurpose::AdminLogin, None, now);
        assert!(!state.is_expired(now + Duration::minutes(9)));
        assert!(state.is_expired(now + Duration::minutes(10)));
    }
}
