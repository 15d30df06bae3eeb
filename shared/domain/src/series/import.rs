//! Reading a recurrence rule from someone else's calendar (an `.ics` from Google Calendar or
//! Zoom) into a [`RepeatRule`], or saying plainly why it cannot be one. Nothing is dropped
//! silently: a part of the rule that would change which days are meant makes it unsupported.
//!
//! The `RRULE` value is read here (RFC 5545 section 3.3.10: `NAME=VALUE` parts joined by `;`)
//! rather than by the `rrule` crate's string parser, which links a regular-expression engine
//! into the admin function for a grammar of a dozen names (`docs/benchmarks.md`, zips). The
//! crate still expands every rule.

use chrono::{NaiveDate, Weekday};

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
    Interval(u32),
    #[error("{0} occurrences is more than ttokttok keeps (up to 730)")]
    Count(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frequency {
    Daily,
    Weekly,
    Monthly,
}

/// The parts of a rule that decide which days it means.
#[derive(Debug, Default)]
struct Parts {
    interval: Option<u32>,
    count: Option<u32>,
    until: Option<NaiveDate>,
    /// `(n, day)`: `TU` is `(None, Tue)`, `-1FR` is `(Some(-1), Fri)`.
    by_day: Vec<(Option<i16>, Weekday)>,
    by_month_day: Vec<i16>,
}

fn unreadable(what: impl Into<String>) -> Unsupported {
    Unsupported::Unreadable(what.into())
}

fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, Unsupported> {
    value
        .trim_start_matches('+')
        .parse()
        .map_err(|_| unreadable(format!("{name}={value} is not a number")))
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// Parts that choose days ttokttok's rules cannot say.
const UNKEPT_PARTS: [&str; 4] = ["BYSETPOS", "BYMONTH", "BYYEARDAY", "BYWEEKNO"];

/// Parts of a time of day: one that only repeats the start's own time is implied by it; any
/// other makes more than one occurrence a day.
const TIME_PARTS: [&str; 3] = ["BYHOUR", "BYMINUTE", "BYSECOND"];

/// `FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10` into its frequency and parts; a part ttokttok cannot
/// keep is named.
fn parts_of(text: &str) -> Result<(Frequency, Parts), Unsupported> {
    let mut freq = None;
    let mut parts = Parts::default();
    let mut seen: Vec<String> = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| unreadable(format!("{part:?} is not NAME=VALUE")))?;
        let name = name.trim().to_ascii_uppercase();
        let value = value.trim().to_ascii_uppercase();
        if seen.contains(&name) {
            return Err(unreadable(format!("{name} is given twice")));
        }
        seen.push(name.clone());
        let list = || value.split(',').map(str::trim);
        if let Some(part) = UNKEPT_PARTS.iter().find(|p| **p == name) {
            return Err(Unsupported::Part(part));
        }
        if let Some(part) = TIME_PARTS.iter().find(|p| **p == name) {
            if list().count() > 1 {
                return Err(Unsupported::Part(part));
            }
            continue;
        }
        match name.as_str() {
            "FREQ" => {
                freq = Some(match value.as_str() {
                    "DAILY" => Frequency::Daily,
                    "WEEKLY" => Frequency::Weekly,
                    "MONTHLY" => Frequency::Monthly,
                    "YEARLY" | "HOURLY" | "MINUTELY" | "SECONDLY" => {
                        return Err(Unsupported::Frequency(value.to_lowercase()));
                    }
                    _ => return Err(unreadable(format!("FREQ={value} is not a frequency"))),
                });
            }
            "INTERVAL" => parts.interval = Some(number(&name, &value)?),
            "COUNT" => parts.count = Some(number(&name, &value)?),
            "UNTIL" => {
                let date = value.get(..8).unwrap_or_default();
                parts.until = Some(
                    NaiveDate::parse_from_str(date, "%Y%m%d")
                        .map_err(|_| unreadable(format!("UNTIL={value} is not a date")))?,
                );
            }
            "BYDAY" => {
                for code in list() {
                    let split = code.len().saturating_sub(2);
                    let (n, day) = code.split_at(split);
                    let day =
                        weekday(day).ok_or_else(|| unreadable(format!("BYDAY={code} is not a weekday")))?;
                    let n = if n.is_empty() {
                        None
                    } else {
                        Some(number::<i16>(&name, n)?)
                    };
                    parts.by_day.push((n, day));
                }
            }
            "BYMONTHDAY" => {
                for day in list() {
                    parts.by_month_day.push(number(&name, day)?);
                }
            }
            // The week's first day changes nothing for the rules ttokttok keeps but an
            // every-other-week rule on days before Monday, which are read from Monday.
            "WKST" if weekday(&value).is_some() => {}
            _ => return Err(unreadable(format!("{name} is not a part of a rule"))),
        }
    }
    let freq = freq.ok_or_else(|| unreadable("the rule has no FREQ"))?;
    if parts.count.is_some() && parts.until.is_some() {
        return Err(unreadable("the rule has both COUNT and UNTIL"));
    }
    Ok((freq, parts))
}

