//! Importing an `.ics` file (a Google Calendar or Zoom export): each event becomes a
//! [`Preview`] the admin adjusts and then saves as a series or a meeting through the usual
//! checks. Attendees are offered as the friends whose nickname matches their name; recurring
//! events keep their rule and their excluded dates (`EXDATE`), and what ttokttok cannot keep is
//! named, per event, never dropped silently.
//!
//! - [`api`]: `POST /api/calendar/import`, the previews as JSON bodies for the usual routes;
//! - [`page`]: `/calendar/import`, upload, preview, pick and create.

pub mod api;
pub mod page;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use domain::FriendUuid;
use domain::meeting::MeetingForm;
use domain::series::import::rule_of;
use domain::series::{RepeatForm, RepeatRule};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use serde_json::{Value, json};
use store::model::FriendRecord;
use web::Lang;

use super::service::SeriesSubmission;
use crate::meetings::form::Submitted;

pub const MAX_BYTES: usize = 1024 * 1024;
pub const MAX_EVENTS: usize = 500;
const SEOUL: Tz = chrono_tz::Asia::Seoul;

/// Why a file was not read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooLarge,
    NotText,
    Unreadable,
    TooMany,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::TooLarge => "too_large",
            Refusal::NotText => "not_text",
            Refusal::Unreadable => "unreadable",
            Refusal::TooMany => "too_many",
        }
    }

    pub fn words(self, lang: Lang) -> &'static str {
        match self {
            Refusal::TooLarge => lang.t("파일이 1MB 보다 큽니다.", "The file is larger than 1 MB."),
            Refusal::NotText => lang.t(
                "iCalendar(.ics) 파일이 아닙니다.",
                "This is not an iCalendar (.ics) file.",
            ),
            Refusal::Unreadable => lang.t(
                "iCalendar(.ics) 파일로 읽을 수 없습니다.",
                "The file does not read as iCalendar (.ics).",
            ),
            Refusal::TooMany => lang.t(
                "한 번에 500개까지 가져올 수 있습니다.",
                "At most 500 events can be imported at once.",
            ),
        }
    }
}

/// Someone the event invited, and the friend whose nickname is their name, if one is.
#[derive(Debug, Clone)]
pub struct Attendee {
    pub name: Option<String>,
    pub email: String,
    pub friend: Option<FriendUuid>,
}

/// What an event can become.
#[derive(Debug, Clone)]
pub enum Imported {
    Meeting(MeetingForm),
    Series {
        meeting: MeetingForm,
        rule: RepeatRule,
        /// Excluded dates (`EXDATE`), as the occurrences' original starts.
        skip: Vec<DateTime<Utc>>,
    },
    /// Neither, and why in words; with the rule as written, when it was the rule.
    Unsupported {
        why: String,
        rrule: Option<String>,
    },
}

/// One event of the file as ttokttok would save it.
#[derive(Debug, Clone)]
pub struct Preview {
    pub uid: Option<String>,
    pub title: String,
    pub attendees: Vec<Attendee>,
    /// A reading the admin should know about (an all-day event set to 09:00, a zone read as
    /// Korea's).
    pub note: Option<String>,
    pub imported: Imported,
}

