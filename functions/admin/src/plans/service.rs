//! Classes and series: load, let the domain decide, write, roll the window. Every call is keyed
//! by the session's admin; another admin's class or series is `NotFound`, as one that does not
//! exist.

use std::collections::BTreeSet;

use app::plans::{Resolver, Rolled, change_series, roll_admin};
use chrono::{DateTime, Duration, Utc};
use domain::class::{ClassName, ClassProblem, Invitation, check_members};
use domain::meeting::schedule::parse_time_zone;
use domain::meeting::{ExistingMeeting, MeetingContext, MeetingProblem, Schedule};
use domain::series::{DayLoad, Foresight, RepeatForm, RepeatProblem, Series, SeriesPattern, foresee};
use domain::{ClassId, FriendUuid, KakaoUserId, KstDay, QuotaLimits, SeriesId, TemplateText};
use store::StoreError;
use store::model::{ClassDraft, ClassRecord, SeriesDraft, SeriesRecord, Version};
use web::WebState;

use crate::meetings::form::Submitted;

/// Why a class or series was not saved.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the class has {} problems", .0.len())]
    InvalidClass(Vec<ClassProblem>),
    #[error("the series has problems")]
    InvalidSeries(Box<SeriesProblems>),
    /// The plan fits only if the admin accepts that some reminders may not go out.
    #[error("the busiest day passes a daily limit")]
    QuotaWarning(Box<Foresight>),
    #[error("it changed since it was opened (now version {0})")]
    Conflict(Version),
    #[error("an edit must say which version it was made from")]
    VersionMissing,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn missing(e: StoreError) -> PlanError {
    if e.is_not_found() {
        PlanError::NotFound
    } else {
        PlanError::Store(e)
    }
}

/// Everything wrong with a series as submitted.
#[derive(Debug, Default)]
pub struct SeriesProblems {
    pub meeting: Vec<MeetingProblem>,
    pub repeat: Vec<RepeatProblem>,
    pub bad_invitees: Vec<String>,
    pub bad_classes: Vec<String>,
}

/// A class as submitted.
#[derive(Debug, Clone, Default)]
pub struct ClassSubmission {
    pub name: String,
    pub members: Vec<String>,
    pub archived: bool,
    pub version: Option<u64>,
}

/// A series as submitted: what each occurrence looks like, whom it invites, how it repeats.
#[derive(Debug, Clone, Default)]
pub struct SeriesSubmission {
    pub meeting: Submitted,
    pub classes: Vec<String>,
    pub repeat: RepeatForm,
    /// Save even though the busiest day may pass a daily limit.
    pub accept_quota: bool,
    /// Occurrences skipped from the start (an import's excluded dates); dates the rule does
    /// not have are ignored.
    pub skip: Vec<DateTime<Utc>>,
}

/// How far ahead the quota foresight looks: long enough for every weekday and a monthly rule's
/// next two dates.
const FORESIGHT: Duration = Duration::days(62);

pub async fn classes(state: &WebState, admin: KakaoUserId) -> Result<Vec<ClassRecord>, StoreError> {
    state.services().store.list_classes(admin).await
}

