//! Friend sync: only changes are written; gone friends are marked, not deleted.

use store::StoreError;
use store::model::{FriendSyncCounts, SyncOutcome, SyncReport};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

fn counts(c: &FriendSyncCounts) -> (u32, u32, u32, u32) {
    (c.added, c.changed, c.gone, c.unchanged)
}

async fn the_first_sync_adds_everyone(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let fetched = [friend("f1", "민수"), friend("f2", "지영"), friend("f3", "철수")];
    let c = s.replace_friends(admin(1), &fetched, t0()).await.unwrap();
    assert_eq!(counts(&c), (3, 0, 0, 0));
    assert!(c.write_requests >= 1);
    let stored = s.list_friends(admin(1), false).await.unwrap();
    assert_eq!(
        stored.iter().map(|f| f.profile.clone()).collect::<Vec<_>>(),
        fetched.to_vec()
    );
    assert!(
        stored
            .iter()
            .all(|f| f.first_seen == t0() && f.synced_at == t0() && f.gone_at.is_none())
    );
    assert_eq!(
        s.get_friend(admin(1), &uuid("f2"))
            .await
            .unwrap()
            .profile
            .nickname,
        "지영"
    );
}

async fn an_unchanged_resync_writes_nothing(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let fetched = [friend("f1", "민수"), friend("f2", "지영")];
    s.replace_friends(admin(1), &fetched, t0()).await.unwrap();
    let c = s
        .replace_friends(admin(1), &fetched, t0() + minutes(60))
        .await
        .unwrap();
    assert_eq!(counts(&c), (0, 0, 0, 2));
    assert_eq!(c.write_requests, 0);
    let stored = s.list_friends(admin(1), false).await.unwrap();
    assert!(
        stored.iter().all(|f| f.synced_at == t0()),
        "nothing was rewritten"
    );
}

async fn changes_are_counted_and_missing_friends_are_marked_gone(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    s.replace_friends(
        admin(1),
        &[friend("f1", "민수"), friend("f2", "지영"), friend("f3", "철수")],
        t0(),
    )
    .await
    .unwrap();
    let later = t0() + minutes(24 * 60);
    let mut starred = friend("f3", "철수");
    starred.favorite = true;
    let c = s
        .replace_friends(
            admin(1),
            &[friend("f1", "민수 (새 이름)"), starred, friend("f4", "영희")],
            later,
        )
        .await
        .unwrap();
    assert_eq!(counts(&c), (1, 2, 1, 0));

    let current = s.list_friends(admin(1), false).await.unwrap();
    assert_eq!(
        current
            .iter()
            .map(|f| f.profile.uuid.as_str())
            .collect::<Vec<_>>(),
        ["f1", "f3", "f4"]
    );
    let gone = s.get_friend(admin(1), &uuid("f2")).await.unwrap();
    assert_eq!(gone.gone_at, Some(later));
    assert_eq!(
        s.list_friends(admin(1), true).await.unwrap().len(),
        4,
        "gone friends are kept"
    );
    let renamed = s.get_friend(admin(1), &uuid("f1")).await.unwrap();
    assert_eq!((renamed.first_seen, renamed.synced_at), (t0(), later));
}

async fn a_friend_who_comes_back_is_no_longer_gone(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    s.replace_friends(admin(1), &[friend("f1", "민수")], t0())
        .await
        .unwrap();
    s.replace_friends(admin(1), &[], t0() + minutes(1)).await.unwrap();
    let c = s
        .replace_friends(admin(1), &[friend("f1", "민수")], t0() + minutes(2))
        .await
        .unwrap();
    assert_eq!(counts(&c), (1, 0, 0, 0));
    let back = s.get_friend(admin(1), &uuid("f1")).await.unwrap();
    assert_eq!(back.gone_at, None);
    assert_eq!(back.first_seen, t0(), "first seen is kept");
}

async fn a_large_friend_list_is_written_in_batches_and_read_back_whole(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let fetched: Vec<_> = (0..130)
        .map(|i| friend(&format!("f{i:03}"), &format!("친구 {i}")))
        .collect();
    let c = s.replace_friends(admin(1), &fetched, t0()).await.unwrap();
    assert_eq!(c.added, 130);
    assert!(c.write_requests >= 1);
    assert_eq!(s.list_friends(admin(1), false).await.unwrap().len(), 130);
    let c = s
        .replace_friends(admin(1), &fetched[..100], t0() + minutes(1))
        .await
        .unwrap();
    assert_eq!(counts(&c), (0, 0, 30, 100));
}

async fn a_list_naming_a_friend_twice_is_refused_and_writes_nothing(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let bad = [
        friend("f1", "민수"),
        friend("f2", "지영"),
        friend("f1", "민수 again"),
    ];
    assert!(matches!(
        s.replace_friends(admin(1), &bad, t0()).await,
        Err(StoreError::InvalidInput(_))
    ));
    assert!(s.list_friends(admin(1), true).await.unwrap().is_empty());
}

async fn friends_of_an_unknown_admin_are_not_found(h: Harness) {
    let s = &*h.store;
    assert!(
        s.replace_friends(admin(404), &[friend("f1", "x")], t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        s.get_friend(admin(404), &uuid("f1"))
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(s.list_friends(admin(404), true).await.unwrap().is_empty());
}

async fn the_last_sync_is_recorded(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    assert_eq!(s.last_sync(admin(1)).await.unwrap(), None);
    let c = s
        .replace_friends(admin(1), &[friend("f1", "민수")], t0())
        .await
        .unwrap();
    let ok = SyncReport {
        at: t0(),
        counts: c,
        outcome: SyncOutcome::Succeeded,
    };
    s.record_sync(admin(1), &ok).await.unwrap();
    assert_eq!(s.last_sync(admin(1)).await.unwrap(), Some(ok));
    let failed = SyncReport {
        at: t0() + minutes(1),
        counts: FriendSyncCounts::default(),
        outcome: SyncOutcome::Failed {
            reason: "needs consent: friends".into(),
        },
    };
    s.record_sync(admin(1), &failed).await.unwrap();
    assert_eq!(s.last_sync(admin(1)).await.unwrap(), Some(failed.clone()));
    assert!(
        s.record_sync(admin(404), &failed)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

conformance!(
    the_first_sync_adds_everyone,
    an_unchanged_resync_writes_nothing,
    changes_are_counted_and_missing_friends_are_marked_gone,
    a_friend_who_comes_back_is_no_longer_gone,
    a_large_friend_list_is_written_in_batches_and_read_back_whole,
    a_list_naming_a_friend_twice_is_refused_and_writes_nothing,
    friends_of_an_unknown_admin_are_not_found,
    the_last_sync_is_recorded,
);
