//! Attendance: who joined, first time and source kept.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};

use crate::StoreError;
use crate::model::{Attendance, JoinRecorded, JoinSource, UnmatchedParticipant, ZoomAccountId};

#[async_trait]
pub trait AttendanceStore: Send + Sync {
    /// Records that `friend` joined the admin's meeting at `joined_at`. Idempotent: the stored
    /// attendance keeps the earliest join and its source (a later or equal join changes
    /// nothing; an earlier one, e.g. from an out-of-order webhook, replaces it). Atomic under
    /// concurrent calls.
    ///
    /// Errors: `NotFound` if the admin has no such meeting; `Backend`.
    async fn record_join(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        joined_at: DateTime<Utc>,
        source: JoinSource,
    ) -> Result<JoinRecorded, StoreError>;

    /// Everyone who joined the admin's meeting, in friend-uuid order.
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn list_attendance(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<(FriendUuid, Attendance)>, StoreError>;

    /// Removes a join, but only if its stored source is `source` (the admin unticks a manual
    /// "present" without erasing what Zoom or a link reported). Returns whether one was removed.
    ///
    /// Errors: `Backend`.
    async fn remove_join(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        source: JoinSource,
    ) -> Result<bool, StoreError>;

    /// Remembers a participant no invitee matched (keyed by display name within the meeting,
    /// replacing the previous sighting), for the admin's match-key suggestions.
    ///
    /// Errors: `NotFound` if the admin has no such meeting; `InvalidInput` (over 400 KB);
    /// `Backend`.
    async fn note_unmatched_participant(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        participant: &UnmatchedParticipant,
    ) -> Result<(), StoreError>;

    /// The admin a Zoom account is bound to, if any: only that admin's meetings are credited
    /// from, and keep participants of, that account's events.
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn zoom_account_owner(&self, account: &ZoomAccountId) -> Result<Option<KakaoUserId>, StoreError>;

    /// Binds `account` to `admin` unless another admin holds it already; returns the owner
    /// after the call (`admin`, or whoever had it). One account, one admin; deleting the
    /// admin's data frees it.
    ///
    /// Errors: `NotFound` if no such admin; `Backend`.
    async fn claim_zoom_account(
        &self,
        account: &ZoomAccountId,
        admin: KakaoUserId,
        now: DateTime<Utc>,
    ) -> Result<KakaoUserId, StoreError>;

    /// The meeting's unmatched participants, in display-name order.
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn list_unmatched_participants(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<UnmatchedParticipant>, StoreError>;
}
