//! When a meeting happens: its start (an instant, and the time zone it was set in) and how long
//! it lasts.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::MeetingProblem;

/// How long a meeting lasts: 1 minute to 24 hours, in whole minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct MeetingDuration(u32);

impl MeetingDuration {
    pub const MIN_MINUTES: u32 = 1;
    pub const MAX_MINUTES: u32 = 24 * 60;
    /// What the form offers first.
    pub const DEFAULT: MeetingDuration = MeetingDuration(60);

    pub fn from_minutes(minutes: u32) -> Result<Self, MeetingProblem> {
        if (Self::MIN_MINUTES..=Self::MAX_MINUTES).contains(&minutes) {
            Ok(Self(minutes))
        } else {
            Err(MeetingProblem::DurationOutOfRange(minutes.to_string()))
        }
    }

    pub fn parse(s: &str) -> Result<Self, MeetingProblem> {
        let minutes = s
            .trim()
            .parse::<u32>()
            .map_err(|_| MeetingProblem::DurationOutOfRange(s.to_owned()))?;
        Self::from_minutes(minutes).map_err(|_| MeetingProblem::DurationOutOfRange(s.to_owned()))
    }

    pub fn minutes(self) -> u32 {
        self.0
    }

    pub fn as_duration(self) -> Duration {
        Duration::minutes(i64::from(self.0))
    }
}

impl TryFrom<u32> for MeetingDuration {
    type Error = MeetingProblem;
    fn try_from(minutes: u32) -> Result<Self, Self::Error> {
        Self::from_minutes(minutes)
    }
}

impl From<MeetingDuration> for u32 {
    fn from(d: MeetingDuration) -> u32 {
        d.0
    }
}

/// The time zone meetings are in unless the admin says otherwise.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Seoul;

/// How far ahead a meeting may start: two years, which every real class fits, and which keeps
/// every time the product derives from a start (its end, rounds, link expiry) a plain date.
pub const MAX_DAYS_AHEAD: i64 = 731;

/// Years a typed start may name at all (before the two-year rule): a wider range is refused
/// while reading, so no later arithmetic on it can overflow.
const READABLE_YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// Reads an IANA time zone name; empty means [`DEFAULT_TIME_ZONE`].
pub fn parse_time_zone(s: &str) -> Result<Tz, MeetingProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(DEFAULT_TIME_ZONE);
    }
    s.parse::<Tz>()
        .map_err(|_| MeetingProblem::TimeZoneUnknown(s.to_owned()))
}

/// When a meeting starts and ends, and the zone its wall-clock times are read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    starts_at: DateTime<Utc>,
    time_zone: Tz,
    duration: MeetingDuration,
}

impl Schedule {
    pub fn new(starts_at: DateTime<Utc>, time_zone: Tz, duration: MeetingDuration) -> Self {
        // Meetings start on a whole minute; seconds would only make reminders look odd.
        let starts_at = starts_at
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(starts_at);
        Self {
            starts_at,
            time_zone,
            duration,
        }
    }

    /// A stored meeting's schedule, from its start and end: the length is clamped to 1 minute
    /// to 24 hours (the forms refuse anything else; a record written by other means is read
    /// at the nearest bound).
    pub fn from_span(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, time_zone: Tz) -> Self {
        let minutes = (ends_at - starts_at).num_minutes().clamp(
            i64::from(MeetingDuration::MIN_MINUTES),
            i64::from(MeetingDuration::MAX_MINUTES),
        );
        let duration = u32::try_from(minutes)
            .ok()
            .and_then(|m| MeetingDuration::from_minutes(m).ok())
            .unwrap_or(MeetingDuration::DEFAULT);
        Self::new(starts_at, time_zone, duration)
    }

    /// Reads the start as the admin typed it: an instant with an offset
    /// (`2026-11-21T19:00:00+09:00`), or a wall-clock time in `time_zone` (`2026-11-21T19:00`,
    /// what `<input type="datetime-local">` sends). A wall-clock time the clocks skip (a
    /// daylight-saving gap) is refused; one they pass twice takes the earlier.
    pub fn parse_start(text: &str, time_zone: Tz) -> Result<DateTime<Utc>, MeetingProblem> {
        let text = text.trim();
        let unreadable = || MeetingProblem::StartUnreadable(text.chars().take(40).collect());
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            let instant = instant.with_timezone(&Utc);
            return if READABLE_YEARS.contains(&instant.year()) {
                Ok(instant)
            } else {
                Err(unreadable())
            };
        }
        let local = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
        ]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .filter(|local| READABLE_YEARS.contains(&local.year()))
        .ok_or_else(unreadable)?;
        match time_zone.from_local_datetime(&local) {
            LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(earlier, _) => Ok(earlier.with_timezone(&Utc)),
            LocalResult::None => Err(MeetingProblem::StartDoesNotExist(text.to_owned())),
        }
    }

    pub fn starts_at(&self) -> DateTime<Utc> {
        self.starts_at
    }

    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + self.duration.as_duration()
    }

    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    pub fn duration(&self) -> MeetingDuration {
        self.duration
    }

    /// Where the meeting stands at `now`.
    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        if now < self.starts_at {
            Phase::Upcoming
        } else if now < self.ends_at() {
            Phase::Live
        } else {
            Phase::Past
        }
    }

    /// The start as a wall-clock `HH:MM` in the meeting's zone (what `{시작}` becomes).
    pub fn start_hhmm(&self) -> String {
        self.starts_at
            .with_timezone(&self.time_zone)
            .format("%H:%M")
            .to_string()
    }

    /// The start as `datetime-local` wants it (`2026-11-21T19:00`), in the meeting's zone.
    pub fn start_local_input(&self) -> String {
        self.starts_at
            .with_timezone(&self.time_zone)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    }

    /// Whole minutes from the start to `now` (0 before the start).
    pub fn minutes_late(&self, now: DateTime<Utc>) -> u32 {
        u32::try_from((now - self.starts_at).num_minutes().max(0)).unwrap_or(u32::MAX)
    }
}

