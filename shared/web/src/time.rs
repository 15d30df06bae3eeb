//! Times as admins read them: Korean time (KST, where Kakao's days turn) and "in 3 hours".

use chrono::{DateTime, Duration, FixedOffset, Utc};

use crate::lang::Lang;

fn kst() -> FixedOffset {
    // +09:00 is within FixedOffset's range.
    FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| unreachable!())
}

/// `2026-11-21 14:05 KST`.
pub fn kst_minute(instant: DateTime<Utc>) -> String {
    format!("{} KST", instant.with_timezone(&kst()).format("%Y-%m-%d %H:%M"))
}

/// An ISO instant for `<time datetime>`.
pub fn iso(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// How far `instant` is from `now`, in words: "3시간 후" / "in 3 hours", "2일 전" / "2 days ago".
pub fn relative(instant: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    let delta = instant - now;
    let future = delta >= Duration::zero();
    let span = if future { delta } else { -delta };
    let (n, ko_unit, en_unit) = if span < Duration::minutes(1) {
        return lang.t("방금", "just now").to_owned();
    } else if span < Duration::hours(1) {
        (span.num_minutes(), "분", "minute")
    } else if span < Duration::days(2) {
        (span.num_hours(), "시간", "hour")
    } else {
        (span.num_days(), "일", "day")
    };
    match (lang, future) {
        (Lang::Ko, true) => format!("{n}{ko_unit} 후"),
        (Lang::Ko, false) => format!("{n}{ko_unit} 전"),
        (Lang::En, true) => format!("in {n} {en_unit}{}", if n == 1 { "" } else { "s" }),
        (Lang::En, false) => format!("{n} {en_unit}{} ago", if n == 1 { "" } else { "s" }),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn times_are_shown_in_korean_time() {
        let t = Utc.with_ymd_and_hms(2026, 11, 21, 15, 0, 0).unwrap();
        assert_eq!(kst_minute(t), "2026-11-22 00:00 KST");
        assert_eq!(iso(t), "2026-11-21T15:00:00Z");
    }

    #[test]
    fn relative_times_read_naturally_in_both_languages() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap();
        assert_eq!(relative(now + Duration::hours(3), now, Lang::En), "in 3 hours");
        assert_eq!(relative(now + Duration::hours(3), now, Lang::Ko), "3시간 후");
        assert_eq!(relative(now - Duration::days(5), now, Lang::En), "5 days ago");
        assert_eq!(
            relative(now - Duration::minutes(1), now, Lang::En),
            "1 minute ago"
        );
        assert_eq!(relative(now, now, Lang::Ko), "방금");
    }
}