/// Every event of the file, in the file's order.
pub fn read(body: &[u8], friends: &[FriendRecord], lang: Lang) -> Result<Vec<Preview>, Refusal> {
    if body.len() > MAX_BYTES {
        return Err(Refusal::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| Refusal::NotText)?;
    let calendar = text
        .parse::<icalendar::Calendar>()
        .map_err(|_| Refusal::Unreadable)?;
    let events: Vec<Preview> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .take(MAX_EVENTS + 1)
        .map(|e| event_preview(e, friends, lang))
        .collect();
    if events.len() > MAX_EVENTS {
        return Err(Refusal::TooMany);
    }
    Ok(events)
}

impl Preview {
    /// The preview as the API shows it: `"meeting"` (a body for `POST /api/meetings`),
    /// `"series"` (for `POST /api/series`) or `"unsupported"`.
    pub fn json(&self) -> Value {
        let attendees: Vec<Value> = self
            .attendees
            .iter()
            .map(|a| json!({ "name": a.name, "email": a.email, "friend": a.friend }))
            .collect();
        let mut out =
            json!({ "uid": self.uid, "title": self.title, "attendees": attendees, "note": self.note });
        match &self.imported {
            Imported::Meeting(meeting) => out["meeting"] = meeting_json(meeting),
            Imported::Series { meeting, rule, skip } => {
                let repeat = RepeatForm::of(rule);
                out["series"] = json!({
                    "meeting": meeting_json(meeting),
                    "classes": [],
                    "repeat": {
                        "kind": repeat.kind,
                        "every": repeat.every.parse::<u32>().ok(),
                        "weekdays": repeat.weekdays,
                        "ends": repeat.ends,
                        "until": repeat.until,
                        "count": repeat.count.parse::<u32>().ok(),
                    },
                    "skip": skip,
                });
            }
            Imported::Unsupported { why, rrule } => {
                out["unsupported"] = json!(why);
                if let Some(rule) = rrule {
                    out["rrule"] = json!(rule);
                }
            }
        }
        out
    }

    /// The join link the file gave (its URL, an https location, or the first https address in
    /// its description), empty if none.
    pub fn join_url(&self) -> &str {
        match &self.imported {
            Imported::Series { meeting, .. } | Imported::Meeting(meeting) => &meeting.join_url,
            Imported::Unsupported { .. } => "",
        }
    }

    /// The event as what to create, with the admin's choices in place of what the file
    /// said; `None` for an event ttokttok cannot keep.
    pub fn submission(&self, chosen: Chosen, accept_quota: bool) -> Option<Submission> {
        let submitted = |meeting: &MeetingForm| Submitted {
            form: MeetingForm {
                invitees: chosen.invitees.clone(),
                join_url: chosen
                    .join_url
                    .clone()
                    .unwrap_or_else(|| meeting.join_url.clone()),
                ..meeting.clone()
            },
            bad_invitees: chosen.bad_invitees.clone(),
            version: None,
        };
        match &self.imported {
            Imported::Series { meeting, rule, skip } => Some(Submission::Series(SeriesSubmission {
                meeting: submitted(meeting),
                classes: chosen.classes.clone(),
                repeat: RepeatForm::of(rule),
                accept_quota,
                skip: skip.clone(),
            })),
            Imported::Meeting(meeting) => Some(Submission::Meeting(submitted(meeting))),
            Imported::Unsupported { .. } => None,
        }
    }
}

/// What the admin chose for one event: whom to invite and, if given, another join link.
#[derive(Debug, Clone, Default)]
pub struct Chosen {
    pub invitees: Vec<FriendUuid>,
    /// Invitee ids that are not even well-formed (refused by the usual checks).
    pub bad_invitees: Vec<String>,
    pub classes: Vec<String>,
    pub join_url: Option<String>,
}

/// An event ready for the usual save.
pub enum Submission {
    Series(SeriesSubmission),
    Meeting(Submitted),
}

fn meeting_json(m: &MeetingForm) -> Value {
    json!({
        "title": m.title,
        "start": m.start,
        "time_zone": m.time_zone,
        "duration_minutes": m.duration_minutes.parse::<u32>().ok(),
        "join_url": m.join_url,
        "invitees": m.invitees,
    })
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

fn attendees_of(event: &icalendar::Event, friends: &[FriendRecord]) -> Vec<Attendee> {
    let Some(properties) = event.multi_properties().get("ATTENDEE") else {
        return Vec::new();
    };
    properties
        .iter()
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
                    .filter(|f| f.gone_at.is_none())
                    .find(|f| f.profile.nickname.trim().eq_ignore_ascii_case(n.trim()))
                    .map(|f| f.profile.uuid.clone())
            });
            Attendee { name, email, friend }
        })
        .collect()
}

fn event_preview(event: &icalendar::Event, friends: &[FriendRecord], lang: Lang) -> Preview {
    let title = event.get_summary().unwrap_or_default().trim().to_owned();
    let uid = event.get_uid().map(str::to_owned);
    let attendees = attendees_of(event, friends);
    let Some(start) = event.get_start() else {
        return Preview {
            uid,
            title,
            attendees,
            note: None,
            imported: Imported::Unsupported {
                why: lang.t("시작 시각이 없습니다.", "It has no start.").to_owned(),
                rrule: None,
            },
        };
    };
    let (local, zone, note) = local_start(&start);
    let minutes = match event.get_end() {
        Some(end) => {
            let (end_local, end_zone, _) = local_start(&end);
            match (instant(local, zone), instant(end_local, end_zone)) {
                (Some(a), Some(b)) if b > a => (b - a).num_minutes(),
                _ => 60,
            }
        }
        None => 60,
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
    let meeting = MeetingForm {
        title: title.clone(),
        start: local.format("%Y-%m-%dT%H:%M").to_string(),
        time_zone: zone.name().to_owned(),
        duration_minutes: minutes.clamp(1, 1440).to_string(),
        join_url: join,
        invitees: attendees.iter().filter_map(|a| a.friend.clone()).collect(),
        ..MeetingForm::default()
    };
    let imported = if event.property_value("RDATE").is_some() {
        Imported::Unsupported {
            why: lang
                .t(
                    "추가 날짜(RDATE)는 가져올 수 없습니다.",
                    "Extra dates (RDATE) cannot be imported.",
                )
                .to_owned(),
            rrule: None,
        }
    } else {
        match event.property_value("RRULE") {
            None => Imported::Meeting(meeting),
            Some(text) => match rule_of(text, local.date()) {
                Ok(rule) => Imported::Series {
                    meeting,
                    rule,
                    skip: excluded(event, zone, local.time()),
                },
                Err(why) => Imported::Unsupported {
                    why: why.to_string(),
                    rrule: Some(text.to_owned()),
                },
            },
        }
    };
    Preview {
        uid,
        title,
        attendees,
        note,
        imported,
    }
}
