//! Reading the delivery log: every attempt of a meeting, every attempt to one friend, the
//! deliveries whose outcome is unknown, and whether reminders are paused for the admin (the
//! needs-login / needs-consent banner). Every read is keyed by the session's admin.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use domain::delivery::{DeliveryState, DeliveryStateKind};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use serde::Serialize;
use store::StoreError;
use store::model::{AdminStatus, DeliveryRecord, Meeting};
use web::WebState;

/// One attempt, as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// When its state last changed (for a sent one: when Kakao answered).
    pub at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub meeting: MeetingId,
    pub meeting_title: String,
    pub round: u16,
    pub friend: FriendUuid,
    pub friend_name: Option<String>,
    #[serde(flatten)]
    pub state: DeliveryState,
}

/// How far back the unknown-deliveries panel looks (meetings that ended longer ago are settled
/// history, still in each meeting's log).
pub const UNKNOWN_LOOKBACK: Duration = Duration::days(30);

async fn names(state: &WebState, admin: KakaoUserId) -> Result<HashMap<FriendUuid, String>, StoreError> {
    Ok(state
        .services()
        .store
        .list_friends(admin, true)
        .await?
        .into_iter()
        .map(|f| (f.profile.uuid, f.profile.nickname))
        .collect())
}

fn attempt(record: DeliveryRecord, title: &str, names: &HashMap<FriendUuid, String>) -> Attempt {
    Attempt {
        at: record.updated_at,
        created_at: record.created_at,
        meeting: record.key.meeting,
        meeting_title: title.to_owned(),
        round: record.key.round.get(),
        friend_name: names.get(&record.key.recipient).cloned(),
        friend: record.key.recipient,
        state: record.state,
    }
}

/// Newest first, then by round and friend for a stable page.
fn newest_first(attempts: &mut [Attempt]) {
    attempts.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then(b.round.cmp(&a.round))
            .then(a.friend.cmp(&b.friend))
    });
}

/// The meeting and every attempt of it; `None` if the admin has no such meeting.
pub async fn meeting_log(
    state: &WebState,
    admin: KakaoUserId,
    meeting: MeetingId,
) -> Result<Option<(Meeting, Vec<Attempt>)>, StoreError> {
    let store = &state.services().store;
    let meeting = match store.get_meeting(admin, meeting).await {
        Ok(meeting) => meeting,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let names = names(state, admin).await?;
    let mut attempts: Vec<Attempt> = store
        .list_meeting_deliveries(admin, meeting.id)
        .await?
        .into_iter()
        .map(|d| attempt(d, &meeting.draft.title, &names))
        .collect();
    newest_first(&mut attempts);
    Ok(Some((meeting, attempts)))
}

/// The friend's name and every attempt to them across the admin's meetings; `None` if they are
/// neither a friend (gone ones included) nor ever messaged.
pub async fn friend_log(
    state: &WebState,
    admin: KakaoUserId,
    friend: &FriendUuid,
) -> Result<Option<(Option<String>, Vec<Attempt>)>, StoreError> {
    let store = &state.services().store;
    let names = names(state, admin).await?;
    let records = store.list_friend_deliveries(admin, friend).await?;
    let name = names.get(friend).cloned();
    if name.is_none() && records.is_empty() {
        return Ok(None);
    }
    let titles: HashMap<MeetingId, String> = store
        .list_meetings(admin)
        .await?
        .into_iter()
        .map(|m| (m.id, m.draft.title))
        .collect();
    let mut attempts: Vec<Attempt> = records
        .into_iter()
        .map(|d| {
            let title = titles.get(&d.key.meeting).map(String::as_str).unwrap_or("");
            attempt(d, title, &names)
        })
        .collect();
    newest_first(&mut attempts);
    Ok(Some((name, attempts)))
}

/// Deliveries whose outcome is unknown (Kakao's answer was lost, or a send stayed `sending` past
/// its age), in meetings that ended no longer than [`UNKNOWN_LOOKBACK`] ago.
pub async fn unknown(state: &WebState, admin: KakaoUserId) -> Result<Vec<Attempt>, StoreError> {
    let store = &state.services().store;
    let since = state.now() - UNKNOWN_LOOKBACK;
    let names = names(state, admin).await?;
    let mut attempts = Vec::new();
    for meeting in store.list_meetings(admin).await? {
        if meeting.draft.ends_at < since {
            continue;
        }
        for d in store.list_meeting_deliveries(admin, meeting.id).await? {
            if d.state.kind() == DeliveryStateKind::Unknown {
                attempts.push(attempt(d, &meeting.draft.title, &names));
            }
        }
    }
    newest_first(&mut attempts);
    Ok(attempts)
}

/// Why reminders are paused for the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Paused {
    NeedsLogin,
    NeedsConsent,
}

/// The banner: reminders are paused, and how many meetings still have rounds to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReminderBanner {
    pub paused: Paused,
    /// Meetings with a reminder round still due: each will be skipped with this reason.
    pub meetings_affected: usize,
    /// Where to fix it.
    pub fix_href: &'static str,
}

/// The banner, if the admin's reminders are paused (the sweep skips them with that reason).
pub async fn banner(state: &WebState, admin: KakaoUserId) -> Result<Option<ReminderBanner>, StoreError> {
    let store = &state.services().store;
    let paused = match store.get_admin(admin).await?.status {
        AdminStatus::Active => return Ok(None),
        AdminStatus::NeedsLogin => Paused::NeedsLogin,
        AdminStatus::NeedsConsent => Paused::NeedsConsent,
    };
    let meetings_affected = store
        .list_meetings(admin)
        .await?
        .iter()
        .filter(|m| m.draft.next_round.is_some())
        .count();
    Ok(Some(ReminderBanner {
        paused,
        meetings_affected,
        fix_href: match paused {
            Paused::NeedsLogin => "/login",
            Paused::NeedsConsent => "/consent",
        },
    }))
}
