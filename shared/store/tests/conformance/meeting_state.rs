//! The sweep's one read of a meeting gives exactly what the three separate reads give, and
//! nothing of the meeting's other items or of other meetings.

use store::model::JoinSource;

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn the_meeting_state_is_the_three_lists_and_only_them(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let other = meeting(s, admin(1)).await;
    for (friend, name) in [("f2", "지영"), ("f1", "민수"), ("f3", "서준")] {
        s.put_invitee(admin(1), m.id, &invitee(friend, name))
            .await
            .unwrap();
    }
    s.put_invitee(admin(1), other.id, &invitee("f9", "다른"))
        .await
        .unwrap();
    s.record_join(admin(1), m.id, &uuid("f2"), t0() + minutes(1), JoinSource::Zoom)
        .await
        .unwrap();
    s.record_join(admin(1), other.id, &uuid("f9"), t0(), JoinSource::Link)
        .await
        .unwrap();
    s.reserve(&batch(admin(1), m.id, 1, &["f1", "f3"]), t0())
        .await
        .unwrap();
    s.reserve(&batch(admin(1), other.id, 1, &["f9"]), t0())
        .await
        .unwrap();
    // Items of the same partition that are none of the three.
    s.ensure_link_token(admin(1), m.id, &uuid("f1"), t0() + minutes(600), t0())
        .await
        .unwrap();

    let state = s.meeting_state(admin(1), m.id).await.unwrap();

    assert_eq!(state.invitees, s.list_invitees(admin(1), m.id).await.unwrap());
    assert_eq!(state.attendance, s.list_attendance(admin(1), m.id).await.unwrap());
    assert_eq!(
        state.deliveries,
        s.list_meeting_deliveries(admin(1), m.id).await.unwrap()
    );
    assert_eq!(state.invitees.len(), 3);
    assert_eq!(state.attendance.len(), 1);
    assert_eq!(state.deliveries.len(), 2);
}

async fn another_admins_meeting_state_is_empty(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    let m = meeting(s, admin(1)).await;
    s.put_invitee(admin(1), m.id, &invitee("f1", "민수"))
        .await
        .unwrap();

    let state = s.meeting_state(admin(2), m.id).await.unwrap();

    assert!(state.invitees.is_empty() && state.attendance.is_empty() && state.deliveries.is_empty());
}

conformance!(
    the_meeting_state_is_the_three_lists_and_only_them,
    another_admins_meeting_state_is_empty,
);
