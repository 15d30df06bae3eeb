//! What can be wrong with a meeting, one variant per rule, each tied to the form field it is
//! about so pages can show it next to that field.

use std::fmt;

use crate::FriendUuid;

/// The part of the meeting form a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingField {
    Title,
    Start,
    TimeZone,
    Duration,
    JoinUrl,
    ZoomMeetingId,
    Invitees,
    Reminders,
    QuietHours,
    Template,
    SendMode,
}

impl MeetingField {
    /// The form field's name (also the JSON API's field name).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Start => "start",
            Self::TimeZone => "time_zone",
            Self::Duration => "duration_minutes",
            Self::JoinUrl => "join_url",
            Self::ZoomMeetingId => "zoom_meeting_id",
            Self::Invitees => "invitees",
            Self::Reminders => "reminder_offsets",
            Self::QuietHours => "quiet_hours",
            Self::Template => "template",
            Self::SendMode => "send_mode",
        }
    }
}

impl fmt::Display for MeetingField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingProblem {
    #[error("a meeting needs a title")]
    TitleEmpty,
    #[error("a title may have at most {max} characters, this one has {chars}")]
    TitleTooLong { chars: usize, max: usize },
    #[error("a title may not contain control characters")]
    TitleControlCharacters,
    #[error("the start must be a date and time such as 2026-11-21T19:00, got {0:?}")]
    StartUnreadable(String),
    #[error("{0} does not exist in the meeting's time zone (the clocks skip it)")]
    StartDoesNotExist(String),
    #[error("the meeting would start in the past")]
    StartInPast,
    #[error("a meeting may start at most {days} days from now", days = super::schedule::MAX_DAYS_AHEAD)]
    StartTooFar,
    #[error("unknown time zone {0:?}; use an IANA name such as Asia/Seoul")]
    TimeZoneUnknown(String),
    #[error("a meeting lasts {min} to {max} minutes, got {0:?}", min = super::MeetingDuration::MIN_MINUTES, max = super::MeetingDuration::MAX_MINUTES)]
    DurationOutOfRange(String),
    #[error("the join link must start with https://")]
    JoinUrlNotHttps,
    #[error("the join link is not a usable web address")]
    JoinUrlInvalid,
    #[error("{0} is not a meeting service ttokttok knows; confirm that the link is yours to send")]
    JoinHostUnconfirmed(String),
    #[error("a Zoom meeting id is 9 to 13 digits (spaces and dashes are fine), got {0:?}")]
    ZoomMeetingIdInvalid(String),
    #[error("a meeting may have at most {max} invitees, got {count}")]
    TooManyInvitees { count: usize, max: usize },
    #[error("{0} is picked twice")]
    DuplicateInvitee(FriendUuid),
    #[error("{0} is not one of this admin's Kakao friends")]
    NotAFriend(FriendUuid),
    #[error("a meeting may have at most {max} reminder rounds, got {count}")]
    TooManyRounds { count: usize, max: usize },
    #[error("a reminder round is a whole number of minutes after the start, got {0:?}")]
    RoundUnreadable(String),
    #[error("a reminder round must come after the start (at least 1 minute), got {0}")]
    RoundNotAfterStart(i64),
    #[error("a reminder {minutes} minutes after the start would come after the meeting ends")]
    RoundAfterEnd { minutes: u32 },
    #[error("reminder rounds must be different, got {0} minutes twice")]
    RoundRepeated(u32),
    #[error("quiet hours are two times such as 22:00 and 08:00, got {0:?}")]
    QuietHoursUnreadable(String),
    #[error("quiet hours must start and end at different times")]
    QuietHoursEmpty,
    #[error("the send mode is automatic or confirm_first, got {0:?}")]
    SendModeUnknown(String),
    #[error("the message must not be empty")]
    TemplateEmpty,
    #[error("the message may have at most {max} characters before filling in, this one has {chars}")]
    TemplateTooLong { chars: usize, max: usize },
    #[error(
        "unknown variable {{{0}}}; use {{이름}}, {{모임}}, {{시작}} or {{경과}} (or {{name}}, {{meeting}}, {{start}}, {{minutes_late}})"
    )]
    TemplateUnknownVariable(String),
    #[error("a '{{' opens a variable that is never closed; write '{{{{' for a literal brace")]
    TemplateUnclosedBrace,
    #[error(
        "filled in for {longest_name:?}, the message has {chars} characters; KakaoTalk allows at most {max}"
    )]
    TemplateTooLongAfterSubstitution {
        chars: usize,
        max: usize,
        longest_name: String,
    },
}

