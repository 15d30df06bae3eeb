//! Quota reservation: four daily counters, per-recipient refusals, releases.

use domain::delivery::{DeliveryState, KakaoErrorCode};
use domain::{KstDay, MeetingId, QuotaKind, QuotaLimits};
use store::model::{DeliveryOutcome, QuotaSubject, Refusal};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn counts(s: &dyn store::Store, sender: i64, recipient: &str) -> [u32; 4] {
    let subjects = [
        QuotaSubject::App,
        QuotaSubject::Sender(admin(sender)),
        QuotaSubject::Recipient(uuid(recipient)),
        QuotaSubject::Pair(admin(sender), uuid(recipient)),
    ];
    let mut out = [0; 4];
    for (slot, subject) in out.iter_mut().zip(&subjects) {
        *slot = s.quota_used(today(), subject).await.unwrap();
    }
    out
}

async fn a_reservation_takes_one_slot_on_each_counter_per_recipient(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let r = s
        .reserve(&batch(admin(1), m.id, 1, &["f1", "f2", "f3", "f4", "f5"]), t0())
        .await
        .unwrap();
    assert_eq!(r.reserved, uuids(&["f1", "f2", "f3", "f4", "f5"]));
    assert!(r.refused.is_empty());
    assert_eq!(counts(s, 1, "f1").await, [5, 5, 1, 1]);
    assert_eq!(s.list_meeting_deliveries(admin(1), m.id).await.unwrap().len(), 5);
}

async fn a_recipient_already_reminded_this_round_is_refused_without_a_slot(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1"]), t0()).await.unwrap();
    let again = s
        .reserve(&batch(admin(1), m.id, 1, &["f1", "f2"]), t0())
        .await
        .unwrap();
    assert_eq!(again.reserved, uuids(&["f2"]));
    assert_eq!(
        again.refused,
        vec![(uuid("f1"), Refusal::AlreadyExists(DeliveryState::Sending))]
    );
    assert_eq!(
        counts(s, 1, "f1").await,
        [2, 2, 1, 1],
        "f1 took one slot, not two"
    );
    // The next round is a different reminder.
    assert_eq!(
        s.reserve(&batch(admin(1), m.id, 2, &["f1"]), t0())
            .await
            .unwrap()
            .reserved,
        uuids(&["f1"])
    );
}

async fn one_recipients_full_pair_counter_does_not_block_the_others(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let limits = QuotaLimits {
        pair: 2,
        ..QuotaLimits::KAKAO
    };
    for n in 1..=2 {
        let mut first = batch(admin(1), m.id, n, &["f1"]);
        first.limits = limits;
        s.reserve(&first, t0()).await.unwrap();
    }
    let mut mixed = batch(admin(1), m.id, 3, &["f1", "f2", "f3"]);
    mixed.limits = limits;
    let r = s.reserve(&mixed, t0()).await.unwrap();
    assert_eq!(r.reserved, uuids(&["f2", "f3"]));
    assert_eq!(r.refused, vec![(uuid("f1"), Refusal::Quota(QuotaKind::Pair))]);
    assert_eq!(counts(s, 1, "f1").await, [4, 4, 2, 2]);
    let blocked = store::model::DeliveryKey {
        admin: admin(1),
        meeting: m.id,
        recipient: uuid("f1"),
        round: round(3),
    };
    assert!(
        s.get_delivery(&blocked).await.unwrap_err().is_not_found(),
        "a refused recipient gets no record"
    );
}

async fn the_sender_limit_stops_a_batch_part_way(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let mut request = batch(admin(1), m.id, 1, &["f1", "f2", "f3", "f4", "f5"]);
    request.limits = QuotaLimits {
        sender: 3,
        ..QuotaLimits::KAKAO
    };
    let r = s.reserve(&request, t0()).await.unwrap();
    assert_eq!(r.reserved, uuids(&["f1", "f2", "f3"]));
    assert_eq!(
        r.refused,
        vec![
            (uuid("f4"), Refusal::Quota(QuotaKind::Sender)),
            (uuid("f5"), Refusal::Quota(QuotaKind::Sender))
        ]
    );
    assert_eq!(
        s.quota_used(today(), &QuotaSubject::Sender(admin(1)))
            .await
            .unwrap(),
        3
    );
}

