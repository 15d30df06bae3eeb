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

impl MeetingId {
    /// The id of one occurrence of a series: the same series and original start always give the
    /// same id, so writing an occurrence twice (a window rolled twice, a retried save) finds the
    /// first one instead of making a second meeting. A UUID v8 whose first 48 bits are the
    /// original start in milliseconds (so occurrences sort by time, as v7 ids do) and whose
    /// other bits are the series id's random part.
    pub fn of_occurrence(series: SeriesId, original_start: chrono::DateTime<chrono::Utc>) -> Self {
        let millis = u64::try_from(original_start.timestamp_millis()).unwrap_or(0);
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
        bytes[6..].copy_from_slice(&series.0.as_bytes()[6..]);
        Self(uuid::Uuid::new_v8(bytes))
    }
}

/// Ids made by us (v7, sorting by creation time) and read back from text, for the things an
/// admin names: classes and series.
macro_rules! v7_id {
    ($(#[$doc:meta])* $name:ident, $variant:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(uuid::Uuid);

        impl $name {
            pub fn new_v7() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            pub fn parse(s: &str) -> Result<Self, InvalidValue> {
                uuid::Uuid::try_parse(s.trim())
                    .map(Self)
                    .map_err(|_| InvalidValue::$variant(s.chars().take(64).collect()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

v7_id!(
    /// A class (a named group of the admin's friends).
    ClassId,
    ClassId
);
v7_id!(
    /// A series of meetings that repeat by a rule.
    SeriesId,
    SeriesId
);

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

    #[test]
    fn an_occurrence_id_is_the_same_for_the_same_series_and_start_and_sorts_by_start() {
        use chrono::TimeZone;
        let series = SeriesId::new_v7();
        let other = SeriesId::new_v7();
        let tue = chrono::Utc.with_ymd_and_hms(2027, 1, 5, 10, 0, 0).unwrap();
        let thu = chrono::Utc.with_ymd_and_hms(2027, 1, 7, 10, 0, 0).unwrap();
        assert_eq!(
            MeetingId::of_occurrence(series, tue),
            MeetingId::of_occurrence(series, tue)
        );
        assert_ne!(
            MeetingId::of_occurrence(series, tue),
            MeetingId::of_occurrence(other, tue)
        );
        assert!(MeetingId::of_occurrence(series, tue) < MeetingId::of_occurrence(series, thu));
        let id = MeetingId::of_occurrence(series, thu);
        assert_eq!(MeetingId::parse(&id.to_string()).unwrap(), id);
    }

    #[test]
    fn class_and_series_ids_read_back_and_refuse_other_text() {
        let class = ClassId::new_v7();
        assert_eq!(ClassId::parse(&class.to_string()).unwrap(), class);
        assert!(ClassId::parse("CLASS#1").is_err());
        assert!(serde_json::from_str::<SeriesId>("\"x\"").is_err());
    }
}
