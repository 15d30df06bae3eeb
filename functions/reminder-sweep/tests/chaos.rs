//! Eight sweeps at once over the same due set while the store misbehaves as DynamoDB does
//! under load (on DynamoDB: every fault of the test server at a high rate: answers lost after a
//! commit, dropped connections, conflicts, transactions in progress, throttling, partial
//! batches, a lagging due index), then further sweeps, minute by minute, until every round is
//! over. Whatever the faults, every invitee gets exactly one reminder per round, every delivery
//! ends `sent`, and the quota counters hold what the deliveries hold. The same story runs on
//! SQLite (whose faults are its own: busy writers), so both backends keep the same promise.

mod common;

use app::testing::Backend;
use chrono::TimeZone;
use common::{Bed, MeetingSetup};
use domain::{KstDay, QuotaLimits};
use futures::future::join_all;
use kakao_sandbox::World;
use store::dynamo::test_server::{FaultRates, Faults};
use store::model::QuotaSubject;

const SWEEPS: usize = 8;

async fn every_reminder_once_whatever_the_store_does(backend: Backend) {
    // A fixed Korean morning: the rounds run for over an hour, and a run that crossed Kakao's
    // midnight would count its reservations on two days.
    let morning = chrono_tz::Asia::Seoul
        .with_ymd_and_hms(2026, 11, 23, 10, 0, 0)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let Some(bed) = Bed::start_at(
        World::with_friends(12),
        backend,
        QuotaLimits::KAKAO,
        Some(morning),
        |s| s,
    )
    .await
    else {
        return;
    };
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
    let control = bed.s.store.fault_control();
    if let Some(control) = &control {
        control
            .set(&Faults {
                seed: Some(1412),
                rates: FaultRates {
                    lost_response: 0.2,
                    transaction_conflict: 0.2,
                    item_conflict: 0.2,
                    in_progress: 0.1,
                    throttle: 0.2,
                    unprocessed: 0.3,
                },
                lost_response_mode: Some("mixed"),
                index_lag_seconds: Some(0.5),
                hold_ms: Some(20),
                ..Faults::default()
            })
            .await;
    }

    // big: rounds at +5 and +15 for everyone; small: the same for the first seven; other: one
    // round at +5 for the last seven.
    let expected = |user: i64| {
        let i = user - 1001;
        2 + 2 * usize::from(i < 7) + usize::from(i >= 5)
    };
    let mut errors = 0;
    for minute in 0..=70 {
        bed.advance(if minute == 0 { 5 } else { 1 });
        let reports = join_all(sweepers.iter().map(|s| s.run_once())).await;
        for report in reports.into_iter().flatten() {
            errors += report.errors;
        }
        if minute % 5 == 0 {
            // Let the lagging index catch up with the writes of the last few sweeps.
            tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        }
    }
    if let Some(control) = &control {
        let report = control.report().await;
        assert!(report.injected_total() > 20, "faults were on: {report:?}");
        control.clear().await;
        eprintln!(
            "faults injected: {:?}; meeting errors met: {errors}",
            report.injected
        );
    }

    for user in 1001..=1012 {
        assert_eq!(
            bed.reminders(user).await.len(),
            expected(user),
            "user {user}: one reminder per round"
        );
    }
    let mut holding = 0u32;
    for meeting in [big, small, other] {
        assert_eq!(bed.next_round(meeting).await, None, "every round is over");
        for d in bed.deliveries(meeting).await {
            assert_eq!(d.state.to_string(), "sent", "{d:?}");
            holding += u32::from(d.holds_quota);
        }
    }
    let day = KstDay::containing(bed.now());
    let store = &bed.s.store.store;
    for subject in [QuotaSubject::App, QuotaSubject::Sender(bed.admin())] {
        assert_eq!(
            store.quota_used(day, &subject).await.unwrap(),
            holding,
            "{subject:?} counts what the deliveries hold"
        );
    }
}

app::on_both_backends!(every_reminder_once_whatever_the_store_does);
