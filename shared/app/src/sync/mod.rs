//! Friend sync: the core that syncs one admin, the triggers that ask for it, the daily run over
//! every active admin, and the local loop that starts the daily run.
//!
//! - [`friend_sync`]: [`FriendSync::sync_admin`], read every page, then write only changes.
//! - [`trigger`]: [`SyncTrigger`] with a local (tokio task) and a Lambda (`Event` invoke) form.
//! - [`daily`]: [`DailyRun`], bounded concurrency inside a time budget, resumable by cursor.
//! - [`local_loop`]: [`run_daily_loop`], the daily timer of the one-process run.

pub mod daily;
pub mod friend_sync;
pub mod local_loop;
pub mod trigger;

pub use daily::{DailyCursor, DailyProgress, DailyRun, DailyTally, Listing, TimeBudget, Unlimited};
pub use friend_sync::{FriendSync, SyncError, SyncedAdmin};
pub use local_loop::{next_daily_run, run_daily_loop, wait_until};
pub use trigger::{LambdaSyncTrigger, LocalSyncTrigger, SyncReason, SyncRequest, SyncTrigger, TriggerError};
