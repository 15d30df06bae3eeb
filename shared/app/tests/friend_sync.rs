//! Friend sync against the Kakao sandbox, on SQLite and DynamoDB: first syncs of 0, 1, 100, 101
//! and 1,000 friends; an unchanged re-sync writes nothing; a friend removed, renamed or
//! starred; a refresh during the sync with and without rotation; two concurrent syncs; consent
//! withdrawn; a dead login; a fault on page 3 of 10 that leaves the old list intact; transient
//! faults retried; and the in-process trigger merging requests.

use app::sync::{SyncError, SyncReason, SyncedAdmin};
use app::testing::{Backend, Scenario};
use chrono::Duration;
use domain::FriendUuid;
use kakao_sandbox::World;
use secrecy::ExposeSecret;
use serde_json::json;
use store::model::{AdminStatus, FriendRecord, SyncOutcome};

const FRIENDS_PATH: &str = "/v1/api/talk/friends";

async fn scenario(friends: usize, backend: Backend) -> Option<Scenario> {
    let scenario = Scenario::start(World::with_friends(friends), backend).await?;
    scenario.login_admin(Scenario::ADMIN).await;
    Some(scenario)
}

async fn sync(s: &Scenario) -> Result<SyncedAdmin, SyncError> {
    s.services.friend_sync().sync_admin(Scenario::admin()).await
}

async fn friends(s: &Scenario, include_gone: bool) -> Vec<FriendRecord> {
    s.store
        .store
        .list_friends(Scenario::admin(), include_gone)
        .await
        .unwrap()
}

fn uuid_of(s: &Scenario, user: i64) -> FriendUuid {
    FriendUuid::parse(&s.world.user(user).unwrap().uuid).unwrap()
}

async fn status(s: &Scenario) -> AdminStatus {
    s.store.store.get_admin(Scenario::admin()).await.unwrap().status
}

async fn last_outcome(s: &Scenario) -> SyncOutcome {
    s.store
        .store
        .last_sync(Scenario::admin())
        .await
        .unwrap()
        .expect("a recorded sync")
        .outcome
}

/// A first sync lists every friend, one Kakao request per 100 friends (at least one).
async fn first_sync(n: usize, backend: Backend) {
    let Some(s) = scenario(n, backend).await else {
        return;
    };
    let before = s.kakao_requests().await;
    let report = sync(&s).await.unwrap();
    assert_eq!(s.kakao_requests().await - before, n.div_ceil(100).max(1) as u64);
    assert_eq!(report.listed, n);
    assert_eq!(report.counts.added as usize, n);
    assert_eq!((report.counts.changed, report.counts.gone), (0, 0));
    let stored = friends(&s, true).await;
    assert_eq!(stored.len(), n);
    for record in &stored {
        let user = s
            .world
            .users
            .iter()
            .find(|u| u.uuid == record.profile.uuid.as_str())
            .expect("every stored friend is a Kakao friend");
        assert_eq!(record.profile.nickname, user.nickname);
        assert_eq!(record.profile.kakao_id.map(|id| id.get()), Some(user.id));
        assert!(record.gone_at.is_none());
    }
    assert_eq!(last_outcome(&s).await, SyncOutcome::Succeeded);
    let recorded = s.store.store.last_sync(Scenario::admin()).await.unwrap().unwrap();
    assert_eq!(recorded.counts, report.counts);
    assert_eq!(recorded.at, report.at);
}

async fn a_first_sync_of_0_friends(backend: Backend) {
    first_sync(0, backend).await
}
async fn a_first_sync_of_1_friend(backend: Backend) {
    first_sync(1, backend).await
}
async fn a_first_sync_of_100_friends(backend: Backend) {
    first_sync(100, backend).await
}
async fn a_first_sync_of_101_friends(backend: Backend) {
    first_sync(101, backend).await
}
async fn a_first_sync_of_1000_friends(backend: Backend) {
    first_sync(1000, backend).await
}

async fn an_unchanged_resync_writes_nothing(backend: Backend) {
    let Some(s) = scenario(101, backend).await else {
        return;
    };
    sync(&s).await.unwrap();
    let before = friends(&s, true).await;
    let writes_before = s.store.dynamo_metrics();
    let report = sync(&s).await.unwrap();
    assert_eq!(report.counts.write_requests, 0);
    assert_eq!(
        (report.counts.added, report.counts.changed, report.counts.gone),
        (0, 0, 0)
    );
    assert_eq!(report.counts.unchanged, 101);
    assert_eq!(friends(&s, true).await, before, "not even synced_at moves");
    if let (Some(earlier), Some(later)) = (writes_before, s.store.dynamo_metrics()) {
        assert_eq!(
            (later - earlier).write_requests,
            1,
            "only the sync record is written on DynamoDB"
        );
    }
}