/// Creates a class, or saves one (`Some(id)`) at the version it was read.
pub async fn save_class(
    state: &WebState,
    admin: KakaoUserId,
    id: Option<ClassId>,
    submitted: &ClassSubmission,
) -> Result<ClassRecord, PlanError> {
    let store = &state.services().store;
    let now = state.now();
    let existing = match id {
        Some(id) => Some(store.get_class(admin, id).await.map_err(missing)?),
        None => None,
    };
    let mut problems = Vec::new();
    let name = ClassName::parse(&submitted.name)
        .map_err(|p| problems.push(p))
        .ok();
    let friends = store.list_friends(admin, true).await?;
    let current: BTreeSet<&FriendUuid> = friends
        .iter()
        .filter(|f| f.gone_at.is_none())
        .map(|f| &f.profile.uuid)
        .collect();
    let mut picked = Vec::new();
    for raw in &submitted.members {
        match FriendUuid::parse(raw.trim()) {
            Ok(uuid) => picked.push(uuid),
            Err(_) => problems.push(ClassProblem::MemberUnreadable(raw.chars().take(64).collect())),
        }
    }
    let already = existing
        .as_ref()
        .map(|c| c.draft.members.clone())
        .unwrap_or_default();
    let members = check_members(&picked, &current, &already)
        .map_err(|mut p| problems.append(&mut p))
        .ok();
    if let Some(name) = &name {
        let taken = store
            .list_classes(admin)
            .await?
            .into_iter()
            .any(|c| Some(c.id) != id && !c.draft.archived && c.draft.name.as_str() == name.as_str());
        if taken {
            problems.push(ClassProblem::NameTaken(name.as_str().to_owned()));
        }
    }
    let (Some(name), Some(members), true) = (name, members, problems.is_empty()) else {
        return Err(PlanError::InvalidClass(problems));
    };
    let draft = ClassDraft {
        name,
        members,
        archived: submitted.archived,
    };
    let saved = match existing {
        None => store.create_class(admin, ClassId::new_v7(), &draft, now).await?,
        Some(before) => {
            let expected = submitted
                .version
                .and_then(|v| Version::new(v).ok())
                .ok_or(PlanError::VersionMissing)?;
            match store.update_class(admin, before.id, expected, &draft, now).await {
                Ok(saved) => saved,
                Err(StoreError::Conflict { .. }) => {
                    let now_there = store.get_class(admin, before.id).await.map_err(missing)?;
                    return Err(PlanError::Conflict(now_there.version));
                }
                Err(e) => return Err(missing(e)),
            }
        }
    };
    // The meetings that have not started follow the class now.
    roll_admin(&**store, admin, now).await?;
    tracing::info!(admin = %admin, class = %saved.id, members = saved.draft.members.len(), "class saved");
    Ok(saved)
}

/// The checked pattern of a submitted series, with its quota foresight.
pub fn check_series(
    submission: &SeriesSubmission,
    resolver: &Resolver,
    limits: &QuotaLimits,
    now: DateTime<Utc>,
    editing: bool,
) -> Result<(SeriesPattern, Foresight), PlanError> {
    let mut problems = SeriesProblems {
        bad_invitees: submission.meeting.bad_invitees.clone(),
        ..SeriesProblems::default()
    };
    let mut classes = Vec::new();
    for raw in &submission.classes {
        match ClassId::parse(raw) {
            Ok(id) if resolver.classes.contains_key(&id) => classes.push(id),
            _ => problems.bad_classes.push(raw.clone()),
        }
    }
    let invitation = Invitation {
        classes,
        friends: submission.meeting.form.invitees.clone(),
    };
    let resolved: Vec<FriendUuid> = resolver.invitees(&invitation).uuids().cloned().collect();
    let mut form = submission.meeting.form.clone();
    // The single friends are checked as picked (each must be a friend now); class members who
    // left stay, shown as gone and never messaged.
    let members: Vec<FriendUuid> = resolved
        .iter()
        .filter(|u| !form.invitees.contains(u))
        .cloned()
        .collect();
    form.invitees.extend(members.iter().cloned());
    // An edit keeps the series' first start even once that class has passed (only classes that
    // have not started change), so its start is not "moved into the past"; a new series may not
    // begin in the past.
    let starts_at = editing
        .then(|| {
            let zone = parse_time_zone(&form.time_zone).ok()?;
            Schedule::parse_start(&form.start, zone).ok()
        })
        .flatten()
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let existing = ExistingMeeting {
        starts_at,
        invitees: members,
    };
    let spec = form
        .validate(&MeetingContext {
            now,
            friends: &resolver.friends,
            existing: Some(&existing),
        })
        .map_err(|e| problems.meeting = e.problems().to_vec())
        .ok();
    let rule = spec.as_ref().and_then(|spec| {
        let first = spec
            .schedule
            .starts_at()
            .with_timezone(&spec.schedule.time_zone())
            .naive_local();
        submission
            .repeat
            .parse(first.date())
            .map_err(|p| problems.repeat = p)
            .ok()
            .map(|rule| (rule, first))
    });
    let (Some(spec), Some((rule, first))) = (spec, rule) else {
        return Err(PlanError::InvalidSeries(Box::new(problems)));
    };
    if !problems.bad_classes.is_empty() || !problems.bad_invitees.is_empty() {
        return Err(PlanError::InvalidSeries(Box::new(problems)));
    }
    let zone = spec.schedule.time_zone();
    let Some(first_start) = rule.first_occurrence(first, zone) else {
        problems.repeat.push(RepeatProblem::NoOccurrence);
        return Err(PlanError::InvalidSeries(Box::new(problems)));
    };
    let template =
        TemplateText::parse(spec.template.as_str()).map_err(|e| StoreError::invalid(e.to_string()))?;
    let pattern = SeriesPattern {
        title: spec.title,
        first_start: first_start.with_timezone(&zone).naive_local(),
        time_zone: zone.name().to_owned(),
        duration: spec.schedule.duration(),
        join_link: spec.join_link,
        zoom_meeting_id: spec.zoom_meeting_id,
        invitation,
        plan: spec.plan,
        mode: spec.mode,
        template: Some(template),
        rule,
    };
    let foresight = foresight_of(&Series::new(pattern.clone()), resolver, limits, now);
    Ok((pattern, foresight))
}

