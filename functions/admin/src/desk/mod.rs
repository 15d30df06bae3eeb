//! The admin's desk: the dashboard at `/`, the invite page, friends, "sync now", and reading
//! what the pages show (the admin, their login's health, today's quota, the last sync, friends
//! for the picker, the delivery log): one place, shared by the pages and the API.
//!
//! - [`pages`]: `/`, `/invite`, `POST /sync`; [`api`]: `/api/me`, `/api/friends`, `/api/sync`,
//!   `/api/deliveries`.
//! - [`dashboard`], [`landing`], [`invite`]: the pages' views.
//! - [`health`]: token health and today's quota, decided purely.

pub mod api;
pub mod dashboard;
pub mod health;
pub mod invite;
pub mod landing;
pub mod pages;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::delivery::DeliveryState;
use domain::{AppStopState, FriendUuid, KakaoUserId, KstDay};
use serde::Serialize;
use store::StoreError;
use store::model::{AdminProfile, AdminStatus, FriendRecord, QuotaSubject, SyncReport};
use web::WebState;

use crate::desk::health::{QuotaToday, TokenHealth};

/// What the dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub admin: AdminProfile,
    pub health: TokenHealth,
    pub quota: QuotaToday,
    pub last_sync: Option<SyncReport>,
    pub friends: usize,
    /// Consent items the admin still has to agree to (empty when all is granted).
    pub missing_scopes: Vec<&'static str>,
    /// Kakao has stopped the whole app (`-12`/`-13`): every admin is told.
    pub kakao_app_stop: Option<AppStopState>,
}

/// A friend as the picker and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct FriendView {
    pub uuid: FriendUuid,
    pub nickname: String,
    /// Only https thumbnails (the page's CSP allows no others).
    pub thumbnail_url: Option<String>,
    pub favorite: bool,
}

impl From<&FriendRecord> for FriendView {
    fn from(record: &FriendRecord) -> Self {
        let profile = &record.profile;
        Self {
            uuid: profile.uuid.clone(),
            nickname: profile.nickname.clone(),
            thumbnail_url: profile
                .thumbnail_url
                .clone()
                .filter(|u| u.starts_with("https://")),
            favorite: profile.favorite,
        }
    }
}

/// One line of the delivery log.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub friend: FriendUuid,
    pub friend_name: Option<String>,
    pub state: DeliveryState,
    pub text: Option<String>,
    pub link: String,
}

/// How many meetings (newest first) the delivery log looks into.
const LOG_MEETINGS: usize = 30;

pub async fn dashboard(state: &WebState, admin: KakaoUserId) -> Result<Dashboard, StoreError> {
    let store = &state.services().store;
    let now = state.now();
    let profile = store.get_admin(admin).await?;
    let tokens = match store.get_tokens(admin).await {
        Ok(stored) => Some((stored.tokens.access_expires_at, stored.tokens.refresh_expires_at)),
        Err(error) if error.is_not_found() => None,
        Err(error) => return Err(error),
    };
    let used = store
        .quota_used(KstDay::containing(now), &QuotaSubject::Sender(admin))
        .await?;
    let missing_scopes = missing_scopes(state, &profile).await;
    // The notice is not worth failing the page for.
    let kakao_app_stop = store.kakao_app_stop().await.unwrap_or_else(|error| {
        tracing::warn!(%error, "could not read whether Kakao has stopped the app");
        None
    });
    Ok(Dashboard {
        kakao_app_stop,
        admin: profile,
        missing_scopes,
        health: TokenHealth::judge(tokens, now),
        quota: QuotaToday::new(now, used, &state.services().settings.quotas),
        last_sync: store.last_sync(admin).await?,
        friends: store.list_friends(admin, false).await?.len(),
    })
}

/// The items the admin has not agreed to. The stored profile knows what was granted at login;
/// when Kakao has since said -402 (the admin is `needs_consent`) but the profile still lists
/// everything, Kakao's consent list says what is missing now.
async fn missing_scopes(state: &WebState, profile: &AdminProfile) -> Vec<&'static str> {
    let granted: Vec<&str> = profile.scopes.iter().map(|s| s.as_str()).collect();
    let missing = web::consent::missing(&granted);
    if !missing.is_empty() || profile.status != AdminStatus::NeedsConsent {
        return missing;
    }
    let services = state.services();
    let kakao = services.kakao.clone();
    let answer = services
        .tokens
        .call(profile.id, |token| {
            let kakao = kakao.clone();
            async move { kakao.scopes(&token).await }
        })
        .await;
    match answer {
        Ok(list) => {
            let agreed: Vec<&str> = list
                .scopes
                .iter()
                .filter(|s| s.agreed)
                .map(|s| s.id.as_str())
                .collect();
            web::consent::missing(&agreed)
        }
        Err(error) => {
            tracing::info!(admin = %profile.id, error = %error, "could not read the consent list; asking for every item");
            web::consent::REQUIRED_SCOPES.to_vec()
        }
    }
}

/// The admin's current friends for the picker: favourites first, then by nickname.
pub async fn friends(state: &WebState, admin: KakaoUserId) -> Result<Vec<FriendRecord>, StoreError> {
    let mut friends = state.services().store.list_friends(admin, false).await?;
    friends.sort_by(|a, b| {
        b.profile
            .favorite
            .cmp(&a.profile.favorite)
            .then_with(|| a.profile.nickname.cmp(&b.profile.nickname))
    });
    Ok(friends)
}

/// The latest deliveries of the admin's meetings (manual sends included), newest first.
pub async fn delivery_log(
    state: &WebState,
    admin: KakaoUserId,
    limit: usize,
) -> Result<Vec<LogEntry>, StoreError> {
    let store = &state.services().store;
    let names: HashMap<FriendUuid, String> = store
        .list_friends(admin, true)
        .await?
        .into_iter()
        .map(|f| (f.profile.uuid, f.profile.nickname))
        .collect();
    let mut meetings = store.list_meetings(admin).await?;
    // v7 ids sort by creation time.
    meetings.sort_by_key(|m| std::cmp::Reverse(m.id));
    let mut entries = Vec::new();
    for meeting in meetings.into_iter().take(LOG_MEETINGS) {
        for delivery in store.list_meeting_deliveries(admin, meeting.id).await? {
            entries.push(LogEntry {
                at: delivery.updated_at,
                friend_name: names.get(&delivery.key.recipient).cloned(),
                friend: delivery.key.recipient,
                state: delivery.state,
                text: meeting
                    .draft
                    .settings
                    .template
                    .as_ref()
                    .map(|t| t.as_str().to_owned()),
                link: meeting.draft.join_url.as_str().to_owned(),
            });
        }
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    entries.truncate(limit);
    Ok(entries)
}

/// Links the admin used before, newest first, for the link field's suggestions.
pub async fn recent_links(state: &WebState, admin: KakaoUserId) -> Result<Vec<String>, StoreError> {
    let mut meetings = state.services().store.list_meetings(admin).await?;
    meetings.sort_by_key(|m| std::cmp::Reverse(m.id));
    let mut links: Vec<String> = Vec::new();
    for meeting in meetings {
        let link = meeting.draft.join_url.as_str().to_owned();
        if link.starts_with("https://") && !links.contains(&link) {
            links.push(link);
        }
        if links.len() == 5 {
            break;
        }
    }
    Ok(links)
}
