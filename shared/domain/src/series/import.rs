//! Reading a recurrence rule from someone else's calendar (an `.ics` from Google Calendar or
//! Zoom) into a [`RepeatRule`], or saying plainly why it cannot be one. Nothing is dropped
//! silently: a part of the rule that would change which days are meant makes it unsupported.

use chrono::NaiveDate;
use rrule::{Frequency, NWeekday, RRule, Unvalidated};

use super::repeat::{Ends, MAX_COUNT, MAX_EVERY, Repeat, RepeatRule};

/// Why an imported rule is not one ttokttok can keep.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsupported {
    #[error("the rule does not read as RFC 5545: {0}")]
    Unreadable(String),
    #[error("repeating {0} is not supported (daily, weekly and monthly are)")]
    Frequency(String),
    #[error("the rule uses {0}, which ttokttok cannot keep")]
    Part(&'static str),
    #[error("a monthly rule on several days of the month is not supported")]
    SeveralMonthDays,
    #[error("a monthly rule on several weekdays is not supported")]
    SeveralWeekdays,
    #[error("the {0}th weekday of a month is not supported (1st to 4th, or the last)")]
    NthWeekday(i16),
    #[error("repeating every {0} is more than ttokttok keeps (1 to 99)")]
    Interval(u16),
    #[error("{0} occurrences is more than ttokttok keeps (up to 730)")]
    Count(u32),
}