/// The worst case of the series' next two months.
pub fn foresight_of(
    series: &Series,
    resolver: &Resolver,
    limits: &QuotaLimits,
    now: DateTime<Utc>,
) -> Foresight {
    let loads: Vec<DayLoad> = series
        .occurrences(now, now + FORESIGHT)
        .into_iter()
        .filter(|o| !o.skipped)
        .map(|o| DayLoad {
            day: KstDay::containing(o.starts_at),
            invitees: resolver.invitees(&o.invitation).uuids().cloned().collect(),
            rounds: u32::try_from(o.plan.offsets.len()).unwrap_or(u32::MAX),
        })
        .collect();
    foresee(&loads, limits)
}

/// What a saved series did.
pub struct SeriesSaved {
    pub record: SeriesRecord,
    pub foresight: Foresight,
    pub rolled: Rolled,
}

pub async fn create_series(
    state: &WebState,
    admin: KakaoUserId,
    submission: &SeriesSubmission,
) -> Result<SeriesSaved, PlanError> {
    let store = &state.services().store;
    let resolver = Resolver::load(&**store, admin).await?;
    let (record, foresight) = add_series(state, admin, submission, &resolver).await?;
    let rolled = roll_admin(&**store, admin, state.now()).await?;
    tracing::info!(admin = %admin, series = %record.id, created = rolled.created, "series created");
    Ok(SeriesSaved {
        record: store.get_series(admin, record.id).await?,
        foresight,
        rolled,
    })
}

/// Checks and writes a new series against classes and friends already read, without rolling
/// the window: for a caller that writes several and rolls once ([`create_series`], the
/// `.ics` import).
pub async fn add_series(
    state: &WebState,
    admin: KakaoUserId,
    submission: &SeriesSubmission,
    resolver: &Resolver,
) -> Result<(SeriesRecord, Foresight), PlanError> {
    let now = state.now();
    let (pattern, foresight) = check_series(
        submission,
        resolver,
        &state.services().settings.quotas,
        now,
        false,
    )?;
    if !foresight.fits() && !submission.accept_quota {
        return Err(PlanError::QuotaWarning(Box::new(foresight)));
    }
    let mut series = Series::new(pattern);
    for original in submission
        .skip
        .iter()
        .take(domain::series::repeat::MAX_COUNT.into())
    {
        if series.has_occurrence(*original) {
            series.set_change(*original, Some(domain::series::Change::Skip));
        }
    }
    let draft = SeriesDraft {
        series,
        cancelled: false,
        window_until: None,
    };
    let record = state
        .services()
        .store
        .create_series(admin, SeriesId::new_v7(), &draft, now)
        .await?;
    Ok((record, foresight))
}

/// Which occurrences an edit of a series changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditScope {
    /// Every occurrence that has not started (exceptions kept where they still name one).
    All,
    /// This occurrence (its original start) and the ones after it: a new series from there.
    Following(DateTime<Utc>),
}

