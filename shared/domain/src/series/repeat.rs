//! Repeat rules as people say them ("every Tuesday and Thursday", "every 2 weeks", "every
//! weekday", "monthly on the 15th", "the last Friday of each month"; ending on a date, after a
//! number of times, or never), and their occurrences, computed by the `rrule` crate (RFC 5545).
//!
//! Times repeat on the wall clock of the series' zone: 19:00 stays 19:00 across daylight-saving
//! changes. A wall-clock time the clocks skip moves forward by the gap (02:30 on a spring-forward
//! night is 03:30); one they pass twice takes the earlier (RFC 5545, 3.3.5).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How often a series repeats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Repeat {
    /// Every `every` days.
    Daily { every: u16 },
    /// Every Monday to Friday.
    Weekdays,
    /// Every `every` weeks, on these weekdays (Monday first, each once).
    Weekly {
        every: u16,
        #[serde(with = "weekday_names")]
        on: Vec<Weekday>,
    },
    /// Every `every` months on this day of the month (a month without it is skipped, as
    /// calendars do: the 31st skips 30-day months, the 29th skips February outside leap years).
    MonthlyOnDate { every: u16, day: u8 },
    /// Every `every` months on the `nth` (1 to 4, or -1 for the last) `weekday` of the month.
    MonthlyOnWeekday {
        every: u16,
        nth: i8,
        #[serde(with = "weekday_name")]
        weekday: Weekday,
    },
}

/// When a series stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ends {
    Never,
    /// The last occurrence is on or before this date (in the series' zone).
    OnDate {
        date: NaiveDate,
    },
    /// After this many occurrences (skipped ones count: a skipped class is still one of them).
    AfterCount {
        count: u16,
    },
}

/// A checked repeat rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RepeatRule {
    pub repeat: Repeat,
    pub ends: Ends,
}

/// The repeat part of a series form as submitted: text, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepeatForm {
    /// `daily`, `weekdays`, `weekly`, `monthly_date`, `monthly_weekday` or `monthly_last_weekday`.
    pub kind: String,
    /// Every how many days, weeks or months; empty means 1.
    pub every: String,
    /// For `weekly`: `mon` ... `sun`; empty means the first occurrence's weekday.
    pub weekdays: Vec<String>,
    /// `never`, `on` or `after`; empty means never.
    pub ends: String,
    /// For `on`: `2027-02-28`.
    pub until: String,
    /// For `after`: how many times.
    pub count: String,
}

/// What can be wrong with a repeat rule as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepeatProblem {
    #[error(
        "repeat is daily, weekdays, weekly, monthly_date, monthly_weekday or monthly_last_weekday, got {0:?}"
    )]
    KindUnknown(String),
    #[error("repeat every 1 to {max} days, weeks or months, got {0:?}", max = MAX_EVERY)]
    EveryOutOfRange(String),
    #[error("weekdays are mon, tue, wed, thu, fri, sat or sun, got {0:?}")]
    WeekdayUnknown(String),
    #[error("the ending is never, on (a date) or after (a number of times), got {0:?}")]
    EndsUnknown(String),
    #[error("the last date must be a date such as 2027-02-28, got {0:?}")]
    UntilUnreadable(String),
    #[error("the last date comes before the first class")]
    UntilBeforeStart,
    #[error("a series repeats 1 to {max} times, got {0:?}", max = MAX_COUNT)]
    CountOutOfRange(String),
    #[error("the fifth {0} of a month is not in every month; choose the last one instead")]
    FifthWeekday(String),
    #[error("this rule has no occurrence from the first class on")]
    NoOccurrence,
}

/// At most every 99 days, weeks or months: further apart is not a class, and keeps the search
/// for the next occurrence short.
pub const MAX_EVERY: u16 = 99;

/// At most 730 occurrences (a class every day for two years).
pub const MAX_COUNT: u16 = 730;

/// The most occurrences one expansion returns: a window of a few weeks holds far fewer, and an
/// imported rule cannot make a query run away.
const MAX_EXPANDED: u16 = 1000;

