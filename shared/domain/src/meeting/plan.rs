//! When to nudge: reminder rounds as minutes after the start, and quiet hours in which no
//! reminder goes out. [`ReminderPlan::next_round`] is what the due index is fed with.
//!
//! Round *n* is the *n*-th offset. A round that falls in quiet hours is skipped, not moved: a
//! nudge to join a meeting is only useful while the meeting runs, and quiet hours usually last
//! longer than the meeting.

use std::fmt;

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::{MeetingProblem, Schedule};
use crate::delivery::Round;

/// Reminder rounds, as whole minutes after the start: strictly increasing, each at least 1,
/// at most [`ReminderOffsets::MAX_ROUNDS`]. Empty means "no automatic reminders".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<u32>", into = "Vec<u32>")]
pub struct ReminderOffsets(Vec<u32>);

impl ReminderOffsets {
    pub const MAX_ROUNDS: usize = 5;
    /// +5 and +15 minutes.
    pub const DEFAULT_MINUTES: [u32; 2] = [5, 15];

    /// Sorts the offsets; refuses too many, non-positive ones and repeats.
    pub fn new(minutes: impl IntoIterator<Item = i64>) -> Result<Self, MeetingProblem> {
        let mut offsets = Vec::new();
        for m in minutes {
            if m < 1 {
                return Err(MeetingProblem::RoundNotAfterStart(m));
            }
            // Nothing longer than a day can pass the end check; clamp to keep u32 arithmetic safe.
            offsets.push(u32::try_from(m.min(i64::from(u32::MAX))).unwrap_or(u32::MAX));
        }
        if offsets.len() > Self::MAX_ROUNDS {
            return Err(MeetingProblem::TooManyRounds {
                count: offsets.len(),
                max: Self::MAX_ROUNDS,
            });
        }
        offsets.sort_unstable();
        if let Some(pair) = offsets.windows(2).find(|w| w[0] == w[1]) {
            return Err(MeetingProblem::RoundRepeated(pair[0]));
        }
        Ok(Self(offsets))
    }

    /// Reads `5, 15` or `+5 +15` (commas, spaces, a leading `+`); empty means no rounds.
    pub fn parse(s: &str) -> Result<Self, MeetingProblem> {
        let minutes = s
            .split([',', ' ', ';'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.strip_prefix('+')
                    .unwrap_or(t)
                    .parse::<i64>()
                    .map_err(|_| MeetingProblem::RoundUnreadable(t.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(minutes)
    }

    pub fn minutes(&self) -> &[u32] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The offset of `round`, if the plan has that many rounds.
    pub fn offset_of(&self, round: Round) -> Option<u32> {
        self.0.get(usize::from(round.get()) - 1).copied()
    }

    /// The first offset at or after the meeting's end, if any (such a round is refused).
    pub fn first_after_end(&self, duration_minutes: u32) -> Option<u32> {
        self.0.iter().copied().find(|m| *m >= duration_minutes)
    }
}

impl Default for ReminderOffsets {
    fn default() -> Self {
        Self(Self::DEFAULT_MINUTES.to_vec())
    }
}

impl TryFrom<Vec<u32>> for ReminderOffsets {
    type Error = MeetingProblem;
    fn try_from(v: Vec<u32>) -> Result<Self, Self::Error> {
        Self::new(v.into_iter().map(i64::from))
    }
}

impl From<ReminderOffsets> for Vec<u32> {
    fn from(o: ReminderOffsets) -> Vec<u32> {
        o.0
    }
}

impl fmt::Display for ReminderOffsets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{m}")?;
        }
        Ok(())
    }
}

/// A daily window, in the meeting's time zone, in which no reminder is sent. It may wrap past
/// midnight (22:00-08:00, the default). Minute precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuietHours {
    /// Reminders may go out at any hour.
    Off,
    /// From `from` (inclusive) until `until` (exclusive).
    Window { from: NaiveTime, until: NaiveTime },
}

impl QuietHours {
    /// 22:00-08:00.
    pub fn default_window() -> Self {
        match (
            NaiveTime::from_hms_opt(22, 0, 0),
            NaiveTime::from_hms_opt(8, 0, 0),
        ) {
            (Some(from), Some(until)) => Self::Window { from, until },
            _ => Self::Off,
        }
    }

