//! Property tests of the meeting form's parsers: whatever an admin (or an attacker) types, each
//! one answers with a value or a problem, never a panic, and a whole form that passes holds only
//! times the store can keep and the sweep can plan with.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use proptest::prelude::*;

use super::{
    JoinLink, MeetingDuration, MeetingForm, MeetingTitle, MessageTemplate, QuietHours, ReminderOffsets,
    Schedule, ZoomMeetingNumber,
};
use crate::meeting::schedule::{DEFAULT_TIME_ZONE, parse_time_zone};
use crate::meeting::spec::MeetingContext;

/// Text shaped like a date and time, with years and offsets from far outside the calendar.
fn start_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop_oneof![Just("".to_owned()), Just("+".to_owned()), Just("-".to_owned())],
            0u32..300_000,
            0u32..14,
            0u32..33,
            0u32..25,
            0u32..61,
            prop_oneof![
                Just(String::new()),
                Just("Z".to_owned()),
                (-30i32..30, 0u32..61).prop_map(|(h, m)| format!("{h:+03}:{m:02}")),
            ],
        )
            .prop_map(|(sign, y, mo, d, h, mi, off)| format!(
                "{sign}{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}{off}"
            )),
        ".{0,40}",
    ]
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 3, 0, 0).unwrap()
}

proptest! {
    #[test]
    fn reading_a_start_never_panics_and_keeps_to_the_calendar(text in start_text(), zone in ".{0,20}") {
        let tz = parse_time_zone(&zone).unwrap_or(DEFAULT_TIME_ZONE);
        if let Ok(start) = Schedule::parse_start(&text, tz) {
            prop_assert!((1969..=10000).contains(&start.year()), "{text} -> {start}");
            let schedule = Schedule::new(start, tz, MeetingDuration::DEFAULT);
            let _ = (schedule.ends_at(), schedule.start_hhmm(), schedule.start_local_input());
        }
    }

    #[test]
    fn the_other_fields_never_panic(text in "\\PC{0,300}", other in "\\PC{0,30}") {
        let _ = MeetingTitle::parse(&text);
        let _ = MeetingDuration::parse(&other);
        let _ = JoinLink::parse(&text);
        let _ = ZoomMeetingNumber::parse(&other);
        let _ = ReminderOffsets::parse(&other);
        let _ = QuietHours::parse(&other, &text);
        let _ = MessageTemplate::parse(&text);
        let _ = parse_time_zone(&other);
    }

    #[test]
    fn a_form_that_passes_starts_within_two_years(start in start_text(), zone in prop_oneof![Just(""), Just("America/New_York"), Just("Pacific/Kiritimati"), Just("Etc/GMT+12")]) {
        let form = MeetingForm {
            title: "수학".into(),
            start,
            time_zone: zone.into(),
            join_url: "https://zoom.us/j/81234567890".into(),
            reminder_offsets: Some(String::new()),
            ..MeetingForm::default()
        };
        let ctx = MeetingContext { now: now(), friends: &[], existing: None };
        if let Ok(spec) = form.validate(&ctx) {
            let start = spec.schedule.starts_at();
            prop_assert!(start >= now() - chrono::Duration::minutes(1));
            prop_assert!(start <= now() + chrono::Duration::days(super::MAX_DAYS_AHEAD));
        }
    }
}

#[test]
fn the_end_of_the_calendar_is_a_problem_not_a_panic() {
    for text in [
        "+262143-12-31T23:59",
        "262143-12-31T23:59:59Z",
        "9999-12-31T23:59",
        "+10000-01-03T10:00",
    ] {
        let form = MeetingForm {
            title: "수학".into(),
            start: text.into(),
            join_url: "https://zoom.us/j/81234567890".into(),
            ..MeetingForm::default()
        };
        let ctx = MeetingContext {
            now: now(),
            friends: &[],
            existing: None,
        };
        let errors = form.validate(&ctx).expect_err(text);
        assert!(
            errors.problems().iter().any(|p| matches!(
                p,
                super::MeetingProblem::StartUnreadable(_) | super::MeetingProblem::StartTooFar
            )),
            "{text}: {errors:?}"
        );
    }
}
