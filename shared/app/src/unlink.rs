//! Forgetting a user who unlinked ttokttok at Kakao, and finishing what could not be finished
//! at once.
//!
//! Kakao's unlink webhook must always get 200 (Kakao pauses a webhook that errors:
//! `docs/kakao.md#unlink-webhook`), so a
//! deletion that meets a slow or failing store cannot be left to Kakao to retry. Instead the
//! deletion is noted first ([`forget`]), and what is still noted is finished later by
//! [`finish_pending_deletions`] (the friend-sync function, every 10 minutes; the local run's
//! loop), or by the user's own next login, before anything new is written for them. The
//! `PendingDeletions` metric and its alarm say when one stays unfinished.

use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use store::model::PendingDeletion;
use store::{Store, StoreError};

/// How often the unfinished deletions are taken up (the template's schedule says the same).
pub const PASS_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// How many unfinished deletions one pass takes on.
const PASS_SIZE: usize = 100;

/// Deletes what ttokttok holds about `user`, as an admin and as a client: the deletion is
/// noted first (so a failure part-way is finished later), then the client mark (one write
/// that stops every admin's reminders to them at once), then the admin's data.
///
/// Errors: the store's; when the note itself failed nothing will finish the deletion later,
/// and the caller must say so loudly.
pub async fn forget(store: &dyn Store, user: KakaoUserId, now: DateTime<Utc>) -> Result<(), ForgetError> {
    store
        .note_pending_deletion(user, now)
        .await
        .map_err(ForgetError::NotNoted)?;
    store
        .mark_client_unlinked(user, now)
        .await
        .map_err(ForgetError::Unfinished)?;
    store
        .delete_admin_data(user, now)
        .await
        .map_err(ForgetError::Unfinished)
}

/// Why [`forget`] did not finish.
#[derive(Debug, thiserror::Error)]
pub enum ForgetError {
    /// Not even the note was written: nothing will retry this deletion.
    #[error("the deletion could not be noted, so nothing will finish it")]
    NotNoted(#[source] StoreError),
    /// Noted, not finished: a later pass finishes it.
    #[error("the deletion is noted and will be finished later")]
    Unfinished(#[source] StoreError),
}

/// What one pass over the unfinished deletions did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeletionPass {
    pub finished: usize,
    /// Still unfinished after the pass (failed again, or beyond this pass's size).
    pub still_pending: usize,
}

/// Finishes the noted deletions: each one's client mark (unless they joined again since) and
/// the admin's data. A failure is logged and left for the next pass.
pub async fn finish_pending_deletions(
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<DeletionPass, StoreError> {
    let pending = store.pending_admin_deletions(PASS_SIZE).await?;
    let mut pass = DeletionPass::default();
    let full_page = pending.len() == PASS_SIZE;
    for deletion in pending {
        match finish(store, deletion, now).await {
            Ok(()) => {
                pass.finished += 1;
                tracing::info!(admin = %deletion.admin, since = %deletion.since, "an unfinished deletion is finished");
            }
            Err(error) => {
                pass.still_pending += 1;
                tracing::error!(admin = %deletion.admin, since = %deletion.since, %error, "an unlinked user's data is still not deleted; trying again on the next pass");
            }
        }
    }
    if full_page {
        // More may wait behind this page; the next pass gets them. Counted so the alarm sees them.
        pass.still_pending += store.pending_admin_deletions(PASS_SIZE).await?.len();
    }
    Ok(pass)
}

async fn finish(store: &dyn Store, deletion: PendingDeletion, now: DateTime<Utc>) -> Result<(), StoreError> {
    let joined_since = store
        .get_client(deletion.admin)
        .await?
        .is_some_and(|client| client.updated_at > deletion.since);
    if !joined_since {
        store.mark_client_unlinked(deletion.admin, deletion.since).await?;
    }
    store.delete_admin_data(deletion.admin, now).await
}

/// Before a login writes anything for `admin`: an unfinished deletion of their earlier data is
/// finished first, so it cannot later delete what this login writes.
pub async fn finish_before_login(
    store: &dyn Store,
    admin: KakaoUserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let Some(deletion) = store.pending_admin_deletion(admin).await? {
        tracing::info!(admin = %admin, since = %deletion.since, "finishing an unlinked admin's deletion before their new login");
        store.delete_admin_data(admin, now).await?;
    }
    Ok(())
}

/// The local run's stand-in for the schedule: a pass every [`PASS_EVERY`], forever. Spawn it,
/// and abort the task to stop it.
pub async fn run_deletions_loop(services: crate::Services) {
    loop {
        tokio::time::sleep(PASS_EVERY).await;
        match finish_pending_deletions(&*services.store, services.clock.now()).await {
            Ok(pass) if pass.finished + pass.still_pending > 0 => tracing::info!(
                finished = pass.finished,
                still_pending = pass.still_pending,
                "unfinished deletions taken up"
            ),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "could not list unfinished deletions"),
        }
    }
}
