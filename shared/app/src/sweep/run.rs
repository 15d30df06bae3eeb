//! [`Sweeper`]: one sweep over the due index, meetings visited with bounded concurrency inside a
//! time budget.

use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use store::model::DueMeeting;

use super::admins::AdminCache;
use super::error::{CrashHook, CrashPoint, SweepError};
use super::report::SweepReport;
use super::settings::SweepSettings;
use super::visit::visit;
use crate::services::Services;

/// What every step of a sweep shares.
pub(crate) struct Ctx<'a> {
    pub services: &'a Services,
    pub settings: &'a SweepSettings,
    pub crash: &'a CrashHook,
}

/// The reminder sweep over some services. Cheap to clone.
#[derive(Clone)]
pub struct Sweeper {
    services: Services,
    settings: Arc<SweepSettings>,
    crash: CrashHook,
}

impl std::fmt::Debug for Sweeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sweeper")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Sweeper {
    pub fn new(services: Services, settings: SweepSettings) -> Self {
        Self {
            services,
            settings: Arc::new(settings),
            crash: CrashHook::default(),
        }
    }

    pub fn settings(&self) -> &SweepSettings {
        &self.settings
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// The same sweeper with another time budget (a Lambda invocation's time left).
    pub fn with_budget(&self, budget: std::time::Duration) -> Sweeper {
        let mut settings = (*self.settings).clone();
        settings.budget = budget;
        Sweeper {
            services: self.services.clone(),
            settings: Arc::new(settings),
            crash: self.crash.clone(),
        }
    }

    /// For tests: the next time this sweeper (or a clone) reaches `point`, it stops there as a
    /// crashed process would, and the call returns [`SweepError::Crashed`].
    pub fn crash_once_at(&self, point: CrashPoint) {
        self.crash.arm(point);
    }

    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            services: &self.services,
            settings: &self.settings,
            crash: &self.crash,
        }
    }

    pub(crate) fn admin_cache(&self) -> AdminCache {
        AdminCache::new(self.services.store.clone(), self.settings.round_summary)
    }

    /// One sweep: every meeting whose round is due by now (one due-index query per shard), each
    /// visited once. A meeting whose visit fails stays due for the next sweep; only an unreadable
    /// due index (every shard) fails the sweep.
    pub async fn run_once(&self) -> Result<SweepReport, SweepError> {
        let started = Instant::now();
        let store = &self.services.store;
        let now = self.services.clock.now();
        let mut due: Vec<DueMeeting> = Vec::new();
        let mut last_error = None;
        let shards = store.due_shards();
        for shard in shards.all() {
            match store.due_meetings(shard, now, self.settings.due_limit).await {
                Ok(found) => due.extend(found),
                Err(error) => {
                    tracing::error!(shard = shard.get(), %error, "could not read a due-index shard");
                    last_error = Some(error);
                }
            }
        }
        if due.is_empty()
            && let Some(error) = last_error
        {
            return Err(SweepError::DueIndexUnreadable(error));
        }
        due.sort_by_key(|d| d.next.due_at);

        let mut report = SweepReport {
            due: due.len(),
            ..SweepReport::default()
        };
        let cache = self.admin_cache();
        let ctx = self.ctx();
        let budget = self.settings.budget;
        let mut visits = futures::stream::iter(due)
            .map(|entry| {
                let (ctx, cache) = (&ctx, &cache);
                async move {
                    if started.elapsed() > budget {
                        return Ok(SweepReport {
                            deferred: 1,
                            ..SweepReport::default()
                        });
                    }
                    let (admin, meeting) = (entry.admin, entry.meeting);
                    visit(ctx, cache, entry)
                        .await
                        .map_err(|error| (admin, meeting, error))
                }
            })
            .buffer_unordered(self.settings.concurrency.max(1));
        let mut crashed = None;
        while let Some(result) = visits.next().await {
            match result {
                Ok(visited) => report.merge(visited),
                Err((_, _, SweepError::Crashed(point))) => crashed = Some(point),
                Err((admin, meeting, error)) => {
                    tracing::error!(admin = %admin, meeting = %meeting, error = %error, source = ?std::error::Error::source(&error), "a meeting's visit failed; it stays due");
                    report.errors += 1;
                }
            }
        }
        if let Some(point) = crashed {
            return Err(SweepError::Crashed(point));
        }
        report.log();
        Ok(report)
    }
}
