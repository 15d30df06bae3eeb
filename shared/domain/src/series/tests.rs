//! Expansion of series: the rules people use, calendar edge cases, daylight saving in a zone
//! that has it, exceptions and splits; then properties over random weekly rules.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;
use crate::class::Invitation;
use crate::meeting::{JoinLink, MeetingDuration, MeetingTitle, ReminderPlan, SendMode};

const SEOUL: Tz = chrono_tz::Asia::Seoul;
const NEW_YORK: Tz = chrono_tz::America::New_York;

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&local(s))
}

fn rule(repeat: Repeat, ends: Ends) -> RepeatRule {
    RepeatRule { repeat, ends }
}

fn weekly(on: &[Weekday]) -> Repeat {
    Repeat::Weekly {
        every: 1,
        on: on.to_vec(),
    }
}

fn in_zone(starts: &[DateTime<Utc>], zone: Tz) -> Vec<String> {
    starts
        .iter()
        .map(|t| t.with_timezone(&zone).format("%Y-%m-%d %a %H:%M").to_string())
        .collect()
}

fn expand(rule: &RepeatRule, first: &str, zone: Tz, from: &str, until: &str) -> Vec<String> {
    in_zone(
        &rule.starts_between(local(first), zone, utc(from), utc(until)),
        zone,
    )
}

#[test]
fn tuesday_and_thursday_at_seven_in_seoul() {
    let r = rule(weekly(&[Weekday::Tue, Weekday::Thu]), Ends::Never);
    assert_eq!(
        expand(
            &r,
            "2027-01-05 19:00",
            SEOUL,
            "2027-01-01 00:00",
            "2027-01-15 00:00"
        ),
        [
            "2027-01-05 Tue 19:00",
            "2027-01-07 Thu 19:00",
            "2027-01-12 Tue 19:00",
            "2027-01-14 Thu 19:00"
        ]
    );
}

#[test]
fn a_start_typed_on_another_weekday_begins_on_the_first_chosen_one() {
    let r = rule(weekly(&[Weekday::Tue]), Ends::Never);
    let first = r.first_occurrence(local("2027-01-04 19:00"), SEOUL).unwrap();
    assert_eq!(in_zone(&[first], SEOUL), ["2027-01-05 Tue 19:00"]);
}

#[test]
fn every_two_weeks_and_every_weekday() {
    let fortnightly = rule(
        Repeat::Weekly {
            every: 2,
            on: vec![Weekday::Wed],
        },
        Ends::Never,
    );
    assert_eq!(
        expand(
            &fortnightly,
            "2027-01-06 10:00",
            SEOUL,
            "2027-01-01 00:00",
            "2027-02-01 00:00"
        ),
        ["2027-01-06 Wed 10:00", "2027-01-20 Wed 10:00"]
    );
    let weekdays = rule(Repeat::Weekdays, Ends::Never);
    let days = expand(
        &weekdays,
        "2027-01-04 08:00",
        SEOUL,
        "2027-01-03 00:00",
        "2027-01-10 23:00",
    );
    assert_eq!(days.len(), 5, "{days:?}");
    assert!(days.iter().all(|d| !d.contains("Sat") && !d.contains("Sun")));
}

#[test]
fn monthly_on_the_31st_skips_months_without_one() {
    let r = rule(Repeat::MonthlyOnDate { every: 1, day: 31 }, Ends::Never);
    assert_eq!(
        expand(
            &r,
            "2027-01-31 18:00",
            SEOUL,
            "2027-01-01 00:00",
            "2027-06-01 00:00"
        ),
        [
            "2027-01-31 Sun 18:00",
            "2027-03-31 Wed 18:00",
            "2027-05-31 Mon 18:00"
        ]
    );
}

#[test]
fn monthly_on_the_29th_has_february_only_in_leap_years() {
    let r = rule(Repeat::MonthlyOnDate { every: 1, day: 29 }, Ends::Never);
    let starts = expand(
        &r,
        "2027-01-29 18:00",
        SEOUL,
        "2027-01-01 00:00",
        "2028-04-01 00:00",
    );
    assert!(!starts.iter().any(|s| s.starts_with("2027-02")), "{starts:?}");
    assert!(starts.iter().any(|s| s.starts_with("2028-02-29")), "{starts:?}");
}

