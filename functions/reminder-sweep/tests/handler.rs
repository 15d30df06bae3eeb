//! The Lambda handler with the Scheduler's committed input: one sweep, its counts as the answer.

mod common;

use std::time::Duration;

use app::testing::Backend;
use common::{Bed, MeetingSetup};
use reminder_sweep::ReminderSweepFunction;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_input_runs_one_sweep() {
    let Some(bed) = Bed::start(2, Backend::Sqlite).await else {
        return;
    };
    bed.meeting(&[1001, 1002], MeetingSetup::default()).await;
    bed.advance(5);
    let function = ReminderSweepFunction::new(bed.sweeper.clone(), false);
    let input: Value = serde_json::from_str(include_str!("fixtures/schedule_v2_minute.json")).unwrap();
    let outcome = function.handle(input, Duration::from_secs(60)).await.unwrap();
    assert_eq!((outcome.due, outcome.visited, outcome.sent), (1, 1, 2));

    let wrong = serde_json::json!({"detail-type": "Scheduled Event", "detail": {}});
    assert!(function.handle(wrong, Duration::from_secs(60)).await.is_err());
    // No time left: nothing is started, everything waits for the next minute.
    bed.advance(10);
    let input: Value = serde_json::from_str(include_str!("fixtures/schedule_v2_minute.json")).unwrap();
    let outcome = function.handle(input, Duration::from_secs(1)).await.unwrap();
    assert_eq!((outcome.due, outcome.deferred, outcome.sent), (1, 1, 0));
}
