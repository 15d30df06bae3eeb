//! Kakao days. Kakao's daily quotas are read here as resetting at 00:00 Asia/Seoul (Kakao's
//! documentation leaves the reset time unconfirmed, `docs/kakao.md#readings`; midnight KST is
//! the reading that matches Kakao's other
//! daily limits). Korea has used UTC+9 without daylight saving since 1988, so a fixed offset is
//! exact. Computed here on purpose rather than taken from our `domain` crate.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

const KST_OFFSET_SECONDS: i32 = 9 * 3600;

/// The Kakao (KST) calendar day that `instant` falls in.
pub(crate) fn kakao_day(instant: DateTime<Utc>) -> NaiveDate {
    (instant + Duration::seconds(i64::from(KST_OFFSET_SECONDS))).date_naive()
}

/// `instant` shown in Korean time, for pages.
pub(crate) fn in_kst(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    // ±24h is FixedOffset's range; 9h is inside it. Fall back to UTC rather than panic.
    match FixedOffset::east_opt(KST_OFFSET_SECONDS) {
        Some(kst) => instant.with_timezone(&kst),
        None => instant.fixed_offset(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_kakao_day_turns_over_at_midnight_in_seoul_which_is_1500_utc() {
        let day = |s| kakao_day(at(s)).to_string();
        assert_eq!(day("2026-03-01T14:59:59Z"), "2026-03-01");
        assert_eq!(day("2026-03-01T15:00:00Z"), "2026-03-02");
        assert_eq!(day("2026-12-31T15:00:00Z"), "2027-01-01");
    }

    #[test]
    fn kst_is_nine_hours_ahead_all_year() {
        assert_eq!(
            in_kst(at("2026-07-01T00:00:00Z")).to_rfc3339(),
            "2026-07-01T09:00:00+09:00"
        );
        assert_eq!(
            in_kst(at("2026-01-01T00:00:00Z")).to_rfc3339(),
            "2026-01-01T09:00:00+09:00"
        );
    }
}