#[test]
fn the_nth_and_the_last_weekday_of_the_month() {
    let form = RepeatForm {
        kind: "monthly_weekday".into(),
        ..Default::default()
    };
    // 2027-01-19 is the third Tuesday of January.
    let third = form.parse(NaiveDate::from_ymd_opt(2027, 1, 19).unwrap()).unwrap();
    assert_eq!(
        expand(
            &third,
            "2027-01-19 19:00",
            SEOUL,
            "2027-01-01 00:00",
            "2027-04-01 00:00"
        ),
        [
            "2027-01-19 Tue 19:00",
            "2027-02-16 Tue 19:00",
            "2027-03-16 Tue 19:00"
        ]
    );
    let last = RepeatForm {
        kind: "monthly_last_weekday".into(),
        ..Default::default()
    }
    .parse(NaiveDate::from_ymd_opt(2027, 1, 29).unwrap())
    .unwrap();
    assert_eq!(
        expand(
            &last,
            "2027-01-29 19:00",
            SEOUL,
            "2027-01-01 00:00",
            "2027-04-01 00:00"
        ),
        [
            "2027-01-29 Fri 19:00",
            "2027-02-26 Fri 19:00",
            "2027-03-26 Fri 19:00"
        ]
    );
    // The 29th-31st are a fifth weekday, which not every month has.
    let fifth = RepeatForm {
        kind: "monthly_weekday".into(),
        ..Default::default()
    }
    .parse(NaiveDate::from_ymd_opt(2027, 1, 29).unwrap());
    assert_eq!(fifth, Err(vec![RepeatProblem::FifthWeekday("fri".into())]));
}

#[test]
fn the_wall_clock_time_is_kept_across_daylight_saving_in_new_york() {
    // US clocks go forward on 2027-03-14 and back on 2027-11-07.
    let r = rule(weekly(&[Weekday::Wed]), Ends::Never);
    let starts = r.starts_between(
        local("2027-03-03 19:00"),
        NEW_YORK,
        utc("2027-03-01 00:00"),
        utc("2027-03-20 00:00"),
    );
    assert_eq!(
        in_zone(&starts, NEW_YORK),
        [
            "2027-03-03 Wed 19:00",
            "2027-03-10 Wed 19:00",
            "2027-03-17 Wed 19:00"
        ]
    );
    assert_eq!(starts[1].hour(), 0, "19:00 EST is 00:00 UTC");
    assert_eq!(starts[2].hour(), 23, "19:00 EDT is 23:00 UTC");
}

#[test]
fn a_time_the_clocks_skip_moves_forward_and_one_they_repeat_takes_the_earlier() {
    let sundays = rule(weekly(&[Weekday::Sun]), Ends::Never);
    let spring = sundays.starts_between(
        local("2027-03-07 02:30"),
        NEW_YORK,
        utc("2027-03-13 00:00"),
        utc("2027-03-16 00:00"),
    );
    assert_eq!(
        in_zone(&spring, NEW_YORK),
        ["2027-03-14 Sun 03:30"],
        "02:30 does not exist that night"
    );
    let autumn = sundays.starts_between(
        local("2027-10-31 01:30"),
        NEW_YORK,
        utc("2027-11-06 00:00"),
        utc("2027-11-09 00:00"),
    );
    assert_eq!(
        autumn,
        [utc("2027-11-07 05:30")],
        "01:30 EDT, the first of the two"
    );
}