    pub fn window(from: NaiveTime, until: NaiveTime) -> Result<Self, MeetingProblem> {
        let (from, until) = (whole_minute(from), whole_minute(until));
        if from == until {
            return Err(MeetingProblem::QuietHoursEmpty);
        }
        Ok(Self::Window { from, until })
    }

    /// Reads two `HH:MM` times (empty `from` and `until` mean no quiet hours).
    pub fn parse(from: &str, until: &str) -> Result<Self, MeetingProblem> {
        let (from, until) = (from.trim(), until.trim());
        if from.is_empty() && until.is_empty() {
            return Ok(Self::Off);
        }
        let read = |t: &str| {
            NaiveTime::parse_from_str(t, "%H:%M")
                .map_err(|_| MeetingProblem::QuietHoursUnreadable(format!("{from}-{until}")))
        };
        Self::window(read(from)?, read(until)?)
    }

    /// Whether a wall-clock time is quiet.
    pub fn contains(&self, t: NaiveTime) -> bool {
        match *self {
            Self::Off => false,
            Self::Window { from, until } if from < until => from <= t && t < until,
            Self::Window { from, until } => t >= from || t < until,
        }
    }

    /// Whether `instant`, read in `schedule`'s zone, is quiet.
    pub fn is_quiet_at(&self, instant: DateTime<Utc>, schedule: &Schedule) -> bool {
        self.contains(instant.with_timezone(&schedule.time_zone()).time())
    }

    /// `HH:MM` of the window's ends, for forms.
    pub fn bounds_hhmm(&self) -> Option<(String, String)> {
        match self {
            Self::Off => None,
            Self::Window { from, until } => Some((
                from.format("%H:%M").to_string(),
                until.format("%H:%M").to_string(),
            )),
        }
    }
}

impl Default for QuietHours {
    fn default() -> Self {
        Self::default_window()
    }
}

fn whole_minute(t: NaiveTime) -> NaiveTime {
    t.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(t)
}

/// A round and when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlannedRound {
    pub round: Round,
    pub due_at: DateTime<Utc>,
}

/// A meeting's reminder plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ReminderPlan {
    pub offsets: ReminderOffsets,
    pub quiet_hours: QuietHours,
}

impl ReminderPlan {
    /// Refuses a round at or after the meeting's end (the only rule that needs both).
    pub fn check_against(&self, schedule: &Schedule) -> Result<(), MeetingProblem> {
        match self.offsets.first_after_end(schedule.duration().minutes()) {
            Some(minutes) => Err(MeetingProblem::RoundAfterEnd { minutes }),
            None => Ok(()),
        }
    }

    /// When `round` is due, if the plan has it.
    pub fn due_at(&self, schedule: &Schedule, round: Round) -> Option<DateTime<Utc>> {
        let minutes = self.offsets.offset_of(round)?;
        Some(schedule.starts_at() + Duration::minutes(i64::from(minutes)))
    }

    /// Every round of the plan with its due time and whether quiet hours skip it.
    pub fn rounds(&self, schedule: &Schedule) -> Vec<(PlannedRound, bool)> {
        (1..=self.offsets.len())
            .filter_map(|n| Round::new(u16::try_from(n).ok()?).ok())
            .filter_map(|round| {
                let due_at = self.due_at(schedule, round)?;
                Some((
                    PlannedRound { round, due_at },
                    self.quiet_hours.is_quiet_at(due_at, schedule),
                ))
            })
            .collect()
    }

    /// The first round after `after` (or the first of all, for `None`) that is not in quiet
    /// hours and is due before the meeting ends. `None` when nothing is left: the meeting
    /// leaves the due index.
    pub fn next_round(&self, schedule: &Schedule, after: Option<Round>) -> Option<PlannedRound> {
        let first = after.map_or(1, |r| r.get().saturating_add(1));
        self.rounds(schedule)
            .into_iter()
            .filter(|(planned, quiet)| {
                planned.round.get() >= first && !quiet && planned.due_at < schedule.ends_at()
            })
            .map(|(planned, _)| planned)
            .next()
    }

