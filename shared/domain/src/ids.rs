//! Identifiers, parsed once at the edge so the rest of the code cannot hold a bad one.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// A Kakao user id (회원번호): a positive 64-bit number, stable for one user within one app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct KakaoUserId(i64);

impl KakaoUserId {
    pub fn new(id: i64) -> Result<Self, InvalidValue> {
        if id > 0 {
            Ok(Self(id))
        } else {
            Err(InvalidValue::KakaoUserId(id.to_string()))
        }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let id = s
            .trim()
            .parse::<i64>()
            .map_err(|_| InvalidValue::KakaoUserId(s.to_owned()))?;
        Self::new(id).map_err(|_| InvalidValue::KakaoUserId(s.to_owned()))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for KakaoUserId {
    type Error = InvalidValue;
    fn try_from(id: i64) -> Result<Self, Self::Error> {
        Self::new(id)
    }
}

impl From<KakaoUserId> for i64 {
    fn from(id: KakaoUserId) -> i64 {
        id.0
    }
}

impl fmt::Display for KakaoUserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The UUID Kakao gives a friend within one app; what message APIs take as a receiver.
/// It is not a permanent user key (Kakao may change it), so it is never used as one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FriendUuid(String);

impl FriendUuid {
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidValue::FriendUuid(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FriendUuid {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<FriendUuid> for String {
    fn from(id: FriendUuid) -> String {
        id.0
    }
}

impl fmt::Display for FriendUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A meeting's id: a UUID (v7 when we make it, so ids sort by creation time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MeetingId(uuid::Uuid);

impl MeetingId {
    pub fn new_v7() -> Self {
        Self(uuid::Uuid::now_v7())
    }

    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        uuid::Uuid::try_parse(s)
            .map(Self)
            .map_err(|_| InvalidValue::MeetingId(s.to_owned()))
    }
}

impl TryFrom<String> for MeetingId {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MeetingId> for String {
    fn from(id: MeetingId) -> String {
        id.to_string()
    }
}

impl fmt::Display for MeetingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kakao_user_ids_must_be_positive_numbers() {
        assert_eq!(KakaoUserId::parse("3110097778").unwrap().get(), 3_110_097_778);
        for bad in ["0", "-5", "", "12a", "99999999999999999999"] {
            assert!(KakaoUserId::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(serde_json::from_str::<KakaoUserId>("-1").is_err());
    }

    #[test]
    fn friend_uuids_refuse_empty_long_and_odd_characters() {
        assert!(FriendUuid::parse("abcdefg0001").is_ok());
        assert!(FriendUuid::parse("a-B_9").is_ok());
        for bad in ["", "has space", "quote\"", "한글", &"x".repeat(65)] {
            assert!(FriendUuid::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(serde_json::from_str::<FriendUuid>("\"\"").is_err());
    }

    #[test]
    fn meeting_ids_round_trip_through_text() {
        let id = MeetingId::new_v7();
        assert_eq!(MeetingId::parse(&id.to_string()).unwrap(), id);
        assert!(MeetingId::parse("MEETING#1").is_err());
    }
}
