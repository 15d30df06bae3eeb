//! Attendance: who joined, first time and source kept.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};

use crate::StoreError;
use crate::model::{Attendance, JoinRecorded, JoinSource};

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
}
