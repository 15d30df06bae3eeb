//! Forgetting a user who unlinked at Kakao: noted first, so a deletion the store stops part-way
//! is finished later by a pass (or by the user's own next login), and never deletes what a new
//! login wrote. The store's refusals come from the DynamoDB test server's faults.

use app::testing::{Backend, Scenario};
use app::unlink::{DeletionPass, ForgetError, finish_before_login, finish_pending_deletions, forget};
use chrono::Duration;
use domain::Clock;
use kakao_sandbox::World;
use store::dynamo::test_server::{FaultRates, Faults};
use store::model::ClientStatus;

/// Every DeleteItem refused (throttled until the store gives up); everything else works.
fn deletes_refused() -> Faults {
    Faults {
        rates: FaultRates {
            throttle: 1.0,
            ..FaultRates::default()
        },
        fault_ops: Some(vec!["DeleteItem"]),
        ..Faults::default()
    }
}

async fn a_deletion_is_noted_and_gone_when_done(backend: Backend) {
    let Some(s) = Scenario::start(World::with_friends(2), backend).await else {
        return;
    };
    s.login_admin(Scenario::ADMIN).await;
    let store = &*s.store.store;
    let now = s.clock.now();
    forget(store, Scenario::admin(), now).await.unwrap();
    assert!(
        store
            .get_admin(Scenario::admin())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(store.pending_admin_deletions(10).await.unwrap(), vec![]);
    let client = store.get_client(Scenario::admin()).await.unwrap().unwrap();
    assert_eq!(client.status, ClientStatus::Unlinked);
    assert_eq!(
        finish_pending_deletions(store, now).await.unwrap(),
        DeletionPass::default()
    );
}

/// DynamoDB refuses every delete: the webhook's deletion stops part-way, stays noted, and the
/// next pass (once DynamoDB answers again) finishes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deletion_the_store_stopped_is_finished_by_the_next_pass() {
    let Some(s) = Scenario::start(World::with_friends(2), Backend::Dynamo).await else {
        return;
    };
    s.login_admin(Scenario::ADMIN).await;
    let store = &*s.store.store;
    let control = s.store.fault_control().unwrap();
    let unlinked_at = s.clock.now();

    control.set(&deletes_refused()).await;
    let error = forget(store, Scenario::admin(), unlinked_at).await.unwrap_err();
    assert!(matches!(error, ForgetError::Unfinished(_)), "{error:?}");
    let pending = store.pending_admin_deletions(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].admin, pending[0].since),
        (Scenario::admin(), unlinked_at)
    );

    // Still refused: the pass says so and keeps it.
    s.advance(Duration::minutes(10));
    let pass = finish_pending_deletions(store, s.clock.now()).await.unwrap();
    assert_eq!((pass.finished, pass.still_pending), (0, 1));

    control.clear().await;
    s.advance(Duration::minutes(10));
    let pass = finish_pending_deletions(store, s.clock.now()).await.unwrap();
    assert_eq!((pass.finished, pass.still_pending), (1, 0));
    assert!(
        store
            .get_admin(Scenario::admin())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .get_tokens(Scenario::admin())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .list_friends(Scenario::admin(), true)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.pending_admin_deletions(10).await.unwrap(), vec![]);
}

/// The admin logs in again before the pass came: the old data goes first, and a later pass
/// finds nothing to delete (the new login survives).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_login_finishes_an_unfinished_deletion_before_writing() {
    let Some(s) = Scenario::start(World::with_friends(2), Backend::Dynamo).await else {
        return;
    };
    s.login_admin(Scenario::ADMIN).await;
    let store = &*s.store.store;
    let control = s.store.fault_control().unwrap();
    control.set(&deletes_refused()).await;
    forget(store, Scenario::admin(), s.clock.now()).await.unwrap_err();
    control.clear().await;

    s.advance(Duration::minutes(3));
    finish_before_login(store, Scenario::admin(), s.clock.now())
        .await
        .unwrap();
    assert_eq!(
        store.pending_admin_deletion(Scenario::admin()).await.unwrap(),
        None
    );
    s.login_admin(Scenario::ADMIN).await;
    let pass = finish_pending_deletions(store, s.clock.now()).await.unwrap();
    assert_eq!(pass, DeletionPass::default());
    assert!(
        store.get_admin(Scenario::admin()).await.is_ok(),
        "the new login stays"
    );
}

app::on_both_backends!(a_deletion_is_noted_and_gone_when_done);
