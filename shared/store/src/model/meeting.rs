//! Meetings, their invitees, and the due index that tells the sweep which meeting needs a
//! reminder round next.

use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::meeting::{Schedule, SendMode, StoredTemplate};
use domain::{FriendUuid, KakaoUserId, MeetingId, TemplateText};
use serde::{Deserialize, Serialize};

use super::Version;
use crate::StoreError;

/// Whether the meeting still happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Scheduled,
    Cancelled,
}

impl MeetingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "scheduled" => Ok(Self::Scheduled),
            "cancelled" => Ok(Self::Cancelled),
            other => Err(StoreError::invalid(format!("unknown meeting status {other:?}"))),
        }
    }
}

/// The link invitees open to join: `https://` (or `http://` for local runs), at most 2048 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JoinUrl(String);

impl JoinUrl {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
            && s.len() <= Self::MAX_LEN
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(StoreError::invalid(format!("not a join URL: {s:?}")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for JoinUrl {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<JoinUrl> for String {
    fn from(u: JoinUrl) -> String {
        u.0
    }
}

/// A Zoom meeting id: digits only (Zoom shows them with spaces; those are dropped).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ZoomMeetingId(String);

impl ZoomMeetingId {
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let digits: String = s.chars().filter(|c| *c != ' ').collect();
        if (1..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(StoreError::invalid(format!(
                "a Zoom meeting id is 1 to 20 digits, got {s:?}"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Zoom account a webhook event came from (`payload.account_id`): letters, digits, `-`
/// and `_`, 1 to 64 of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ZoomAccountId(String);

impl ZoomAccountId {
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let s = s.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_');
        if (1..=64).contains(&s.len()) && s.chars().all(allowed) {
            Ok(Self(s.to_owned()))
        } else {
            Err(StoreError::invalid(
                "a Zoom account id is 1 to 64 letters, digits, '-' or '_'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ZoomMeetingId {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ZoomMeetingId> for String {
    fn from(z: ZoomMeetingId) -> String {
        z.0
    }
}

impl fmt::Display for ZoomMeetingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The next reminder round to send and when it is due, as the domain plans it (stored with its
/// serde names, `round` and `due_at`). A meeting with one is in the due index.
pub use domain::meeting::PlannedRound as NextRound;

/// Per-meeting reminder settings. Stored as one document (JSON) by both backends, so fields
/// added later need no migration: give each new field `#[serde(default)]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeetingSettings {
    /// Stored as its serde name (`automatic`, `confirm_first`).
    pub mode: SendMode,
    /// Message text; `None` uses the service's default text. It may hold the variables of
    /// `domain::meeting::MessageTemplate` (`{이름}`, `{모임}`, `{시작}`, `{경과}`), which the sender fills in.
    pub template: Option<TemplateText>,
    /// Reminder rounds after the start and quiet hours (default: +5 and +15 minutes, quiet
    /// 22:00-08:00 in the meeting's zone). Meetings stored before this field get the default.
    pub plan: domain::meeting::ReminderPlan,
    /// Who the admin invited, when classes are among them; `None` for a meeting of single
    /// friends (its invitees are the whole story). A class changed later re-resolves this for
    /// the meetings that have not started.
    pub invitation: Option<domain::class::Invitation>,
    /// Set on an occurrence of a series: which series, and the start the rule gave it.
    pub occurrence: Option<domain::series::OccurrenceOf>,
}

/// What the admin (or the sweep) writes for a meeting: everything but the keys and bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDraft {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The time zone the admin thinks in (display, quiet hours).
    pub time_zone: Tz,
    pub join_url: JoinUrl,
    pub zoom_meeting_id: Option<ZoomMeetingId>,
    pub status: MeetingStatus,
    /// `Some` puts the meeting in the due index; a cancelled meeting must have `None`.
    pub next_round: Option<NextRound>,
    pub settings: MeetingSettings,
}

impl MeetingDraft {
    /// The meeting's schedule, as the domain reads a stored start and end.
    pub fn schedule(&self) -> Schedule {
        Schedule::from_span(self.starts_at, self.ends_at, self.time_zone)
    }

    /// The record of a reminder sent by hand (the send page keeps one per send, lasting no time),
    /// not a meeting anyone attends: every meeting set up lasts at least a minute.
    pub fn is_manual_send(&self) -> bool {
        self.starts_at == self.ends_at
    }

    /// The meeting's message, as the domain reads a stored text (see [`StoredTemplate`]).
    pub fn template(&self) -> StoredTemplate {
        StoredTemplate::read(self.settings.template.as_ref())
    }

    /// The store's own checks, shared by both backends: `InvalidInput` if the meeting ends
    /// before it starts, has an empty title, is cancelled with a round still due, or has a time
    /// that would not read back (see [`super::check_storable_time`]).
    pub fn check(&self) -> Result<(), StoreError> {
        super::check_storable_time("the start", self.starts_at)?;
        super::check_storable_time("the end", self.ends_at)?;
        if let Some(next) = &self.next_round {
            super::check_storable_time("the next round", next.due_at)?;
        }
        if self.title.trim().is_empty() {
            return Err(StoreError::invalid("a meeting needs a title"));
        }
        if self.ends_at < self.starts_at {
            return Err(StoreError::invalid("a meeting cannot end before it starts"));
        }
        if self.status == MeetingStatus::Cancelled && self.next_round.is_some() {
            return Err(StoreError::invalid(
                "a cancelled meeting has no reminder round due",
            ));
        }
        Ok(())
    }
}

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub admin: KakaoUserId,
    pub id: MeetingId,
    #[serde(flatten)]
    pub draft: MeetingDraft,
    pub version: Version,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An entry of the due index: a meeting whose next round is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DueMeeting {
    pub admin: KakaoUserId,
    pub meeting: MeetingId,
    pub next: NextRound,
}

/// What one read of a due-index shard found: the entries, earliest first, and how many rows it
/// could not read. Those are skipped (each logged with its key) and never count toward the
/// limit, so one tenant's unreadable row cannot hide or stop anyone else's meetings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueEntries {
    pub due: Vec<DueMeeting>,
    pub unreadable: usize,
}

/// An email address as a match key: trimmed and lower-cased so matching is exact.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let e = s.trim().to_lowercase();
        let ok = e.len() <= Self::MAX_LEN
            && !e.chars().any(char::is_whitespace)
            && e.split_once('@')
                .is_some_and(|(local, host)| !local.is_empty() && host.contains('.'));
        if ok {
            Ok(Self(e))
        } else {
            Err(StoreError::invalid(format!("not an email address: {s:?}")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// What an attendance source (a Zoom webhook) can be matched on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchKeys {
    pub email: Option<Email>,
    /// The name the invitee shows in the meeting, if it differs from the Kakao nickname.
    pub display_name: Option<String>,
    pub zoom_registrant_id: Option<String>,
}

/// One invitee of one meeting: a friend of the meeting's admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitee {
    pub friend: FriendUuid,
    pub display_name: String,
    pub match_keys: MatchKeys,
    /// Asked not to be reminded for this meeting.
    pub opted_out: bool,
}

#[cfg(test)]
mod tests {
    use domain::delivery::Round;

    use super::*;

    #[test]
    fn join_urls_must_be_web_links() {
        assert!(JoinUrl::parse("https://zoom.us/j/123?pwd=x").is_ok());
        assert!(JoinUrl::parse("http://127.0.0.1:3000/j/abc").is_ok());
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https:///x",
            "zoom.us/j/1",
            "https://a b",
        ] {
            assert!(JoinUrl::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn zoom_ids_are_digits_and_lose_their_spaces() {
        assert_eq!(
            ZoomMeetingId::parse("812 3456 7890").unwrap().as_str(),
            "81234567890"
        );
        assert!(ZoomMeetingId::parse("81a").is_err());
        assert!(ZoomMeetingId::parse("").is_err());
    }

    #[test]
    fn emails_are_normalised_for_matching() {
        assert_eq!(
            Email::parse(" Kim@Example.COM ").unwrap().as_str(),
            "kim@example.com"
        );
        assert!(Email::parse("kim").is_err());
        assert!(Email::parse("@example.com").is_err());
    }

    #[test]
    fn the_send_mode_is_stored_under_the_names_it_always_had() {
        for (mode, name) in [
            (SendMode::Automatic, "automatic"),
            (SendMode::ConfirmFirst, "confirm_first"),
        ] {
            let settings = MeetingSettings {
                mode,
                ..MeetingSettings::default()
            };
            let json = serde_json::to_value(&settings).unwrap();
            assert_eq!(json["mode"], name);
            let stored = format!(r#"{{"mode":"{name}"}}"#);
            let read: MeetingSettings = serde_json::from_str(&stored).unwrap();
            assert_eq!(read.mode, mode);
        }
    }

    #[test]
    fn drafts_that_cannot_be_true_are_refused() {
        let now = Utc::now();
        let mut draft = MeetingDraft {
            title: "수업".into(),
            starts_at: now,
            ends_at: now,
            time_zone: chrono_tz::Asia::Seoul,
            join_url: JoinUrl::parse("https://zoom.us/j/1").unwrap(),
            zoom_meeting_id: None,
            status: MeetingStatus::Scheduled,
            next_round: Some(NextRound {
                round: Round::FIRST,
                due_at: now,
            }),
            settings: MeetingSettings::default(),
        };
        assert!(draft.check().is_ok());
        draft.status = MeetingStatus::Cancelled;
        assert!(draft.check().is_err());
        draft.next_round = None;
        draft.ends_at = now - chrono::Duration::minutes(1);
        assert!(draft.check().is_err());
    }
}