#[test]
fn a_series_ends_on_its_date_or_after_its_count() {
    let on = rule(
        Repeat::Daily { every: 1 },
        Ends::OnDate {
            date: NaiveDate::from_ymd_opt(2027, 1, 3).unwrap(),
        },
    );
    assert_eq!(
        expand(
            &on,
            "2027-01-01 23:30",
            SEOUL,
            "2027-01-01 00:00",
            "2027-02-01 00:00"
        )
        .len(),
        3
    );
    let counted = rule(
        weekly(&[Weekday::Mon, Weekday::Fri]),
        Ends::AfterCount { count: 3 },
    );
    assert_eq!(
        expand(
            &counted,
            "2027-01-04 09:00",
            SEOUL,
            "2027-01-01 00:00",
            "2027-03-01 00:00"
        ),
        [
            "2027-01-04 Mon 09:00",
            "2027-01-08 Fri 09:00",
            "2027-01-11 Mon 09:00"
        ]
    );
}

#[test]
fn the_form_reads_what_people_choose_and_names_every_problem() {
    let first = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
    let ok = RepeatForm {
        kind: "weekly".into(),
        every: "1".into(),
        weekdays: vec!["thu".into(), "tue".into(), "tue".into()],
        ends: "after".into(),
        count: "16".into(),
        ..Default::default()
    };
    let parsed = ok.parse(first).unwrap();
    assert_eq!(
        parsed,
        rule(
            weekly(&[Weekday::Tue, Weekday::Thu]),
            Ends::AfterCount { count: 16 }
        )
    );
    assert_eq!(RepeatForm::of(&parsed).parse(first), Ok(parsed));
    let bad = RepeatForm {
        kind: "weekly".into(),
        every: "0".into(),
        weekdays: vec!["funday".into()],
        ends: "on".into(),
        until: "2026-12-31".into(),
        ..Default::default()
    };
    assert_eq!(
        bad.parse(first),
        Err(vec![
            RepeatProblem::EveryOutOfRange("0".into()),
            RepeatProblem::WeekdayUnknown("funday".into()),
            RepeatProblem::UntilBeforeStart,
        ])
    );
    assert_eq!(
        RepeatForm {
            kind: "yearly".into(),
            ..Default::default()
        }
        .parse(first),
        Err(vec![RepeatProblem::KindUnknown("yearly".into())])
    );
}

#[test]
fn a_stored_rule_reads_back_and_a_weekly_rule_without_days_does_not() {
    let r = rule(
        Repeat::MonthlyOnWeekday {
            every: 1,
            nth: -1,
            weekday: Weekday::Fri,
        },
        Ends::Never,
    );
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<RepeatRule>(&json).unwrap(), r);
    assert!(
        serde_json::from_str::<RepeatRule>(
            r#"{"repeat":{"kind":"weekly","every":1,"on":[]},"ends":{"kind":"never"}}"#
        )
        .is_err()
    );
}

#[test]
fn the_rule_reads_as_icalendar() {
    let r = rule(
        weekly(&[Weekday::Tue, Weekday::Thu]),
        Ends::AfterCount { count: 16 },
    );
    let text = r.to_rrule(SEOUL).to_string();
    assert!(
        text.contains("FREQ=WEEKLY") && text.contains("COUNT=16") && text.contains("BYDAY=TU,TH"),
        "{text}"
    );
}

fn pattern(rule: RepeatRule) -> SeriesPattern {
    SeriesPattern {
        title: MeetingTitle::parse("수학").unwrap(),
        first_start: local("2027-01-05 19:00"),
        time_zone: "Asia/Seoul".into(),
        duration: MeetingDuration::DEFAULT,
        join_link: JoinLink::parse("https://zoom.us/j/123456789").unwrap(),
        zoom_meeting_id: None,
        invitation: Invitation::default(),
        plan: ReminderPlan::default(),
        mode: SendMode::default(),
        template: None,
        rule,
    }
}

fn tue_thu() -> Series {
    Series::new(pattern(rule(weekly(&[Weekday::Tue, Weekday::Thu]), Ends::Never)))
}

