//! The dashboard's numbers, decided from stored facts and the time: token health and today's
//! quota. Pure, so each rule is tested directly.

use chrono::{DateTime, Duration, Utc};
use domain::{KstDay, QuotaLimits};
use serde::Serialize;

/// Ask the admin to log in again this long before the refresh token dies. Kakao rotates the
/// refresh token on refreshes in its last month, so an admin whose reminders run keeps a fresh
/// one; a warning means nothing has refreshed for weeks.
pub const REFRESH_WARNING: Duration = Duration::days(14);

/// Where the admin's Kakao login stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum TokenHealth {
    /// Both tokens fine.
    Healthy {
        access_expires_at: DateTime<Utc>,
        refresh_expires_at: DateTime<Utc>,
    },
    /// The refresh token dies within [`REFRESH_WARNING`]: log in again soon.
    RefreshEndingSoon {
        access_expires_at: DateTime<Utc>,
        refresh_expires_at: DateTime<Utc>,
    },
    /// The refresh token is dead (or there are no tokens): log in again now.
    LoginNeeded,
}

impl TokenHealth {
    pub fn judge(tokens: Option<(DateTime<Utc>, DateTime<Utc>)>, now: DateTime<Utc>) -> Self {
        match tokens {
            None => TokenHealth::LoginNeeded,
            Some((_, refresh)) if refresh <= now => TokenHealth::LoginNeeded,
            Some((access, refresh)) if refresh - now <= REFRESH_WARNING => TokenHealth::RefreshEndingSoon {
                access_expires_at: access,
                refresh_expires_at: refresh,
            },
            Some((access, refresh)) => TokenHealth::Healthy {
                access_expires_at: access,
                refresh_expires_at: refresh,
            },
        }
    }
}

/// Today's use of the sender quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuotaToday {
    pub day: KstDay,
    pub used: u32,
    pub limit: u32,
    /// 00:00 KST tomorrow.
    pub resets_at: DateTime<Utc>,
}

impl QuotaToday {
    pub fn new(now: DateTime<Utc>, used: u32, limits: &QuotaLimits) -> Self {
        let day = KstDay::containing(now);
        Self {
            day,
            used,
            limit: limits.sender,
            resets_at: day.resets_at(),
        }
    }

    pub fn left(&self) -> u32 {
        self.limit.saturating_sub(self.used)
    }

    /// The meter's width class, in tens of percent (`meter-0` .. `meter-100`).
    pub fn meter_class(&self) -> String {
        let percent = if self.limit == 0 {
            100
        } else {
            (u64::from(self.used.min(self.limit)) * 100 / u64::from(self.limit)) as u32
        };
        // Round up to the next ten so that any use shows.
        let tens = percent.div_ceil(10) * 10;
        format!("meter meter-{}", tens.min(100))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap()
    }

    #[test]
    fn the_banner_comes_two_weeks_before_the_refresh_token_dies() {
        let access = now() + Duration::hours(5);
        assert!(matches!(
            TokenHealth::judge(Some((access, now() + Duration::days(15))), now()),
            TokenHealth::Healthy { .. }
        ));
        assert!(matches!(
            TokenHealth::judge(Some((access, now() + Duration::days(14))), now()),
            TokenHealth::RefreshEndingSoon { .. }
        ));
        assert_eq!(
            TokenHealth::judge(Some((access, now())), now()),
            TokenHealth::LoginNeeded
        );
        assert_eq!(TokenHealth::judge(None, now()), TokenHealth::LoginNeeded);
    }

    #[test]
    fn the_quota_resets_at_midnight_korean_time() {
        let quota = QuotaToday::new(now(), 37, &QuotaLimits::KAKAO);
        assert_eq!(quota.limit, 100);
        assert_eq!(quota.left(), 63);
        assert_eq!(
            quota.resets_at,
            Utc.with_ymd_and_hms(2026, 11, 21, 15, 0, 0).unwrap()
        );
        assert_eq!(quota.meter_class(), "meter meter-40");
        assert_eq!(
            QuotaToday::new(now(), 0, &QuotaLimits::KAKAO).meter_class(),
            "meter meter-0"
        );
        assert_eq!(
            QuotaToday::new(now(), 120, &QuotaLimits::KAKAO).meter_class(),
            "meter meter-100"
        );
        assert_eq!(QuotaToday::new(now(), 120, &QuotaLimits::KAKAO).left(), 0);
    }
}
