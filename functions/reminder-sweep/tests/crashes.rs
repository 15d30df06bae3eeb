//! A crash between any two steps (injected after the reservation, after the Kakao call, and
//! before the meeting moves on), then the next sweeps: no one gets a message twice, and what
//! may or may not have arrived becomes `unknown`.

mod common;

use app::sweep::{CrashPoint, SweepError};
use app::testing::Backend;
use common::{Bed, MeetingSetup, SEND_PATH};

async fn crash(bed: &Bed, point: CrashPoint) {
    bed.sweeper.crash_once_at(point);
    let result = bed.sweeper.run_once().await;
    assert!(
        matches!(result, Err(SweepError::Crashed(p)) if p == point),
        "{result:?}"
    );
}

async fn a_crash_after_the_reservation_sends_nothing_and_leaves_unknown(backend: Backend) {
    let Some(bed) = Bed::start(2, backend).await else {
        return;
    };
    let meeting = bed.meeting(&[1001, 1002], MeetingSetup::default()).await;
    bed.advance(5);
    crash(&bed, CrashPoint::AfterReserve).await;
    assert_eq!(bed.requests_on(SEND_PATH).await, 0);
    let states: Vec<String> = bed
        .deliveries(meeting)
        .await
        .iter()
        .map(|d| d.state.to_string())
        .collect();
    assert!(states.contains(&"sending".to_owned()), "{states:?}");

    // The retry a minute later: the round's deliveries exist, so no one is sent round 1.
    bed.advance(1);
    let retry = bed.sweep().await;
    assert_eq!((retry.sent, retry.advanced), (0, 1), "{retry:?}");
    // Round 2, nine minutes on: the lost round-1 sends are declared unknown first.
    bed.advance(9);
    let second = bed.sweep().await;
    assert_eq!(
        second.stale_unknown,
        states.iter().filter(|s| *s == "sending").count()
    );
    assert_eq!(second.sent, 2);
    for user in [1001, 1002] {
        assert_eq!(bed.reminders(user).await.len(), 1, "only round 2's message");
        assert_ne!(
            bed.delivery_state(meeting, user, 1).await.as_deref(),
            Some("sending")
        );
    }
}

async fn a_crash_after_kakao_answered_never_sends_again(backend: Backend) {
    let Some(bed) = Bed::start(2, backend).await else {
        return;
    };
    let meeting = bed
        .meeting(
            &[1001, 1002],
            MeetingSetup {
                offsets: vec![5],
                ..MeetingSetup::default()
            },
        )
        .await;
    bed.advance(5);
    crash(&bed, CrashPoint::AfterKakao).await;
    for user in [1001, 1002] {
        assert_eq!(bed.reminders(user).await.len(), 1, "Kakao delivered");
        assert_eq!(
            bed.delivery_state(meeting, user, 1).await.as_deref(),
            Some("sending")
        );
    }
    let calls = bed.requests_on(SEND_PATH).await;
    bed.advance(1);
    let retry = bed.sweep().await;
    assert_eq!(retry.sent, 0);
    let closing = bed
        .next_round(meeting)
        .await
        .expect("a closing visit for the sends in flight");
    bed.set_time(closing.due_at);
    let last = bed.sweep().await;
    assert_eq!(last.stale_unknown, 2, "{last:?}");
    assert_eq!(bed.next_round(meeting).await, None);
    assert_eq!(bed.requests_on(SEND_PATH).await, calls, "no second call");
    for user in [1001, 1002] {
        assert_eq!(bed.reminders(user).await.len(), 1, "never twice");
        assert_eq!(
            bed.delivery_state(meeting, user, 1).await.as_deref(),
            Some("unknown")
        );
    }
}

async fn a_crash_before_the_rounds_last_write_is_finished_by_the_next_sweep(backend: Backend) {
    let Some(bed) = Bed::start(7, backend).await else {
        return;
    };
    let users: Vec<i64> = (1001..=1007).collect();
    let meeting = bed.meeting(&users, MeetingSetup::default()).await;
    bed.advance(5);
    crash(&bed, CrashPoint::BeforeAdvance).await;
    assert_eq!(
        bed.next_round(meeting).await.map(|n| n.round.get()),
        Some(1),
        "still due"
    );
    // Two batches (5 + 2): the first batch's answers were written before the second was
    // reserved; the second's wait for the round's last write, which the crash prevented.
    let mut states = Vec::new();
    for &user in &users {
        states.push(bed.delivery_state(meeting, user, 1).await.unwrap_or_default());
    }
    let count = |state: &str| states.iter().filter(|s| *s == state).count();
    assert_eq!((count("sent"), count("sending")), (5, 2), "{states:?}");

    bed.advance(1);
    let retry = bed.sweep().await;
    assert_eq!((retry.sent, retry.advanced), (0, 1), "{retry:?}");
    assert_eq!(bed.next_round(meeting).await.map(|n| n.round.get()), Some(2));
    // Round 2: the two sends whose answers were lost are declared unknown, never resent.
    bed.advance(9);
    let second = bed.sweep().await;
    assert_eq!((second.stale_unknown, second.sent), (2, 7), "{second:?}");
    for &user in &users {
        assert_eq!(bed.reminders(user).await.len(), 2, "one message per round");
        assert_ne!(
            bed.delivery_state(meeting, user, 1).await.as_deref(),
            Some("sending")
        );
    }
}

app::on_both_backends!(
    a_crash_after_the_reservation_sends_nothing_and_leaves_unknown,
    a_crash_after_kakao_answered_never_sends_again,
    a_crash_before_the_rounds_last_write_is_finished_by_the_next_sweep,
);
