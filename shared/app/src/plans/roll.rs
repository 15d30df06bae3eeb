//! The rolling window: every occurrence of the admin's series that starts in the next
//! [`HORIZON`] exists as an ordinary meeting, and every meeting that has not started matches
//! its series and classes as they are now.
//!
//! Occurrences are written ahead rather than derived when due, so each one is a meeting like
//! any other: the sweep's due index, attendance, the live view and the delivery log need no
//! second path, and the sweep's cost with nothing due does not grow with the series stored.
//! An occurrence's meeting id follows from its series and original start
//! ([`MeetingId::of_occurrence`]), so a window rolled twice, or by two runs at once, finds the
//! meeting already there instead of making a second one: an occurrence can never get a round
//! twice. Meetings that have started are never touched.
//!
//! Rolled when a series or class is saved, when the admin opens the week, and by the daily run
//! for every active admin; with a 14-day window, a week of failed daily runs still loses no
//! occurrence.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use domain::class::Invitation;
use domain::meeting::{FriendChoice, InviteeList, MAX_INVITEES, MeetingSpec, Schedule, StoredTemplate};
use domain::series::{Occurrence, OccurrenceOf, SeriesPattern};
use domain::{ClassId, FriendUuid, KakaoUserId, MeetingId};
use store::StoreError;
use store::api::Store;
use store::model::{FriendRecord, Meeting, MeetingStatus, SeriesRecord};

use crate::meetings::records::{cancelled_draft, draft_with};
use crate::meetings::{OptOuts, sync_invitees};

/// How far ahead occurrences exist as meetings.
pub const HORIZON: Duration = Duration::days(14);

/// What one roll wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rolled {
    pub created: usize,
    pub updated: usize,
    pub cancelled: usize,
    /// Writes that lost a race (a round went out, another roll) and were left to the next roll.
    pub deferred: usize,
}

impl Rolled {
    fn add(&mut self, other: Rolled) {
        self.created += other.created;
        self.updated += other.updated;
        self.cancelled += other.cancelled;
        self.deferred += other.deferred;
    }
}

/// What a roll reads once per admin.
struct Context<'a> {
    admin: KakaoUserId,
    resolver: Resolver,
    opt_outs: OptOuts<'a>,
    meetings: Vec<Meeting>,
    now: DateTime<Utc>,
}

/// Rolls the window of all of the admin's series and re-resolves the classes of every meeting
/// that has not started. An admin with neither series nor class invitations costs two queries.
pub async fn roll_admin(
    store: &dyn Store,
    admin: KakaoUserId,
    now: DateTime<Utc>,
) -> Result<Rolled, StoreError> {
    let series = store.list_series(admin).await?;
    let meetings = store.list_meetings(admin).await?;
    let invites_classes = meetings
        .iter()
        .any(|m| m.draft.settings.invitation.is_some() && m.draft.starts_at > now);
    if series.is_empty() && !invites_classes {
        return Ok(Rolled::default());
    }
    let cx = Context {
        admin,
        resolver: Resolver::load(store, admin).await?,
        opt_outs: OptOuts::new(store, admin),
        meetings,
        now,
    };
    let mut rolled = Rolled::default();
    for record in &series {
        rolled.add(roll_series(store, &cx, record).await?);
        let until = now + HORIZON;
        if record.draft.window_until.is_none_or(|w| w < until) {
            let mut draft = record.draft.clone();
            draft.window_until = Some(until);
            // A lost race only means another writer moved the series; its next roll records it.
            if let Err(error) = store
                .update_series(admin, record.id, record.version, &draft, now)
                .await
            {
                tracing::info!(admin = %admin, series = %record.id, %error, "window edge not recorded");
            }
        }
    }
    for meeting in cx.meetings.iter().filter(|m| {
        m.draft.settings.occurrence.is_none()
            && m.draft.settings.invitation.is_some()
            && m.draft.status == MeetingStatus::Scheduled
            && m.draft.starts_at > now
    }) {
        rolled.add(refresh_invitees(store, &cx, meeting).await?);
    }
    if rolled != Rolled::default() {
        tracing::info!(
            admin = %admin,
            created = rolled.created,
            updated = rolled.updated,
            cancelled = rolled.cancelled,
            deferred = rolled.deferred,
            "series window rolled"
        );
    }
    Ok(rolled)
}

