//! An admin's friends: replaced by the daily sync (only changes are written) and read by the UI.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::friends::FriendProfile;
use domain::{FriendUuid, KakaoUserId};

use crate::StoreError;
use crate::model::{FriendRecord, FriendSyncCounts, SyncReport};

#[async_trait]
pub trait FriendStore: Send + Sync {
    /// Makes the stored friends match `fetched` (Kakao's complete list), writing only what
    /// changed (decided by `domain::friends::diff_friends`): new and returning friends, changed
    /// nickname/thumbnail/favorite/id, and friends no longer listed (marked gone, not deleted).
    /// Writes go in batches (DynamoDB: 25 per BatchWriteItem, unprocessed items retried with
    /// backoff). An unchanged re-sync writes nothing (`write_requests == 0`).
    ///
    /// Not one transaction: a sync that fails part-way leaves some changes written, and
    /// running it again completes it.
    ///
    /// Errors: `NotFound` if the admin does not exist; `InvalidInput` if `fetched` names a
    /// friend twice or a friend is over 400 KB (checked before anything is written);
    /// `Backend`.
    async fn replace_friends(
        &self,
        admin: KakaoUserId,
        fetched: &[FriendProfile],
        now: DateTime<Utc>,
    ) -> Result<FriendSyncCounts, StoreError>;

    /// The admin's friends in uuid order, gone ones only if `include_gone`.
    ///
    /// Errors: `Corrupt`; `Backend`. An unknown admin has no friends (empty).
    async fn list_friends(
        &self,
        admin: KakaoUserId,
        include_gone: bool,
    ) -> Result<Vec<FriendRecord>, StoreError>;

    /// Errors: `NotFound` if this admin has no such friend (gone friends are found); `Backend`.
    async fn get_friend(&self, admin: KakaoUserId, friend: &FriendUuid) -> Result<FriendRecord, StoreError>;

    /// Records how the admin's last sync went (replacing the previous report).
    ///
    /// Errors: `NotFound` if the admin does not exist; `InvalidInput` (over 400 KB); `Backend`.
    async fn record_sync(&self, admin: KakaoUserId, report: &SyncReport) -> Result<(), StoreError>;

    /// Errors: `Corrupt`; `Backend`. `None` if the admin never synced.
    async fn last_sync(&self, admin: KakaoUserId) -> Result<Option<SyncReport>, StoreError>;
}
