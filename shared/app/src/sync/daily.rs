//! The daily run: every active admin's friends, with bounded concurrency, inside a time budget.
//!
//! [`DailyRun::run`] walks the store's listing of active admins (pages, never a scan) and keeps
//! `concurrency` syncs going. Before starting each admin it asks the [`TimeBudget`] how long is
//! left; when that falls under the reserve (one admin's timeout plus a margin, what the syncs
//! already running may still need) it starts no more, lets the running ones finish, and returns
//! [`DailyProgress::Paused`] with a [`DailyCursor`]: the admins listed but not yet synced, and
//! where the listing continues. The Lambda handler re-invokes itself with that cursor; the local
//! loop has no budget and always finishes.
//!
//! Every leg starts at least one admin, so a run always moves on. One admin's failure (or
//! timeout) is counted and recorded, and the run goes on.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use domain::KakaoUserId;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};
use store::model::{FriendSyncCounts, PageCursor};
use store::{Store, StoreError};

use super::{FriendSync, SyncError, SyncedAdmin};

/// Admins read from the store per listing page.
pub const ADMIN_PAGE_SIZE: usize = 100;

/// Time kept back, beyond one admin's timeout, for returning and re-invoking.
pub const CONTINUATION_MARGIN: Duration = Duration::from_secs(15);

/// How much time is left for the run (the Lambda deadline, or none at all).
pub trait TimeBudget: Send + Sync {
    fn remaining(&self) -> Duration;
}

/// No limit: the local loop.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unlimited;

impl TimeBudget for Unlimited {
    fn remaining(&self) -> Duration {
        Duration::MAX
    }
}

/// Where a paused daily run continues.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyCursor {
    /// Admins already listed but not yet synced; they go first.
    #[serde(default)]
    pub pending: Vec<KakaoUserId>,
    #[serde(default)]
    pub listing: Listing,
    /// How many times the run has been continued (a runaway guard).
    #[serde(default)]
    pub hops: u32,
}

/// Where the listing of active admins stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "at")]
pub enum Listing {
    /// Not started: the first page comes next.
    #[default]
    Start,
    /// The page after this store cursor comes next.
    After { cursor: PageCursor },
    /// Every page has been read.
    Done,
}

/// What a daily run (or one leg of it) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyTally {
    pub succeeded: u32,
    pub failed: u32,
    pub needs_login: u32,
    pub needs_consent: u32,
    pub timed_out: u32,
    pub friends_added: u32,
    pub friends_changed: u32,
    pub friends_gone: u32,
    pub write_requests: u32,
}

impl DailyTally {
    pub fn attempted(&self) -> u32 {
        self.succeeded + self.failed + self.timed_out
    }

    fn count(&mut self, outcome: &AdminOutcome) {
        match outcome {
            AdminOutcome::Synced(report) => {
                self.succeeded += 1;
                self.add_counts(&report.counts);
            }
            AdminOutcome::Failed(error) => {
                self.failed += 1;
                match error {
                    SyncError::NeedsLogin { .. } => self.needs_login += 1,
                    SyncError::NeedsConsent { .. } => self.needs_consent += 1,
                    _ => {}
                }
            }
            AdminOutcome::TimedOut => self.timed_out += 1,
        }
    }

    fn add_counts(&mut self, counts: &FriendSyncCounts) {
        self.friends_added += counts.added;
        self.friends_changed += counts.changed;
        self.friends_gone += counts.gone;
        self.write_requests += counts.write_requests;
    }
}

/// How a run (or one leg of it) ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DailyProgress {
    /// Every active admin has been tried.
    Finished { tally: DailyTally },
    /// Time ran low; continue from `cursor`.
    Paused { tally: DailyTally, cursor: DailyCursor },
}

impl DailyProgress {
    pub fn tally(&self) -> &DailyTally {
        match self {
            DailyProgress::Finished { tally } | DailyProgress::Paused { tally, .. } => tally,
        }
    }
}

enum AdminOutcome {
    Synced(SyncedAdmin),
    Failed(SyncError),
    TimedOut,
}

/// The daily run over all active admins.
#[derive(Clone)]
pub struct DailyRun {
    sync: FriendSync,
    store: Arc<dyn Store>,
    concurrency: usize,
    admin_timeout: Duration,
    page_size: usize,
}

impl DailyRun {
    pub fn new(sync: FriendSync, store: Arc<dyn Store>, concurrency: usize, admin_timeout: Duration) -> Self {
        Self {
            sync,
            store,
            concurrency: concurrency.max(1),
            admin_timeout,
            page_size: ADMIN_PAGE_SIZE,
        }
    }

