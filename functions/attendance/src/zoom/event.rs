//! The parts of Zoom's webhook bodies we read (`docs/zoom.md#events`). Everything else is
//! ignored, and fields Zoom leaves out or sends empty become `None`.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

/// `{"event": "...", "event_ts": <ms>, "payload": {...}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope {
    pub event: String,
    #[serde(default)]
    pub event_ts: Option<i64>,
    #[serde(default)]
    pub payload: Value,
}

/// What a webhook asks of us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoomEvent {
    /// `endpoint.url_validation`: prove we hold the secret token.
    UrlValidation { plain_token: String },
    /// `meeting.participant_joined` / `meeting.participant_left`.
    Participant {
        kind: ParticipantEventKind,
        meeting_number: String,
        participant: Participant,
        /// `payload.account_id`: the Zoom account the event came from.
        account: Option<String>,
    },
    /// A participant event with a null or missing meeting id: Zoom sends these for breakout
    /// rooms (observed, not documented: `docs/zoom.md#readings`). Acknowledged and counted;
    /// there is nothing to credit.
    NoMeeting { kind: ParticipantEventKind },
    /// Anything else (webinars, meeting started/ended, ...): acknowledged and ignored.
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantEventKind {
    Joined,
    Left,
}

impl ParticipantEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Joined => "joined",
            Self::Left => "left",
        }
    }
}

/// A participant as a join or leave event describes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participant {
    pub user_name: Option<String>,
    pub email: Option<String>,
    pub registrant_id: Option<String>,
    pub join_time: Option<DateTime<Utc>>,
    pub leave_time: Option<DateTime<Utc>>,
    /// Their `participant.id` is the meeting's `host_id`: the host (the admin) joining their
    /// own meeting, never someone to map to an invitee.
    pub is_host: bool,
}

impl Participant {
    /// When they joined: the event's join time, or for a leave without one, the leave time
    /// (they were in by then at the latest).
    pub fn joined_by(&self) -> Option<DateTime<Utc>> {
        self.join_time.or(self.leave_time)
    }
}

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("the body is not a Zoom event")]
    NotJson(#[source] serde_json::Error),
    #[error("{0} is missing from the event")]
    Missing(&'static str),
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Zoom sends the meeting number as a JSON number; some tools send it as a string
/// (`docs/zoom.md#events`).
fn meeting_number(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

impl ZoomEvent {
    pub fn parse(body: &[u8]) -> Result<(Envelope, ZoomEvent), EventError> {
        let envelope: Envelope = serde_json::from_slice(body).map_err(EventError::NotJson)?;
        let event = match envelope.event.as_str() {
            "endpoint.url_validation" => ZoomEvent::UrlValidation {
                plain_token: text(&envelope.payload, "plainToken")
                    .ok_or(EventError::Missing("payload.plainToken"))?,
            },
            name @ ("meeting.participant_joined" | "meeting.participant_left") => {
                let object = envelope
                    .payload
                    .get("object")
                    .ok_or(EventError::Missing("payload.object"))?;
                let kind = if name.ends_with("joined") {
                    ParticipantEventKind::Joined
                } else {
                    ParticipantEventKind::Left
                };
                let Some(number) = object.get("id").and_then(meeting_number) else {
                    return Ok((envelope, ZoomEvent::NoMeeting { kind }));
                };
                let p = object
                    .get("participant")
                    .ok_or(EventError::Missing("payload.object.participant"))?;
                let host = text(object, "host_id");
                let participant_id = text(p, "id").or_else(|| text(p, "user_id"));
                ZoomEvent::Participant {
                    kind,
                    account: text(&envelope.payload, "account_id"),
                    meeting_number: number,
                    participant: Participant {
                        user_name: text(p, "user_name"),
                        email: text(p, "email"),
                        registrant_id: text(p, "registrant_id"),
                        join_time: time(p, "join_time"),
                        leave_time: time(p, "leave_time"),
                        is_host: host.is_some() && host == participant_id,
                    },
                }
            }
            other => ZoomEvent::Other(other.to_owned()),
        };
        Ok((envelope, event))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_join_event_yields_the_meeting_number_and_who_joined() {
        let body = r#"{"event":"meeting.participant_joined","event_ts":1,"payload":{"object":{"id":85012345678,
            "participant":{"user_name":" 김민지 ","email":"","registrant_id":"r-1","join_time":"2026-11-21T01:03:00Z"}}}}"#;
        let (_, event) = ZoomEvent::parse(body.as_bytes()).unwrap();
        let ZoomEvent::Participant {
            kind,
            meeting_number,
            participant,
            ..
        } = event
        else {
            panic!("{event:?}")
        };
        assert_eq!(
            (kind, meeting_number.as_str()),
            (ParticipantEventKind::Joined, "85012345678")
        );
        assert_eq!(participant.user_name.as_deref(), Some("김민지"));
        assert_eq!(participant.email, None, "an empty email is no email");
        assert_eq!(participant.registrant_id.as_deref(), Some("r-1"));
        assert_eq!(
            participant.joined_by(),
            Some(Utc.with_ymd_and_hms(2026, 11, 21, 1, 3, 0).unwrap())
        );
    }

    #[test]
    fn a_leave_without_a_join_time_counts_as_joined_by_the_leave_time() {
        let body = br#"{"event":"meeting.participant_left","payload":{"object":{"id":"85012345678",
            "participant":{"user_name":"x","leave_time":"2026-11-21T01:30:00Z"}}}}"#;
        let (_, event) = ZoomEvent::parse(body).unwrap();
        let ZoomEvent::Participant {
            kind, participant, ..
        } = event
        else {
            panic!("{event:?}")
        };
        assert_eq!(kind, ParticipantEventKind::Left);
        assert_eq!(
            participant.joined_by(),
            Some(Utc.with_ymd_and_hms(2026, 11, 21, 1, 30, 0).unwrap())
        );
    }

    #[test]
    fn other_events_pass_and_broken_ones_are_named() {
        let (_, event) = ZoomEvent::parse(br#"{"event":"meeting.started","payload":{}}"#).unwrap();
        assert_eq!(event, ZoomEvent::Other("meeting.started".into()));
        assert!(matches!(
            ZoomEvent::parse(b"not json"),
            Err(EventError::NotJson(_))
        ));
        assert!(matches!(
            ZoomEvent::parse(br#"{"event":"endpoint.url_validation","payload":{}}"#),
            Err(EventError::Missing("payload.plainToken"))
        ));
        // A participant event with no meeting id is a breakout room's, not a broken body.
        assert!(matches!(
            ZoomEvent::parse(
                br#"{"event":"meeting.participant_joined","payload":{"object":{"participant":{}}}}"#
            ),
            Ok((
                _,
                ZoomEvent::NoMeeting {
                    kind: ParticipantEventKind::Joined
                }
            ))
        ));
        assert!(matches!(
            ZoomEvent::parse(
                br#"{"event":"meeting.participant_left","payload":{"object":{"id":85012345678}}}"#
            ),
            Err(EventError::Missing("payload.object.participant"))
        ));
    }
}
