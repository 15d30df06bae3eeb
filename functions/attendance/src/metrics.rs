//! What the attendance routes count: every outcome that is not an error but someone should be
//! able to see (unknown meetings and participants above all). Counted in memory (tests, the
//! local run) and, in Lambda, written as CloudWatch Embedded Metric Format lines on stdout.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};

const FUNCTION: &str = "attendance";

/// One counted outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Count {
    /// A webhook refused for its signature or timestamp.
    ZoomRejected,
    ZoomUrlValidated,
    /// A join (or leave) credited to an invitee.
    ZoomJoinRecorded,
    /// No ttokttok meeting has this Zoom meeting id at this time.
    ZoomUnknownMeeting,
    /// The meeting is known, the participant matched no invitee.
    ZoomUnknownParticipant,
    /// A rule matched several invitees: nobody was credited.
    ZoomAmbiguousParticipant,
    /// A participant event with no meeting id (a breakout room): acknowledged.
    ZoomNoMeetingId,
    /// The host joined their own meeting (not kept as an unmatched participant).
    ZoomHostJoined,
    /// An event with no usable `account_id`: nobody credited.
    ZoomNoAccount,
    /// An event from a Zoom account not yet bound, for a number several admins use: no
    /// participant kept.
    ZoomAccountUnbound,
    /// An admin's meeting has the event's number but the account belongs to another admin.
    ZoomOtherAccount,
    /// A tracked join link was opened and redirected.
    LinkOpened,
    /// A join or stop link was unknown or expired.
    LinkRefused,
    OptOutRecorded,
}

impl Count {
    pub const ALL: [Count; 14] = [
        Count::ZoomRejected,
        Count::ZoomUrlValidated,
        Count::ZoomJoinRecorded,
        Count::ZoomUnknownMeeting,
        Count::ZoomUnknownParticipant,
        Count::ZoomAmbiguousParticipant,
        Count::ZoomNoMeetingId,
        Count::ZoomHostJoined,
        Count::ZoomNoAccount,
        Count::ZoomAccountUnbound,
        Count::ZoomOtherAccount,
        Count::LinkOpened,
        Count::LinkRefused,
        Count::OptOutRecorded,
    ];

    /// The CloudWatch metric name.
    pub fn name(self) -> &'static str {
        match self {
            Self::ZoomRejected => "ZoomWebhookRejected",
            Self::ZoomUrlValidated => "ZoomUrlValidated",
            Self::ZoomJoinRecorded => "ZoomJoinRecorded",
            Self::ZoomUnknownMeeting => "ZoomUnknownMeeting",
            Self::ZoomUnknownParticipant => "ZoomUnknownParticipant",
            Self::ZoomAmbiguousParticipant => "ZoomAmbiguousParticipant",
            Self::ZoomNoMeetingId => "ZoomNoMeetingId",
            Self::ZoomHostJoined => "ZoomHostJoined",
            Self::ZoomNoAccount => "ZoomNoAccount",
            Self::ZoomAccountUnbound => "ZoomAccountUnbound",
            Self::ZoomOtherAccount => "ZoomOtherAccount",
            Self::LinkOpened => "JoinLinkOpened",
            Self::LinkRefused => "LinkRefused",
            Self::OptOutRecorded => "OptOutRecorded",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

/// In-memory counters since start-up.
#[derive(Debug, Default)]
pub struct Metrics {
    counts: [AtomicU64; Count::ALL.len()],
    emit: bool,
}

impl Metrics {
    pub fn new(emit: bool) -> Self {
        Self {
            emit,
            ..Self::default()
        }
    }

    /// Counts one `what` (and writes an EMF line when emitting).
    pub fn count(&self, what: Count, at: DateTime<Utc>) {
        self.counts[what.index()].fetch_add(1, Ordering::Relaxed);
        if self.emit {
            println!("{}", emf_line(at, what));
        }
    }

    pub fn get(&self, what: Count) -> u64 {
        self.counts[what.index()].load(Ordering::Relaxed)
    }
}

/// One EMF line counting one `what`, dimensioned by function.
pub fn emf_line(at: DateTime<Utc>, what: Count) -> String {
    app::emf::counts(FUNCTION, at, &[(what.name(), 1)])
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn counts_add_up_per_outcome_and_emf_lines_name_them() {
        let metrics = Metrics::new(false);
        let now = Utc::now();
        metrics.count(Count::ZoomUnknownMeeting, now);
        metrics.count(Count::ZoomUnknownMeeting, now);
        assert_eq!(metrics.get(Count::ZoomUnknownMeeting), 2);
        assert_eq!(metrics.get(Count::LinkOpened), 0);
        let line: Value = serde_json::from_str(&emf_line(now, Count::ZoomUnknownMeeting)).unwrap();
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"],
            "ZoomUnknownMeeting"
        );
        assert_eq!(line["ZoomUnknownMeeting"], 1);
        assert_eq!(line["Function"], "attendance");
    }
}
