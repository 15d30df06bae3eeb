//! Tenant isolation: everything an admin owns is keyed by that admin. Another admin who knows
//! the ids still sees nothing and changes nothing.

use store::model::{DeliveryKey, DeliveryOutcome, JoinSource};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn another_admin_cannot_read_or_change_my_meeting_by_its_id(h: Harness) {
    let s = &*h.store;
    let (me, intruder) = (admin(1), admin(2));
    login(s, me).await;
    login(s, intruder).await;
    let m = meeting(s, me).await;
    s.put_invitee(me, m.id, &invitee("f1", "민수")).await.unwrap();
    s.record_join(me, m.id, &uuid("f1"), t0(), JoinSource::Link)
        .await
        .unwrap();
    s.reserve(&batch(me, m.id, 1, &["f1"]), t0()).await.unwrap();

    assert!(s.get_meeting(intruder, m.id).await.unwrap_err().is_not_found());
    assert!(
        s.update_meeting(intruder, m.id, m.version, &m.draft, t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    let from = m.draft.next_round.unwrap();
    assert!(
        advance_round(s, intruder, m.id, from, None, t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(s.list_invitees(intruder, m.id).await.unwrap().is_empty());
    assert!(
        s.put_invitee(intruder, m.id, &invitee("f2", "x"))
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(!s.remove_invitee(intruder, m.id, &uuid("f1")).await.unwrap());
    assert!(
        s.set_invitee_opted_out(intruder, m.id, &uuid("f1"), true)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(s.list_attendance(intruder, m.id).await.unwrap().is_empty());
    assert!(
        s.record_join(intruder, m.id, &uuid("f1"), t0(), JoinSource::Manual)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        s.list_meeting_deliveries(intruder, m.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.list_friend_deliveries(intruder, &uuid("f1"))
            .await
            .unwrap()
            .is_empty()
    );
    let theirs = DeliveryKey {
        admin: intruder,
        meeting: m.id,
        recipient: uuid("f1"),
        round: round(1),
    };
    assert!(s.get_delivery(&theirs).await.unwrap_err().is_not_found());
    assert!(
        s.reserve(&batch(intruder, m.id, 2, &["f1"]), t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    let outcome = [(uuid("f1"), DeliveryOutcome::Sent)];
    assert!(
        s.record_outcomes(intruder, m.id, round(1), &outcome, t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        s.release(intruder, m.id, round(1), &uuids(&["f1"]), t0())
            .await
            .unwrap_err()
            .is_not_found()
    );

    // And my data is untouched.
    let mine = s.get_meeting(me, m.id).await.unwrap();
    assert_eq!(mine, m);
    assert_eq!(
        s.list_invitees(me, m.id).await.unwrap(),
        vec![invitee("f1", "민수")]
    );
    let key = DeliveryKey {
        admin: me,
        meeting: m.id,
        recipient: uuid("f1"),
        round: round(1),
    };
    assert_eq!(
        s.get_delivery(&key).await.unwrap().state,
        domain::delivery::DeliveryState::Sending
    );
}

async fn friends_and_tokens_are_per_admin(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    s.replace_friends(admin(1), &[friend("f1", "민수")], t0())
        .await
        .unwrap();
    s.replace_friends(admin(2), &[friend("f1", "Minsu")], t0())
        .await
        .unwrap();
    s.save_tokens(admin(1), &tokens("one", t0()), t0()).await.unwrap();
    assert_eq!(
        s.get_friend(admin(1), &uuid("f1"))
            .await
            .unwrap()
            .profile
            .nickname,
        "민수"
    );
    assert_eq!(
        s.get_friend(admin(2), &uuid("f1"))
            .await
            .unwrap()
            .profile
            .nickname,
        "Minsu"
    );
    // Admin 2 syncing an empty list marks only its own friend gone.
    s.replace_friends(admin(2), &[], t0()).await.unwrap();
    assert!(
        s.get_friend(admin(1), &uuid("f1"))
            .await
            .unwrap()
            .gone_at
            .is_none()
    );
    assert!(s.get_tokens(admin(2)).await.unwrap_err().is_not_found());
}

conformance!(
    another_admin_cannot_read_or_change_my_meeting_by_its_id,
    friends_and_tokens_are_per_admin
);