/// `text` is the `RRULE` value (`FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10`); `first` the event's
/// start date, in its zone (a monthly rule without BYMONTHDAY or BYDAY repeats on its day).
pub fn rule_of(text: &str, first: NaiveDate) -> Result<RepeatRule, Unsupported> {
    let text = text.trim().trim_start_matches("RRULE:");
    let rule: RRule<Unvalidated> = text
        .parse()
        .map_err(|e: rrule::RRuleError| Unsupported::Unreadable(e.to_string()))?;
    let parts: [(&'static str, bool); 7] = [
        ("BYSETPOS", !rule.get_by_set_pos().is_empty()),
        ("BYMONTH", !rule.get_by_month().is_empty()),
        ("BYYEARDAY", !rule.get_by_year_day().is_empty()),
        ("BYWEEKNO", !rule.get_by_week_no().is_empty()),
        // A BYHOUR or BYMINUTE that only repeats the start's own time is implied by it; any
        // other makes more than one occurrence a day.
        ("BYHOUR", rule.get_by_hour().len() > 1),
        ("BYMINUTE", rule.get_by_minute().len() > 1),
        ("BYSECOND", rule.get_by_second().len() > 1),
    ];
    if let Some((name, _)) = parts.iter().find(|(_, used)| *used) {
        return Err(Unsupported::Part(name));
    }
    let every = rule.get_interval().max(1);
    if every > MAX_EVERY {
        return Err(Unsupported::Interval(every));
    }
    let plain_days = || -> Result<Vec<chrono::Weekday>, Unsupported> {
        rule.get_by_weekday()
            .iter()
            .map(|d| match d {
                NWeekday::Every(day) => Ok(*day),
                NWeekday::Nth(n, _) => Err(Unsupported::NthWeekday(*n)),
            })
            .collect()
    };
    let repeat = match rule.get_freq() {
        Frequency::Daily if rule.get_by_weekday().is_empty() && rule.get_by_month_day().is_empty() => {
            Repeat::Daily { every }
        }
        Frequency::Daily => return Err(Unsupported::Part("BYDAY in a daily rule")),
        Frequency::Weekly => {
            if !rule.get_by_month_day().is_empty() {
                return Err(Unsupported::Part("BYMONTHDAY in a weekly rule"));
            }
            let mut on = plain_days()?;
            if on.is_empty() {
                on.push(chrono::Datelike::weekday(&first));
            }
            on.sort_by_key(|d| d.num_days_from_monday());
            on.dedup();
            let weekdays = [
                chrono::Weekday::Mon,
                chrono::Weekday::Tue,
                chrono::Weekday::Wed,
                chrono::Weekday::Thu,
                chrono::Weekday::Fri,
            ];
            if every == 1 && on == weekdays {
                Repeat::Weekdays
            } else {
                Repeat::Weekly { every, on }
            }
        }
        Frequency::Monthly => match (rule.get_by_month_day(), rule.get_by_weekday()) {
            ([], []) => Repeat::MonthlyOnDate {
                every,
                day: u8::try_from(chrono::Datelike::day(&first)).unwrap_or(1),
            },
            ([day], []) if *day > 0 => Repeat::MonthlyOnDate {
                every,
                day: u8::try_from(*day).unwrap_or(1),
            },
            ([_], []) => return Err(Unsupported::Part("a day counted from the month's end")),
            ([], [NWeekday::Nth(n, weekday)]) if (1..=4).contains(n) || *n == -1 => {
                Repeat::MonthlyOnWeekday {
                    every,
                    nth: i8::try_from(*n).unwrap_or(1),
                    weekday: *weekday,
                }
            }
            ([], [NWeekday::Nth(n, _)]) => return Err(Unsupported::NthWeekday(*n)),
            ([], [NWeekday::Every(_)]) | ([], [_, _, ..]) => return Err(Unsupported::SeveralWeekdays),
            _ => return Err(Unsupported::SeveralMonthDays),
        },
        other => return Err(Unsupported::Frequency(other.to_string().to_lowercase())),
    };
    let ends = match (rule.get_count(), rule.get_until()) {
        (Some(count), _) if count > u32::from(MAX_COUNT) => return Err(Unsupported::Count(count)),
        (Some(count), _) => Ends::AfterCount {
            count: u16::try_from(count).unwrap_or(MAX_COUNT),
        },
        (None, Some(until)) => Ends::OnDate {
            date: until.date_naive(),
        },
        (None, None) => Ends::Never,
    };
    Ok(RepeatRule { repeat, ends })
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;

    use super::*;

    fn first() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()
    }

    #[test]
    fn google_and_zoom_rules_people_use_are_kept() {
        assert_eq!(
            rule_of("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=16", first()),
            Ok(RepeatRule {
                repeat: Repeat::Weekly {
                    every: 1,
                    on: vec![Weekday::Tue, Weekday::Thu]
                },
                ends: Ends::AfterCount { count: 16 },
            })
        );
        assert_eq!(
            rule_of(
                "RRULE:FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=WE;UNTIL=20270630T145959Z",
                first()
            )
            .map(|r| r.repeat),
            Ok(Repeat::Weekly {
                every: 2,
                on: vec![Weekday::Wed]
            })
        );
        assert_eq!(
            rule_of("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", first()).map(|r| r.repeat),
            Ok(Repeat::Weekdays)
        );
        assert_eq!(
            rule_of("FREQ=MONTHLY;BYDAY=-1FR", first()).map(|r| r.repeat),
            Ok(Repeat::MonthlyOnWeekday {
                every: 1,
                nth: -1,
                weekday: Weekday::Fri
            })
        );
        assert_eq!(
            rule_of("FREQ=MONTHLY", first()).map(|r| r.repeat),
            Ok(Repeat::MonthlyOnDate { every: 1, day: 5 })
        );
        assert_eq!(
            rule_of("FREQ=DAILY;INTERVAL=3", first()).map(|r| r.repeat),
            Ok(Repeat::Daily { every: 3 })
        );
    }

    #[test]
    fn what_cannot_be_kept_is_named() {
        assert_eq!(
            rule_of("FREQ=YEARLY", first()),
            Err(Unsupported::Frequency("yearly".into()))
        );
        assert_eq!(
            rule_of("FREQ=HOURLY", first()),
            Err(Unsupported::Frequency("hourly".into()))
        );
        assert_eq!(
            rule_of("FREQ=MONTHLY;BYDAY=MO,TU,WE;BYSETPOS=1", first()),
            Err(Unsupported::Part("BYSETPOS"))
        );
        assert_eq!(
            rule_of("FREQ=MONTHLY;BYMONTHDAY=1,15", first()),
            Err(Unsupported::SeveralMonthDays)
        );
        assert_eq!(
            rule_of("FREQ=WEEKLY;BYMONTH=3", first()),
            Err(Unsupported::Part("BYMONTH"))
        );
        assert_eq!(
            rule_of("FREQ=WEEKLY;COUNT=5000", first()),
            Err(Unsupported::Count(5000))
        );
        assert!(matches!(
            rule_of("FREQ=SOMETIMES", first()),
            Err(Unsupported::Unreadable(_))
        ));
        assert!(matches!(rule_of("", first()), Err(Unsupported::Unreadable(_))));
    }
}
