//! Delivery records: created by reservations, moving only forward, listed per meeting and friend.

use domain::delivery::{DeliveryState, KakaoErrorCode};
use store::StoreError;
use store::model::{DeliveryKey, DeliveryOutcome, InitialState};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

fn key(admin_no: i64, meeting: domain::MeetingId, recipient: &str, round_no: u16) -> DeliveryKey {
    DeliveryKey {
        admin: admin(admin_no),
        meeting,
        recipient: uuid(recipient),
        round: round(round_no),
    }
}

async fn a_sent_batch_records_each_recipients_outcome(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1", "f2", "f3"]), t0())
        .await
        .unwrap();
    let sending = s.get_delivery(&key(1, m.id, "f1", 1)).await.unwrap();
    assert_eq!(sending.state, DeliveryState::Sending);
    assert_eq!(
        (sending.day, sending.holds_quota, sending.created_at),
        (today(), true, t0())
    );

    let refused = KakaoErrorCode::RECEIVER_REFUSES;
    let written = s
        .record_outcomes(
            admin(1),
            m.id,
            round(1),
            &[
                (uuid("f1"), DeliveryOutcome::Sent),
                (
                    uuid("f2"),
                    DeliveryOutcome::Failed {
                        code: refused,
                        release_quota: true,
                    },
                ),
                (uuid("f3"), DeliveryOutcome::Unknown),
            ],
            t0() + minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(
        written.iter().map(|r| r.state).collect::<Vec<_>>(),
        vec![
            DeliveryState::Sent,
            DeliveryState::Failed { code: refused },
            DeliveryState::Unknown
        ]
    );
    let listed = s.list_meeting_deliveries(admin(1), m.id).await.unwrap();
    assert_eq!(listed, written, "what was written is what is read");
    assert!(listed.iter().all(|r| r.updated_at == t0() + minutes(1)));
}

async fn outcomes_are_recorded_once(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1", "f2"]), t0())
        .await
        .unwrap();
    s.record_outcomes(
        admin(1),
        m.id,
        round(1),
        &[(uuid("f1"), DeliveryOutcome::Sent)],
        t0(),
    )
    .await
    .unwrap();
    // f2 is still sending, f1 is final: the whole call is refused and f2 stays sending.
    let again = s
        .record_outcomes(
            admin(1),
            m.id,
            round(1),
            &[
                (uuid("f2"), DeliveryOutcome::Sent),
                (uuid("f1"), DeliveryOutcome::Unknown),
            ],
            t0(),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
    assert_eq!(
        s.get_delivery(&key(1, m.id, "f2", 1)).await.unwrap().state,
        DeliveryState::Sending
    );
    assert_eq!(
        s.get_delivery(&key(1, m.id, "f1", 1)).await.unwrap().state,
        DeliveryState::Sent
    );
    let missing = s
        .record_outcomes(
            admin(1),
            m.id,
            round(2),
            &[(uuid("f1"), DeliveryOutcome::Sent)],
            t0(),
        )
        .await;
    assert!(missing.unwrap_err().is_not_found());
}

async fn a_confirm_first_batch_waits_reserved_until_confirmed_once(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let mut request = batch(admin(1), m.id, 1, &["f1", "f2"]);
    request.initial = InitialState::Reserved;
    s.reserve(&request, t0()).await.unwrap();
    assert_eq!(
        s.get_delivery(&key(1, m.id, "f1", 1)).await.unwrap().state,
        DeliveryState::Reserved
    );
    // Nothing can be recorded for a batch that was not sent.
    let early = s
        .record_outcomes(
            admin(1),
            m.id,
            round(1),
            &[(uuid("f1"), DeliveryOutcome::Sent)],
            t0(),
        )
        .await;
    assert!(matches!(early, Err(StoreError::Conflict { .. })));

    let confirmed = s
        .confirm_reserved(admin(1), m.id, round(1), &uuids(&["f1", "f2"]), t0() + minutes(3))
        .await
        .unwrap();
    assert!(
        confirmed
            .iter()
            .all(|r| r.state == DeliveryState::Sending && r.updated_at == t0() + minutes(3))
    );
    let twice = s
        .confirm_reserved(admin(1), m.id, round(1), &uuids(&["f1", "f2"]), t0() + minutes(3))
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict { .. })), "{twice:?}");
    let unknown = s
        .confirm_reserved(admin(1), m.id, round(1), &uuids(&["f9"]), t0())
        .await;
    assert!(unknown.unwrap_err().is_not_found());
}

async fn deliveries_are_listed_per_friend_across_meetings(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let a = meeting(s, admin(1)).await;
    let b = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), a.id, 1, &["f1", "f2"]), t0())
        .await
        .unwrap();
    s.reserve(&batch(admin(1), a.id, 2, &["f1"]), t0()).await.unwrap();
    s.reserve(&batch(admin(1), b.id, 1, &["f1"]), t0()).await.unwrap();
    let to_f1 = s.list_friend_deliveries(admin(1), &uuid("f1")).await.unwrap();
    let mut keys: Vec<_> = to_f1.iter().map(|r| (r.key.meeting, r.key.round.get())).collect();
    keys.sort();
    let mut expected = vec![(a.id, 1), (a.id, 2), (b.id, 1)];
    expected.sort();
    assert_eq!(keys, expected);
    assert!(
        to_f1
            .iter()
            .all(|r| r.key.recipient == uuid("f1") && r.key.admin == admin(1))
    );
    assert_eq!(s.list_meeting_deliveries(admin(1), a.id).await.unwrap().len(), 3);
    assert!(
        s.list_friend_deliveries(admin(1), &uuid("f9"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn batches_of_the_wrong_size_are_invalid_input(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let six = uuids(&["a", "b", "c", "d", "e", "f"]);
    let twice = uuids(&["a", "a"]);
    for recipients in [vec![], six.clone(), twice.clone()] {
        assert!(matches!(
            s.confirm_reserved(admin(1), m.id, round(1), &recipients, t0())
                .await,
            Err(StoreError::InvalidInput(_))
        ));
        assert!(matches!(
            s.release(admin(1), m.id, round(1), &recipients, t0()).await,
            Err(StoreError::InvalidInput(_))
        ));
        let outcomes: Vec<_> = recipients
            .iter()
            .map(|r| (r.clone(), DeliveryOutcome::Sent))
            .collect();
        assert!(matches!(
            s.record_outcomes(admin(1), m.id, round(1), &outcomes, t0()).await,
            Err(StoreError::InvalidInput(_))
        ));
    }
}

conformance!(
    a_sent_batch_records_each_recipients_outcome,
    outcomes_are_recorded_once,
    a_confirm_first_batch_waits_reserved_until_confirmed_once,
    deliveries_are_listed_per_friend_across_meetings,
    batches_of_the_wrong_size_are_invalid_input,
);
