//! The meetings' imperative shell: load what a decision needs, let the domain decide, write
//! what it decided. Every call is keyed by the session's admin; another admin's meeting is
//! `NotFound`, exactly as a meeting that does not exist.

use chrono::{DateTime, Utc};
use domain::meeting::matching::suggest_names;
use domain::meeting::schedule::Phase;
use domain::meeting::{ExistingMeeting, MeetingContext, MeetingProblem, MeetingSpec};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use store::StoreError;
use store::api::MeetingState;
use store::model::{Email, FriendRecord, Invitee, JoinSource, MatchKeys, Meeting, MeetingStatus, Version};
use web::WebState;

use super::form::Submitted;
use super::status::{Facts, LiveStatus, live_status};
use app::meetings::{OptOuts, cancelled_draft, edited_draft, new_draft, sync_invitees};

/// Why a save did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Every rule broken, and invitee ids that are not even well-formed.
    #[error("the meeting has {} problems", problems.len() + bad_invitees.len())]
    Invalid {
        problems: Vec<MeetingProblem>,
        bad_invitees: Vec<String>,
    },
    #[error("the meeting changed since it was opened")]
    Conflict(Box<Meeting>),
    #[error("no such meeting")]
    NotFound,
    #[error("an edit must say which version it was made from")]
    VersionMissing,
    #[error("a cancelled meeting cannot be edited")]
    Cancelled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn missing(e: StoreError) -> SaveError {
    if e.is_not_found() {
        SaveError::NotFound
    } else {
        SaveError::Store(e)
    }
}

/// The admin's friends as the picker and the checks see them.
pub async fn friends(state: &WebState, admin: KakaoUserId) -> Result<Vec<FriendRecord>, StoreError> {
    state.services().store.list_friends(admin, true).await
}

pub use app::plans::roll::choices;

/// The admin's meeting, or `NotFound` (also for another admin's).
pub async fn meeting(state: &WebState, admin: KakaoUserId, id: MeetingId) -> Result<Meeting, StoreError> {
    state.services().store.get_meeting(admin, id).await
}

fn check(
    submitted: &Submitted,
    friends: &[FriendRecord],
    existing: Option<&ExistingMeeting>,
    now: DateTime<Utc>,
) -> Result<MeetingSpec, SaveError> {
    let choices = choices(friends);
    let checked = submitted.form.validate(&MeetingContext {
        now,
        friends: &choices,
        existing,
    });
    match checked {
        Ok(spec) if submitted.bad_invitees.is_empty() => Ok(spec),
        Ok(_) => Err(SaveError::Invalid {
            problems: Vec::new(),
            bad_invitees: submitted.bad_invitees.clone(),
        }),
        Err(errors) => Err(SaveError::Invalid {
            problems: errors.problems().to_vec(),
            bad_invitees: submitted.bad_invitees.clone(),
        }),
    }
}

/// Creates a meeting and its invitees.
pub async fn create(
    state: &WebState,
    admin: KakaoUserId,
    submitted: &Submitted,
) -> Result<Meeting, SaveError> {
    let now = state.now();
    let friends = friends(state, admin).await?;
    let spec = check(submitted, &friends, None, now)?;
    let store = &state.services().store;
    let meeting = store
        .create_meeting(admin, MeetingId::new_v7(), &new_draft(&spec)?, now)
        .await?;
    sync_invitees(
        &**store,
        &meeting,
        &spec.invitees,
        &[],
        &OptOuts::new(&**store, admin),
    )
    .await?;
    tracing::info!(admin = %admin, meeting = %meeting.id, invitees = spec.invitees.len(), "meeting created");
    Ok(meeting)
}

/// Saves an edit made from `submitted.version`. Fails with `Conflict` (carrying the meeting as
/// it is now) if it moved meanwhile, e.g. because a reminder round went out.
pub async fn update(
    state: &WebState,
    admin: KakaoUserId,
    id: MeetingId,
    submitted: &Submitted,
) -> Result<Meeting, SaveError> {
    let now = state.now();
    let store = &state.services().store;
    let before = store.get_meeting(admin, id).await.map_err(missing)?;
    if before.draft.status == MeetingStatus::Cancelled {
        return Err(SaveError::Cancelled);
    }
    let version = submitted.version.ok_or(SaveError::VersionMissing)?;
    let expected = Version::new(version).map_err(|_| SaveError::VersionMissing)?;
    if expected != before.version {
        return Err(SaveError::Conflict(Box::new(before)));
    }
    let invitees = store.list_invitees(admin, id).await?;
    let existing = ExistingMeeting {
        starts_at: before.draft.starts_at,
        invitees: invitees.iter().map(|i| i.friend.clone()).collect(),
    };
    let friends = friends(state, admin).await?;
    let spec = check(submitted, &friends, Some(&existing), now)?;
    let draft = edited_draft(&spec, &before, now)?;
    let saved = match store.update_meeting(admin, id, expected, &draft, now).await {
        Ok(saved) => saved,
        Err(StoreError::Conflict { .. }) => {
            return Err(SaveError::Conflict(Box::new(
                store.get_meeting(admin, id).await.map_err(missing)?,
            )));
        }
        Err(e) => return Err(missing(e)),
    };
    sync_invitees(
        &**store,
        &saved,
        &spec.invitees,
        &invitees,
        &OptOuts::new(&**store, admin),
    )
    .await?;
    tracing::info!(admin = %admin, meeting = %id, version = %saved.version, "meeting updated");
    // An occurrence of a series: the edit is "this occurrence" on its series, so the window's
    // next roll keeps it instead of putting the series' values back.
    if let Some(of) = saved.draft.settings.occurrence {
        let series = store.get_series(admin, of.series).await?;
        let edit = app::plans::edit_of(&series.draft.series, of.original, &spec, &existing.invitees);
        app::plans::change_occurrence(&**store, admin, of, Some(domain::series::Change::Edit(edit)), now)
            .await?;
        return store.get_meeting(admin, id).await.map_err(missing);
    }
    Ok(saved)
}

