//! Opt-outs: clients who asked an admin to stop reminding them. The sweep skips them; the admin
//! sees them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId};

use crate::StoreError;
use crate::model::{OptOut, OptOutRecorded, OptOutSource};

#[async_trait]
pub trait OptOutStore: Send + Sync {
    /// Records that `friend` wants no more reminders from `admin`. Idempotent: the first
    /// opt-out (time and source) is kept. Needs no admin profile, so a client's wish is recorded
    /// even while the admin is unlinked.
    ///
    /// Errors: `Backend`.
    async fn record_opt_out(
        &self,
        admin: KakaoUserId,
        friend: &FriendUuid,
        source: OptOutSource,
        now: DateTime<Utc>,
    ) -> Result<OptOutRecorded, StoreError>;

    /// The client opted back in. Returns whether there was an opt-out.
    ///
    /// Errors: `Backend`.
    async fn clear_opt_out(&self, admin: KakaoUserId, friend: &FriendUuid) -> Result<bool, StoreError>;

    /// Errors: `Corrupt`; `Backend`.
    async fn get_opt_out(
        &self,
        admin: KakaoUserId,
        friend: &FriendUuid,
    ) -> Result<Option<OptOut>, StoreError>;

    /// Every opt-out from the admin's reminders, in friend-uuid order.
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn list_opt_outs(&self, admin: KakaoUserId) -> Result<Vec<OptOut>, StoreError>;
}