impl RepeatForm {
    /// Checks the form against the series' first start (the local date the weekday and day of
    /// the month come from).
    pub fn parse(&self, first: NaiveDate) -> Result<RepeatRule, Vec<RepeatProblem>> {
        let mut problems = Vec::new();
        let every = match self.every.trim() {
            "" => 1,
            text => match text.parse::<u16>() {
                Ok(n) if (1..=MAX_EVERY).contains(&n) => n,
                _ => {
                    problems.push(RepeatProblem::EveryOutOfRange(text.to_owned()));
                    1
                }
            },
        };
        let repeat = match self.kind.trim() {
            "daily" => Some(Repeat::Daily { every }),
            "weekdays" => Some(Repeat::Weekdays),
            "weekly" => {
                let mut on = Vec::new();
                for name in &self.weekdays {
                    match weekday_name::parse(name) {
                        Some(day) => on.push(day),
                        None => problems.push(RepeatProblem::WeekdayUnknown(name.clone())),
                    }
                }
                if on.is_empty() {
                    on.push(first.weekday());
                }
                Some(Repeat::Weekly {
                    every,
                    on: sorted_weekdays(on),
                })
            }
            // The day and weekday are the first class's, as calendars offer them.
            "monthly_date" => Some(Repeat::MonthlyOnDate {
                every,
                day: u8::try_from(first.day()).unwrap_or(1),
            }),
            "monthly_weekday" => {
                let nth = i8::try_from(first.day0() / 7 + 1).unwrap_or(1);
                if nth == 5 {
                    problems.push(RepeatProblem::FifthWeekday(
                        weekday_name::name(first.weekday()).to_owned(),
                    ));
                }
                Some(Repeat::MonthlyOnWeekday {
                    every,
                    nth,
                    weekday: first.weekday(),
                })
            }
            "monthly_last_weekday" => Some(Repeat::MonthlyOnWeekday {
                every,
                nth: -1,
                weekday: first.weekday(),
            }),
            other => {
                problems.push(RepeatProblem::KindUnknown(other.to_owned()));
                None
            }
        };
        let ends = match self.ends.trim() {
            "" | "never" => Some(Ends::Never),
            "on" => match NaiveDate::parse_from_str(self.until.trim(), "%Y-%m-%d") {
                Ok(date) if date < first => {
                    problems.push(RepeatProblem::UntilBeforeStart);
                    None
                }
                Ok(date) => Some(Ends::OnDate { date }),
                Err(_) => {
                    problems.push(RepeatProblem::UntilUnreadable(
                        self.until.chars().take(20).collect(),
                    ));
                    None
                }
            },
            "after" => match self.count.trim().parse::<u16>() {
                Ok(count) if (1..=MAX_COUNT).contains(&count) => Some(Ends::AfterCount { count }),
                _ => {
                    problems.push(RepeatProblem::CountOutOfRange(
                        self.count.chars().take(20).collect(),
                    ));
                    None
                }
            },
            other => {
                problems.push(RepeatProblem::EndsUnknown(other.to_owned()));
                None
            }
        };
        match (repeat, ends) {
            (Some(repeat), Some(ends)) if problems.is_empty() => Ok(RepeatRule { repeat, ends }),
            _ => Err(problems),
        }
    }

    /// The form that shows `rule` again (for the edit page).
    pub fn of(rule: &RepeatRule) -> Self {
        let (kind, every, weekdays) = match &rule.repeat {
            Repeat::Daily { every } => ("daily", *every, Vec::new()),
            Repeat::Weekdays => ("weekdays", 1, Vec::new()),
            Repeat::Weekly { every, on } => (
                "weekly",
                *every,
                on.iter().map(|d| weekday_name::name(*d).to_owned()).collect(),
            ),
            Repeat::MonthlyOnDate { every, .. } => ("monthly_date", *every, Vec::new()),
            Repeat::MonthlyOnWeekday { every, nth, .. } if *nth < 0 => {
                ("monthly_last_weekday", *every, Vec::new())
            }
            Repeat::MonthlyOnWeekday { every, .. } => ("monthly_weekday", *every, Vec::new()),
        };
        let (ends, until, count) = match rule.ends {
            Ends::Never => ("never", String::new(), String::new()),
            Ends::OnDate { date } => ("on", date.format("%Y-%m-%d").to_string(), String::new()),
            Ends::AfterCount { count } => ("after", String::new(), count.to_string()),
        };
        Self {
            kind: kind.to_owned(),
            every: every.to_string(),
            weekdays,
            ends: ends.to_owned(),
            until,
            count,
        }
    }
}

impl RepeatRule {
    /// The rule in iCalendar's words (`FREQ=WEEKLY;BYDAY=TU,TH`), for the calendar feed. The
    /// end date is given as the end of that day in `zone`, in UTC, as RFC 5545 asks when the
    /// start has a zone.
    pub fn to_rrule(&self, zone: Tz) -> rrule::RRule<rrule::Unvalidated> {
        use rrule::{Frequency, NWeekday, RRule};
        let rule = match &self.repeat {
            Repeat::Daily { every } => RRule::new(Frequency::Daily).interval(*every),
            Repeat::Weekdays => RRule::new(Frequency::Weekly).by_weekday(
                [
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri,
                ]
                .into_iter()
                .map(NWeekday::Every)
                .collect(),
            ),
            Repeat::Weekly { every, on } => RRule::new(Frequency::Weekly)
                .interval(*every)
                .week_start(Weekday::Mon)
                .by_weekday(on.iter().copied().map(NWeekday::Every).collect()),
            Repeat::MonthlyOnDate { every, day } => RRule::new(Frequency::Monthly)
                .interval(*every)
                .by_month_day(vec![i8::try_from(*day).unwrap_or(1)]),
            Repeat::MonthlyOnWeekday { every, nth, weekday } => RRule::new(Frequency::Monthly)
                .interval(*every)
                .by_weekday(vec![NWeekday::Nth(i16::from(*nth), *weekday)]),
        };
        match self.ends {
            Ends::Never => rule,
            Ends::AfterCount { count } => rule.count(u32::from(count)),
            Ends::OnDate { date } => rule.until(end_of_day(date, zone).with_timezone(&rrule::Tz::UTC)),
        }
    }