    /// Reads the listing in pages of `page_size` (1..=100) instead of 100.
    pub fn with_page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size.clamp(1, ADMIN_PAGE_SIZE);
        self
    }

    /// Time that must be left to start another admin: what a running sync may still take, plus
    /// the margin for handing over.
    pub fn reserve(&self) -> Duration {
        self.admin_timeout + CONTINUATION_MARGIN
    }

    /// Syncs admins from `cursor` until all are done or `budget` runs low.
    ///
    /// Errors: `StoreError` if the listing of admins cannot be read (after the syncs already
    /// running have finished). Individual admins' failures are counted, never returned.
    pub async fn run(
        &self,
        cursor: DailyCursor,
        budget: &dyn TimeBudget,
    ) -> Result<DailyProgress, StoreError> {
        let reserve = self.reserve();
        let mut queue: VecDeque<KakaoUserId> = cursor.pending.into();
        let mut listing = cursor.listing;
        let mut tally = DailyTally::default();
        let mut running = FuturesUnordered::new();
        let mut listing_error = None;
        let mut out_of_time = false;
        let mut started = 0usize;
        loop {
            while running.len() < self.concurrency && !out_of_time && listing_error.is_none() {
                // At least one admin per leg, so a run always moves on even if the budget was
                // short from the start (a Lambda timeout below the reserve is logged there).
                if started > 0 && budget.remaining() < reserve {
                    out_of_time = true;
                    break;
                }
                if queue.is_empty() {
                    let after = match &listing {
                        Listing::Done => break,
                        Listing::Start => None,
                        Listing::After { cursor } => Some(cursor.clone()),
                    };
                    match self
                        .store
                        .list_active_admins(after.as_ref(), self.page_size)
                        .await
                    {
                        Ok(page) => {
                            queue.extend(page.items.into_iter().map(|admin| admin.id));
                            listing = match page.next {
                                Some(cursor) => Listing::After { cursor },
                                None => Listing::Done,
                            };
                        }
                        Err(error) => listing_error = Some(error),
                    }
                    continue;
                }
                if let Some(admin) = queue.pop_front() {
                    started += 1;
                    running.push(self.sync_one(admin));
                }
            }
            match running.next().await {
                Some(outcome) => tally.count(&outcome),
                None => break,
            }
        }
        if let Some(error) = listing_error {
            tracing::error!(%error, "the daily run could not list active admins");
            return Err(error);
        }
        if queue.is_empty() && listing == Listing::Done {
            Ok(DailyProgress::Finished { tally })
        } else {
            Ok(DailyProgress::Paused {
                tally,
                cursor: DailyCursor {
                    pending: queue.into(),
                    listing,
                    hops: cursor.hops + 1,
                },
            })
        }
    }

    /// Syncs from the start until done (no budget): the local loop.
    pub async fn run_to_end(&self) -> Result<DailyTally, StoreError> {
        match self.run(DailyCursor::default(), &Unlimited).await? {
            DailyProgress::Finished { tally } | DailyProgress::Paused { tally, .. } => Ok(tally),
        }
    }

    async fn sync_one(&self, admin: KakaoUserId) -> AdminOutcome {
        let outcome = self.sync_friends(admin).await;
        // The series' window rolls a day further, whatever the sync did: occurrences need
        // meetings even on a day Kakao is down (the window is 14 days, so a failed roll is
        // caught up the next day).
        let rolled = tokio::time::timeout(
            self.admin_timeout,
            crate::plans::roll_admin(&*self.store, admin, self.sync.now()),
        )
        .await;
        match rolled {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(admin = %admin, %error, "series window not rolled"),
            Err(_) => tracing::warn!(admin = %admin, "series window roll timed out"),
        }
        outcome
    }

    async fn sync_friends(&self, admin: KakaoUserId) -> AdminOutcome {
        match tokio::time::timeout(self.admin_timeout, self.sync.sync_admin(admin)).await {
            Ok(Ok(report)) => AdminOutcome::Synced(report),
            Ok(Err(error)) => AdminOutcome::Failed(error),
            Err(_elapsed) => {
                tracing::warn!(
                    admin = %admin,
                    timeout_s = self.admin_timeout.as_secs(),
                    "friend sync timed out; the daily run goes on"
                );
                // Nothing was half-written to the friend list unless the write had begun, and
                // a later sync completes that. Say so on the dashboard (best effort).
                let report = store::model::SyncReport::failed(
                    self.sync.now(),
                    "timed out; the next sync will try again".to_owned(),
                );
                if let Err(error) = self.store.record_sync(admin, &report).await {
                    tracing::warn!(admin = %admin, %error, "could not record the timed-out sync");
                }
                AdminOutcome::TimedOut
            }
        }
    }
}

impl std::fmt::Debug for DailyRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The store has no Debug of its own; it is named, not shown.
        f.debug_struct("DailyRun")
            .field("sync", &self.sync)
            .field("concurrency", &self.concurrency)
            .field("admin_timeout", &self.admin_timeout)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_through_json() {
        let cursor = DailyCursor {
            pending: vec![KakaoUserId::new(5).unwrap()],
            listing: Listing::After {
                cursor: PageCursor::new("opaque"),
            },
            hops: 2,
        };
        let json = serde_json::to_string(&cursor).unwrap();
        assert_eq!(
            json,
            r#"{"pending":[5],"listing":{"at":"after","cursor":"opaque"},"hops":2}"#
        );
        assert_eq!(serde_json::from_str::<DailyCursor>(&json).unwrap(), cursor);
        assert_eq!(
            serde_json::from_str::<DailyCursor>("{}").unwrap(),
            DailyCursor::default()
        );
    }
}