    /// Where an edited meeting picks up. Before the start, from the first round. Once it has
    /// started, from the round it was waiting for (`current`), so a round the sweep has not yet
    /// reached is not lost; with nothing waiting, only rounds still ahead of `now` (ones the
    /// edit added), so an edit never makes the sweep send a past round late.
    pub fn resume(
        &self,
        schedule: &Schedule,
        current: Option<PlannedRound>,
        now: DateTime<Utc>,
    ) -> Option<PlannedRound> {
        if now < schedule.starts_at() {
            return self.next_round(schedule, None);
        }
        match current {
            Some(waiting) => {
                let before = Round::new(waiting.round.get().saturating_sub(1)).ok();
                self.next_round(schedule, before)
            }
            None => self
                .rounds(schedule)
                .into_iter()
                .filter(|(planned, quiet)| {
                    !quiet && planned.due_at > now && planned.due_at < schedule.ends_at()
                })
                .map(|(planned, _)| planned)
                .next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::meeting::MeetingDuration;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    /// A meeting at `hh:mm` Seoul time on 2026-11-21, lasting `minutes`.
    fn seoul(hh: u32, mm: u32, minutes: u32) -> Schedule {
        let start = chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 21, hh, mm, 0)
            .unwrap();
        Schedule::new(
            start.with_timezone(&Utc),
            chrono_tz::Asia::Seoul,
            MeetingDuration::from_minutes(minutes).unwrap(),
        )
    }

    fn round(n: u16) -> Round {
        Round::new(n).unwrap()
    }

    #[test]
    fn the_default_plan_is_plus_5_and_plus_15_with_quiet_nights() {
        let plan = ReminderPlan::default();
        assert_eq!(plan.offsets.minutes(), &[5, 15]);
        assert_eq!(
            plan.quiet_hours,
            QuietHours::Window {
                from: at(22, 0),
                until: at(8, 0)
            }
        );
    }

    #[test]
    fn offsets_are_sorted_and_checked() {
        assert_eq!(ReminderOffsets::parse("+15, +5").unwrap().minutes(), &[5, 15]);
        assert!(ReminderOffsets::parse("").unwrap().is_empty());
        assert_eq!(
            ReminderOffsets::parse("1 2 3 4 5 6"),
            Err(MeetingProblem::TooManyRounds { count: 6, max: 5 })
        );
        assert_eq!(
            ReminderOffsets::parse("0"),
            Err(MeetingProblem::RoundNotAfterStart(0))
        );
        assert_eq!(
            ReminderOffsets::parse("-5"),
            Err(MeetingProblem::RoundNotAfterStart(-5))
        );
        assert_eq!(
            ReminderOffsets::parse("5, 5"),
            Err(MeetingProblem::RoundRepeated(5))
        );
        assert_eq!(
            ReminderOffsets::parse("five"),
            Err(MeetingProblem::RoundUnreadable("five".into()))
        );
        assert!(serde_json::from_str::<ReminderOffsets>("[1,2,3,4,5,6]").is_err());
    }

    #[test]
    fn no_round_may_come_at_or_after_the_end() {
        let plan = ReminderPlan {
            offsets: ReminderOffsets::parse("5, 30").unwrap(),
            ..Default::default()
        };
        assert_eq!(
            plan.check_against(&seoul(19, 0, 30)),
            Err(MeetingProblem::RoundAfterEnd { minutes: 30 })
        );
        assert_eq!(plan.check_against(&seoul(19, 0, 31)), Ok(()));
    }

    #[test]
    fn quiet_hours_wrap_past_midnight() {
        let night = QuietHours::default_window();
        assert!(night.contains(at(22, 0)) && night.contains(at(23, 59)) && night.contains(at(7, 59)));
        assert!(!night.contains(at(8, 0)) && !night.contains(at(21, 59)));
        let lunch = QuietHours::parse("12:00", "13:00").unwrap();
        assert!(lunch.contains(at(12, 30)) && !lunch.contains(at(13, 0)));
        assert!(!QuietHours::Off.contains(at(3, 0)));
        assert_eq!(QuietHours::parse("", "").unwrap(), QuietHours::Off);
        assert_eq!(
            QuietHours::parse("10:00", "10:00"),
            Err(MeetingProblem::QuietHoursEmpty)
        );
        assert!(matches!(
            QuietHours::parse("25:00", "08:00"),
            Err(MeetingProblem::QuietHoursUnreadable(_))
        ));
    }

    #[test]
    fn the_next_round_follows_the_plan_in_order() {
        let schedule = seoul(19, 0, 60);
        let plan = ReminderPlan::default();
        let first = plan.next_round(&schedule, None).unwrap();
        assert_eq!(first.round, round(1));
        assert_eq!(first.due_at, schedule.starts_at() + Duration::minutes(5));
        let second = plan.next_round(&schedule, Some(round(1))).unwrap();
        assert_eq!(
            (second.round, second.due_at),
            (round(2), schedule.starts_at() + Duration::minutes(15))
        );
        assert_eq!(
            plan.next_round(&schedule, Some(round(2))),
            None,
            "two rounds, then out of the index"
        );
        let none = ReminderPlan {
            offsets: ReminderOffsets::parse("").unwrap(),
            ..Default::default()
        };
        assert_eq!(none.next_round(&schedule, None), None);
    }

    #[test]
    fn rounds_in_quiet_hours_are_skipped_not_moved() {
        // 21:50 start: +5 at 21:55 goes, +15 at 22:05 is quiet, +40 at 22:30 too.
        let schedule = seoul(21, 50, 60);
        let plan = ReminderPlan {
            offsets: ReminderOffsets::parse("5, 15, 40").unwrap(),
            ..Default::default()
        };
        assert_eq!(plan.next_round(&schedule, None).unwrap().round, round(1));
        assert_eq!(plan.next_round(&schedule, Some(round(1))), None);
        // 07:50 start: +5 at 07:55 is quiet, +15 at 08:05 is the first to go (as round 2).
        let morning = seoul(7, 50, 60);
        let next = plan.next_round(&morning, None).unwrap();
        assert_eq!(
            (next.round, next.due_at),
            (round(2), morning.starts_at() + Duration::minutes(15))
        );
        let quiet_flags: Vec<bool> = plan
            .rounds(&morning)
            .into_iter()
            .map(|(_, quiet)| quiet)
            .collect();
        assert_eq!(quiet_flags, vec![true, false, false]);
    }

    #[test]
    fn quiet_hours_are_read_in_the_meetings_own_zone() {
        // 23:00 in London is 08:00 in Seoul: quiet in London, so nothing goes.
        let start = chrono_tz::Europe::London
            .with_ymd_and_hms(2026, 11, 21, 23, 0, 0)
            .unwrap();
        let london = Schedule::new(
            start.with_timezone(&Utc),
            chrono_tz::Europe::London,
            MeetingDuration::DEFAULT,
        );
        assert_eq!(ReminderPlan::default().next_round(&london, None), None);
    }

    #[test]
    fn an_edited_meeting_resumes_where_it_was_not_earlier() {
        let schedule = seoul(19, 0, 60);
        let plan = ReminderPlan {
            offsets: ReminderOffsets::parse("5, 15, 30").unwrap(),
            ..Default::default()
        };
        let before = schedule.starts_at() - Duration::hours(1);
        assert_eq!(plan.resume(&schedule, None, before).unwrap().round, round(1));
        // Live, waiting for round 2 (due a moment ago): still round 2.
        let waiting = plan.next_round(&schedule, Some(round(1)));
        let now = schedule.starts_at() + Duration::minutes(16);
        assert_eq!(plan.resume(&schedule, waiting, now).unwrap().round, round(2));
        // Live with nothing waiting (all sent): only rounds still ahead of now.
        let now = schedule.starts_at() + Duration::minutes(20);
        assert_eq!(plan.resume(&schedule, None, now).unwrap().round, round(3));
        let now = schedule.starts_at() + Duration::minutes(31);
        assert_eq!(plan.resume(&schedule, None, now), None);
    }

    #[test]
    fn plans_survive_json() {
        let plan = ReminderPlan {
            offsets: ReminderOffsets::parse("3, 10").unwrap(),
            quiet_hours: QuietHours::Off,
        };
        let json = serde_json::to_string(&plan).unwrap();
        assert_eq!(serde_json::from_str::<ReminderPlan>(&json).unwrap(), plan);
        assert_eq!(
            serde_json::from_str::<ReminderPlan>("{}").unwrap(),
            ReminderPlan::default()
        );
    }
}
