//! Daily quota: reserve a batch (and create its delivery records), record what Kakao said,
//! give slots back.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::delivery::Round;
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId};

use crate::StoreError;
use crate::model::{DeliveryOutcome, DeliveryRecord, QuotaSubject, Reservation, ReservationRequest};

#[async_trait]
pub trait QuotaStore: Send + Sync {
    /// Reserves one slot on each of the four counters (app, sender, recipient, pair) of
    /// `request.day` for every recipient that fits (decided as `domain::quota_fit::fit_batch`
    /// decides), and creates each reserved recipient's delivery record in
    /// `request.initial` state, all in one transaction. A recipient whose delivery for this
    /// round already exists is refused with `AlreadyExists` and takes no slot; one recipient's
    /// full counter does not block the others. No counter ever exceeds its limit, however
    /// many reservers race. Counters expire (TTL) two days after their day ends.
    ///
    /// DynamoDB aims for one TransactWriteItems request on the happy path.
    ///
    /// Errors: `NotFound` if the sender has no such meeting (nothing reserved); `Backend`.
    async fn reserve(
        &self,
        request: &ReservationRequest,
        now: DateTime<Utc>,
    ) -> Result<Reservation, StoreError>;

    /// Records Kakao's answer for a batch in one transaction: each named delivery moves
    /// `sending -> sent | failed(code) | unknown`, and failures with `release_quota` give their
    /// four slots back (once: the record stops holding quota).
    ///
    /// Errors: `Conflict` if any named delivery is not `sending` (nothing is written);
    /// `NotFound` if any does not exist; `InvalidInput` for an empty list, more than 5, or a
    /// recipient named twice; `Backend`.
    async fn record_outcomes(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        outcomes: &[(FriendUuid, DeliveryOutcome)],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;

    /// Gives back the slots of deliveries that were never sent (a confirm-first batch not
    /// confirmed, or a send abandoned before the request left) and moves them
    /// `reserved | sending -> cancelled`, in one transaction. A cancelled delivery is never
    /// resent: reserving it again is refused with `AlreadyExists`.
    ///
    /// Errors: `Conflict` if any is in another state (nothing is written); `NotFound`;
    /// `InvalidInput` as for `record_outcomes`; `Backend`.
    async fn release(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        recipients: &[FriendUuid],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;

    /// How many slots of one counter are taken on `day` (0 if none).
    ///
    /// Errors: `Backend`.
    async fn quota_used(&self, day: KstDay, subject: &QuotaSubject) -> Result<u32, StoreError>;
}