async fn a_friend_who_leaves_is_marked_gone_not_deleted_and_can_return(backend: Backend) {
    let Some(s) = scenario(5, backend).await else {
        return;
    };
    sync(&s).await.unwrap();
    // Friend 1003 withdraws the `friends` consent: Kakao stops listing them.
    s.set_consent(1003, &["profile_nickname", "talk_message"]).await;
    let report = sync(&s).await.unwrap();
    assert_eq!((report.counts.gone, report.counts.unchanged), (1, 4));
    assert_eq!(friends(&s, false).await.len(), 4);
    let gone = s
        .store
        .store
        .get_friend(Scenario::admin(), &uuid_of(&s, 1003))
        .await
        .unwrap();
    assert_eq!(gone.gone_at, Some(report.at));
    // And agrees again.
    s.set_consent(1003, &["profile_nickname", "friends", "talk_message"])
        .await;
    let report = sync(&s).await.unwrap();
    assert_eq!((report.counts.added, report.counts.gone), (1, 0));
    assert_eq!(friends(&s, false).await.len(), 5);
}

async fn a_renamed_and_a_starred_friend_are_changed(backend: Backend) {
    let Some(mut s) = scenario(5, backend).await else {
        return;
    };
    sync(&s).await.unwrap();
    let mut world = s.world.clone();
    world.user_mut(1002).unwrap().nickname = "새이름".into();
    world
        .friendships
        .iter_mut()
        .find(|f| f.between.contains(&1004))
        .unwrap()
        .favorite_of = vec![Scenario::ADMIN];
    s.switch_world(world).await;
    let report = sync(&s).await.unwrap();
    assert_eq!((report.counts.changed, report.counts.unchanged), (2, 3));
    let renamed = s
        .store
        .store
        .get_friend(Scenario::admin(), &uuid_of(&s, 1002))
        .await
        .unwrap();
    assert_eq!(renamed.profile.nickname, "새이름");
    let starred = s
        .store
        .store
        .get_friend(Scenario::admin(), &uuid_of(&s, 1004))
        .await
        .unwrap();
    assert!(starred.profile.favorite);
}

async fn a_sync_refreshes_an_expiring_token_first(backend: Backend) {
    let Some(s) = scenario(150, backend).await else {
        return;
    };
    let old = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    s.advance(Duration::hours(6));
    let before = s.kakao_requests().await;
    let report = sync(&s).await.unwrap();
    assert_eq!(report.listed, 150);
    assert_eq!(s.kakao_requests().await - before, 1 + 2, "one refresh, two pages");
    let new = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    assert_ne!(
        new.tokens.access_token.expose_secret(),
        old.tokens.access_token.expose_secret()
    );
    assert_eq!(
        new.tokens.refresh_token.expose_secret(),
        old.tokens.refresh_token.expose_secret(),
        "no rotation: the refresh token stays"
    );
}

async fn a_sync_stores_a_rotated_refresh_token(backend: Backend) {
    let Some(s) = scenario(150, backend).await else {
        return;
    };
    s.sandbox
        .update_app(|app| app.tokens.refresh_rotation_threshold_seconds = 100 * 24 * 3600);
    let old = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    s.advance(Duration::hours(6));
    sync(&s).await.unwrap();
    let new = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    assert_ne!(
        new.tokens.refresh_token.expose_secret(),
        old.tokens.refresh_token.expose_secret()
    );
    // The next refresh works with what was stored.
    s.advance(Duration::hours(6));
    sync(&s).await.expect("the rotated refresh token was stored");
    assert_eq!(status(&s).await, AdminStatus::Active);
}

async fn two_concurrent_syncs_agree_and_keep_the_rotated_token(backend: Backend) {
    let Some(s) = scenario(250, backend).await else {
        return;
    };
    s.sandbox
        .update_app(|app| app.tokens.refresh_rotation_threshold_seconds = 100 * 24 * 3600);
    let other = s.another_process().await;
    s.advance(Duration::hours(6));
    let (here, there) = (s.services.friend_sync(), other.friend_sync());
    let (a, b) = tokio::join!(
        here.sync_admin(Scenario::admin()),
        there.sync_admin(Scenario::admin())
    );
    assert_eq!(a.unwrap().listed, 250);
    assert_eq!(b.unwrap().listed, 250);
    let stored = friends(&s, true).await;
    assert_eq!(stored.len(), 250);
    assert!(stored.iter().all(|f| f.gone_at.is_none()));
    assert_eq!(status(&s).await, AdminStatus::Active);
    // Whoever won, the stored refresh token is the live one.
    s.advance(Duration::hours(6));
    let report = sync(&s).await.expect("a later refresh works");
    assert_eq!(report.counts.write_requests, 0);
}

