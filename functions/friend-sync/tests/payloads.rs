//! The function's three payloads, parsed from the exact JSON each sender produces: the
//! EventBridge Scheduler's daily `Input` (a fixture, no EventBridge envelope), the login flow's
//! asynchronous invoke (`LambdaSyncTrigger`), and the daily run's own hand-over.

use app::sync::{DailyCursor, LambdaSyncTrigger, Listing, SyncReason};
use chrono::{TimeZone, Utc};
use domain::KakaoUserId;
use friend_sync::{ContinueDaily, Invocation, PayloadError, SCHEDULE_INPUT};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/schedule_v2_daily.json");

fn parse(json: &str) -> Result<Invocation, PayloadError> {
    Invocation::parse(serde_json::from_str::<Value>(json).unwrap())
}

#[test]
fn the_scheduler_payload_fixture_is_a_daily_run() {
    let Invocation::Daily(daily) = parse(FIXTURE).unwrap() else {
        panic!("the fixture is the daily schedule's payload")
    };
    assert_eq!(
        daily.scheduled_time,
        Utc.with_ymd_and_hms(2026, 11, 20, 19, 30, 0).unwrap()
    );
    assert_eq!(daily.execution_id, "d32c5kddcf5bb8c3");
    assert_eq!(daily.attempt, 1);
    assert!(daily.schedule_arn.starts_with("arn:aws:scheduler:"));
}

#[test]
fn the_fixture_is_the_template_input_with_the_schedulers_values_filled_in() {
    let filled = SCHEDULE_INPUT
        .replace(
            "<aws.scheduler.schedule-arn>",
            "arn:aws:scheduler:ap-northeast-2:123456789012:schedule/default/ttokttok-friend-sync-daily",
        )
        .replace("<aws.scheduler.scheduled-time>", "2026-11-20T19:30:00Z")
        .replace("<aws.scheduler.execution-id>", "d32c5kddcf5bb8c3")
        .replace("<aws.scheduler.attempt-number>", "1");
    assert_eq!(filled.trim(), FIXTURE.trim());
}

#[test]
fn an_eventbridge_envelope_is_not_mistaken_for_the_schedulers_input() {
    let envelope = r#"{"version":"0","id":"53dc4d37","detail-type":"Scheduled Event",
        "source":"aws.events","account":"123456789012","time":"2026-11-20T19:30:00Z",
        "region":"ap-northeast-2","resources":[],"detail":{}}"#;
    assert!(matches!(parse(envelope), Err(PayloadError::Unknown(_))));
}

#[test]
fn the_login_flows_invoke_payload_syncs_that_admin() {
    let admin = KakaoUserId::new(1234567890).unwrap();
    let sent = LambdaSyncTrigger::payload(admin, SyncReason::AfterLogin).unwrap();
    let Invocation::Admin(request) = parse(std::str::from_utf8(&sent).unwrap()).unwrap() else {
        panic!("an admin sync")
    };
    assert_eq!(
        (request.admin_id, request.reason),
        (admin, SyncReason::AfterLogin)
    );
    let Invocation::Admin(on_demand) = parse(r#"{"admin_id": 77}"#).unwrap() else {
        panic!("an admin sync")
    };
    assert_eq!(on_demand.reason, SyncReason::OnDemand);
}

#[test]
fn a_bad_admin_id_is_refused() {
    assert!(matches!(
        parse(r#"{"admin_id": -5}"#),
        Err(PayloadError::Malformed {
            shape: "admin_id",
            ..
        })
    ));
    assert!(parse(r#"{"admin_id": 5, "extra": true}"#).is_err());
}

#[test]
fn the_hand_over_payload_round_trips() {
    let next = ContinueDaily {
        execution_id: "d32c5kddcf5bb8c3".into(),
        scheduled_time: Utc.with_ymd_and_hms(2026, 11, 20, 19, 30, 0).unwrap(),
        cursor: DailyCursor {
            pending: vec![KakaoUserId::new(9).unwrap()],
            listing: Listing::Done,
            hops: 3,
        },
    };
    let json = next.to_payload().to_string();
    assert_eq!(parse(&json).unwrap(), Invocation::Continue(next));
    assert!(json.len() < 1024, "small enough for any invoke: {json}");
}
