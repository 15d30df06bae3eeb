//! Tracked links: the unguessable token in a reminder's buttons (`/j/{token}` to join,
//! `/stop/{token}` to opt out), one per invitee and meeting.

use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// How long a token outlives its meeting's end: the opt-out button keeps working this long
/// (the join link is refused much sooner, by the attendance function).
pub const LINK_TOKEN_LIFETIME_AFTER_END: Duration = Duration::days(60);

/// 32 random bytes, URL-safe base64 without padding (43 characters). Knowing one is the only
/// way to use it: it names no admin, meeting or person.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LinkToken(String);

impl LinkToken {
    const RANDOM_BYTES: usize = 32;
    const LEN: usize = 43;

    /// A fresh token.
    pub fn generate() -> Self {
        let mut bytes = [0u8; Self::RANDOM_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token as it comes back in a URL; anything we could not have made is refused.
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let ok = s.len() == Self::LEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(StoreError::invalid("malformed link token"))
        }
    }

    /// The full token, for building the link.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// A token grants an action to whoever holds it: logs get a prefix only.
impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkToken({}…)", self.0.get(..6).unwrap_or(""))
    }
}

impl TryFrom<String> for LinkToken {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<LinkToken> for String {
    fn from(t: LinkToken) -> String {
        t.0
    }
}

/// Whom a token is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    pub admin: KakaoUserId,
    pub meeting: MeetingId,
    pub friend: FriendUuid,
    pub created_at: DateTime<Utc>,
    /// After this the store refuses it (`Expired`) and may forget it (TTL).
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_parse_back() {
        let a = LinkToken::generate();
        assert_eq!(a.as_str().len(), 43);
        assert_ne!(a, LinkToken::generate());
        assert_eq!(LinkToken::parse(a.as_str()).unwrap(), a);
        for bad in ["", "short", &"a".repeat(44), &format!("{}!", "a".repeat(42))] {
            assert!(LinkToken::parse(bad).is_err(), "{bad:?}");
        }
        assert!(!format!("{a:?}").contains(a.as_str()));
    }
}
