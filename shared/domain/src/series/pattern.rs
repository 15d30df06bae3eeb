//! A series as saved: what every occurrence shares ([`SeriesPattern`]), the exceptions the admin
//! made to single occurrences ([`Change`]), and where it was cut short. From these alone the
//! occurrences of any window follow ([`Series::occurrences`]).
//!
//! An occurrence is named by its original start (RFC 5545's `RECURRENCE-ID`): moving it keeps
//! its name, so its exception, its meeting and its id stay attached to it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::repeat::{Ends, RepeatRule};
use crate::TemplateText;
use crate::class::Invitation;
use crate::meeting::{JoinLink, MeetingDuration, MeetingTitle, ReminderPlan, SendMode, ZoomMeetingNumber};

/// What every occurrence of a series shares, each part checked when the series was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPattern {
    pub title: MeetingTitle,
    /// The first occurrence, on the wall clock of `time_zone`.
    pub first_start: NaiveDateTime,
    /// An IANA name (`Asia/Seoul`).
    pub time_zone: String,
    pub duration: MeetingDuration,
    pub join_link: JoinLink,
    /// One Zoom number serves every occurrence (the webhook tells them apart by time).
    pub zoom_meeting_id: Option<ZoomMeetingNumber>,
    pub invitation: Invitation,
    pub plan: ReminderPlan,
    pub mode: SendMode,
    /// The admin's text; `None` is the default message.
    pub template: Option<TemplateText>,
    pub rule: RepeatRule,
}

impl SeriesPattern {
    /// The series' zone; a stored name that no longer reads is Korea's (the forms only store
    /// names that read).
    pub fn zone(&self) -> Tz {
        self.time_zone
            .parse()
            .unwrap_or(crate::meeting::schedule::DEFAULT_TIME_ZONE)
    }
}

/// What the admin changed about one occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// It does not happen (a holiday).
    Skip,
    /// It happens, differently.
    Edit(OccurrenceEdit),
}

/// One occurrence's own values; `None` keeps the series'.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OccurrenceEdit {
    pub starts_at: Option<DateTime<Utc>>,
    pub title: Option<MeetingTitle>,
    pub join_link: Option<JoinLink>,
    pub invitation: Option<Invitation>,
    pub plan: Option<ReminderPlan>,
}

impl OccurrenceEdit {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A series: its pattern, its exceptions by original start, and the instant from which it no
/// longer happens (cancelled, or cut where "this and following" began a new series).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub pattern: SeriesPattern,
    #[serde(default)]
    pub exceptions: BTreeMap<DateTime<Utc>, Change>,
    /// Occurrences whose original start is at or after this do not happen.
    #[serde(default)]
    pub ends_before: Option<DateTime<Utc>>,
}

/// What a meeting that is an occurrence of a series remembers of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OccurrenceOf {
    pub series: crate::SeriesId,
    /// The start the rule gave it (its name; a moved occurrence keeps it).
    pub original: DateTime<Utc>,
}

/// One occurrence as it will happen (or was skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Its name: the start the rule gives it.
    pub original: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub title: MeetingTitle,
    pub join_link: JoinLink,
    pub invitation: Invitation,
    pub plan: ReminderPlan,
    pub skipped: bool,
    /// It has its own values (moved, retitled, ...).
    pub edited: bool,
}

/// How far ahead [`Series::next_occurrence`] looks: longer than the longest gap a series
/// with a next class can have between two (a monthly date rule skips short months).
pub const NEXT_WITHIN: Duration = Duration::days(400);

/// How far ahead of a moved occurrence's original start a window must look to find it: a move
/// may take an occurrence at most this far from where the rule put it.
pub const MAX_MOVE: Duration = Duration::days(31);

impl Series {
    pub fn new(pattern: SeriesPattern) -> Self {
        Self {
            pattern,
            exceptions: BTreeMap::new(),
            ends_before: None,
        }
    }

