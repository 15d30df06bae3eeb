//! The handler against the Kakao sandbox, on SQLite and DynamoDB: an after-login sync, a sync
//! that cannot succeed (a normal result) and one that may (an error, so Lambda retries), the
//! daily run from the Scheduler's payload, and a daily run that reaches its deadline, hands over
//! with a cursor and finishes in the next invocation with every admin synced once.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::sync::TriggerError;
use app::testing::{Backend, Scenario};
use async_trait::async_trait;
use domain::Clock as _;
use friend_sync::{Continuation, ContinueDaily, FriendSyncFunction, HandlerError, Outcome};
use kakao_sandbox::World;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{Value, json};
use store::model::SyncOutcome;

const FIXTURE: &str = include_str!("fixtures/schedule_v2_daily.json");
const FUNCTION_ARN: &str = "arn:aws:lambda:ap-northeast-2:123456789012:function:ttokttok-friend-sync";

/// Records hand-overs instead of invoking Lambda.
#[derive(Default)]
struct Recorded(Mutex<Vec<(String, ContinueDaily)>>);

#[async_trait]
impl Continuation for Recorded {
    async fn continue_daily(&self, function: &str, next: &ContinueDaily) -> Result<(), TriggerError> {
        self.0.lock().unwrap().push((function.to_owned(), next.clone()));
        Ok(())
    }
}

impl Recorded {
    fn take(&self) -> Vec<(String, ContinueDaily)> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn event(payload: Value, time_left: Duration) -> LambdaEvent<Value> {
    let deadline = SystemTime::now() + time_left;
    let mut context = Context::default();
    context.request_id = "test-request".into();
    context.invoked_function_arn = FUNCTION_ARN.into();
    context.deadline = deadline.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    LambdaEvent::new(payload, context)
}

const PLENTY: Duration = Duration::from_secs(900);

async fn function(s: &Scenario) -> (FriendSyncFunction, Arc<Recorded>) {
    let recorded = Arc::new(Recorded::default());
    (
        FriendSyncFunction::new(s.services.clone(), recorded.clone()),
        recorded,
    )
}

async fn an_after_login_invoke_syncs_the_admin(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(120), backend).await else {
        return;
    };
    s.login_admin(Scenario::ADMIN).await;
    let (function, _) = function(&s).await;
    let payload = json!({"admin_id": Scenario::ADMIN, "reason": "after_login"});
    let outcome = function.handle(event(payload, PLENTY)).await.unwrap();
    let Outcome::Synced { report } = &outcome else {
        panic!("synced: {outcome:?}")
    };
    assert_eq!((report.listed, report.counts.added), (120, 120));
    let result = serde_json::to_value(&outcome).unwrap();
    assert_eq!(result["result"], "synced");
    assert_eq!(result["listed"], 120);
}

async fn a_sync_that_cannot_succeed_is_a_result_not_a_retry(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(3), backend).await else {
        return;
    };
    s.login_admin(Scenario::ADMIN).await;
    s.set_consent(Scenario::ADMIN, &["profile_nickname"]).await;
    let (function, _) = function(&s).await;
    let outcome = function
        .handle(event(json!({"admin_id": Scenario::ADMIN}), PLENTY))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::NotSynced {
            admin: Scenario::admin(),
            failure: "needs_consent",
            reason: "needs consent: friends".into()
        }
    );
}

async fn a_sync_that_may_pass_later_fails_so_lambda_retries(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(3), backend).await else {
        return;
    };
    s.login_admin(Scenario::ADMIN).await;
    s.fault(json!({"path": "/v1/api/talk/friends", "status": 503}))
        .await;
    let (function, _) = function(&s).await;
    let error = function
        .handle(event(json!({"admin_id": Scenario::ADMIN}), PLENTY))
        .await
        .unwrap_err();
    assert!(matches!(error, HandlerError::Sync(_)), "{error:?}");
    let diagnostic = lambda_runtime::Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "SyncFailed");
    assert!(
        diagnostic.error_message.contains("Kakao"),
        "{}",
        diagnostic.error_message
    );
}

async fn the_schedulers_daily_payload_syncs_every_active_admin(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(6), backend).await else {
        return;
    };
    for admin in 1000..=1006 {
        s.login_admin(admin).await;
    }
    let (function, recorded) = function(&s).await;
    let payload: Value = serde_json::from_str(FIXTURE).unwrap();
    let outcome = function.handle(event(payload, PLENTY)).await.unwrap();
    let Outcome::Daily {
        tally,
        finished,
        hops,
    } = outcome
    else {
        panic!("a daily run: {outcome:?}")
    };
    assert!(finished);
    assert_eq!((tally.succeeded, tally.failed, hops), (7, 0, 0));
    assert!(recorded.take().is_empty(), "no hand-over needed");
}

