//! [`FriendSync`]: one admin's friend sync. Read every page from Kakao first; only a complete
//! list reaches the store, which writes only what changed (`FriendStore::replace_friends`,
//! decided by `domain::friends::diff_friends`). A failure anywhere in the read leaves the stored
//! list exactly as it was, so a partial read can never mark friends gone.
//!
//! Transient Kakao failures are retried per page by the Kakao client (capped, jittered
//! backoff, `KakaoSettings::read_retry`); what still fails is recorded as the admin's last sync
//! (shown on the dashboard), logged, and returned.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::friends::FriendProfile;
use domain::{Clock, KakaoUserId};
use kakao::{Friend, KakaoClient, KakaoError};
use serde::Serialize;
use store::model::{FriendSyncCounts, SyncOutcome};
use store::{Store, StoreError};

use crate::tokens::{TokenError, TokenKeeper};

/// One admin's sync that went through: what `FriendSync::sync_admin` returns (and the
/// friend-sync function reports). What is recorded as their last sync is
/// `store::model::SyncReport`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncedAdmin {
    pub admin: KakaoUserId,
    /// When the sync started (also the time recorded as the admin's last sync).
    pub at: DateTime<Utc>,
    /// Friends Kakao listed.
    pub listed: usize,
    /// What the store wrote.
    pub counts: FriendSyncCounts,
}

/// Why a sync failed. Nothing was written to the friend list in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("admin {admin} must log in with Kakao again")]
    NeedsLogin { admin: KakaoUserId },
    #[error("admin {admin} has not agreed to {missing:?}")]
    NeedsConsent {
        admin: KakaoUserId,
        missing: Vec<String>,
    },
    #[error("reading admin {admin}'s friends from Kakao failed")]
    Kakao {
        admin: KakaoUserId,
        #[source]
        source: KakaoError,
    },
    #[error("the store failed while syncing admin {admin}")]
    Store {
        admin: KakaoUserId,
        #[source]
        source: StoreError,
    },
    #[error("the token refresh for admin {admin} stopped before it finished")]
    Interrupted {
        admin: KakaoUserId,
        #[source]
        source: tokio::task::JoinError,
    },
}

impl SyncError {
    fn from_token(admin: KakaoUserId, error: TokenError) -> Self {
        match error {
            TokenError::NeedsLogin => SyncError::NeedsLogin { admin },
            TokenError::NeedsConsent { missing } => SyncError::NeedsConsent { admin, missing },
            TokenError::Kakao(source) => SyncError::Kakao { admin, source },
            TokenError::Store(source) => SyncError::Store { admin, source },
            TokenError::RefreshInterrupted(source) => SyncError::Interrupted { admin, source },
        }
    }

    /// A failure that may pass on a later try (Kakao or storage hiccups).
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Kakao { source, .. } => source.is_transient(),
            SyncError::Store { source, .. } => matches!(source, StoreError::Backend { .. }),
            SyncError::Interrupted { .. } => true,
            SyncError::NeedsLogin { .. } | SyncError::NeedsConsent { .. } => false,
        }
    }

    /// A short reason for the dashboard: no tokens, no response bodies.
    pub fn dashboard_reason(&self) -> String {
        match self {
            SyncError::NeedsLogin { .. } => "needs login".to_owned(),
            SyncError::NeedsConsent { missing, .. } => format!("needs consent: {}", missing.join(", ")),
            SyncError::Kakao { source, .. } if source.is_transient() => {
                "Kakao did not answer; the next sync will try again".to_owned()
            }
            SyncError::Kakao { source, .. } => match source.code() {
                Some(code) => format!("Kakao refused the friends list ({code})"),
                None => "Kakao's friends list could not be read".to_owned(),
            },
            SyncError::Store { .. } => "storage failed; the next sync will try again".to_owned(),
            SyncError::Interrupted { .. } => "interrupted; the next sync will try again".to_owned(),
        }
    }

    /// A stable name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            SyncError::NeedsLogin { .. } => "needs_login",
            SyncError::NeedsConsent { .. } => "needs_consent",
            SyncError::Kakao { .. } => "kakao",
            SyncError::Store { .. } => "store",
            SyncError::Interrupted { .. } => "interrupted",
        }
    }
}

/// Syncs admins' friends. Cheap to clone.
#[derive(Clone)]
pub struct FriendSync {
    store: Arc<dyn Store>,
    kakao: Arc<KakaoClient>,
    tokens: Arc<TokenKeeper>,
    clock: Arc<dyn Clock>,
}