    /// The occurrences that start (after moves) from `from` (inclusive) to `until` (exclusive),
    /// skipped ones included and marked, earliest first.
    pub fn occurrences(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Occurrence> {
        let zone = self.pattern.zone();
        let originals = self.pattern.rule.starts_between(
            self.pattern.first_start,
            zone,
            from - MAX_MOVE,
            until + MAX_MOVE,
        );
        let mut out: Vec<Occurrence> = originals
            .into_iter()
            .filter(|original| self.ends_before.is_none_or(|end| *original < end))
            .map(|original| self.occurrence(original))
            .filter(|o| o.starts_at >= from && o.starts_at < until)
            .collect();
        out.sort_by_key(|o| (o.starts_at, o.original));
        out
    }

    /// The first occurrence from `from` on that is not skipped, within [`NEXT_WITHIN`];
    /// `None` when the series has none there (it has ended).
    pub fn next_occurrence(&self, from: DateTime<Utc>) -> Option<Occurrence> {
        self.occurrences(from, from + NEXT_WITHIN)
            .into_iter()
            .find(|o| !o.skipped)
    }

    /// The occurrence the rule puts at `original`, with its exception applied.
    pub fn occurrence(&self, original: DateTime<Utc>) -> Occurrence {
        let p = &self.pattern;
        let change = self.exceptions.get(&original);
        let edit = match change {
            Some(Change::Edit(edit)) => Some(edit),
            _ => None,
        };
        let starts_at = edit.and_then(|e| e.starts_at).unwrap_or(original);
        Occurrence {
            original,
            starts_at,
            ends_at: starts_at + p.duration.as_duration(),
            title: edit
                .and_then(|e| e.title.clone())
                .unwrap_or_else(|| p.title.clone()),
            join_link: edit
                .and_then(|e| e.join_link.clone())
                .unwrap_or_else(|| p.join_link.clone()),
            invitation: edit
                .and_then(|e| e.invitation.clone())
                .unwrap_or_else(|| p.invitation.clone()),
            plan: edit
                .and_then(|e| e.plan.clone())
                .unwrap_or_else(|| p.plan.clone()),
            skipped: matches!(change, Some(Change::Skip)),
            edited: edit.is_some_and(|e| !e.is_empty()),
        }
    }

    /// Whether the rule has an occurrence at `original` (and the series has not ended before it).
    pub fn has_occurrence(&self, original: DateTime<Utc>) -> bool {
        self.ends_before.is_none_or(|end| original < end)
            && self
                .pattern
                .rule
                .starts_between(
                    self.pattern.first_start,
                    self.pattern.zone(),
                    original,
                    original + Duration::seconds(1),
                )
                .first()
                == Some(&original)
    }

    /// Records a change to one occurrence; an edit with nothing left in it removes the
    /// exception.
    pub fn set_change(&mut self, original: DateTime<Utc>, change: Option<Change>) {
        match change {
            Some(Change::Edit(edit)) if edit.is_empty() => {
                self.exceptions.remove(&original);
            }
            Some(change) => {
                self.exceptions.insert(original, change);
            }
            None => {
                self.exceptions.remove(&original);
            }
        }
    }

    /// Ends the series before `at` (cancelling from `at` on, or the first half of a split).
    /// Exceptions from `at` on are dropped with the occurrences they changed.
    pub fn end_before(&mut self, at: DateTime<Utc>) {
        self.ends_before = Some(self.ends_before.map_or(at, |end| end.min(at)));
        self.exceptions.retain(|original, _| *original < at);
    }

    /// "This and following": the series from `at` (an occurrence's original start) on, as a new
    /// series with `pattern` (its first start is the wall-clock time `pattern` gives, on `at`'s
    /// date). A counted rule hands the new series the occurrences the old one had left.
    /// Exceptions from `at` on move to the new series when the new pattern keeps the old
    /// wall-clock times (they name occurrences that still exist), and are dropped otherwise.
    /// `self` then ends before `at`.
    pub fn split_at(&mut self, at: DateTime<Utc>, mut pattern: SeriesPattern) -> Series {
        let zone = self.pattern.zone();
        if let Ends::AfterCount { count } = self.pattern.rule.ends {
            let before = self.pattern.rule.count_before(self.pattern.first_start, zone, at);
            let left = usize::from(count).saturating_sub(before).max(1);
            if let Ends::AfterCount { .. } = pattern.rule.ends {
                pattern.rule.ends = Ends::AfterCount {
                    count: u16::try_from(left).unwrap_or(u16::MAX),
                };
            }
        }
        let keeps_times = pattern.first_start.time() == self.pattern.first_start.time()
            && pattern.time_zone == self.pattern.time_zone
            && pattern.rule.repeat == self.pattern.rule.repeat;
        let carried: BTreeMap<_, _> = if keeps_times {
            self.exceptions
                .iter()
                .filter(|(original, _)| **original >= at)
                .map(|(k, v)| (*k, v.clone()))
                .collect()
        } else {
            BTreeMap::new()
        };
        let ends_before = self.ends_before.filter(|end| *end > at);
        self.end_before(at);
        Series {
            pattern,
            exceptions: carried,
            ends_before,
        }
    }
}
