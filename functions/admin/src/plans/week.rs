//! The admin's week: each day's occurrences and meetings, with who is invited, who joined, and
//! the reminders sent and not sent. Skipped occurrences of a series are listed too (struck
//! through, with a way back), and so are occurrences further ahead than the window, derived
//! from their series.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::delivery::DeliveryState;
use domain::{KakaoUserId, MeetingId, SeriesId};
use serde_json::{Value, json};
use store::StoreError;
use store::model::MeetingStatus;
use web::WebState;

/// The week's days are Korean days (the admin's classes are in Korea's time unless a series
/// says otherwise; a day's list is what happens on that day in Korea).
const KOREA: chrono_tz::Tz = chrono_tz::Asia::Seoul;

/// One entry of a day.
#[derive(Debug, Clone)]
pub struct Entry {
    pub starts_at: DateTime<Utc>,
    pub title: String,
    pub meeting: Option<MeetingId>,
    /// The series it is an occurrence of, and its original start.
    pub series: Option<(SeriesId, DateTime<Utc>)>,
    pub cancelled: bool,
    pub skipped: bool,
    pub invited: usize,
    pub joined: usize,
    pub sent: usize,
    pub not_sent: usize,
}

pub struct Day {
    pub date: NaiveDate,
    pub entries: Vec<Entry>,
}

/// The Monday of `now`'s week in Korea, or the date given.
pub fn start_of(given: Option<&str>, now: DateTime<Utc>) -> Option<NaiveDate> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
        None => Some(monday_of(now)),
    }
}

/// The Monday of the Korean week `at` falls in.
pub fn monday_of(at: DateTime<Utc>) -> NaiveDate {
    let day = at.with_timezone(&KOREA).date_naive();
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

pub async fn load(state: &WebState, admin: KakaoUserId, from: NaiveDate) -> Result<Vec<Day>, StoreError> {
    let store = &state.services().store;
    let now = state.now();
    // Opening the week rolls the window, so what is shown is what will happen.
    if let Err(error) = app::plans::roll_admin(&**store, admin, now).await {
        tracing::warn!(admin = %admin, %error, "series window not rolled for the week view");
    }
    let start = korea_midnight(from);
    let end = korea_midnight(from + Duration::days(7));
    let meetings = store.list_meetings(admin).await?;
    let series = store.list_series(admin).await?;
    // A skipped occurrence's meeting is cancelled; the week shows it as skipped, with the way
    // back.
    let series_of = |of: &domain::series::OccurrenceOf| series.iter().find(|s| s.id == of.series);
    let is_skipped = |of: domain::series::OccurrenceOf| {
        series_of(&of).is_some_and(|s| s.draft.series.occurrence(of.original).skipped)
    };
    // An edit that splits a series or moves its days cancels the meetings of the occurrences it
    // no longer has (they had not started, so nothing was sent); their replacements are shown.
    let is_replaced = |of: domain::series::OccurrenceOf| {
        series_of(&of).is_some_and(|s| !s.draft.cancelled && !s.draft.series.has_occurrence(of.original))
    };
    let mut entries = Vec::new();
    let mut shown: BTreeSet<(SeriesId, DateTime<Utc>)> = BTreeSet::new();
    for meeting in meetings
        .iter()
        .filter(|m| m.draft.starts_at >= start && m.draft.starts_at < end && !m.draft.is_manual_send())
    {
        let of = meeting.draft.settings.occurrence;
        if meeting.draft.status == MeetingStatus::Cancelled && of.is_some_and(is_replaced) {
            continue;
        }
        if let Some(of) = of {
            shown.insert((of.series, of.original));
        }
        let facts = store.meeting_state(admin, meeting.id, now).await?;
        let skipped = of.is_some_and(is_skipped);
        let sent = facts
            .deliveries
            .iter()
            .filter(|d| d.state == DeliveryState::Sent)
            .count();
        entries.push(Entry {
            starts_at: meeting.draft.starts_at,
            title: meeting.draft.title.clone(),
            meeting: Some(meeting.id),
            series: of.map(|of| (of.series, of.original)),
            cancelled: meeting.draft.status == MeetingStatus::Cancelled && !skipped,
            skipped,
            invited: facts.invitees.len(),
            joined: facts.attendance.len(),
            sent,
            not_sent: facts.deliveries.len() - sent,
        });
    }
    for record in &series {
        for occurrence in record.draft.series.occurrences(start, end) {
            if shown.contains(&(record.id, occurrence.original)) {
                continue;
            }
            // Skipped, or beyond the window: derived from the series.
            entries.push(Entry {
                starts_at: occurrence.starts_at,
                title: occurrence.title.as_str().to_owned(),
                meeting: None,
                series: Some((record.id, occurrence.original)),
                cancelled: false,
                skipped: occurrence.skipped,
                invited: 0,
                joined: 0,
                sent: 0,
                not_sent: 0,
            });
        }
    }
    entries.sort_by_key(|e| e.starts_at);
    Ok((0..7)
        .map(|i| {
            let date = from + Duration::days(i);
            Day {
                date,
                entries: entries
                    .iter()
                    .filter(|e| e.starts_at.with_timezone(&KOREA).date_naive() == date)
                    .cloned()
                    .collect(),
            }
        })
        .collect())
}

fn korea_midnight(date: NaiveDate) -> DateTime<Utc> {
    domain::series::repeat::local_instant(date.and_hms_opt(0, 0, 0).unwrap_or_default(), KOREA)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

pub fn json(days: &[Day]) -> Value {
    json!({
        "days": days.iter().map(|d| json!({
            "date": d.date.format("%Y-%m-%d").to_string(),
            "entries": d.entries.iter().map(|e| json!({
                "starts_at": e.starts_at,
                "title": e.title,
                "meeting": e.meeting,
                "series": e.series.map(|(s, _)| s),
                "original": e.series.map(|(_, o)| o),
                "cancelled": e.cancelled,
                "skipped": e.skipped,
                "invited": e.invited,
                "joined": e.joined,
                "sent": e.sent,
                "not_sent": e.not_sent,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