async fn the_recipient_and_app_limits_span_senders(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    login(s, admin(2)).await;
    let a = meeting(s, admin(1)).await;
    let b = meeting(s, admin(2)).await;
    let limits = QuotaLimits {
        app: 3,
        recipient: 1,
        ..QuotaLimits::KAKAO
    };
    let mut first = batch(admin(1), a.id, 1, &["shared", "x1"]);
    first.limits = limits;
    assert_eq!(s.reserve(&first, t0()).await.unwrap().reserved.len(), 2);
    let mut second = batch(admin(2), b.id, 1, &["shared", "y1", "y2"]);
    second.limits = limits;
    let r = s.reserve(&second, t0()).await.unwrap();
    assert_eq!(r.reserved, uuids(&["y1"]));
    assert_eq!(
        r.refused,
        vec![
            (uuid("shared"), Refusal::Quota(QuotaKind::Recipient)),
            (uuid("y2"), Refusal::Quota(QuotaKind::App))
        ]
    );
    assert_eq!(s.quota_used(today(), &QuotaSubject::App).await.unwrap(), 3);
}

async fn counters_start_afresh_on_the_next_kakao_day(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let limits = QuotaLimits {
        sender: 1,
        ..QuotaLimits::KAKAO
    };
    let mut today_batch = batch(admin(1), m.id, 1, &["f1"]);
    today_batch.limits = limits;
    s.reserve(&today_batch, t0()).await.unwrap();
    let mut full = batch(admin(1), m.id, 2, &["f1"]);
    full.limits = limits;
    assert_eq!(
        s.reserve(&full, t0()).await.unwrap().refused,
        vec![(uuid("f1"), Refusal::Quota(QuotaKind::Sender))]
    );
    let tomorrow = KstDay::containing(today().resets_at());
    full.day = tomorrow;
    assert_eq!(
        s.reserve(&full, today().resets_at()).await.unwrap().reserved,
        uuids(&["f1"])
    );
    assert_eq!(
        s.quota_used(tomorrow, &QuotaSubject::Sender(admin(1)))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.get_delivery(&store::model::DeliveryKey {
            admin: admin(1),
            meeting: m.id,
            recipient: uuid("f1"),
            round: round(2)
        })
        .await
        .unwrap()
        .day,
        tomorrow
    );
}

async fn failures_kakao_did_not_count_give_their_slots_back(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1", "f2", "f3"]), t0())
        .await
        .unwrap();
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
                        code: KakaoErrorCode::PAIR_DAILY_QUOTA,
                        release_quota: true,
                    },
                ),
                (
                    uuid("f3"),
                    DeliveryOutcome::Failed {
                        code: KakaoErrorCode::new(-1).unwrap(),
                        release_quota: false,
                    },
                ),
            ],
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(
        written.iter().map(|r| r.holds_quota).collect::<Vec<_>>(),
        [true, false, true]
    );
    assert_eq!(
        counts(s, 1, "f2").await,
        [2, 2, 0, 0],
        "f2's four slots came back"
    );
    assert_eq!(
        counts(s, 1, "f3").await,
        [2, 2, 1, 1],
        "an internal error may have been counted: kept"
    );
}

async fn an_unknown_meeting_reserves_nothing(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let result = s
        .reserve(&batch(admin(1), MeetingId::new_v7(), 1, &["f1"]), t0())
        .await;
    assert!(result.unwrap_err().is_not_found());
    assert_eq!(counts(s, 1, "f1").await, [0, 0, 0, 0]);
}

conformance!(
    a_reservation_takes_one_slot_on_each_counter_per_recipient,
    a_recipient_already_reminded_this_round_is_refused_without_a_slot,
    one_recipients_full_pair_counter_does_not_block_the_others,
    the_sender_limit_stops_a_batch_part_way,
    the_recipient_and_app_limits_span_senders,
    counters_start_afresh_on_the_next_kakao_day,
    failures_kakao_did_not_count_give_their_slots_back,
    an_unknown_meeting_reserves_nothing,
);
