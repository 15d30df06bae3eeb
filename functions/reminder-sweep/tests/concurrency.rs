//! Eight sweeps at once over the same due set (EventBridge may invoke twice; Lambda retries),
//! on SQLite and on DynamoDB (moto): every invitee's inbox holds exactly one message per round.

mod common;

use app::testing::Backend;
use common::{Bed, MeetingSetup};
use futures::future::join_all;

const SWEEPS: usize = 8;

async fn eight_concurrent_sweeps_send_each_reminder_once(backend: Backend) {
    let Some(bed) = Bed::start(12, backend).await else {
        return;
    };
    // Three meetings over the same people, so batches and counters overlap.
    let everyone: Vec<i64> = (1001..=1012).collect();
    let big = bed.meeting(&everyone, MeetingSetup::default()).await;
    let small = bed.meeting(&everyone[..7], MeetingSetup::default()).await;
    let other = bed
        .meeting(
            &everyone[5..],
            MeetingSetup {
                offsets: vec![5],
                ..MeetingSetup::default()
            },
        )
        .await;
    let mut sweepers = vec![bed.sweeper.clone()];
    for _ in 1..SWEEPS {
        sweepers.push(bed.another_sweeper().await);
    }

    // Reminders `user` gets in `round`: big has rounds 1 and 2 for everyone, small rounds 1 and
    // 2 for the first seven, other only round 1 for the last seven.
    let in_round = |user: i64, round: u16| {
        let i = user - 1001;
        1 + usize::from(i < 7) + usize::from(round == 1 && i >= 5)
    };
    for round in 1..=2u16 {
        bed.advance(if round == 1 { 5 } else { 10 });
        let reports = join_all(sweepers.iter().map(|s| s.run_once())).await;
        let reports: Vec<_> = reports.into_iter().map(|r| r.expect("a sweep")).collect();
        let sent: usize = reports.iter().map(|r| r.sent).sum();
        let advanced: usize = reports.iter().map(|r| r.advanced).sum();
        let errors: usize = reports.iter().map(|r| r.errors).sum();
        assert_eq!(errors, 0, "{reports:#?}");
        assert!(advanced >= 1, "{reports:#?}");
        let mut expected_sent = 0;
        for user in 1001..=1012 {
            let expected: usize = (1..=round).map(|r| in_round(user, r)).sum();
            assert_eq!(
                bed.reminders(user).await.len(),
                expected,
                "user {user} after round {round}"
            );
            expected_sent += in_round(user, round);
        }
        assert_eq!(
            sent, expected_sent,
            "together the sweeps sent each reminder once (round {round})"
        );
        for meeting in [big, small, other] {
            for d in bed.deliveries(meeting).await {
                assert_eq!(d.state.to_string(), "sent", "{d:?}");
            }
        }
    }
    // A sweep that advanced a round while another's sends were still in flight booked a
    // closing visit at the end; after it, every meeting is out of the index and nothing more
    // was sent.
    bed.advance(45);
    join_all(sweepers.iter().map(|s| s.run_once())).await;
    for meeting in [big, small, other] {
        assert_eq!(bed.next_round(meeting).await, None);
    }
    for user in 1001..=1012 {
        let expected: usize = (1..=2).map(|r| in_round(user, r)).sum();
        assert_eq!(
            bed.reminders(user).await.len(),
            expected,
            "user {user} at the end"
        );
    }
}

app::on_both_backends!(eight_concurrent_sweeps_send_each_reminder_once);