async fn withdrawn_consent_fails_visibly_and_keeps_the_list(backend: Backend) {
    let Some(s) = scenario(20, backend).await else {
        return;
    };
    sync(&s).await.unwrap();
    let before = friends(&s, true).await;
    s.set_consent(Scenario::ADMIN, &["profile_nickname", "talk_message"])
        .await;
    let error = sync(&s).await.unwrap_err();
    match &error {
        SyncError::NeedsConsent { missing, .. } => assert_eq!(missing, &["friends"]),
        other => panic!("expected NeedsConsent, got {other:?}"),
    }
    assert_eq!(status(&s).await, AdminStatus::NeedsConsent);
    assert_eq!(
        last_outcome(&s).await,
        SyncOutcome::Failed {
            reason: "needs consent: friends".into()
        }
    );
    assert_eq!(friends(&s, true).await, before);
}

async fn an_admin_unlinked_at_kakao_needs_login(backend: Backend) {
    let Some(s) = scenario(3, backend).await else {
        return;
    };
    sync(&s).await.unwrap();
    s.unlink_at_kakao(Scenario::ADMIN).await;
    let error = sync(&s).await.unwrap_err();
    assert!(matches!(error, SyncError::NeedsLogin { .. }), "{error:?}");
    assert_eq!(status(&s).await, AdminStatus::NeedsLogin);
    assert_eq!(
        last_outcome(&s).await,
        SyncOutcome::Failed {
            reason: "needs login".into()
        }
    );
    assert_eq!(friends(&s, false).await.len(), 3, "nothing is marked gone");
}

async fn a_fault_on_page_3_of_10_leaves_the_old_list_intact(backend: Backend) {
    let Some(s) = scenario(1000, backend).await else {
        return;
    };
    sync(&s).await.unwrap();
    let before = friends(&s, true).await;
    // Twenty friends leave, so a sync that trusted a partial read would mark many gone.
    for user in 1001..=1020 {
        s.set_consent(user, &["profile_nickname"]).await;
    }
    s.fault(json!({"path": FRIENDS_PATH, "status": 503, "skip": 2}))
        .await;
    let requests = s.kakao_requests().await;
    let error = sync(&s).await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    assert_eq!(
        s.kakao_requests().await - requests,
        2 + 3,
        "pages 1 and 2, then page 3 tried three times"
    );
    assert_eq!(friends(&s, true).await, before, "nothing written");
    assert!(matches!(last_outcome(&s).await, SyncOutcome::Failed { .. }));
    assert_eq!(
        status(&s).await,
        AdminStatus::Active,
        "a passing fault is not the admin's"
    );
    s.clear_faults(FRIENDS_PATH).await;
    let report = sync(&s).await.unwrap();
    assert_eq!((report.counts.gone, report.counts.unchanged), (20, 980));
}

async fn a_transient_fault_is_retried_and_the_sync_completes(backend: Backend) {
    let Some(s) = scenario(300, backend).await else {
        return;
    };
    s.fault(json!({"path": FRIENDS_PATH, "kakao_code": -603, "skip": 1, "times": 1}))
        .await;
    let requests = s.kakao_requests().await;
    let report = sync(&s).await.unwrap();
    assert_eq!(report.listed, 300);
    assert_eq!(
        s.kakao_requests().await - requests,
        3 + 1,
        "three pages, one retried"
    );
}

async fn the_local_trigger_merges_requests_for_one_admin(backend: Backend) {
    let Some(s) = scenario(30, backend).await else {
        return;
    };
    let trigger = s.services.local_sync().expect("an in-process trigger").clone();
    let requests = s.kakao_requests().await;
    for reason in [SyncReason::AfterLogin, SyncReason::OnDemand, SyncReason::OnDemand] {
        s.services
            .sync
            .request_sync(Scenario::admin(), reason)
            .await
            .unwrap();
    }
    trigger.wait_idle().await;
    let made = s.kakao_requests().await - requests;
    assert!(
        (1..=2).contains(&made),
        "one run, plus at most one more: {made} requests"
    );
    assert_eq!(friends(&s, false).await.len(), 30);
    assert_eq!(last_outcome(&s).await, SyncOutcome::Succeeded);
}

app::on_both_backends!(
    a_first_sync_of_0_friends,
    a_first_sync_of_1_friend,
    a_first_sync_of_100_friends,
    a_first_sync_of_101_friends,
    a_first_sync_of_1000_friends,
    an_unchanged_resync_writes_nothing,
    a_friend_who_leaves_is_marked_gone_not_deleted_and_can_return,
    a_renamed_and_a_starred_friend_are_changed,
    a_sync_refreshes_an_expiring_token_first,
    a_sync_stores_a_rotated_refresh_token,
    two_concurrent_syncs_agree_and_keep_the_rotated_token,
    withdrawn_consent_fails_visibly_and_keeps_the_list,
    an_admin_unlinked_at_kakao_needs_login,
    a_fault_on_page_3_of_10_leaves_the_old_list_intact,
    a_transient_fault_is_retried_and_the_sync_completes,
    the_local_trigger_merges_requests_for_one_admin,
);
