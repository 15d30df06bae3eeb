//! Meetings, their invitees, the due index, and the Zoom id lookup.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};

use crate::StoreError;
use crate::model::{DueEntries, Invitee, Meeting, MeetingDraft, Version, ZoomMeetingId};

#[async_trait]
pub trait MeetingStore: Send + Sync {
    /// Creates a meeting at version 1. If `draft.next_round` is set the meeting enters the due
    /// index in the same write; if it has a Zoom id it becomes
    /// findable by [`find_meetings_by_zoom_id`](Self::find_meetings_by_zoom_id).
    ///
    /// Errors: `InvalidInput` (see [`MeetingDraft::check`], or over 400 KB); `NotFound` if the
    /// admin does not exist; `Conflict` if this admin already has a meeting with this id;
    /// `Backend`.
    async fn create_meeting(
        &self,
        admin: KakaoUserId,
        id: MeetingId,
        draft: &MeetingDraft,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError>;

    /// Replaces the meeting's fields if it is still at `expected`; version + 1. The due index
    /// and Zoom lookup follow `draft` in the same write (cancelling drops it from the index).
    ///
    /// Errors: `InvalidInput`; `NotFound`; `Conflict` if the version moved; `Backend`.
    async fn update_meeting(
        &self,
        admin: KakaoUserId,
        id: MeetingId,
        expected: Version,
        draft: &MeetingDraft,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError>;

    /// Errors: `NotFound` (also when the meeting belongs to another admin); `Corrupt`; `Backend`.
    async fn get_meeting(&self, admin: KakaoUserId, id: MeetingId) -> Result<Meeting, StoreError>;

    /// The admin's meetings in id order (creation order for v7 ids).
    ///
    /// Errors: `Corrupt`; `Backend`. An unknown admin has none (empty).
    async fn list_meetings(&self, admin: KakaoUserId) -> Result<Vec<Meeting>, StoreError>;

    /// Meetings (of any admin) registered with this Zoom meeting id, for the Zoom webhook,
    /// which knows only the Zoom id. Each result carries its admin; everything after this
    /// lookup is keyed by that admin.
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn find_meetings_by_zoom_id(&self, zoom: &ZoomMeetingId) -> Result<Vec<Meeting>, StoreError>;

    /// Meetings (of any admin) whose next round is due at or before `now`, earliest first, at
    /// most `limit` (clamped to 1..=1000) readable ones, read from the sparse due index, never a
    /// scan. A row that cannot be read is logged, counted in [`DueEntries::unreadable`] and
    /// skipped, so one tenant's damaged row hides no one else's meeting.
    ///
    /// Errors: `Backend` when nothing of the index could be read (a part that fails while others
    /// answer is logged, and what could be read is returned).
    async fn due_meetings(&self, now: DateTime<Utc>, limit: usize) -> Result<DueEntries, StoreError>;

    /// Adds or replaces one invitee of the admin's meeting.
    ///
    /// Errors: `NotFound` if the admin has no such meeting; `InvalidInput` (over 400 KB);
    /// `Backend`.
    async fn put_invitee(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        invitee: &Invitee,
    ) -> Result<(), StoreError>;

    /// Removes an invitee. Returns whether one was removed (idempotent).
    ///
    /// Errors: `Backend`.
    async fn remove_invitee(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
    ) -> Result<bool, StoreError>;

    /// Sets or clears an invitee's opt-out, returning the invitee.
    ///
    /// Errors: `NotFound` if there is no such invitee in the admin's meeting; `Backend`.
    async fn set_invitee_opted_out(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        opted_out: bool,
    ) -> Result<Invitee, StoreError>;

    /// The meeting's invitees in friend-uuid order (empty for an unknown meeting).
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn list_invitees(&self, admin: KakaoUserId, meeting: MeetingId)
    -> Result<Vec<Invitee>, StoreError>;
}
