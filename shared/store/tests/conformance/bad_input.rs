//! Bad input: ids that do not parse, items over 400 KB, unknown admins. Each is a typed error,
//! never a panic, and nothing is half-written.

use domain::MeetingId;
use store::StoreError;
use store::model::{
    AdminLogin, AdminStatus, FriendSyncCounts, MAX_ITEM_BYTES, ReturnPath, StateNonce, SyncOutcome,
    SyncReport,
};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

fn invalid<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::InvalidInput(_)))
}

async fn ids_that_do_not_parse_are_invalid_input(_h: Harness) {
    // Ids arrive as text at the edge; the store's types refuse them before any storage call.
    let as_store = |e: domain::InvalidValue| StoreError::from(e);
    assert!(invalid(MeetingId::parse("MEETING#1").map_err(as_store)));
    assert!(invalid(domain::KakaoUserId::parse("-3").map_err(as_store)));
    assert!(invalid(domain::FriendUuid::parse("a\"b").map_err(as_store)));
    assert!(invalid(StateNonce::parse("x")));
    assert!(invalid(ReturnPath::parse("https://evil.example/")));
    assert!(invalid(domain::delivery::Round::new(0).map_err(StoreError::from)));
}

async fn an_oversized_admin_profile_is_refused(h: Harness) {
    let s = &*h.store;
    let login = AdminLogin {
        id: admin(1),
        nickname: huge(MAX_ITEM_BYTES + 1),
        scopes: scopes("friends"),
        status: AdminStatus::Active,
    };
    assert!(invalid(s.upsert_admin(&login, t0()).await));
    assert!(
        s.get_admin(admin(1)).await.unwrap_err().is_not_found(),
        "nothing was written"
    );
}

async fn an_oversized_friend_refuses_the_whole_sync(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let fetched = [friend("f1", "민수"), friend("f2", &huge(500 * 1024))];
    assert!(invalid(s.replace_friends(admin(1), &fetched, t0()).await));
    assert!(
        s.list_friends(admin(1), true).await.unwrap().is_empty(),
        "not even f1 was written"
    );
}

async fn oversized_meetings_invitees_and_reports_are_refused(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let mut d = draft(t0());
    d.title = huge(MAX_ITEM_BYTES);
    assert!(invalid(
        s.create_meeting(admin(1), MeetingId::new_v7(), &d, t0()).await
    ));
    assert!(s.list_meetings(admin(1)).await.unwrap().is_empty());

    let m = meeting(s, admin(1)).await;
    let mut edit = m.draft.clone();
    edit.title = huge(MAX_ITEM_BYTES);
    assert!(invalid(
        s.update_meeting(admin(1), m.id, m.version, &edit, t0()).await
    ));
    assert_eq!(s.get_meeting(admin(1), m.id).await.unwrap(), m, "unchanged");

    assert!(invalid(
        s.put_invitee(admin(1), m.id, &invitee("f1", &huge(MAX_ITEM_BYTES)))
            .await
    ));
    assert!(s.list_invitees(admin(1), m.id).await.unwrap().is_empty());

    let report = SyncReport {
        at: t0(),
        counts: FriendSyncCounts::default(),
        outcome: SyncOutcome::Failed {
            reason: huge(MAX_ITEM_BYTES),
        },
    };
    assert!(invalid(s.record_sync(admin(1), &report).await));
    assert_eq!(s.last_sync(admin(1)).await.unwrap(), None);
}

async fn writes_for_an_unknown_admin_are_not_found_and_write_nothing(h: Harness) {
    let s = &*h.store;
    let ghost = admin(404);
    assert!(
        s.save_tokens(ghost, &tokens("x", t0()), t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        s.replace_friends(ghost, &[friend("f1", "x")], t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        s.create_meeting(ghost, MeetingId::new_v7(), &draft(t0()), t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        s.set_admin_status(ghost, AdminStatus::Active, t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(s.list_friends(ghost, true).await.unwrap().is_empty());
    assert!(s.list_meetings(ghost).await.unwrap().is_empty());
    assert!(s.list_active_admins(None, 10).await.unwrap().items.is_empty());
}

conformance!(
    ids_that_do_not_parse_are_invalid_input,
    an_oversized_admin_profile_is_refused,
    an_oversized_friend_refuses_the_whole_sync,
    oversized_meetings_invitees_and_reports_are_refused,
    writes_for_an_unknown_admin_are_not_found_and_write_nothing,
);