impl FriendSync {
    pub fn new(
        store: Arc<dyn Store>,
        kakao: Arc<KakaoClient>,
        tokens: Arc<TokenKeeper>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            kakao,
            tokens,
            clock,
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Reads the admin's whole friend list from Kakao, writes only the changes, and records the
    /// sync (time, counts, outcome) as the admin's last sync, failed or not.
    pub async fn sync_admin(&self, admin: KakaoUserId) -> Result<SyncedAdmin, SyncError> {
        let at = self.clock.now();
        let result = self.read_then_write(admin, at).await;
        let outcome = match &result {
            Ok(report) => {
                tracing::info!(
                    admin = %admin,
                    listed = report.listed,
                    added = report.counts.added,
                    changed = report.counts.changed,
                    gone = report.counts.gone,
                    unchanged = report.counts.unchanged,
                    write_requests = report.counts.write_requests,
                    "friend sync succeeded"
                );
                store::model::SyncReport {
                    at,
                    counts: report.counts,
                    outcome: SyncOutcome::Succeeded,
                }
            }
            Err(error) => {
                if let SyncError::Kakao { source, .. } = error {
                    crate::kakao_app::note_if_stopped(&*self.store, source, at).await;
                }
                tracing::warn!(
                    admin = %admin,
                    failure = error.kind(),
                    transient = error.is_transient(),
                    error = %error,
                    cause = ?std::error::Error::source(error).map(ToString::to_string),
                    "friend sync failed"
                );
                store::model::SyncReport::failed(at, error.dashboard_reason())
            }
        };
        match self.store.record_sync(admin, &outcome).await {
            Ok(()) => result,
            // An unknown admin has nowhere to record a sync; its error says enough.
            Err(StoreError::NotFound { .. }) => result,
            Err(source) if result.is_ok() => Err(SyncError::Store { admin, source }),
            Err(error) => {
                tracing::error!(admin = %admin, %error, "could not record the failed sync");
                result
            }
        }
    }

    async fn read_then_write(&self, admin: KakaoUserId, at: DateTime<Utc>) -> Result<SyncedAdmin, SyncError> {
        let kakao = &self.kakao;
        let friends = self
            .tokens
            .call(admin, |token| async move { kakao.all_friends(&token).await })
            .await
            .map_err(|e| SyncError::from_token(admin, e))?;
        let profiles = profiles(friends);
        let counts = self
            .store
            .replace_friends(admin, &profiles, at)
            .await
            .map_err(|source| SyncError::Store { admin, source })?;
        Ok(SyncedAdmin {
            admin,
            at,
            listed: profiles.len(),
            counts,
        })
    }
}

/// Only what Kakao allows and the product needs: uuid, Kakao id, nickname, thumbnail, favorite.
/// A uuid listed twice (the list shifted while paging) is kept once, first seen.
fn profiles(friends: Vec<Friend>) -> Vec<FriendProfile> {
    let mut seen = HashSet::new();
    friends
        .into_iter()
        .filter(|f| seen.insert(f.uuid.clone()))
        .map(|f| FriendProfile {
            uuid: f.uuid,
            kakao_id: f.id,
            nickname: f.nickname,
            thumbnail_url: f.thumbnail_url,
            favorite: f.favorite,
        })
        .collect()
}

impl std::fmt::Debug for FriendSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The store has no Debug of its own; it is named, not shown.
        f.debug_struct("FriendSync")
            .field("kakao", &self.kakao)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use domain::FriendUuid;

    use super::*;

    fn friend(id: i64, uuid: &str, nickname: &str) -> Friend {
        Friend {
            id: Some(KakaoUserId::new(id).unwrap()),
            uuid: FriendUuid::parse(uuid).unwrap(),
            nickname: nickname.into(),
            thumbnail_url: Some("https://k.kakaocdn.net/t.jpg".into()),
            favorite: id % 2 == 0,
        }
    }

    #[test]
    fn profiles_keep_only_the_listed_fields_and_each_uuid_once() {
        let listed = profiles(vec![
            friend(1, "u1", "민수"),
            friend(2, "u2", "지영"),
            friend(3, "u1", "민수 again"),
        ]);
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].nickname, "민수");
        assert_eq!(listed[0].kakao_id, Some(KakaoUserId::new(1).unwrap()));
        assert!(listed[1].favorite);
        assert_eq!(
            listed[1].thumbnail_url.as_deref(),
            Some("https://k.kakaocdn.net/t.jpg")
        );
    }

    #[test]
    fn dashboard_reasons_name_the_missing_consent() {
        let admin = KakaoUserId::new(7).unwrap();
        let error = SyncError::NeedsConsent {
            admin,
            missing: vec!["friends".into()],
        };
        assert_eq!(error.dashboard_reason(), "needs consent: friends");
        assert!(!error.is_transient());
        assert_eq!(SyncError::NeedsLogin { admin }.dashboard_reason(), "needs login");
    }
}
