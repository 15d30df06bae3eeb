//! The sweep's top layer, [`Sweeper`]: one sweep over the due index, each admin read once with
//! all their due meetings, meetings visited (`round`) with bounded concurrency inside a time
//! budget.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use domain::{KakaoUserId, MeetingId};
use futures::StreamExt;
use store::api::MeetingState;
use store::model::{DueMeeting, Meeting};

use super::admins::{AdminCache, AdminContext};
use super::context::Ctx;
use super::error::{CrashPoint, SweepError, store};
use super::report::SweepReport;
use super::round::visit;
use super::settings::SweepSettings;
use crate::delivery::CrashHook;
use crate::services::Services;

/// One due entry's part in a sweep.
enum Work {
    /// The entry, its admin, and the meeting with its state (`None`: the meeting is gone).
    Visit(
        DueMeeting,
        Arc<AdminContext>,
        Option<Box<(Meeting, MeetingState)>>,
    ),
    /// Out of time before its admin was read.
    Deferred,
    /// Its admin's read failed (logged once for the admin); it stays due.
    Unread,
}

/// The due entries grouped by admin, each group in due order, groups in order of their first
/// entry.
fn by_admin(due: Vec<DueMeeting>) -> Vec<(KakaoUserId, Vec<DueMeeting>)> {
    let mut groups: Vec<(KakaoUserId, Vec<DueMeeting>)> = Vec::new();
    let mut at: HashMap<KakaoUserId, usize> = HashMap::new();
    for entry in due {
        match at.get(&entry.admin) {
            Some(&i) => groups[i].1.push(entry),
            None => {
                at.insert(entry.admin, groups.len());
                groups.push((entry.admin, vec![entry]));
            }
        }
    }
    groups
}

/// One admin's due meetings and this sweep's view of the admin, in the store's fewest reads.
async fn read_admin(
    ctx: &Ctx<'_>,
    cache: &AdminCache,
    admin: KakaoUserId,
    entries: &[DueMeeting],
) -> Result<(Arc<AdminContext>, HashMap<MeetingId, (Meeting, MeetingState)>), SweepError> {
    let read = ctx
        .services
        .store
        .admin_sweep_read(
            admin,
            entries,
            ctx.settings.tracked_base().is_some(),
            ctx.services.clock.now(),
        )
        .await
        .map_err(store("reading the admin and their due meetings"))?;
    let token = read.tokens.as_ref().and_then(|t| ctx.services.tokens.usable(t));
    let admin_cx = cache.seed(admin, &read, token);
    let meetings = read
        .meetings
        .into_iter()
        .map(|(meeting, state)| (meeting.id, (meeting, state)))
        .collect();
    Ok((admin_cx, meetings))
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

    /// One sweep: every meeting whose round is due by now (earliest first, at most `due_limit`),
    /// each visited once, each admin read once (with all of their due meetings). A meeting whose
    /// visit fails stays due for the next sweep; only an unreadable due index fails the sweep.
    pub async fn run_once(&self) -> Result<SweepReport, SweepError> {
        let started = Instant::now();
        let store = &self.services.store;
        let now = self.services.clock.now();
        let found = store
            .due_meetings(now, self.settings.due_limit)
            .await
            .map_err(SweepError::DueIndexUnreadable)?;
        let (due, unreadable_rows) = (found.due, found.unreadable);

        let mut report = SweepReport {
            due: due.len(),
            unreadable_rows,
            ..SweepReport::default()
        };
        let cache = self.admin_cache();
        let groups = by_admin(due);
        if !groups.is_empty() {
            let admins: Vec<KakaoUserId> = groups.iter().map(|(admin, _)| *admin).collect();
            if let Some(stop) = crate::kakao_app::sending_stop(&self.services, &admins).await {
                cache.app_stopped(stop);
                report.kakao_app_stopped = true;
            }
        }
        let ctx = self.ctx();
        let budget = self.settings.budget;
        let concurrency = self.settings.concurrency.max(1);
        // One read per admin (their due meetings' state and everything the planner needs about
        // them, batched), taken just before that admin's meetings are visited.
        let mut visits = futures::stream::iter(groups)
            .map(|(admin, entries)| {
                let (ctx, cache) = (&ctx, &cache);
                async move {
                    if started.elapsed() > budget {
                        return entries.iter().map(|_| Work::Deferred).collect::<Vec<_>>();
                    }
                    match read_admin(ctx, cache, admin, &entries).await {
                        Ok((admin_cx, mut meetings)) => entries
                            .into_iter()
                            .map(|entry| {
                                let found = meetings.remove(&entry.meeting).map(Box::new);
                                Work::Visit(entry, admin_cx.clone(), found)
                            })
                            .collect(),
                        Err(error) => {
                            tracing::error!(admin = %admin, error = %error, source = ?std::error::Error::source(&error), "could not read an admin's due meetings; they stay due");
                            entries.into_iter().map(|_| Work::Unread).collect()
                        }
                    }
                }
            })
            .buffered(2)
            .flat_map(futures::stream::iter)
            .map(|work| {
                let (ctx, cache) = (&ctx, &cache);
                async move {
                    let (entry, admin_cx, found) = match work {
                        Work::Visit(entry, admin_cx, found) => (entry, admin_cx, found),
                        Work::Deferred => {
                            return Ok(SweepReport {
                                deferred: 1,
                                ..SweepReport::default()
                            });
                        }
                        Work::Unread => {
                            return Ok(SweepReport {
                                errors: 1,
                                ..SweepReport::default()
                            });
                        }
                    };
                    if started.elapsed() > budget {
                        return Ok(SweepReport {
                            deferred: 1,
                            ..SweepReport::default()
                        });
                    }
                    let (admin, meeting) = (entry.admin, entry.meeting);
                    visit(ctx, cache, entry, admin_cx, found.map(|b| *b))
                        .await
                        .map_err(|error| (admin, meeting, error))
                }
            })
            .buffer_unordered(concurrency);
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
        drop(visits);
        report.kakao_app_stopped |= cache.is_app_stopped();
        if let Some(point) = crashed {
            return Err(SweepError::Crashed(point));
        }
        report.log();
        Ok(report)
    }
}
