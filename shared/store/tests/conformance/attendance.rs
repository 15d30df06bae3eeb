//! Attendance: a join is recorded once, keeping the earliest time and its source.

use domain::MeetingId;
use store::model::{JoinSource, UnmatchedParticipant};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn a_join_is_recorded_once_keeping_the_first_time_and_source(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let first = s
        .record_join(admin(1), m.id, &uuid("f1"), t0() + minutes(2), JoinSource::Zoom)
        .await
        .unwrap();
    assert!(first.changed);
    assert_eq!(
        (first.attendance.first_joined_at, first.attendance.source),
        (t0() + minutes(2), JoinSource::Zoom)
    );

    let repeat = s
        .record_join(admin(1), m.id, &uuid("f1"), t0() + minutes(2), JoinSource::Zoom)
        .await
        .unwrap();
    assert!(!repeat.changed, "the same webhook twice changes nothing");
    let later = s
        .record_join(admin(1), m.id, &uuid("f1"), t0() + minutes(9), JoinSource::Link)
        .await
        .unwrap();
    assert!(!later.changed);
    assert_eq!(later.attendance, first.attendance);

    let listed = s.list_attendance(admin(1), m.id).await.unwrap();
    assert_eq!(listed, vec![(uuid("f1"), first.attendance)]);
}

async fn an_earlier_join_arriving_late_replaces_the_later_one(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.record_join(admin(1), m.id, &uuid("f1"), t0() + minutes(5), JoinSource::Link)
        .await
        .unwrap();
    let earlier = s
        .record_join(admin(1), m.id, &uuid("f1"), t0() + minutes(1), JoinSource::Zoom)
        .await
        .unwrap();
    assert!(earlier.changed);
    let listed = s.list_attendance(admin(1), m.id).await.unwrap();
    assert_eq!(listed[0].1.first_joined_at, t0() + minutes(1));
    assert_eq!(listed[0].1.source, JoinSource::Zoom);
}

async fn joins_are_listed_per_meeting(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let a = meeting(s, admin(1)).await;
    let b = meeting(s, admin(1)).await;
    s.record_join(admin(1), a.id, &uuid("f2"), t0(), JoinSource::Manual)
        .await
        .unwrap();
    s.record_join(admin(1), a.id, &uuid("f1"), t0(), JoinSource::Link)
        .await
        .unwrap();
    s.record_join(admin(1), b.id, &uuid("f3"), t0(), JoinSource::Zoom)
        .await
        .unwrap();
    let in_a: Vec<_> = s
        .list_attendance(admin(1), a.id)
        .await
        .unwrap()
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(in_a, uuids(&["f1", "f2"]));
    assert!(
        s.record_join(admin(1), MeetingId::new_v7(), &uuid("f1"), t0(), JoinSource::Link)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

async fn a_manual_tick_can_be_taken_back_but_a_reported_join_cannot(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.record_join(admin(1), m.id, &uuid("f1"), t0(), JoinSource::Manual)
        .await
        .unwrap();
    s.record_join(admin(1), m.id, &uuid("f2"), t0(), JoinSource::Zoom)
        .await
        .unwrap();
    assert!(
        s.remove_join(admin(1), m.id, &uuid("f1"), JoinSource::Manual)
            .await
            .unwrap()
    );
    assert!(
        !s.remove_join(admin(1), m.id, &uuid("f1"), JoinSource::Manual)
            .await
            .unwrap()
    );
    assert!(
        !s.remove_join(admin(1), m.id, &uuid("f2"), JoinSource::Manual)
            .await
            .unwrap(),
        "unticking does not erase what Zoom reported"
    );
    let left: Vec<_> = s
        .list_attendance(admin(1), m.id)
        .await
        .unwrap()
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(left, uuids(&["f2"]));
    login(s, admin(2)).await;
    assert!(
        !s.remove_join(admin(2), m.id, &uuid("f2"), JoinSource::Zoom)
            .await
            .unwrap(),
        "not another admin's"
    );
    assert_eq!(s.list_attendance(admin(1), m.id).await.unwrap().len(), 1);
}

async fn unmatched_participants_are_remembered_per_meeting_by_name(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let seen = |name: &str, at| UnmatchedParticipant::new(name, Some("guest@example.com"), None, at).unwrap();
    s.note_unmatched_participant(admin(1), m.id, &seen("Kim Minji", t0()))
        .await
        .unwrap();
    s.note_unmatched_participant(admin(1), m.id, &seen("Guest 1", t0()))
        .await
        .unwrap();
    s.note_unmatched_participant(admin(1), m.id, &seen("Kim Minji", t0() + minutes(3)))
        .await
        .unwrap();
    let listed = s.list_unmatched_participants(admin(1), m.id).await.unwrap();
    let names: Vec<_> = listed
        .iter()
        .map(|p| (p.display_name.as_str(), p.last_seen))
        .collect();
    assert_eq!(names, vec![("Guest 1", t0()), ("Kim Minji", t0() + minutes(3))]);
    login(s, admin(2)).await;
    assert!(
        s.list_unmatched_participants(admin(2), m.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.note_unmatched_participant(admin(2), m.id, &seen("x", t0()))
            .await
            .unwrap_err()
            .is_not_found(),
        "not under another admin's meeting"
    );
}

/// One Zoom account, one admin: the first claim binds it, later ones learn the owner, and
/// deleting the owner's data frees it.
async fn a_zoom_account_belongs_to_one_admin_until_their_data_goes(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    let account = store::model::ZoomAccountId::parse("AcC0unT-1_x").unwrap();
    assert_eq!(s.zoom_account_owner(&account).await.unwrap(), None);

    assert_eq!(
        s.claim_zoom_account(&account, admin(1), t0()).await.unwrap(),
        admin(1)
    );
    assert_eq!(
        s.claim_zoom_account(&account, admin(2), t0()).await.unwrap(),
        admin(1),
        "taken"
    );
    assert_eq!(
        s.claim_zoom_account(&account, admin(1), t0()).await.unwrap(),
        admin(1),
        "idempotent"
    );
    assert_eq!(s.zoom_account_owner(&account).await.unwrap(), Some(admin(1)));
    assert!(
        s.claim_zoom_account(&account, admin(9), t0())
            .await
            .unwrap_err()
            .is_not_found()
    );

    s.delete_admin_data(admin(1), t0()).await.unwrap();
    assert_eq!(s.zoom_account_owner(&account).await.unwrap(), None);
    assert_eq!(
        s.claim_zoom_account(&account, admin(2), t0()).await.unwrap(),
        admin(2)
    );
    assert!(store::model::ZoomAccountId::parse("has space").is_err());
    assert!(store::model::ZoomAccountId::parse("").is_err());
}

conformance!(
    a_zoom_account_belongs_to_one_admin_until_their_data_goes,
    a_join_is_recorded_once_keeping_the_first_time_and_source,
    an_earlier_join_arriving_late_replaces_the_later_one,
    joins_are_listed_per_meeting,
    a_manual_tick_can_be_taken_back_but_a_reported_join_cannot,
    unmatched_participants_are_remembered_per_meeting_by_name,
);
