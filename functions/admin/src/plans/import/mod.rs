//! Importing an `.ics` file (a Google Calendar or Zoom export): each event becomes a preview the
//! admin can adjust and then save as a series or a meeting through the usual routes. Attendees
//! are offered as the friends whose nickname matches their name; recurring events keep their
//! rule and their excluded dates (`EXDATE`), and what ttokttok cannot keep is named, per event,
//! never dropped silently.
//!
//! `POST /api/calendar/import` with the file as the body (`text/calendar`), at most 1 MB and 500
//! events: `{"events": [...]}`, each with `"series"` (a body for `POST /api/series`) or
//! `"meeting"` (for `POST /api/meetings`), or `"unsupported"` saying why neither.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use domain::series::RepeatForm;
use domain::series::import::rule_of;
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use serde_json::{Value, json};
use store::model::FriendRecord;
use web::extract::AdminSession;
use web::{Lang, WebError, WebState};

const MAX_BYTES: usize = 1024 * 1024;
const MAX_EVENTS: usize = 500;
const SEOUL: Tz = chrono_tz::Asia::Seoul;

fn refuse(lang: Lang, code: &str, ko: &str, en: &str) -> Response {
    web::pages::api_problem(StatusCode::BAD_REQUEST, code, lang.t(ko, en))
}

pub async fn preview(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    body: Bytes,
) -> Result<Response, WebError> {
    if body.len() > MAX_BYTES {
        return Ok(refuse(
            lang,
            "too_large",
            "파일이 1MB 보다 큽니다.",
            "The file is larger than 1 MB.",
        ));
    }
    let Ok(text) = std::str::from_utf8(&body) else {
        return Ok(refuse(
            lang,
            "not_text",
            "iCalendar(.ics) 파일이 아닙니다.",
            "This is not an iCalendar (.ics) file.",
        ));
    };
    let Ok(calendar) = text.parse::<icalendar::Calendar>() else {
        return Ok(refuse(
            lang,
            "unreadable",
            "iCalendar(.ics) 파일로 읽을 수 없습니다.",
            "The file does not read as iCalendar (.ics).",
        ));
    };
    let friends = state.services().store.list_friends(session.admin, false).await?;
    let events: Vec<Value> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .take(MAX_EVENTS + 1)
        .map(|e| event_preview(e, &friends, lang))
        .collect();
    if events.len() > MAX_EVENTS {
        return Ok(refuse(
            lang,
            "too_many",
            "한 번에 500개까지 가져올 수 있습니다.",
            "At most 500 events can be imported at once.",
        ));
    }
    Ok(Json(json!({ "events": events })).into_response())
}

/// A start as its zone's wall clock: a named IANA zone is kept; UTC, floating times and zones
/// that are not IANA names (`Korea Standard Time`) are read in Korea, and said so.
fn local_start(start: &DatePerhapsTime) -> (NaiveDateTime, Tz, Option<String>) {
    match start {
        DatePerhapsTime::Date(date) => (
            date.and_hms_opt(9, 0, 0).unwrap_or_default(),
            SEOUL,
            Some("all-day event: set to 09:00".into()),
        ),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => {
            (t.with_timezone(&SEOUL).naive_local(), SEOUL, None)
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(t)) => (*t, SEOUL, None),
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            match tzid.parse::<Tz>() {
                Ok(zone) => (*date_time, zone, None),
                Err(_) => (
                    *date_time,
                    SEOUL,
                    Some(format!("time zone {tzid:?} read as Asia/Seoul")),
                ),
            }
        }
    }
}

fn instant(local: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    domain::series::repeat::local_instant(local, zone).map(|t| t.with_timezone(&Utc))
}

