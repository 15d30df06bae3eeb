//! Flood control: how often one tenant may do what costs others (Kakao calls, store writes,
//! logins), counted per admin (or per client address for logins) in fixed windows. The
//! service-wide API throttle stays in front; these keep one admin's flood from eating it.

use chrono::{DateTime, Duration, DurationRound, Utc};

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FloodAction {
    /// A friend sync asked for by hand (each one pages through Kakao's friends API).
    FriendSync,
    /// A reminder sent by hand (a Kakao call and a delivery record each).
    ManualSend,
    /// Creating, changing or cancelling meetings, check-ins and approvals (store writes).
    MeetingWrite,
    /// A login started or finished from one client address (Kakao's token endpoint).
    Login,
}

/// At most `limit` in each `window` (windows start at whole multiples of it, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloodRule {
    pub limit: u32,
    pub window: Duration,
}

impl FloodAction {
    pub fn rule(self) -> FloodRule {
        let (limit, window) = match self {
            // "Sync now" at most once every 3 minutes; the daily sync is not counted.
            FloodAction::FriendSync => (1, Duration::minutes(3)),
            // Kakao allows 100 a day per sender; a person sends a few a minute at most.
            FloodAction::ManualSend => (20, Duration::minutes(1)),
            FloodAction::MeetingWrite => (60, Duration::minutes(1)),
            FloodAction::Login => (30, Duration::minutes(10)),
        };
        FloodRule { limit, window }
    }

    /// A stable name for keys, logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            FloodAction::FriendSync => "friend_sync",
            FloodAction::ManualSend => "manual_send",
            FloodAction::MeetingWrite => "meeting_write",
            FloodAction::Login => "login",
        }
    }
}

impl FloodRule {
    /// The start of the window `now` falls in.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now.duration_trunc(self.window).unwrap_or(now)
    }

    /// When the window `now` falls in ends (the next slot opens).
    pub fn window_end(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.window_start(now) + self.window
    }

    /// Whole seconds until the next window, at least 1 (a `Retry-After` value).
    pub fn retry_after_seconds(&self, now: DateTime<Utc>) -> i64 {
        let left = self.window_end(now) - now;
        (left.num_milliseconds() + 999).div_euclid(1000).max(1)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn windows_are_whole_multiples_and_say_when_they_end() {
        let rule = FloodAction::FriendSync.rule();
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 1, 4, 30).unwrap();
        assert_eq!(
            rule.window_start(now),
            Utc.with_ymd_and_hms(2026, 12, 7, 1, 3, 0).unwrap()
        );
        assert_eq!(
            rule.window_end(now),
            Utc.with_ymd_and_hms(2026, 12, 7, 1, 6, 0).unwrap()
        );
        assert_eq!(rule.retry_after_seconds(now), 90);
        let edge = Utc.with_ymd_and_hms(2026, 12, 7, 1, 5, 59).unwrap() + Duration::milliseconds(500);
        assert_eq!(rule.retry_after_seconds(edge), 1);
    }

    #[test]
    fn every_action_has_a_rule_and_a_name() {
        for action in [
            FloodAction::FriendSync,
            FloodAction::ManualSend,
            FloodAction::MeetingWrite,
            FloodAction::Login,
        ] {
            let rule = action.rule();
            assert!(
                rule.limit >= 1 && rule.window >= Duration::minutes(1),
                "{action:?}"
            );
            assert!(!action.as_str().is_empty());
        }
    }
}
