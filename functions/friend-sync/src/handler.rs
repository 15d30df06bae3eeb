//! The function's handler: parse the invocation, then sync one admin or run (a leg of) the daily
//! run, handing over to a fresh invocation with a cursor when the Lambda deadline nears.
//!
//! Failure policy: a transient failure of an on-demand sync is returned as an error, so Lambda's
//! asynchronous retries try again later; a permanent one (needs login, needs consent) is a normal
//! result, since retrying cannot help. The daily run never fails for one admin; it fails only if
//! the admins cannot be listed or the hand-over cannot be queued.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use app::Services;
use app::sync::{DailyProgress, DailyTally, SyncError, SyncRequest, SyncedAdmin, TimeBudget, TriggerError};
use domain::KakaoUserId;
use lambda_runtime::{Context, Diagnostic, LambdaEvent};
use serde::Serialize;
use serde_json::Value;
use store::StoreError;

use crate::continuation::Continuation;
use crate::metrics;
use crate::payload::{ContinueDaily, Invocation, PayloadError};

/// Hand-overs one daily run may make before it is stopped as a runaway (at 10,000 admins a run
/// needs a handful).
pub const MAX_HOPS: u32 = 100;

/// What an invocation did (the function's JSON result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Outcome {
    Synced {
        #[serde(flatten)]
        report: SyncedAdmin,
    },
    NotSynced {
        admin: KakaoUserId,
        failure: &'static str,
        reason: String,
    },
    Daily {
        tally: DailyTally,
        /// `false` when the run handed over to another invocation.
        finished: bool,
        hops: u32,
    },
    /// A pass over the unfinished deletions of unlinked users' data.
    Deletions { finished: usize, still_pending: usize },
}