#[test]
fn a_skipped_date_stays_listed_as_skipped() {
    let mut series = tue_thu();
    let holiday = utc("2027-01-07 10:00");
    series.set_change(holiday, Some(Change::Skip));
    let occ = series.occurrences(utc("2027-01-01 00:00"), utc("2027-01-10 00:00"));
    assert_eq!(occ.iter().map(|o| o.skipped).collect::<Vec<_>>(), [false, true]);
    series.set_change(holiday, None);
    assert!(
        series
            .occurrences(utc("2027-01-01 00:00"), utc("2027-01-10 00:00"))
            .iter()
            .all(|o| !o.skipped)
    );
}

#[test]
fn the_next_occurrence_passes_over_a_skipped_one_and_there_is_none_after_the_end() {
    let mut series = tue_thu();
    series.set_change(utc("2027-01-05 10:00"), Some(Change::Skip));
    let next = series.next_occurrence(utc("2027-01-04 00:00")).unwrap();
    assert_eq!(next.starts_at, utc("2027-01-07 10:00"));
    series.end_before(utc("2027-01-06 00:00"));
    assert_eq!(series.next_occurrence(utc("2027-01-04 00:00")), None);
}

#[test]
fn a_moved_occurrence_keeps_its_name_and_is_found_where_it_went() {
    let mut series = tue_thu();
    let original = utc("2027-01-07 10:00");
    // Thursday's class moves to Saturday morning and gets another title.
    series.set_change(
        original,
        Some(Change::Edit(OccurrenceEdit {
            starts_at: Some(utc("2027-01-09 01:00")),
            title: Some(MeetingTitle::parse("보강").unwrap()),
            ..Default::default()
        })),
    );
    let thursday = series.occurrences(utc("2027-01-07 00:00"), utc("2027-01-08 00:00"));
    assert!(thursday.is_empty(), "nothing left on Thursday");
    let saturday = series.occurrences(utc("2027-01-09 00:00"), utc("2027-01-10 00:00"));
    assert_eq!(saturday.len(), 1);
    assert_eq!(saturday[0].original, original);
    assert_eq!(saturday[0].title.as_str(), "보강");
    assert!(saturday[0].edited);
    // Moved into an earlier window, it is found there too.
    series.set_change(
        original,
        Some(Change::Edit(OccurrenceEdit {
            starts_at: Some(utc("2027-01-02 01:00")),
            ..Default::default()
        })),
    );
    assert_eq!(
        series.occurrences(utc("2027-01-01 00:00"), utc("2027-01-03 00:00"))[0].original,
        original
    );
    // An edit with nothing in it is no exception at all.
    series.set_change(original, Some(Change::Edit(OccurrenceEdit::default())));
    assert!(series.exceptions.is_empty());
}

#[test]
fn cancelling_ends_the_future_only() {
    let mut series = tue_thu();
    series.set_change(utc("2027-01-19 10:00"), Some(Change::Skip));
    series.end_before(utc("2027-01-12 10:00"));
    let left = series.occurrences(utc("2027-01-01 00:00"), utc("2027-03-01 00:00"));
    assert_eq!(left.len(), 2, "the 5th and the 7th");
    assert!(
        series.exceptions.is_empty(),
        "the skip named an occurrence that is gone"
    );
    assert!(!series.has_occurrence(utc("2027-01-12 10:00")));
    assert!(series.has_occurrence(utc("2027-01-07 10:00")));
    assert!(
        !series.has_occurrence(utc("2027-01-06 10:00")),
        "a Wednesday is not in the rule"
    );
}

#[test]
fn this_and_following_splits_a_counted_series_into_what_was_and_what_is_left() {
    let mut old = Series::new(pattern(rule(
        weekly(&[Weekday::Tue, Weekday::Thu]),
        Ends::AfterCount { count: 10 },
    )));
    let at = utc("2027-01-14 10:00"); // the fourth
    old.set_change(utc("2027-01-07 10:00"), Some(Change::Skip));
    old.set_change(utc("2027-01-19 10:00"), Some(Change::Skip));
    let mut later = pattern(old.pattern.rule.clone());
    later.first_start = local("2027-01-14 19:00");
    later.title = MeetingTitle::parse("수학 (심화)").unwrap();
    let new = old.split_at(at, later);
    let all = |s: &Series| s.occurrences(utc("2027-01-01 00:00"), utc("2027-12-31 00:00"));
    assert_eq!(all(&old).len(), 3);
    assert_eq!(all(&new).len(), 7, "ten in all");
    assert_eq!(all(&new)[0].starts_at, at);
    assert_eq!(all(&new)[0].title.as_str(), "수학 (심화)");
    assert_eq!(
        old.exceptions.len(),
        1,
        "the 7th's skip stays with the old series"
    );
    assert!(
        new.exceptions.contains_key(&utc("2027-01-19 10:00")),
        "the 19th's skip goes with the new one"
    );
}

