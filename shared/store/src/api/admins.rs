//! Admin profiles, the paged listing the daily friend sync walks, and unlinking.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;

use crate::StoreError;
use crate::model::{AdminLogin, AdminProfile, AdminStatus, Page, PageCursor, PendingDeletion};

#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Creates the admin (`created_at = updated_at = now`) or updates its nickname, scopes and
    /// status (keeping `created_at`). Returns the stored profile.
    ///
    /// Errors: `InvalidInput` if the profile is over 400 KB; `Backend`.
    async fn upsert_admin(&self, login: &AdminLogin, now: DateTime<Utc>) -> Result<AdminProfile, StoreError>;

    /// Errors: `NotFound` if no such admin; `Corrupt`; `Backend`.
    async fn get_admin(&self, id: KakaoUserId) -> Result<AdminProfile, StoreError>;

    /// Sets the status (e.g. `NeedsLogin` after `KOE322`), bumping `updated_at`. Moves the admin
    /// into or out of the active listing in the same write.
    ///
    /// Errors: `NotFound` if no such admin; `Backend`.
    async fn set_admin_status(
        &self,
        id: KakaoUserId,
        status: AdminStatus,
        now: DateTime<Utc>,
    ) -> Result<AdminProfile, StoreError>;

    /// Ends every session of the admin that began before `now` (logout), so a cookie kept in
    /// another browser stops working too ([`AdminProfile::accepts_session_from`]).
    ///
    /// Errors: `NotFound` if no such admin; `Backend`.
    async fn end_sessions(&self, id: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// One page of `Active` admins, in a stable order, without scanning the store. Pass the
    /// previous page's `next` to continue; `None` starts over. `limit` is clamped to 1..=100.
    /// Admins whose status changes mid-walk may or may not appear; none appears twice.
    ///
    /// Errors: `InvalidInput` for a cursor this backend did not issue; `Backend`.
    async fn list_active_admins(
        &self,
        after: Option<&PageCursor>,
        limit: usize,
    ) -> Result<Page<AdminProfile>, StoreError>;

    /// Deletes the admin's personal data (Kakao unlink): tokens first (so nothing can act for
    /// the admin any more), then friends, the last sync report, meetings with their invitees
    /// and attendance (and their due and Zoom index entries), and finally the profile.
    /// Delivery records stay: they hold only friend UUIDs and states, and keep a relinking
    /// admin's reminders from being sent twice.
    ///
    /// Idempotent: an unknown admin is `Ok`, and a call that failed part-way can be repeated.
    /// The last write removes the admin's pending-deletion record
    /// ([`Self::note_pending_deletion`]), so a deletion that failed part-way stays listed by
    /// [`Self::pending_admin_deletions`] until a repeat finishes it.
    ///
    /// Errors: `Backend`.
    async fn delete_admin_data(&self, id: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Records that the admin's data must be deleted (Kakao unlink), before anything is: from
    /// here on the deletion is listed until [`Self::delete_admin_data`] finishes it. Idempotent;
    /// a second note keeps the first `since`.
    ///
    /// Errors: `Backend`.
    async fn note_pending_deletion(&self, id: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Deletions begun and not finished, at most `limit` (clamped to 1..=100), in a stable order.
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn pending_admin_deletions(&self, limit: usize) -> Result<Vec<PendingDeletion>, StoreError>;

    /// The unfinished deletion of this admin's data, if there is one (a login finishes it
    /// before it writes anything new).
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn pending_admin_deletion(&self, id: KakaoUserId) -> Result<Option<PendingDeletion>, StoreError>;
}