async fn a_daily_run_near_its_deadline_hands_over_and_finishes_next_time(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(9), backend).await else {
        return;
    };
    for admin in 1000..=1009 {
        s.login_admin(admin).await;
    }
    let (function, recorded) = function(&s).await;
    let requests = s.kakao_requests().await;
    // Less time than one admin's sync may take: this leg starts one admin and hands over.
    let payload: Value = serde_json::from_str(FIXTURE).unwrap();
    let first = function
        .handle(event(payload, Duration::from_secs(30)))
        .await
        .unwrap();
    let Outcome::Daily { tally, finished, .. } = first else {
        panic!("a daily run: {first:?}")
    };
    assert!(!finished);
    assert_eq!(tally.succeeded, 1);
    let mut handed = recorded.take();
    assert_eq!(handed.len(), 1);
    let (arn, next) = handed.remove(0);
    assert_eq!(arn, FUNCTION_ARN, "the same function (and version) continues");
    assert_eq!(next.execution_id, "d32c5kddcf5bb8c3");
    assert_eq!(next.cursor.hops, 1);
    // The next invocation gets the hand-over payload and enough time.
    let second = function.handle(event(next.to_payload(), PLENTY)).await.unwrap();
    let Outcome::Daily {
        tally,
        finished,
        hops,
    } = second
    else {
        panic!("a daily run: {second:?}")
    };
    assert!(finished);
    assert_eq!((tally.succeeded, hops), (9, 1));
    assert_eq!(
        s.kakao_requests().await - requests,
        10,
        "one page per admin, nobody twice"
    );
    for admin in 1000..=1009 {
        let last = s
            .store
            .store
            .last_sync(Scenario::user(admin))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(last.outcome, SyncOutcome::Succeeded);
    }
}

async fn a_runaway_daily_run_is_stopped(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(1), backend).await else {
        return;
    };
    let (function, _) = function(&s).await;
    let payload = json!({"continue_daily": {
        "execution_id": "x", "scheduled_time": "2026-11-20T19:30:00Z",
        "cursor": {"pending": [], "listing": {"at": "start"}, "hops": 101}
    }});
    let error = function.handle(event(payload, PLENTY)).await.unwrap_err();
    assert!(matches!(error, HandlerError::TooManyHops(101)), "{error:?}");
}

async fn an_unknown_payload_is_refused(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(1), backend).await else {
        return;
    };
    let (function, _) = function(&s).await;
    let error = function
        .handle(event(json!({"source": "aws.events"}), PLENTY))
        .await
        .unwrap_err();
    assert!(matches!(error, HandlerError::Payload(_)), "{error:?}");
}

/// The finish-deletions schedule takes up what the unlink webhook noted and could not finish.
async fn the_deletions_schedule_finishes_noted_deletions(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(3), backend).await else {
        return;
    };
    s.login_admin(Scenario::ADMIN).await;
    let store = &s.store.store;
    store
        .note_pending_deletion(Scenario::admin(), s.clock.now())
        .await
        .unwrap();
    let (function, _) = function(&s).await;
    let payload: Value = serde_json::from_str(
        &friend_sync::DELETIONS_SCHEDULE_INPUT
            .replace("<aws.scheduler.scheduled-time>", "2026-12-07T01:10:00Z"),
    )
    .unwrap();
    let outcome = function.handle(event(payload.clone(), PLENTY)).await.unwrap();
    assert_eq!(
        outcome,
        Outcome::Deletions {
            finished: 1,
            still_pending: 0
        }
    );
    assert!(
        store
            .get_admin(Scenario::admin())
            .await
            .unwrap_err()
            .is_not_found()
    );
    let again = function.handle(event(payload, PLENTY)).await.unwrap();
    assert_eq!(
        again,
        Outcome::Deletions {
            finished: 0,
            still_pending: 0
        }
    );
}

app::on_both_backends!(
    an_after_login_invoke_syncs_the_admin,
    a_sync_that_cannot_succeed_is_a_result_not_a_retry,
    a_sync_that_may_pass_later_fails_so_lambda_retries,
    the_schedulers_daily_payload_syncs_every_active_admin,
    a_daily_run_near_its_deadline_hands_over_and_finishes_next_time,
    a_runaway_daily_run_is_stopped,
    an_unknown_payload_is_refused,
    the_deletions_schedule_finishes_noted_deletions,
);