/// Cancels the meeting (no more reminders; its links stop working).
pub async fn cancel(state: &WebState, admin: KakaoUserId, id: MeetingId) -> Result<Meeting, SaveError> {
    let store = &state.services().store;
    let now = state.now();
    let before = store.get_meeting(admin, id).await.map_err(missing)?;
    if before.draft.status == MeetingStatus::Cancelled {
        return Ok(before);
    }
    // An occurrence of a series is skipped on its series (the roll cancels its meeting), so the
    // window never brings it back.
    if let Some(of) = before.draft.settings.occurrence
        && before.draft.starts_at > now
    {
        app::plans::change_occurrence(&**store, admin, of, Some(domain::series::Change::Skip), now).await?;
        tracing::info!(admin = %admin, meeting = %id, series = %of.series, "occurrence skipped");
        return store.get_meeting(admin, id).await.map_err(missing);
    }
    match store
        .update_meeting(admin, id, before.version, &cancelled_draft(&before), now)
        .await
    {
        Ok(saved) => {
            tracing::info!(admin = %admin, meeting = %id, "meeting cancelled");
            Ok(saved)
        }
        // A round went out in between: cancel what is there now (cancelling is always wanted).
        Err(StoreError::Conflict { .. }) => {
            let now_there = store.get_meeting(admin, id).await.map_err(missing)?;
            Ok(store
                .update_meeting(admin, id, now_there.version, &cancelled_draft(&now_there), now)
                .await?)
        }
        Err(e) => Err(missing(e)),
    }
}

/// The admin's meetings by phase: upcoming (soonest first), live, past (latest first; cancelled
/// ones among them).
pub struct Listing {
    pub upcoming: Vec<Meeting>,
    pub live: Vec<Meeting>,
    pub past: Vec<Meeting>,
}

pub async fn list(state: &WebState, admin: KakaoUserId) -> Result<Listing, StoreError> {
    let now = state.now();
    let mut listing = Listing {
        upcoming: Vec::new(),
        live: Vec::new(),
        past: Vec::new(),
    };
    for meeting in state.services().store.list_meetings(admin).await? {
        let phase = phase_of(&meeting, now);
        match phase {
            Phase::Upcoming => listing.upcoming.push(meeting),
            Phase::Live => listing.live.push(meeting),
            Phase::Past => listing.past.push(meeting),
        }
    }
    listing.upcoming.sort_by_key(|m| m.draft.starts_at);
    listing.live.sort_by_key(|m| m.draft.starts_at);
    listing.past.sort_by_key(|m| std::cmp::Reverse(m.draft.starts_at));
    Ok(listing)
}

/// A meeting's phase; a cancelled meeting counts as past.
pub fn phase_of(meeting: &Meeting, now: DateTime<Utc>) -> Phase {
    if meeting.draft.status == MeetingStatus::Cancelled {
        Phase::Past
    } else {
        meeting.draft.schedule().phase(now)
    }
}

/// The meeting and where each invitee stands.
pub async fn live(
    state: &WebState,
    admin: KakaoUserId,
    id: MeetingId,
) -> Result<(Meeting, Vec<Invitee>, LiveStatus), StoreError> {
    let store = &state.services().store;
    let meeting = store.get_meeting(admin, id).await?;
    // One read for the three lists (the live view is polled while a meeting runs).
    let MeetingState {
        invitees,
        attendance,
        deliveries,
        ..
    } = store.meeting_state(admin, id, state.now()).await?;
    let friends = friends(state, admin).await?;
    let opt_outs = store.list_opt_outs(admin).await?;
    let status = live_status(&Facts {
        phase: phase_of(&meeting, state.now()),
        invitees: &invitees,
        attendance: &attendance,
        deliveries: &deliveries,
        friends: &friends,
        opt_outs: &opt_outs,
    });
    Ok((meeting, invitees, status))
}