pub async fn update_series(
    state: &WebState,
    admin: KakaoUserId,
    id: SeriesId,
    expected: Option<u64>,
    scope: EditScope,
    submission: &SeriesSubmission,
) -> Result<SeriesSaved, PlanError> {
    let store = &state.services().store;
    let now = state.now();
    let before = store.get_series(admin, id).await.map_err(missing)?;
    let expected = expected
        .and_then(|v| Version::new(v).ok())
        .ok_or(PlanError::VersionMissing)?;
    if expected != before.version {
        return Err(PlanError::Conflict(before.version));
    }
    let resolver = Resolver::load(&**store, admin).await?;
    let (pattern, foresight) = check_series(
        submission,
        &resolver,
        &state.services().settings.quotas,
        now,
        true,
    )?;
    if !foresight.fits() && !submission.accept_quota {
        return Err(PlanError::QuotaWarning(Box::new(foresight)));
    }
    let mut draft = before.draft.clone();
    let saved = match scope {
        EditScope::All => {
            draft.series.pattern = pattern;
            let series = draft.series.clone();
            draft
                .series
                .exceptions
                .retain(|original, _| series.has_occurrence(*original));
            write_series(store.as_ref(), admin, id, expected, &draft, now).await?
        }
        EditScope::Following(at) => {
            let mut later = pattern;
            // The new series begins on the date of the occurrence it splits at, at its own time.
            let zone = later.zone();
            let date = at.with_timezone(&zone).date_naive();
            later.first_start = date.and_time(later.first_start.time());
            let new = draft.series.split_at(at, later);
            write_series(store.as_ref(), admin, id, expected, &draft, now).await?;
            let new_draft = SeriesDraft {
                series: new,
                cancelled: false,
                window_until: None,
            };
            store
                .create_series(admin, SeriesId::new_v7(), &new_draft, now)
                .await?
        }
    };
    let rolled = roll_admin(&**store, admin, now).await?;
    tracing::info!(admin = %admin, series = %id, ?scope, "series saved");
    Ok(SeriesSaved {
        record: store.get_series(admin, saved.id).await?,
        foresight,
        rolled,
    })
}

async fn write_series(
    store: &dyn store::api::Store,
    admin: KakaoUserId,
    id: SeriesId,
    expected: Version,
    draft: &SeriesDraft,
    now: DateTime<Utc>,
) -> Result<SeriesRecord, PlanError> {
    match store.update_series(admin, id, expected, draft, now).await {
        Ok(saved) => Ok(saved),
        Err(StoreError::Conflict { .. }) => Err(PlanError::Conflict(
            store.get_series(admin, id).await.map_err(missing)?.version,
        )),
        Err(e) => Err(missing(e)),
    }
}

/// Cancels the series from now on: occurrences that have not started are cancelled, past and
/// running ones keep everything.
pub async fn cancel_series(
    state: &WebState,
    admin: KakaoUserId,
    id: SeriesId,
) -> Result<SeriesRecord, PlanError> {
    let store = &state.services().store;
    let now = state.now();
    let (saved, rolled) = change_series(&**store, admin, id, now, |draft| {
        draft.cancelled = true;
        draft.series.end_before(now);
    })
    .await
    .map_err(missing)?;
    tracing::info!(admin = %admin, series = %id, cancelled = rolled.cancelled, "series cancelled");
    Ok(saved)
}

/// Skips (or brings back) the occurrence the rule puts at `original`.
pub async fn skip_occurrence(
    state: &WebState,
    admin: KakaoUserId,
    id: SeriesId,
    original: DateTime<Utc>,
    skip: bool,
) -> Result<SeriesRecord, PlanError> {
    let store = &state.services().store;
    let now = state.now();
    let series = store.get_series(admin, id).await.map_err(missing)?;
    if !series.draft.series.has_occurrence(original) {
        return Err(PlanError::NotFound);
    }
    let change = skip.then_some(domain::series::Change::Skip);
    let (saved, _) = change_series(&**store, admin, id, now, |draft| {
        draft.series.set_change(original, change.clone());
    })
    .await
    .map_err(missing)?;
    Ok(saved)
}
