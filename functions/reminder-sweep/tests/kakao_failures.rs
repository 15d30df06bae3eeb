//! Every way Kakao can answer a reminder, each recorded as what it means: refused with its code
//! (slots given back when Kakao did not count it), lost (`unknown`, never resent), or a token
//! problem handled by the keeper (refresh once; a missing consent marks the admin).

mod common;

use app::testing::{Backend, Scenario};
use common::{Bed, MeetingSetup, SEND_PATH};
use domain::{KstDay, QuotaKind};
use serde_json::{Value, json};
use store::model::{AdminStatus, QuotaSubject};

fn one_round() -> MeetingSetup {
    MeetingSetup {
        offsets: vec![5],
        ..MeetingSetup::default()
    }
}

/// Makes a one-invitee meeting for `user`, injects `fault` on the next send, sweeps round 1.
/// Returns the delivery's state and whether it still holds its quota slots.
async fn answer(bed: &Bed, user: i64, fault: Value) -> (String, bool) {
    let meeting = bed.meeting(&[user], one_round()).await;
    bed.advance(5);
    let mut fault = fault;
    fault["path"] = json!(SEND_PATH);
    fault["times"] = json!(1);
    bed.fault(fault).await;
    let report = bed.sweep().await;
    assert_eq!(report.due, 1, "{report:?}");
    bed.s.clear_faults(SEND_PATH).await;
    let delivery = bed
        .deliveries(meeting)
        .await
        .into_iter()
        .next()
        .expect("a delivery");
    assert_eq!(bed.next_round(meeting).await, None, "the round moved on");
    (delivery.state.to_string(), delivery.holds_quota)
}

async fn every_kakao_refusal_is_recorded_with_its_code(backend: Backend) {
    let Some(bed) = Bed::start(20, backend).await else {
        return;
    };
    // Kakao refused before sending: recorded failed, slots given back.
    let released = [-10, -531, -532, -533, -536, -502, -530, -2, -5, -3];
    for (i, code) in released.into_iter().enumerate() {
        let user = 1001 + i as i64;
        let got = answer(&bed, user, json!({"kakao_code": code})).await;
        assert_eq!(got, (format!("failed({code})"), false), "code {code}");
        assert!(
            bed.reminders(user).await.is_empty(),
            "code {code}: nothing arrived"
        );
    }
    // A refusal we cannot place: recorded with its code, the slot kept (it may have counted).
    let got = answer(&bed, 1011, json!({"kakao_code": -4})).await;
    assert_eq!(got, ("failed(-4)".into(), true));

    let day = KstDay::containing(bed.now());
    let sender = bed
        .s
        .store
        .store
        .quota_used(day, &QuotaSubject::Sender(bed.admin()))
        .await
        .unwrap();
    assert_eq!(sender, 1, "only the -4 still holds a slot");
    let _ = QuotaKind::Sender;
}

async fn kakaos_own_failures_and_lost_answers_are_unknown_and_never_resent(backend: Backend) {
    let Some(bed) = Bed::start(8, backend).await else {
        return;
    };
    for (i, fault) in [
        json!({"kakao_code": -1}),
        json!({"kakao_code": -7}),
        json!({"kakao_code": -603}),
        json!({"kakao_code": -9798}),
        json!({"status": 500}),
        json!({"drop_connection": true}),
    ]
    .into_iter()
    .enumerate()
    {
        let user = 1001 + i as i64;
        let got = answer(&bed, user, fault.clone()).await;
        assert_eq!(got, ("unknown".into(), true), "{fault}");
    }
    // Delivered, then the answer was lost: one message arrived, recorded unknown.
    let got = answer(
        &bed,
        1007,
        json!({"drop_connection": true, "after_processing": true}),
    )
    .await;
    assert_eq!(got, ("unknown".into(), true));
    assert_eq!(bed.reminders(1007).await.len(), 1);
    let before = bed.requests_on(SEND_PATH).await;
    bed.advance(1);
    let again = bed.sweep().await;
    assert_eq!(
        (again.due, again.sent),
        (0, 0),
        "nothing left due: an unknown is never resent"
    );
    assert_eq!(bed.requests_on(SEND_PATH).await, before);
    assert_eq!(bed.reminders(1007).await.len(), 1);
}

async fn an_expired_token_is_refreshed_once_and_a_missing_consent_skips_the_admin(backend: Backend) {
    let Some(bed) = Bed::start(3, backend).await else {
        return;
    };
    // -401: the keeper refreshes the token and sends again, once.
    let got = answer(&bed, 1001, json!({"kakao_code": -401})).await;
    assert_eq!(got, ("sent".into(), true));
    assert_eq!(bed.reminders(1001).await.len(), 1);

    // -402: the admin must agree again; the reminder is given back, skipped with that reason.
    let meeting = bed.meeting(&[1002, 1003], one_round()).await;
    bed.advance(5);
    bed.fault(json!({"path": SEND_PATH, "kakao_code": -402, "times": 2}))
        .await;
    let report = bed.sweep().await;
    assert_eq!(report.sent, 0);
    let skipped: Vec<_> = report.skipped.iter().map(|(r, n)| (r.as_str(), *n)).collect();
    assert_eq!(skipped, [("admin_needs_consent", 2)], "{report:?}");
    for user in [1002, 1003] {
        assert_eq!(
            bed.delivery_state(meeting, user, 1).await.as_deref(),
            Some("cancelled")
        );
    }
    let admin = bed.s.store.store.get_admin(Scenario::admin()).await.unwrap();
    assert_eq!(admin.status, AdminStatus::NeedsConsent);
}

app::on_both_backends!(
    every_kakao_refusal_is_recorded_with_its_code,
    kakaos_own_failures_and_lost_answers_are_unknown_and_never_resent,
    an_expired_token_is_refreshed_once_and_a_missing_consent_skips_the_admin,
);