    /// The starts (in UTC) of the occurrences from `from` (inclusive) to `until` (exclusive), for
    /// a series whose first occurrence is at `first` on the wall clock of `zone`. At most 1,000.
    pub fn starts_between(
        &self,
        first: NaiveDateTime,
        zone: Tz,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Vec<DateTime<Utc>> {
        let Some(set) = self.rule_set(first, zone) else {
            return Vec::new();
        };
        set.into_iter()
            .map(|t| t.with_timezone(&Utc))
            .skip_while(|t| *t < from)
            .take_while(|t| *t < until)
            .take(usize::from(MAX_EXPANDED))
            .collect()
    }

    /// The first occurrence at or after `first` itself (the rule may not fall on the start the
    /// admin typed: "every Tuesday" typed on a Monday begins on the Tuesday). `None` when the
    /// rule has none.
    pub fn first_occurrence(&self, first: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
        self.rule_set(first, zone)?
            .into_iter()
            .next()
            .map(|t| t.with_timezone(&Utc))
    }

    /// How many occurrences come before `at` (for splitting a counted series).
    pub fn count_before(&self, first: NaiveDateTime, zone: Tz, at: DateTime<Utc>) -> usize {
        self.rule_set(first, zone)
            .map(|set| {
                set.into_iter()
                    .map(|t| t.with_timezone(&Utc))
                    .take_while(|t| *t < at)
                    .take(usize::from(MAX_COUNT))
                    .count()
            })
            .unwrap_or(0)
    }

    fn rule_set(&self, first: NaiveDateTime, zone: Tz) -> Option<rrule::RRuleSet> {
        let start = local_instant(first, zone)?.with_timezone(&rrule::Tz::Tz(zone));
        // `limit` bounds the crate's own search for a next date (a rule that never matches ends
        // instead of looping).
        self.to_rrule(zone).build(start).ok().map(rrule::RRuleSet::limit)
    }
}

/// The instant a wall-clock time names in `zone`: a time in a gap moves forward by the gap, one
/// passed twice is the earlier (as the occurrences are).
pub fn local_instant(local: NaiveDateTime, zone: Tz) -> Option<DateTime<Tz>> {
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Some(t),
        chrono::LocalResult::Ambiguous(earlier, _) => Some(earlier),
        chrono::LocalResult::None => {
            let midnight = local.date().and_hms_opt(0, 0, 0)?;
            let base = zone.from_local_datetime(&midnight).earliest()?;
            Some(base + (local - midnight))
        }
    }
}

fn end_of_day(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let next = date
        .succ_opt()
        .unwrap_or(date)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    local_instant(next, zone)
        .map(|t| t.with_timezone(&Utc) - chrono::Duration::seconds(1))
        .unwrap_or_else(|| Utc.from_utc_datetime(&next))
}

fn sorted_weekdays(mut days: Vec<Weekday>) -> Vec<Weekday> {
    days.sort_by_key(|d| d.num_days_from_monday());
    days.dedup();
    days
}

/// Weekdays as their short English names (`mon`), in stored documents and forms.
pub mod weekday_name {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    const NAMES: [(&str, Weekday); 7] = [
        ("mon", Weekday::Mon),
        ("tue", Weekday::Tue),
        ("wed", Weekday::Wed),
        ("thu", Weekday::Thu),
        ("fri", Weekday::Fri),
        ("sat", Weekday::Sat),
        ("sun", Weekday::Sun),
    ];

    pub fn name(day: Weekday) -> &'static str {
        NAMES[day.num_days_from_monday() as usize].0
    }

    pub fn parse(name: &str) -> Option<Weekday> {
        let name = name.trim().to_ascii_lowercase();
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
    }

    pub fn serialize<S: Serializer>(day: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(name(*day))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a weekday: {text:?}")))
    }
}

mod weekday_names {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(days: &[Weekday], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(days.iter().map(|d| super::weekday_name::name(*d)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Weekday>, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        let days = names
            .iter()
            .map(|n| {
                super::weekday_name::parse(n)
                    .ok_or_else(|| serde::de::Error::custom(format!("not a weekday: {n:?}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if days.is_empty() {
            return Err(serde::de::Error::custom(
                "a weekly rule names at least one weekday",
            ));
        }
        Ok(super::sorted_weekdays(days))
    }
}
