//! Crash cases: a reservation whose send never happened, and a send whose outcome was lost.

use domain::delivery::DeliveryState;
use store::StoreError;
use store::model::{
    DEFAULT_STALE_SENDING_AGE, DeliveryKey, DeliveryOutcome, InitialState, QuotaSubject, Refusal,
};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

fn key(meeting: domain::MeetingId, recipient: &str) -> DeliveryKey {
    DeliveryKey {
        admin: admin(1),
        meeting,
        recipient: uuid(recipient),
        round: round(1),
    }
}

async fn a_send_that_never_happened_gives_its_slots_back_and_is_never_resent(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1", "f2"]), t0())
        .await
        .unwrap();
    // The sweep failed before calling Kakao (e.g. the token refresh failed).
    let released = s
        .release(admin(1), m.id, round(1), &uuids(&["f1", "f2"]), t0() + minutes(1))
        .await
        .unwrap();
    assert!(
        released
            .iter()
            .all(|r| r.state == DeliveryState::Cancelled && !r.holds_quota)
    );
    assert_eq!(
        s.quota_used(today(), &QuotaSubject::Sender(admin(1)))
            .await
            .unwrap(),
        0
    );
    assert_eq!(s.quota_used(today(), &QuotaSubject::App).await.unwrap(), 0);

    // The next sweep does not send it again, and releasing twice gives nothing back twice.
    let retry = s
        .reserve(&batch(admin(1), m.id, 1, &["f1"]), t0() + minutes(2))
        .await
        .unwrap();
    assert_eq!(
        retry.refused,
        vec![(uuid("f1"), Refusal::AlreadyExists(DeliveryState::Cancelled))]
    );
    let twice = s.release(admin(1), m.id, round(1), &uuids(&["f1"]), t0()).await;
    assert!(matches!(twice, Err(StoreError::Conflict { .. })), "{twice:?}");
    assert_eq!(s.quota_used(today(), &QuotaSubject::App).await.unwrap(), 0);
}

async fn an_unconfirmed_batch_is_released(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let mut request = batch(admin(1), m.id, 1, &["f1"]);
    request.initial = InitialState::Reserved;
    s.reserve(&request, t0()).await.unwrap();
    s.release(admin(1), m.id, round(1), &uuids(&["f1"]), t0())
        .await
        .unwrap();
    assert!(matches!(
        s.confirm_reserved(admin(1), m.id, round(1), &uuids(&["f1"]), t0())
            .await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        s.quota_used(today(), &QuotaSubject::Pair(admin(1), uuid("f1")))
            .await
            .unwrap(),
        0
    );
}

async fn a_delivery_stuck_in_sending_becomes_unknown_only_after_two_minutes(h: Harness) {
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
        &[(uuid("f2"), DeliveryOutcome::Sent)],
        t0(),
    )
    .await
    .unwrap();

    let early = s
        .mark_unknown_if_stale(&key(m.id, "f1"), DEFAULT_STALE_SENDING_AGE, t0() + minutes(1))
        .await;
    assert!(matches!(early, Err(StoreError::Conflict { .. })), "{early:?}");
    assert!(
        s.mark_stale_sending_unknown(admin(1), m.id, DEFAULT_STALE_SENDING_AGE, t0() + minutes(1))
            .await
            .unwrap()
            .is_empty()
    );

    let moved = s
        .mark_stale_sending_unknown(admin(1), m.id, DEFAULT_STALE_SENDING_AGE, t0() + minutes(2))
        .await
        .unwrap();
    assert_eq!(
        moved.iter().map(|r| r.key.recipient.clone()).collect::<Vec<_>>(),
        uuids(&["f1"])
    );
    assert_eq!(moved[0].state, DeliveryState::Unknown);
    assert!(
        moved[0].holds_quota,
        "an unknown send may have been counted: its slots stay taken"
    );
    assert_eq!(
        s.get_delivery(&key(m.id, "f2")).await.unwrap().state,
        DeliveryState::Sent,
        "sent stays sent"
    );

    // Unknown is final: no outcome, no release, no resend.
    let late = s
        .record_outcomes(
            admin(1),
            m.id,
            round(1),
            &[(uuid("f1"), DeliveryOutcome::Sent)],
            t0(),
        )
        .await;
    assert!(matches!(late, Err(StoreError::Conflict { .. })));
    assert!(matches!(
        s.release(admin(1), m.id, round(1), &uuids(&["f1"]), t0()).await,
        Err(StoreError::Conflict { .. })
    ));
    let resend = s
        .reserve(&batch(admin(1), m.id, 1, &["f1"]), t0() + minutes(3))
        .await
        .unwrap();
    assert_eq!(
        resend.refused,
        vec![(uuid("f1"), Refusal::AlreadyExists(DeliveryState::Unknown))]
    );
}

async fn a_single_stale_delivery_is_marked_unknown_once(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1"]), t0()).await.unwrap();
    let age = minutes(5);
    let moved = s
        .mark_unknown_if_stale(&key(m.id, "f1"), age, t0() + age)
        .await
        .unwrap();
    assert_eq!(
        (moved.state, moved.updated_at),
        (DeliveryState::Unknown, t0() + age)
    );
    let again = s.mark_unknown_if_stale(&key(m.id, "f1"), age, t0() + age).await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })));
    assert!(
        s.mark_unknown_if_stale(&key(m.id, "f9"), age, t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
}

conformance!(
    a_send_that_never_happened_gives_its_slots_back_and_is_never_resent,
    an_unconfirmed_batch_is_released,
    a_delivery_stuck_in_sending_becomes_unknown_only_after_two_minutes,
    a_single_stale_delivery_is_marked_unknown_once,
);
