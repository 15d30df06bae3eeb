//! Attendance: who joined, first time and source kept.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};

use crate::StoreError;
use crate::model::{Attendance, JoinRecorded, JoinSource, UnmatchedParticipant};

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

    /// The meeting's unmatched participants, in display-name order.
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn list_unmatched_participants(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<UnmatchedParticipant>, StoreError>;
}
