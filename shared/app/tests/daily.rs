//! The daily run against the Kakao sandbox, on SQLite and DynamoDB: every active admin synced
//! with bounded concurrency, inactive admins skipped, one admin's failure not stopping the
//! others, a run paused by its time budget and continued from its cursor (each admin exactly
//! once), and the local loop starting the run when the clock reaches the daily time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use app::sync::{DailyCursor, DailyProgress, DailyRun, TimeBudget, next_daily_run, wait_until};
use app::testing::{Backend, Scenario};
use chrono::NaiveTime;
use domain::{Clock, KakaoUserId};
use kakao_sandbox::World;
use store::model::{AdminStatus, SyncOutcome};

/// Admin 1000 plus users 1001..=1000+extra logged in as admins too (each has admin 1000 as
/// their one friend; admin 1000 has all of them).
async fn many_admins(extra: i64, backend: Backend) -> Option<Scenario> {
    let scenario = Scenario::start(World::with_friends(extra as usize), backend).await?;
    for user in 1000..=1000 + extra {
        scenario.login_admin(user).await;
    }
    Some(scenario)
}

fn daily(s: &Scenario, concurrency: usize, page_size: usize) -> DailyRun {
    DailyRun::new(
        s.services.friend_sync(),
        s.store.store.clone(),
        concurrency,
        Duration::from_secs(60),
    )
    .with_page_size(page_size)
}

async fn outcome_of(s: &Scenario, admin: i64) -> Option<SyncOutcome> {
    s.store
        .store
        .last_sync(KakaoUserId::new(admin).unwrap())
        .await
        .unwrap()
        .map(|r| r.outcome)
}

async fn every_active_admin_is_synced_and_one_failure_stops_no_one(backend: Backend) {
    let Some(s) = many_admins(10, backend).await else {
        return;
    };
    let now = s.clock.now();
    // 1005 is waiting for a login: not active, not synced. 1003 unlinked the app at Kakao.
    s.store
        .store
        .set_admin_status(Scenario::user(1005), AdminStatus::NeedsLogin, now)
        .await
        .unwrap();
    s.unlink_at_kakao(1003).await;
    let progress = daily(&s, 3, 4)
        .run(DailyCursor::default(), &app::sync::Unlimited)
        .await
        .unwrap();
    let DailyProgress::Finished { tally } = progress else {
        panic!("an unlimited run finishes: {progress:?}")
    };
    assert_eq!((tally.succeeded, tally.failed, tally.needs_login), (9, 1, 1));
    assert_eq!(outcome_of(&s, 1005).await, None, "inactive admins are skipped");
    assert_eq!(
        outcome_of(&s, 1003).await,
        Some(SyncOutcome::Failed {
            reason: "needs login".into()
        })
    );
    for admin in [1000, 1001, 1002, 1004, 1006, 1010] {
        assert_eq!(
            outcome_of(&s, admin).await,
            Some(SyncOutcome::Succeeded),
            "admin {admin}"
        );
    }
    assert_eq!(
        tally.friends_added,
        9 + 8,
        "admin 1000's friends but the unlinked one, and one each for the other eight"
    );
}

/// Says there is plenty of time for the first `allowed` questions, then none.
struct Countdown {
    asked: AtomicUsize,
    allowed: usize,
}

impl TimeBudget for Countdown {
    fn remaining(&self) -> Duration {
        if self.asked.fetch_add(1, Ordering::SeqCst) < self.allowed {
            Duration::from_secs(900)
        } else {
            Duration::ZERO
        }
    }
}

async fn a_run_out_of_time_continues_from_its_cursor_and_syncs_each_admin_once(backend: Backend) {
    let Some(s) = many_admins(12, backend).await else {
        return;
    };
    let run = daily(&s, 2, 5);
    let requests = s.kakao_requests().await;
    let mut cursor = DailyCursor::default();
    let mut legs = 0;
    let mut succeeded = 0;
    loop {
        legs += 1;
        assert!(legs <= 20, "the run must end");
        let budget = Countdown {
            asked: AtomicUsize::new(0),
            allowed: 4,
        };
        match run.run(cursor.clone(), &budget).await.unwrap() {
            DailyProgress::Finished { tally } => {
                succeeded += tally.succeeded;
                break;
            }
            DailyProgress::Paused { tally, cursor: next } => {
                succeeded += tally.succeeded;
                assert_eq!(next.hops, cursor.hops + 1);
                // The cursor travels as JSON in the continuation payload.
                let json = serde_json::to_string(&next).unwrap();
                cursor = serde_json::from_str(&json).unwrap();
            }
        }
    }
    assert!(legs >= 3, "13 admins at 4 per leg take several legs, not {legs}");
    assert_eq!(succeeded, 13, "every admin once");
    assert_eq!(
        s.kakao_requests().await - requests,
        13,
        "one friends page per admin, no admin twice"
    );
}

async fn the_local_loop_runs_when_the_clock_reaches_the_daily_time(backend: Backend) {
    let Some(s) = many_admins(2, backend).await else {
        return;
    };
    let at = NaiveTime::from_hms_opt(4, 30, 0).unwrap();
    let next = next_daily_run(s.clock.now(), at);
    s.clock.set(next - chrono::Duration::minutes(1));
    let clock = Arc::new(s.clock.clone());
    let run = s.services.daily_run();
    let waiting = tokio::spawn(async move {
        wait_until(clock.as_ref(), next, Duration::from_millis(5)).await;
        run.run_to_end().await
    });
    assert_eq!(outcome_of(&s, 1000).await, None, "nothing before the daily time");
    s.advance(chrono::Duration::minutes(2));
    let tally = waiting.await.unwrap().unwrap();
    assert_eq!(tally.succeeded, 3);
    assert_eq!(outcome_of(&s, 1000).await, Some(SyncOutcome::Succeeded));
}

app::on_both_backends!(
    every_active_admin_is_synced_and_one_failure_stops_no_one,
    a_run_out_of_time_continues_from_its_cursor_and_syncs_each_admin_once,
    the_local_loop_runs_when_the_clock_reaches_the_daily_time,
);