/// The invitee of the admin's meeting, or `NotFound`.
async fn invitee(
    state: &WebState,
    admin: KakaoUserId,
    id: MeetingId,
    friend: &FriendUuid,
) -> Result<Invitee, StoreError> {
    let store = &state.services().store;
    store.get_meeting(admin, id).await?;
    store
        .list_invitees(admin, id)
        .await?
        .into_iter()
        .find(|i| &i.friend == friend)
        .ok_or_else(|| StoreError::not_found(format!("invitee {friend}")))
}

/// The admin ticks (or unticks) "present". Unticking removes only a manual tick.
pub async fn set_present(
    state: &WebState,
    admin: KakaoUserId,
    id: MeetingId,
    friend: &FriendUuid,
    present: bool,
) -> Result<(), StoreError> {
    invitee(state, admin, id, friend).await?;
    let store = &state.services().store;
    if present {
        store
            .record_join(admin, id, friend, state.now(), JoinSource::Manual)
            .await?;
    } else {
        store.remove_join(admin, id, friend, JoinSource::Manual).await?;
    }
    Ok(())
}

/// Match keys as typed: empty means none.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MatchKeysInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub zoom_registrant_id: String,
}

/// A match key that cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchKeyProblem {
    #[error("not an email address")]
    Email,
    #[error("a display name has at most 100 characters")]
    DisplayName,
    #[error("a registrant id has at most 128 characters")]
    RegistrantId,
}

impl MatchKeysInput {
    pub fn parse(&self) -> Result<MatchKeys, MatchKeyProblem> {
        let some = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned);
        let email = match some(&self.email) {
            Some(e) => Some(Email::parse(&e).map_err(|_| MatchKeyProblem::Email)?),
            None => None,
        };
        let display_name = some(&self.display_name);
        if display_name
            .as_ref()
            .is_some_and(|n| n.chars().count() > 100 || n.chars().any(char::is_control))
        {
            return Err(MatchKeyProblem::DisplayName);
        }
        let zoom_registrant_id = some(&self.zoom_registrant_id);
        if zoom_registrant_id
            .as_ref()
            .is_some_and(|r| r.len() > 128 || r.chars().any(char::is_control))
        {
            return Err(MatchKeyProblem::RegistrantId);
        }
        Ok(MatchKeys {
            email,
            display_name,
            zoom_registrant_id,
        })
    }
}

/// Sets one invitee's match keys.
pub async fn set_match_keys(
    state: &WebState,
    admin: KakaoUserId,
    id: MeetingId,
    friend: &FriendUuid,
    keys: MatchKeys,
) -> Result<Invitee, StoreError> {
    let current = invitee(state, admin, id, friend).await?;
    let updated = Invitee {
        match_keys: keys,
        ..current
    };
    state.services().store.put_invitee(admin, id, &updated).await?;
    Ok(updated)
}

/// For each invitee, the unmatched participants whose names look like theirs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub friend: FriendUuid,
    pub names: Vec<SuggestedName>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SuggestedName {
    pub display_name: String,
    pub score: u8,
    pub email: Option<String>,
    pub registrant_id: Option<String>,
}

/// How alike (0 to 100) a participant's name must be to an invitee's to be suggested.
pub const SUGGESTION_MIN_SCORE: u8 = 50;

pub async fn suggestions(
    state: &WebState,
    admin: KakaoUserId,
    id: MeetingId,
) -> Result<
    (
        Vec<Invitee>,
        Vec<store::model::UnmatchedParticipant>,
        Vec<Suggestion>,
    ),
    StoreError,
> {
    let store = &state.services().store;
    store.get_meeting(admin, id).await?;
    let invitees = store.list_invitees(admin, id).await?;
    let seen = store.list_unmatched_participants(admin, id).await?;
    let suggestions = invitees
        .iter()
        .map(|invitee| Suggestion {
            friend: invitee.friend.clone(),
            names: suggest_names(
                &invitee.display_name,
                seen.iter().map(|p| p.display_name.as_str()),
                SUGGESTION_MIN_SCORE,
            )
            .into_iter()
            .filter_map(|(name, score)| {
                let p = seen.iter().find(|p| p.display_name == name)?;
                Some(SuggestedName {
                    display_name: name.to_owned(),
                    score,
                    email: p.email.as_ref().map(|e| e.as_str().to_owned()),
                    registrant_id: p.registrant_id.clone(),
                })
            })
            .collect(),
        })
        .collect();
    Ok((invitees, seen, suggestions))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_keys_are_checked_and_blanks_mean_none() {
        let keys = MatchKeysInput {
            email: " Kim@Example.com ".into(),
            display_name: " ".into(),
            zoom_registrant_id: "r1".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(keys.email.unwrap().as_str(), "kim@example.com");
        assert_eq!(
            (keys.display_name, keys.zoom_registrant_id.as_deref()),
            (None, Some("r1"))
        );
        assert_eq!(
            MatchKeysInput {
                email: "kim".into(),
                ..Default::default()
            }
            .parse(),
            Err(MatchKeyProblem::Email)
        );
        assert_eq!(
            MatchKeysInput {
                display_name: "가".repeat(101),
                ..Default::default()
            }
            .parse(),
            Err(MatchKeyProblem::DisplayName)
        );
    }
}