/// One series: create what the window lacks, bring what has not started in line, cancel what
/// the series no longer has.
async fn roll_series(
    store: &dyn Store,
    cx: &Context<'_>,
    record: &SeriesRecord,
) -> Result<Rolled, StoreError> {
    let series = &record.draft.series;
    let mut rolled = Rolled::default();
    let existing: BTreeMap<DateTime<Utc>, &Meeting> = cx
        .meetings
        .iter()
        .filter_map(|m| {
            let of = m.draft.settings.occurrence?;
            (of.series == record.id).then_some((of.original, m))
        })
        .collect();
    let wanted = if record.draft.cancelled {
        Vec::new()
    } else {
        series.occurrences(cx.now, cx.now + HORIZON)
    };
    let mut seen = BTreeSet::new();
    for occurrence in &wanted {
        seen.insert(occurrence.original);
        let found = existing.get(&occurrence.original).copied();
        rolled.add(write_occurrence(store, cx, record.id, &series.pattern, occurrence, found).await?);
    }
    // Meetings of this series the window did not list: moved out of it (still theirs to
    // follow), or gone from the series (skipped, cut, cancelled, no longer in the rule).
    for (original, meeting) in existing {
        if seen.contains(&original) || meeting.draft.starts_at <= cx.now {
            continue;
        }
        let occurrence =
            (!record.draft.cancelled && series.has_occurrence(original)).then(|| series.occurrence(original));
        match occurrence {
            Some(occurrence) => {
                rolled.add(
                    write_occurrence(store, cx, record.id, &series.pattern, &occurrence, Some(meeting))
                        .await?,
                );
            }
            None => rolled.add(cancel(store, meeting, cx.now).await?),
        }
    }
    Ok(rolled)
}