/// `EXDATE` values (`20270107T190000`, `...Z`, or a date) as instants.
fn excluded(event: &icalendar::Event, zone: Tz, time: chrono::NaiveTime) -> Vec<DateTime<Utc>> {
    let values = event
        .multi_properties()
        .get("EXDATE")
        .map(|ps| ps.iter().map(|p| p.value().to_owned()).collect::<Vec<_>>())
        .or_else(|| event.property_value("EXDATE").map(|v| vec![v.to_owned()]))
        .unwrap_or_default();
    values
        .iter()
        .flat_map(|v| v.split(','))
        .filter_map(|v| {
            let v = v.trim();
            if let Some(utc) = v.strip_suffix('Z') {
                NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
                    .ok()
                    .map(|t| Utc.from_utc_datetime(&t))
            } else if let Ok(t) = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S") {
                instant(t, zone)
            } else {
                NaiveDate::parse_from_str(v, "%Y%m%d")
                    .ok()
                    .and_then(|d| instant(d.and_time(time), zone))
            }
        })
        .collect()
}

fn event_preview(event: &icalendar::Event, friends: &[FriendRecord], lang: Lang) -> Value {
    let title = event.get_summary().unwrap_or_default().trim().to_owned();
    let uid = event.get_uid().map(str::to_owned);
    let Some(start) = event.get_start() else {
        return json!({ "uid": uid, "title": title, "unsupported": lang.t("시작 시각이 없습니다.", "It has no start.") });
    };
    let (local, zone, note) = local_start(&start);
    let minutes = match (event.get_end(), &start) {
        (Some(end), _) => {
            let (end_local, end_zone, _) = local_start(&end);
            match (instant(local, zone), instant(end_local, end_zone)) {
                (Some(a), Some(b)) if b > a => (b - a).num_minutes(),
                _ => 60,
            }
        }
        _ => 60,
    };
    let join = event
        .get_url()
        .or_else(|| event.get_location().filter(|l| l.starts_with("https://")))
        .or_else(|| {
            event
                .get_description()
                .and_then(|d| d.split_whitespace().find(|w| w.starts_with("https://")))
        })
        .unwrap_or_default()
        .to_owned();
    let attendees: Vec<Value> = event
        .multi_properties()
        .get("ATTENDEE")
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let name = p
                        .params()
                        .get("CN")
                        .map(|c| c.value().trim_matches('"').to_owned());
                    let email = p
                        .value()
                        .trim_start_matches("mailto:")
                        .trim_start_matches("MAILTO:")
                        .to_owned();
                    let friend = name.as_deref().and_then(|n| {
                        friends
                            .iter()
                            .find(|f| f.profile.nickname.trim().eq_ignore_ascii_case(n.trim()))
                            .map(|f| f.profile.uuid.to_string())
                    });
                    json!({ "name": name, "email": email, "friend": friend })
                })
                .collect()
        })
        .unwrap_or_default();
    let invitees: Vec<&str> = attendees.iter().filter_map(|a| a["friend"].as_str()).collect();
    let meeting = json!({
        "title": title,
        "start": local.format("%Y-%m-%dT%H:%M").to_string(),
        "time_zone": zone.name(),
        "duration_minutes": minutes.clamp(1, 1440),
        "join_url": join,
        "invitees": invitees,
    });
    let mut out = json!({ "uid": uid, "title": title, "attendees": attendees, "note": note });
    if event.property_value("RDATE").is_some() {
        out["unsupported"] = json!(lang.t(
            "추가 날짜(RDATE)는 가져올 수 없습니다.",
            "Extra dates (RDATE) cannot be imported."
        ));
        return out;
    }
    match event.property_value("RRULE") {
        None => out["meeting"] = meeting,
        Some(text) => match rule_of(text, local.date()) {
            Ok(rule) => {
                let form = RepeatForm::of(&rule);
                out["series"] = json!({
                    "meeting": meeting,
                    "classes": [],
                    "repeat": {
                        "kind": form.kind,
                        "every": form.every.parse::<u32>().ok(),
                        "weekdays": form.weekdays,
                        "ends": form.ends,
                        "until": form.until,
                        "count": form.count.parse::<u32>().ok(),
                    },
                    "skip": excluded(event, zone, local.time()),
                });
            }
            Err(why) => {
                out["unsupported"] = json!(why.to_string());
                out["rrule"] = json!(text);
            }
        },
    }
    out
}