/// Why an invocation failed.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("the invocation payload was not understood")]
    Payload(#[from] PayloadError),
    #[error("the sync failed and may pass on a retry")]
    Sync(#[source] SyncError),
    #[error("the daily run could not list admins")]
    Listing(#[source] StoreError),
    #[error("the daily run could not hand over to the next invocation")]
    Continue(#[source] TriggerError),
    #[error("the daily run was continued {0} times; stopped as a runaway")]
    TooManyHops(u32),
    #[error("the unfinished deletions could not be listed")]
    Deletions(#[source] StoreError),
}

impl HandlerError {
    fn kind(&self) -> &'static str {
        match self {
            HandlerError::Payload(_) => "Payload",
            HandlerError::Sync(_) => "SyncFailed",
            HandlerError::Listing(_) => "ListingFailed",
            HandlerError::Continue(_) => "ContinueFailed",
            HandlerError::TooManyHops(_) => "TooManyHops",
            HandlerError::Deletions(_) => "DeletionsUnlisted",
        }
    }
}

impl From<HandlerError> for Diagnostic {
    fn from(error: HandlerError) -> Diagnostic {
        // The whole cause chain: these errors carry no tokens or response bodies.
        let mut message = error.to_string();
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            message.push_str(": ");
            message.push_str(&inner.to_string());
            cause = inner.source();
        }
        Diagnostic {
            error_type: error.kind().to_owned(),
            error_message: message,
        }
    }
}

/// Time left before the invocation's deadline.
#[derive(Debug, Clone, Copy)]
pub struct LambdaDeadline(pub SystemTime);

impl LambdaDeadline {
    pub fn of(context: &Context) -> Self {
        Self(context.deadline())
    }
}

impl TimeBudget for LambdaDeadline {
    fn remaining(&self) -> Duration {
        self.0.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO)
    }
}

/// The friend-sync function over the shared services. Cheap to clone.
#[derive(Clone)]
pub struct FriendSyncFunction {
    services: Services,
    continuation: Arc<dyn Continuation>,
}

impl FriendSyncFunction {
    pub fn new(services: Services, continuation: Arc<dyn Continuation>) -> Self {
        Self {
            services,
            continuation,
        }
    }

    /// The handler as a `lambda_runtime` service.
    pub fn service(
        self,
    ) -> impl lambda_runtime::Service<LambdaEvent<Value>, Response = Outcome, Error = HandlerError> {
        lambda_runtime::service_fn(move |event: LambdaEvent<Value>| {
            let function = self.clone();
            async move { function.handle(event).await }
        })
    }

    pub async fn handle(&self, event: LambdaEvent<Value>) -> Result<Outcome, HandlerError> {
        let LambdaEvent { payload, context } = event;
        let invocation = Invocation::parse(payload).inspect_err(|error| {
            tracing::error!(%error, request_id = %context.request_id, "unrecognised invocation");
        })?;
        let budget = LambdaDeadline::of(&context);
        match invocation {
            Invocation::Admin(request) => self.sync_admin(request).await,
            Invocation::Daily(schedule) => {
                tracing::info!(
                    scheduled_time = %schedule.scheduled_time,
                    execution_id = %schedule.execution_id,
                    attempt = schedule.attempt,
                    "daily friend sync starting"
                );
                let run = ContinueDaily {
                    execution_id: schedule.execution_id,
                    scheduled_time: schedule.scheduled_time,
                    cursor: Default::default(),
                };
                self.daily(run, &context.invoked_function_arn, &budget).await
            }
            Invocation::FinishDeletions(schedule) => {
                tracing::info!(scheduled_time = %schedule.scheduled_time, "finishing unfinished deletions");
                self.finish_deletions().await
            }
            Invocation::Continue(run) => {
                tracing::info!(
                    execution_id = %run.execution_id,
                    hops = run.cursor.hops,
                    pending = run.cursor.pending.len(),
                    "daily friend sync continuing"
                );
                self.daily(run, &context.invoked_function_arn, &budget).await
            }
        }
    }

    /// Finishes what the unlink webhook could not; `PendingDeletions` (still unfinished after
    /// the pass) is what the alarm watches.
    async fn finish_deletions(&self) -> Result<Outcome, HandlerError> {
        let now = self.services.clock.now();
        let pass = app::unlink::finish_pending_deletions(&*self.services.store, now)
            .await
            .map_err(HandlerError::Deletions)?;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        metrics::emit(
            now,
            &[
                ("DeletionsFinished", count(pass.finished)),
                ("PendingDeletions", count(pass.still_pending)),
            ],
        );
        Ok(Outcome::Deletions {
            finished: pass.finished,
            still_pending: pass.still_pending,
        })
    }

    async fn sync_admin(&self, request: SyncRequest) -> Result<Outcome, HandlerError> {
        let admin = request.admin_id;
        tracing::info!(admin = %admin, reason = %request.reason, "friend sync requested");
        let result = self.services.friend_sync().sync_admin(admin).await;
        let now = self.services.clock.now();
        match result {
            Ok(report) => {
                metrics::emit(now, &[("FriendSyncSucceeded", 1)]);
                Ok(Outcome::Synced { report })
            }
            Err(error) => {
                metrics::emit(now, &[("FriendSyncFailed", 1)]);
                if error.is_transient() {
                    Err(HandlerError::Sync(error))
                } else {
                    Ok(Outcome::NotSynced {
                        admin,
                        failure: error.kind(),
                        reason: error.dashboard_reason(),
                    })
                }
            }
        }
    }

    async fn daily(
        &self,
        run: ContinueDaily,
        function: &str,
        budget: &dyn TimeBudget,
    ) -> Result<Outcome, HandlerError> {
        let hops = run.cursor.hops;
        if hops > MAX_HOPS {
            tracing::error!(hops, execution_id = %run.execution_id, "daily friend sync stopped as a runaway");
            return Err(HandlerError::TooManyHops(hops));
        }
        let daily = self.services.daily_run();
        if budget.remaining() < daily.reserve() {
            tracing::error!(
                remaining_s = budget.remaining().as_secs(),
                reserve_s = daily.reserve().as_secs(),
                "less time than one admin's sync may take: raise the function timeout or lower \
                 SYNC_ADMIN_TIMEOUT_SECS (this leg syncs one admin and hands over)"
            );
        }
        let progress = daily
            .run(run.cursor.clone(), budget)
            .await
            .map_err(HandlerError::Listing)?;
        let tally = *progress.tally();
        metrics::emit(
            self.services.clock.now(),
            &[
                ("FriendSyncSucceeded", tally.succeeded),
                ("FriendSyncFailed", tally.failed),
                ("FriendSyncTimedOut", tally.timed_out),
                ("FriendSyncNeedsLogin", tally.needs_login),
                ("FriendSyncNeedsConsent", tally.needs_consent),
            ],
        );
        match progress {
            DailyProgress::Finished { tally } => {
                tracing::info!(?tally, hops, execution_id = %run.execution_id, "daily friend sync finished");
                Ok(Outcome::Daily {
                    tally,
                    finished: true,
                    hops,
                })
            }
            DailyProgress::Paused { tally, cursor } => {
                let next = ContinueDaily { cursor, ..run };
                tracing::info!(
                    ?tally,
                    hops = next.cursor.hops,
                    pending = next.cursor.pending.len(),
                    "daily friend sync handing over before the deadline"
                );
                self.continuation
                    .continue_daily(function, &next)
                    .await
                    .map_err(HandlerError::Continue)?;
                Ok(Outcome::Daily {
                    tally,
                    finished: false,
                    hops,
                })
            }
        }
    }
}
