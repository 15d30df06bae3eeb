//! Admin profiles, the active listing for the daily sync, and unlinking.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use domain::KakaoUserId;

use store::StoreError;
use store::model::{AdminLogin, AdminStatus, JoinSource, PageCursor, ZoomMeetingId};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn a_login_creates_the_admin_and_a_later_login_updates_it(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let created = s.get_admin(admin(1)).await.unwrap();
    assert_eq!(created.status, AdminStatus::Active);
    assert_eq!(created.created_at, t0());
    assert!(
        created
            .scopes
            .contains(&store::model::ScopeId::parse("talk_message").unwrap())
    );

    let relogin = AdminLogin {
        id: admin(1),
        nickname: "새 닉네임".into(),
        scopes: scopes("profile_nickname"),
        status: AdminStatus::NeedsConsent,
    };
    let updated = s.upsert_admin(&relogin, t0() + minutes(30)).await.unwrap();
    assert_eq!(updated.nickname, "새 닉네임");
    assert_eq!(updated.status, AdminStatus::NeedsConsent);
    assert_eq!(updated.created_at, t0(), "created_at is kept");
    assert_eq!(updated.updated_at, t0() + minutes(30));
    assert_eq!(s.get_admin(admin(1)).await.unwrap(), updated);
}

async fn an_unknown_admin_is_not_found(h: Harness) {
    let s = &*h.store;
    assert!(matches!(
        s.get_admin(admin(404)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.set_admin_status(admin(404), AdminStatus::NeedsLogin, t0())
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn the_daily_sync_walks_active_admins_page_by_page(h: Harness) {
    let s = &*h.store;
    for n in 1..=8 {
        login(s, admin(n)).await;
    }
    s.set_admin_status(admin(3), AdminStatus::NeedsLogin, t0())
        .await
        .unwrap();
    s.set_admin_status(admin(6), AdminStatus::NeedsConsent, t0())
        .await
        .unwrap();

    let mut seen = Vec::new();
    let mut cursor: Option<PageCursor> = None;
    let mut pages = 0;
    loop {
        let page = s.list_active_admins(cursor.as_ref(), 2).await.unwrap();
        assert!(page.items.len() <= 2);
        assert!(page.items.iter().all(|a| a.status == AdminStatus::Active));
        seen.extend(page.items.iter().map(|a| a.id));
        pages += 1;
        assert!(pages <= 10, "the walk must end");
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let distinct: BTreeSet<_> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), seen.len(), "no admin appears twice");
    let expected: BTreeSet<_> = [1, 2, 4, 5, 7, 8].into_iter().map(admin).collect();
    assert_eq!(distinct, expected);
}

async fn an_admin_back_to_active_rejoins_the_listing(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    s.set_admin_status(admin(1), AdminStatus::NeedsLogin, t0())
        .await
        .unwrap();
    assert!(s.list_active_admins(None, 100).await.unwrap().items.is_empty());
    let back = s
        .set_admin_status(admin(1), AdminStatus::Active, t0() + minutes(1))
        .await
        .unwrap();
    assert_eq!(back.updated_at, t0() + minutes(1));
    let page = s.list_active_admins(None, 100).await.unwrap();
    assert_eq!(
        page.items.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![admin(1)]
    );
    assert!(page.next.is_none());
}

async fn a_cursor_the_store_did_not_issue_is_invalid_input(h: Harness) {
    let forged = PageCursor::new("not-a-cursor");
    assert!(matches!(
        h.store.list_active_admins(Some(&forged), 10).await,
        Err(StoreError::InvalidInput(_))
    ));
}

async fn unlinking_deletes_personal_data_but_keeps_delivery_records(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    s.save_tokens(admin(1), &tokens("one", t0()), t0()).await.unwrap();
    s.replace_friends(admin(1), &[friend("f1", "민수")], t0())
        .await
        .unwrap();
    let mut d = draft(t0());
    d.zoom_meeting_id = Some(ZoomMeetingId::parse("81234567890").unwrap());
    let m = s
        .create_meeting(admin(1), domain::MeetingId::new_v7(), &d, t0())
        .await
        .unwrap();
    s.put_invitee(admin(1), m.id, &invitee("f1", "민수"))
        .await
        .unwrap();
    s.record_join(admin(1), m.id, &uuid("f1"), t0(), JoinSource::Link)
        .await
        .unwrap();
    s.reserve(&batch(admin(1), m.id, 1, &["f1"]), t0()).await.unwrap();
    // Another admin's data must survive.
    s.save_tokens(admin(2), &tokens("two", t0()), t0()).await.unwrap();
    let other = meeting(s, admin(2)).await;

    s.delete_admin_data(admin(1), t0()).await.unwrap();

    assert!(s.get_admin(admin(1)).await.unwrap_err().is_not_found());
    assert!(s.get_tokens(admin(1)).await.unwrap_err().is_not_found());
    assert!(s.list_friends(admin(1), true).await.unwrap().is_empty());
    assert!(s.last_sync(admin(1)).await.unwrap().is_none());
    assert!(s.list_meetings(admin(1)).await.unwrap().is_empty());
    assert!(s.list_invitees(admin(1), m.id).await.unwrap().is_empty());
    assert!(s.list_attendance(admin(1), m.id).await.unwrap().is_empty());
    assert!(
        s.find_meetings_by_zoom_id(d.zoom_meeting_id.as_ref().unwrap())
            .await
            .unwrap()
            .is_empty()
    );
    let due = all_due(s, t0() + minutes(60)).await;
    assert_eq!(due, vec![other.id], "only the other admin's meeting is still due");
    assert_eq!(
        s.list_meeting_deliveries(admin(1), m.id).await.unwrap().len(),
        1,
        "deliveries are kept"
    );

    assert!(s.get_tokens(admin(2)).await.is_ok());
    assert!(s.get_meeting(admin(2), other.id).await.is_ok());
    // Idempotent, and fine for admins we never knew.
    s.delete_admin_data(admin(1), t0()).await.unwrap();
    s.delete_admin_data(admin(404), t0()).await.unwrap();
}

/// Every meeting id due by `now`.
pub async fn all_due(s: &dyn store::Store, now: chrono::DateTime<chrono::Utc>) -> Vec<domain::MeetingId> {
    let due = s.due_meetings(now, 1000).await.unwrap().due;
    due.into_iter().map(|d| d.meeting).collect()
}

/// A logout ends every session begun before it; a later login (an upsert) keeps the mark.
async fn ending_sessions_marks_the_admin_and_survives_a_login(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let before = s.get_admin(admin(1)).await.unwrap();
    assert_eq!(before.sessions_since, None);
    assert!(before.accepts_session_from(t0()));

    s.end_sessions(admin(1), t0() + minutes(10)).await.unwrap();
    login(s, admin(1)).await;
    let after = s.get_admin(admin(1)).await.unwrap();
    assert_eq!(after.sessions_since, Some(t0() + minutes(10)));
    assert!(!after.accepts_session_from(t0() + minutes(9)));
    assert!(after.accepts_session_from(t0() + minutes(10)));
    assert!(s.end_sessions(admin(9), t0()).await.unwrap_err().is_not_found());
}

async fn a_noted_deletion_is_listed_until_the_deletion_finishes(h: Harness) {
    let s = &*h.store;
    login(s, admin(7)).await;
    assert_eq!(s.pending_admin_deletions(10).await.unwrap(), vec![]);
    assert_eq!(s.pending_admin_deletion(admin(7)).await.unwrap(), None);
    for (id, at) in [(7, t0()), (404, t0() + minutes(1)), (7, t0() + minutes(2))] {
        s.note_pending_deletion(admin(id), at).await.unwrap();
    }
    let pending = s.pending_admin_deletions(10).await.unwrap();
    let mut listed: Vec<(KakaoUserId, DateTime<Utc>)> = pending.iter().map(|p| (p.admin, p.since)).collect();
    listed.sort();
    assert_eq!(
        listed,
        vec![(admin(7), t0()), (admin(404), t0() + minutes(1))],
        "one record per admin, the first note's time kept"
    );
    assert_eq!(
        s.pending_admin_deletions(1).await.unwrap().len(),
        1,
        "the limit holds"
    );
    assert_eq!(
        s.pending_admin_deletion(admin(7)).await.unwrap().map(|p| p.since),
        Some(t0())
    );
    s.delete_admin_data(admin(7), t0()).await.unwrap();
    s.delete_admin_data(admin(404), t0()).await.unwrap();
    assert_eq!(s.pending_admin_deletions(10).await.unwrap(), vec![]);
    assert_eq!(s.pending_admin_deletion(admin(7)).await.unwrap(), None);
    assert!(s.get_admin(admin(7)).await.unwrap_err().is_not_found());
}

conformance!(
    ending_sessions_marks_the_admin_and_survives_a_login,
    a_login_creates_the_admin_and_a_later_login_updates_it,
    an_unknown_admin_is_not_found,
    the_daily_sync_walks_active_admins_page_by_page,
    an_admin_back_to_active_rejoins_the_listing,
    a_cursor_the_store_did_not_issue_is_invalid_input,
    unlinking_deletes_personal_data_but_keeps_delivery_records,
    a_noted_deletion_is_listed_until_the_deletion_finishes,
);
