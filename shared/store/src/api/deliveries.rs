//! Delivery records: reading them, confirming reserved batches, and giving up on lost sends.
//! Records are created by [`QuotaStore::reserve`](crate::api::QuotaStore::reserve) and finished
//! by [`QuotaStore::record_outcomes`](crate::api::QuotaStore::record_outcomes).

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use domain::delivery::Round;
use domain::{FriendUuid, KakaoUserId, MeetingId};

use crate::StoreError;
use crate::model::{DeliveryKey, DeliveryRecord};

#[async_trait]
pub trait DeliveryStore: Send + Sync {
    /// Errors: `NotFound`; `Corrupt`; `Backend`.
    async fn get_delivery(&self, key: &DeliveryKey) -> Result<DeliveryRecord, StoreError>;

    /// Every delivery of the admin's meeting, ordered by (recipient, round).
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn list_meeting_deliveries(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;

    /// Every delivery the admin sent (or tried) to one friend, across meetings, ordered by
    /// (meeting, round). No scan: an index keyed by admin and friend.
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn list_friend_deliveries(
        &self,
        admin: KakaoUserId,
        friend: &FriendUuid,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;

    /// The admin confirmed a reserved batch: moves every named delivery `reserved -> sending`
    /// (`updated_at = now`), all or none. Of two racing confirmations one wins.
    ///
    /// Errors: `Conflict` if any of them is not `reserved` (nothing is moved); `NotFound` if
    /// any does not exist; `InvalidInput` for an empty or over-long (> 5) list; `Backend`.
    async fn confirm_reserved(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        recipients: &[FriendUuid],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;

    /// Moves one delivery `sending -> unknown` if it has been sending since at least
    /// `older_than` before `now` (default [`DEFAULT_STALE_SENDING_AGE`]). Its slots stay
    /// taken and it is never resent.
    ///
    /// [`DEFAULT_STALE_SENDING_AGE`]: crate::model::DEFAULT_STALE_SENDING_AGE
    ///
    /// Errors: `Conflict` if it is not `sending`, or not stale yet; `NotFound`; `Backend`.
    async fn mark_unknown_if_stale(
        &self,
        key: &DeliveryKey,
        older_than: Duration,
        now: DateTime<Utc>,
    ) -> Result<DeliveryRecord, StoreError>;

    /// [`mark_unknown_if_stale`](Self::mark_unknown_if_stale) for every stale `sending` delivery
    /// of the admin's meeting; returns those it moved (each move conditional on its own, so a
    /// record that moved meanwhile is skipped, not an error).
    ///
    /// Errors: `Backend`.
    async fn mark_stale_sending_unknown(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        older_than: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;
}