impl MeetingProblem {
    /// The form field this problem belongs to.
    pub fn field(&self) -> MeetingField {
        use MeetingProblem::*;
        match self {
            TitleEmpty | TitleTooLong { .. } | TitleControlCharacters => MeetingField::Title,
            StartUnreadable(_) | StartDoesNotExist(_) | StartInPast | StartTooFar => MeetingField::Start,
            TimeZoneUnknown(_) => MeetingField::TimeZone,
            DurationOutOfRange(_) => MeetingField::Duration,
            JoinUrlNotHttps | JoinUrlInvalid | JoinHostUnconfirmed(_) => MeetingField::JoinUrl,
            ZoomMeetingIdInvalid(_) => MeetingField::ZoomMeetingId,
            TooManyInvitees { .. } | DuplicateInvitee(_) | NotAFriend(_) => MeetingField::Invitees,
            TooManyRounds { .. }
            | RoundUnreadable(_)
            | RoundNotAfterStart(_)
            | RoundAfterEnd { .. }
            | RoundRepeated(_) => MeetingField::Reminders,
            QuietHoursUnreadable(_) | QuietHoursEmpty => MeetingField::QuietHours,
            SendModeUnknown(_) => MeetingField::SendMode,
            TemplateEmpty
            | TemplateTooLong { .. }
            | TemplateUnknownVariable(_)
            | TemplateUnclosedBrace
            | TemplateTooLongAfterSubstitution { .. } => MeetingField::Template,
        }
    }

    /// A stable machine-readable id (the JSON API's `code`).
    pub fn code(&self) -> &'static str {
        use MeetingProblem::*;
        match self {
            TitleEmpty => "title_empty",
            TitleTooLong { .. } => "title_too_long",
            TitleControlCharacters => "title_control_characters",
            StartUnreadable(_) => "start_unreadable",
            StartDoesNotExist(_) => "start_does_not_exist",
            StartInPast => "start_in_past",
            StartTooFar => "start_too_far",
            TimeZoneUnknown(_) => "time_zone_unknown",
            DurationOutOfRange(_) => "duration_out_of_range",
            JoinUrlNotHttps => "join_url_not_https",
            JoinUrlInvalid => "join_url_invalid",
            JoinHostUnconfirmed(_) => "join_host_unconfirmed",
            ZoomMeetingIdInvalid(_) => "zoom_meeting_id_invalid",
            TooManyInvitees { .. } => "too_many_invitees",
            DuplicateInvitee(_) => "duplicate_invitee",
            NotAFriend(_) => "not_a_friend",
            TooManyRounds { .. } => "too_many_rounds",
            RoundUnreadable(_) => "round_unreadable",
            RoundNotAfterStart(_) => "round_not_after_start",
            RoundAfterEnd { .. } => "round_after_end",
            RoundRepeated(_) => "round_repeated",
            QuietHoursUnreadable(_) => "quiet_hours_unreadable",
            QuietHoursEmpty => "quiet_hours_empty",
            SendModeUnknown(_) => "send_mode_unknown",
            TemplateEmpty => "template_empty",
            TemplateTooLong { .. } => "template_too_long",
            TemplateUnknownVariable(_) => "template_unknown_variable",
            TemplateUnclosedBrace => "template_unclosed_brace",
            TemplateTooLongAfterSubstitution { .. } => "template_too_long_after_substitution",
        }
    }
}

/// Every problem a meeting form has, so the admin can fix them in one go. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingErrors(Vec<MeetingProblem>);

impl MeetingErrors {
    /// `None` when there is nothing wrong.
    pub fn from_problems(problems: Vec<MeetingProblem>) -> Option<Self> {
        if problems.is_empty() {
            None
        } else {
            Some(Self(problems))
        }
    }

    pub fn problems(&self) -> &[MeetingProblem] {
        &self.0
    }

    /// Whether some problem is exactly `problem`.
    pub fn contains(&self, problem: &MeetingProblem) -> bool {
        self.0.contains(problem)
    }

    /// The problems about one field.
    pub fn for_field(&self, field: MeetingField) -> impl Iterator<Item = &MeetingProblem> {
        self.0.iter().filter(move |p| p.field() == field)
    }
}

impl fmt::Display for MeetingErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {problem}", problem.field())?;
        }
        Ok(())
    }
}

impl std::error::Error for MeetingErrors {}

impl From<MeetingProblem> for MeetingErrors {
    fn from(problem: MeetingProblem) -> Self {
        Self(vec![problem])
    }
}