async fn write_occurrence(
    store: &dyn Store,
    cx: &Context<'_>,
    series: domain::SeriesId,
    pattern: &SeriesPattern,
    occurrence: &Occurrence,
    found: Option<&Meeting>,
) -> Result<Rolled, StoreError> {
    if let Some(meeting) = found
        && meeting.draft.starts_at <= cx.now
    {
        return Ok(Rolled::default());
    }
    if occurrence.skipped {
        return match found {
            Some(meeting) => cancel(store, meeting, cx.now).await,
            None => Ok(Rolled::default()),
        };
    }
    let spec = occurrence_spec(cx, pattern, occurrence);
    let of = OccurrenceOf {
        series,
        original: occurrence.original,
    };
    let draft = draft_with(
        &spec,
        spec.plan.next_round(&spec.schedule, None),
        Some(occurrence.invitation.clone()),
        Some(of),
    )?;
    let mut rolled = Rolled::default();
    match found {
        None => {
            let id = MeetingId::of_occurrence(series, occurrence.original);
            match store.create_meeting(cx.admin, id, &draft, cx.now).await {
                Ok(meeting) => {
                    sync_invitees(store, &meeting, &spec.invitees, &[], &cx.opt_outs).await?;
                    rolled.created += 1;
                }
                // Another roll made it a moment ago: it is there, which is all this wanted.
                Err(StoreError::Conflict { .. }) => rolled.deferred += 1,
                Err(e) => return Err(e),
            }
        }
        Some(meeting) => {
            let before = store.list_invitees(cx.admin, meeting.id).await?;
            let same_invitees = before.len() == spec.invitees.len()
                && spec.invitees.as_slice().iter().all(|c| {
                    before
                        .iter()
                        .any(|i| i.friend == c.friend && i.display_name == c.nickname)
                });
            if meeting.draft == draft && same_invitees {
                return Ok(rolled);
            }
            match store
                .update_meeting(cx.admin, meeting.id, meeting.version, &draft, cx.now)
                .await
            {
                Ok(saved) => {
                    sync_invitees(store, &saved, &spec.invitees, &before, &cx.opt_outs).await?;
                    rolled.updated += 1;
                }
                Err(StoreError::Conflict { .. }) => rolled.deferred += 1,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(rolled)
}

/// A meeting of single friends and classes: its invitees follow its classes until it starts.
async fn refresh_invitees(
    store: &dyn Store,
    cx: &Context<'_>,
    meeting: &Meeting,
) -> Result<Rolled, StoreError> {
    let Some(invitation) = &meeting.draft.settings.invitation else {
        return Ok(Rolled::default());
    };
    let chosen = cx.resolver.invitees(invitation);
    let before = store.list_invitees(cx.admin, meeting.id).await?;
    let unchanged =
        before.len() == chosen.len() && chosen.uuids().all(|u| before.iter().any(|i| i.friend == *u));
    if unchanged {
        return Ok(Rolled::default());
    }
    sync_invitees(store, meeting, &chosen, &before, &cx.opt_outs).await?;
    Ok(Rolled {
        updated: 1,
        ..Rolled::default()
    })
}

async fn cancel(store: &dyn Store, meeting: &Meeting, now: DateTime<Utc>) -> Result<Rolled, StoreError> {
    if meeting.draft.status == MeetingStatus::Cancelled {
        return Ok(Rolled::default());
    }
    match store
        .update_meeting(
            meeting.admin,
            meeting.id,
            meeting.version,
            &cancelled_draft(meeting),
            now,
        )
        .await
    {
        Ok(_) => Ok(Rolled {
            cancelled: 1,
            ..Rolled::default()
        }),
        Err(StoreError::Conflict { .. }) => Ok(Rolled {
            deferred: 1,
            ..Rolled::default()
        }),
        Err(e) => Err(e),
    }
}

/// The occurrence as a checked meeting. Its parts were checked when the series was saved; the
/// invitees are its invitation resolved against the classes as they are now, friends who left
/// kept (the live view shows them unreachable and the planner never messages them).
fn occurrence_spec(cx: &Context<'_>, pattern: &SeriesPattern, occurrence: &Occurrence) -> MeetingSpec {
    MeetingSpec {
        title: occurrence.title.clone(),
        schedule: Schedule::new(occurrence.starts_at, pattern.zone(), pattern.duration),
        join_link: occurrence.join_link.clone(),
        zoom_meeting_id: pattern.zoom_meeting_id.clone(),
        invitees: cx.resolver.invitees(&occurrence.invitation),
        plan: occurrence.plan.clone(),
        mode: pattern.mode,
        template: StoredTemplate::read(pattern.template.as_ref()).template().clone(),
    }
}

/// The admin's live classes and friends, read once for a roll or a save.
pub struct Resolver {
    pub classes: BTreeMap<ClassId, Vec<FriendUuid>>,
    pub friends: Vec<FriendChoice>,
}

impl Resolver {
    /// The invitation resolved: friends the admin has (gone ones kept), at most
    /// [`MAX_INVITEES`].
    pub fn invitees(&self, invitation: &Invitation) -> InviteeList {
        let known: Vec<FriendUuid> = invitation
            .resolve(&self.classes)
            .into_iter()
            .filter(|u| self.friends.iter().any(|f| f.profile.uuid == *u))
            .take(MAX_INVITEES)
            .collect();
        InviteeList::choose(&known, &self.friends, &known).unwrap_or_default()
    }

    pub async fn load(store: &dyn Store, admin: KakaoUserId) -> Result<Self, StoreError> {
        Ok(Self {
            classes: store
                .list_classes(admin)
                .await?
                .into_iter()
                .filter(|c| !c.draft.archived)
                .map(|c| (c.id, c.draft.members))
                .collect(),
            friends: choices(&store.list_friends(admin, true).await?),
        })
    }
}

pub fn choices(friends: &[FriendRecord]) -> Vec<FriendChoice> {
    friends
        .iter()
        .map(|f| FriendChoice {
            profile: f.profile.clone(),
            gone: f.gone_at.is_some(),
        })
        .collect()
}