/// Upcoming, live, or past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Upcoming,
    Live,
    Past,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::Live => "live",
            Self::Past => "past",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_span_reads_back_with_its_length_clamped_to_the_bounds() {
        let start = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap();
        let minutes = |end: DateTime<Utc>| {
            Schedule::from_span(start, end, DEFAULT_TIME_ZONE)
                .duration()
                .minutes()
        };
        assert_eq!(minutes(start + Duration::minutes(90)), 90);
        assert_eq!(minutes(start), 1, "too short reads as one minute");
        assert_eq!(
            minutes(start - Duration::minutes(5)),
            1,
            "an end before the start too"
        );
        assert_eq!(minutes(start + Duration::days(400)), 24 * 60);
    }

    #[test]
    fn a_wall_clock_start_is_read_in_the_meeting_zone() {
        let seoul = Schedule::parse_start("2026-11-21T19:00", DEFAULT_TIME_ZONE).unwrap();
        assert_eq!(seoul, Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap());
        let offset = Schedule::parse_start("2026-11-21T19:00:00+09:00", chrono_tz::UTC).unwrap();
        assert_eq!(offset, seoul, "an explicit offset wins over the zone");
        assert!(matches!(
            Schedule::parse_start("next tuesday", DEFAULT_TIME_ZONE),
            Err(MeetingProblem::StartUnreadable(_))
        ));
    }

    #[test]
    fn a_start_the_clocks_skip_is_refused_and_a_repeated_one_takes_the_earlier() {
        let new_york = chrono_tz::America::New_York;
        assert!(matches!(
            Schedule::parse_start("2026-03-08T02:30", new_york),
            Err(MeetingProblem::StartDoesNotExist(_))
        ));
        let twice = Schedule::parse_start("2026-11-01T01:30", new_york).unwrap();
        assert_eq!(
            twice,
            Utc.with_ymd_and_hms(2026, 11, 1, 5, 30, 0).unwrap(),
            "EDT, the earlier"
        );
    }

    #[test]
    fn time_zones_default_to_seoul_and_unknown_ones_are_named() {
        assert_eq!(parse_time_zone("").unwrap(), chrono_tz::Asia::Seoul);
        assert_eq!(
            parse_time_zone("Europe/London").unwrap(),
            chrono_tz::Europe::London
        );
        assert_eq!(
            parse_time_zone("Mars/Base"),
            Err(MeetingProblem::TimeZoneUnknown("Mars/Base".into()))
        );
    }

    #[test]
    fn durations_are_whole_minutes_up_to_a_day() {
        assert_eq!(MeetingDuration::parse("90").unwrap().minutes(), 90);
        for bad in ["0", "1441", "-5", "1.5", "an hour"] {
            assert!(MeetingDuration::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_schedule_knows_its_phase_and_shows_its_start_in_its_zone() {
        let start = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 30).unwrap();
        let schedule = Schedule::new(
            start,
            DEFAULT_TIME_ZONE,
            MeetingDuration::from_minutes(60).unwrap(),
        );
        assert_eq!(
            schedule.starts_at(),
            Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap()
        );
        assert_eq!(schedule.start_hhmm(), "19:00");
        assert_eq!(schedule.start_local_input(), "2026-11-21T19:00");
        assert_eq!(schedule.phase(start - Duration::minutes(1)), Phase::Upcoming);
        assert_eq!(schedule.phase(start + Duration::minutes(59)), Phase::Live);
        assert_eq!(schedule.phase(start + Duration::minutes(60)), Phase::Past);
        let on_the_minute = schedule.starts_at();
        assert_eq!(
            schedule.minutes_late(on_the_minute + Duration::seconds(7 * 60 + 59)),
            7
        );
        assert_eq!(schedule.minutes_late(on_the_minute - Duration::minutes(3)), 0);
    }
}
