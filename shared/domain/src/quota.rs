//! Kakao's daily message quotas and the Kakao day they are counted on.
//!
//! A Kakao day runs from 00:00 to 24:00 Asia/Seoul. Korea has kept UTC+9 without daylight
//! saving since 1988, so a fixed offset is exact. (Kakao does not publish the reset time; midnight
//! KST is a reading, `docs/kakao.md#quotas` and `docs/kakao.md#readings`. The store takes it from
//! here; the sandbox computes the same day on its own, on purpose.)

use std::fmt;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::InvalidValue;

const KST_OFFSET_SECONDS: i32 = 9 * 3600;

fn kst() -> FixedOffset {
    // 9 hours is within FixedOffset's ±24h range, so this cannot fail.
    FixedOffset::east_opt(KST_OFFSET_SECONDS).unwrap_or_else(|| unreachable!())
}

/// One Kakao quota day, e.g. `2026-11-21` (Asia/Seoul).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KstDay(NaiveDate);

impl KstDay {
    /// The Kakao day that `instant` falls in.
    pub fn containing(instant: DateTime<Utc>) -> Self {
        Self(instant.with_timezone(&kst()).date_naive())
    }

    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Self)
            .map_err(|_| InvalidValue::KstDay(s.to_owned()))
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// 00:00 KST on this day, as a UTC instant.
    pub fn starts_at(self) -> DateTime<Utc> {
        let midnight = self.0.and_hms_opt(0, 0, 0).unwrap_or_else(|| unreachable!());
        kst()
            .from_local_datetime(&midnight)
            .single()
            .unwrap_or_else(|| unreachable!())
            .with_timezone(&Utc)
    }

    /// When this day's counters reset: 00:00 KST the next day.
    pub fn resets_at(self) -> DateTime<Utc> {
        self.starts_at() + Duration::days(1)
    }

    pub fn next(self) -> Self {
        Self(self.0 + Duration::days(1))
    }
}

impl TryFrom<String> for KstDay {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<KstDay> for String {
    fn from(d: KstDay) -> String {
        d.to_string()
    }
}

impl fmt::Display for KstDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// The four daily counters Kakao keeps for messages to friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaKind {
    /// Every message the app sends (30,000 a day; Kakao `-10`).
    App,
    /// Messages one sender sends (100 a day; Kakao `-532`).
    Sender,
    /// Messages one recipient receives from this app (100 a day; Kakao `-533`).
    Recipient,
    /// Messages from one sender to one recipient (20 a day; Kakao `-536`).
    Pair,
}

impl QuotaKind {
    pub const ALL: [QuotaKind; 4] = [
        QuotaKind::App,
        QuotaKind::Sender,
        QuotaKind::Recipient,
        QuotaKind::Pair,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuotaKind::App => "app",
            QuotaKind::Sender => "sender",
            QuotaKind::Recipient => "recipient",
            QuotaKind::Pair => "pair",
        }
    }
}

impl fmt::Display for QuotaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Daily limits; configuration may lower them, and they default to Kakao's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaLimits {
    pub app: u32,
    pub sender: u32,
    pub recipient: u32,
    pub pair: u32,
}

impl QuotaLimits {
    pub const KAKAO: QuotaLimits = QuotaLimits {
        app: 30_000,
        sender: 100,
        recipient: 100,
        pair: 20,
    };

    pub fn limit(&self, kind: QuotaKind) -> u32 {
        match kind {
            QuotaKind::App => self.app,
            QuotaKind::Sender => self.sender,
            QuotaKind::Recipient => self.recipient,
            QuotaKind::Pair => self.pair,
        }
    }
}

impl Default for QuotaLimits {
    fn default() -> Self {
        Self::KAKAO
    }
}

/// Kakao allows at most this many receivers in one send-to-friends call.
pub const MAX_RECEIVERS_PER_SEND: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kakao_day_turns_at_midnight_seoul_which_is_1500_utc() {
        let before = Utc.with_ymd_and_hms(2026, 11, 21, 14, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 21, 15, 0, 0).unwrap();
        assert_eq!(KstDay::containing(before).to_string(), "2026-11-21");
        assert_eq!(KstDay::containing(after).to_string(), "2026-11-22");
        assert_eq!(KstDay::containing(before).resets_at(), after);
        assert_eq!(KstDay::containing(after).starts_at(), after);
    }

    #[test]
    fn days_parse_only_in_iso_form() {
        assert_eq!(
            KstDay::parse("2026-11-21").unwrap().next().to_string(),
            "2026-11-22"
        );
        assert!(KstDay::parse("21/11/2026").is_err());
        assert!(KstDay::parse("2026-02-30").is_err());
    }

    #[test]
    fn default_limits_are_kakaos() {
        let limits = QuotaLimits::default();
        assert_eq!(QuotaKind::ALL.map(|k| limits.limit(k)), [30_000, 100, 100, 20]);
    }
}
