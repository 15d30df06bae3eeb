//! When Kakao stops the whole app: every Kakao API call of a blocked (`-12`) or suspended
//! (`-13`, an app unused for a long time) app is refused, for every admin at once. Sending stops
//! app-wide until Kakao answers again; ttokttok asks at most every [`PROBE_EVERY`].

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Why Kakao refuses every call of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KakaoAppStop {
    /// `-12`: the app or its developer account was sanctioned.
    Blocked,
    /// `-13`: the app was suspended after a long time without use.
    Suspended,
}

impl KakaoAppStop {
    /// The Kakao error code that says so.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            -12 => Some(Self::Blocked),
            -13 => Some(Self::Suspended),
            _ => None,
        }
    }

    pub fn code(self) -> i64 {
        match self {
            Self::Blocked => -12,
            Self::Suspended => -13,
        }
    }

    /// A stable name for storage, metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Blocked => "blocked",
            Self::Suspended => "suspended",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Blocked, Self::Suspended]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// How often a stopped app is asked again whether Kakao serves it (one cheap read, no message).
pub const PROBE_EVERY: Duration = Duration::minutes(15);

/// The app-wide stop as stored: since when, and when Kakao last confirmed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppStopState {
    pub stop: KakaoAppStop,
    pub since: DateTime<Utc>,
    pub checked_at: DateTime<Utc>,
}

impl AppStopState {
    /// Whether it is time to ask Kakao again.
    pub fn probe_due(&self, now: DateTime<Utc>) -> bool {
        now >= self.checked_at + PROBE_EVERY
    }

    /// The state after Kakao refused again with `stop` at `now` (`since` stays).
    pub fn confirmed(self, stop: KakaoAppStop, now: DateTime<Utc>) -> Self {
        Self {
            stop,
            since: self.since,
            checked_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn only_minus_12_and_minus_13_stop_the_app() {
        assert_eq!(KakaoAppStop::from_code(-12), Some(KakaoAppStop::Blocked));
        assert_eq!(KakaoAppStop::from_code(-13), Some(KakaoAppStop::Suspended));
        for code in [-10, -11, -14, -401, 12] {
            assert_eq!(KakaoAppStop::from_code(code), None, "{code}");
        }
        for stop in [KakaoAppStop::Blocked, KakaoAppStop::Suspended] {
            assert_eq!(KakaoAppStop::from_code(stop.code()), Some(stop));
            assert_eq!(KakaoAppStop::parse(stop.as_str()), Some(stop));
        }
        assert_eq!(KakaoAppStop::parse("active"), None);
    }

    #[test]
    fn kakao_is_asked_again_every_fifteen_minutes() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap();
        let state = AppStopState {
            stop: KakaoAppStop::Suspended,
            since: at,
            checked_at: at,
        };
        assert!(!state.probe_due(at + Duration::minutes(14)));
        assert!(state.probe_due(at + PROBE_EVERY));
        let later = state.confirmed(KakaoAppStop::Blocked, at + PROBE_EVERY);
        assert_eq!(later.since, at, "since stays");
        assert_eq!(later.stop, KakaoAppStop::Blocked);
        assert!(!later.probe_due(at + PROBE_EVERY + Duration::minutes(1)));
    }
}