/// `text` is the `RRULE` value (`FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10`); `first` the event's
/// start date, in its zone (a monthly rule without BYMONTHDAY or BYDAY repeats on its day).
pub fn rule_of(text: &str, first: NaiveDate) -> Result<RepeatRule, Unsupported> {
    let text = text.trim();
    let text = text
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("RRULE:"))
        .map_or(text, |_| &text[6..]);
    let (freq, rule) = parts_of(text)?;
    let every = match rule.interval.unwrap_or(1) {
        0 => return Err(unreadable("INTERVAL=0")),
        n if n > u32::from(MAX_EVERY) => return Err(Unsupported::Interval(n)),
        n => u16::try_from(n).unwrap_or(MAX_EVERY),
    };
    let plain_days = || -> Result<Vec<Weekday>, Unsupported> {
        rule.by_day
            .iter()
            .map(|(n, day)| match n {
                None => Ok(*day),
                Some(n) => Err(Unsupported::NthWeekday(*n)),
            })
            .collect()
    };
    let repeat = match freq {
        Frequency::Daily if rule.by_day.is_empty() && rule.by_month_day.is_empty() => Repeat::Daily { every },
        Frequency::Daily => return Err(Unsupported::Part("BYDAY in a daily rule")),
        Frequency::Weekly => {
            if !rule.by_month_day.is_empty() {
                return Err(Unsupported::Part("BYMONTHDAY in a weekly rule"));
            }
            let mut on = plain_days()?;
            if on.is_empty() {
                on.push(chrono::Datelike::weekday(&first));
            }
            on.sort_by_key(|d| d.num_days_from_monday());
            on.dedup();
            let weekdays = [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ];
            if every == 1 && on == weekdays {
                Repeat::Weekdays
            } else {
                Repeat::Weekly { every, on }
            }
        }
        Frequency::Monthly => match (rule.by_month_day.as_slice(), rule.by_day.as_slice()) {
            ([], []) => Repeat::MonthlyOnDate {
                every,
                day: u8::try_from(chrono::Datelike::day(&first)).unwrap_or(1),
            },
            ([day], []) if (1..=31).contains(day) => Repeat::MonthlyOnDate {
                every,
                day: u8::try_from(*day).unwrap_or(1),
            },
            ([day], []) if *day < 0 => return Err(Unsupported::Part("a day counted from the month's end")),
            ([day], []) => return Err(unreadable(format!("BYMONTHDAY={day}"))),
            ([], [(Some(n), weekday)]) if (1..=4).contains(n) || *n == -1 => Repeat::MonthlyOnWeekday {
                every,
                nth: i8::try_from(*n).unwrap_or(1),
                weekday: *weekday,
            },
            ([], [(Some(n), _)]) => return Err(Unsupported::NthWeekday(*n)),
            ([], [(None, _)]) | ([], [_, _, ..]) => return Err(Unsupported::SeveralWeekdays),
            _ => return Err(Unsupported::SeveralMonthDays),
        },
    };
    let ends = match (rule.count, rule.until) {
        (Some(count), _) if count > u32::from(MAX_COUNT) => return Err(Unsupported::Count(count)),
        (Some(0), _) => return Err(unreadable("COUNT=0")),
        (Some(count), _) => Ends::AfterCount {
            count: u16::try_from(count).unwrap_or(MAX_COUNT),
        },
        (None, Some(date)) => Ends::OnDate { date },
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

    #[test]
    fn the_rule_text_is_read_as_rfc_5545_writes_it() {
        // Names and values in any case, spaces and a trailing `;` tolerated, `+` on numbers.
        assert_eq!(
            rule_of("rrule:freq=weekly; byday=tu ;interval=+2;", first()).map(|r| r.repeat),
            Ok(Repeat::Weekly {
                every: 2,
                on: vec![Weekday::Tue]
            })
        );
        assert_eq!(
            rule_of("FREQ=MONTHLY;BYDAY=+2WE", first()).map(|r| r.repeat),
            Ok(Repeat::MonthlyOnWeekday {
                every: 1,
                nth: 2,
                weekday: Weekday::Wed
            })
        );
        assert_eq!(
            rule_of("FREQ=WEEKLY;UNTIL=20270630", first()).map(|r| r.ends),
            Ok(Ends::OnDate {
                date: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap()
            })
        );
        assert_eq!(
            rule_of("FREQ=DAILY;BYHOUR=19;BYMINUTE=0", first()).map(|r| r.repeat),
            Ok(Repeat::Daily { every: 1 })
        );
        assert_eq!(
            rule_of("FREQ=DAILY;BYHOUR=9,19", first()),
            Err(Unsupported::Part("BYHOUR"))
        );
        assert_eq!(
            rule_of("FREQ=MONTHLY;BYDAY=5MO", first()),
            Err(Unsupported::NthWeekday(5))
        );
        assert_eq!(
            rule_of("FREQ=DAILY;INTERVAL=100", first()),
            Err(Unsupported::Interval(100))
        );
        for broken in [
            "BYDAY=TU",
            "FREQ=WEEKLY;FREQ=DAILY",
            "FREQ=WEEKLY;BYDAY=XX",
            "FREQ=WEEKLY;INTERVAL=0",
            "FREQ=WEEKLY;INTERVAL=two",
            "FREQ=WEEKLY;COUNT=3;UNTIL=20270630",
            "FREQ=WEEKLY;UNTIL=someday",
            "FREQ=WEEKLY;COLOR=RED",
            "FREQ=WEEKLY;BYDAY",
            "FREQ=MONTHLY;BYMONTHDAY=40",
            "FREQ=WEEKLY;BYDAY=99999999MO",
        ] {
            assert!(
                matches!(rule_of(broken, first()), Err(Unsupported::Unreadable(_))),
                "{broken} should not read"
            );
        }
    }
}