#[test]
fn a_split_that_changes_the_time_drops_the_later_exceptions() {
    let mut old = tue_thu();
    old.set_change(utc("2027-01-19 10:00"), Some(Change::Skip));
    let mut later = pattern(old.pattern.rule.clone());
    later.first_start = local("2027-01-14 20:00");
    let new = old.split_at(utc("2027-01-14 10:00"), later);
    assert!(new.exceptions.is_empty());
    let first = &new.occurrences(utc("2027-01-01 00:00"), utc("2027-02-01 00:00"))[0];
    assert_eq!(first.starts_at, utc("2027-01-14 11:00"));
}

fn any_weekdays() -> impl Strategy<Value = Vec<Weekday>> {
    proptest::sample::subsequence(
        vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ],
        1..=7,
    )
}

fn any_zone() -> impl Strategy<Value = Tz> {
    proptest::sample::select(vec![
        SEOUL,
        NEW_YORK,
        chrono_tz::Europe::London,
        chrono_tz::Australia::Sydney,
    ])
}

proptest! {
    /// Every occurrence of a weekly rule is on a chosen weekday at the first start's wall-clock
    /// time (or, in a gap, just after it), inside the window, in order, never more than the count.
    #[test]
    fn weekly_occurrences_keep_their_weekdays_time_and_order(
        on in any_weekdays(),
        every in 1u16..=4,
        zone in any_zone(),
        day in 0i64..400,
        hour in 0u32..24,
        count in proptest::option::of(1u16..=40),
        window_days in 1i64..120,
    ) {
        let first = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap().and_hms_opt(hour, 0, 0).unwrap() + Duration::days(day);
        let ends = count.map_or(Ends::Never, |count| Ends::AfterCount { count });
        let r = rule(Repeat::Weekly { every, on: on.clone() }, ends);
        let from = utc("2027-01-01 00:00") + Duration::days(day / 2);
        let until = from + Duration::days(window_days);
        let starts = r.starts_between(first, zone, from, until);
        prop_assert!(starts.windows(2).all(|w| w[0] < w[1]));
        if let Some(count) = count {
            prop_assert!(starts.len() <= usize::from(count));
        }
        for start in &starts {
            prop_assert!(*start >= from && *start < until);
            let wall = start.with_timezone(&zone);
            prop_assert!(on.contains(&wall.weekday()), "{wall} not on {on:?}");
            let off = (i64::from(wall.hour()) - i64::from(hour)).rem_euclid(24);
            prop_assert!(off <= 1, "{wall} is not {hour}:00 (or the hour after, in a gap)");
        }
    }

    /// Two windows side by side hold exactly the occurrences of the window they make together:
    /// a rolling window never drops or repeats one.
    #[test]
    fn adjacent_windows_neither_lose_nor_repeat_an_occurrence(
        on in any_weekdays(),
        zone in any_zone(),
        split in 1i64..60,
    ) {
        let series = Series::new(SeriesPattern {
            time_zone: zone.name().to_owned(),
            ..pattern(rule(Repeat::Weekly { every: 1, on }, Ends::Never))
        });
        let (from, until) = (utc("2027-01-01 00:00"), utc("2027-03-01 00:00"));
        let mid = from + Duration::days(split);
        let mut halves = series.occurrences(from, mid);
        halves.extend(series.occurrences(mid, until));
        prop_assert_eq!(halves, series.occurrences(from, until));
    }
}
