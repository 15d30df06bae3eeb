//! What the reminder-sweep function is invoked with: the EventBridge Scheduler's `Input`
//! (`ScheduleV2`, `rate(1 minute)`). The Scheduler delivers `Input` as is, with no EventBridge
//! envelope, so it gets its own struct; [`SCHEDULE_INPUT`] is the `Input` the template must
//! configure (the Scheduler fills in its `<aws.scheduler.*>` context attributes).

pub use app::schedule::ScheduleV2;
use serde::Deserialize;
use serde_json::Value;

/// The `Input` of the every-minute schedule in template.yaml, verbatim.
pub const SCHEDULE_INPUT: &str = r#"{"reminder_sweep":{"schedule_arn":"<aws.scheduler.schedule-arn>","scheduled_time":"<aws.scheduler.scheduled-time>","execution_id":"<aws.scheduler.execution-id>","attempt":"<aws.scheduler.attempt-number>"}}"#;

/// One invocation: `{"reminder_sweep": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepInvocation {
    pub reminder_sweep: ScheduleV2,
}

/// The payload is not a sweep invocation.
#[derive(Debug, thiserror::Error)]
#[error("expected {{\"reminder_sweep\": {{schedule_arn, scheduled_time, execution_id, attempt}}}}")]
pub struct PayloadError(#[source] pub serde_json::Error);

impl SweepInvocation {
    pub fn parse(payload: Value) -> Result<Self, PayloadError> {
        serde_json::from_value(payload).map_err(PayloadError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_fixture_parses() {
        let fixture = include_str!("../tests/fixtures/schedule_v2_minute.json");
        let invocation = SweepInvocation::parse(serde_json::from_str(fixture).unwrap()).unwrap();
        let schedule = invocation.reminder_sweep;
        assert_eq!(schedule.attempt, 1);
        assert_eq!(schedule.execution_id, "c0ffee5d2b7a41e9");
        assert_eq!(schedule.scheduled_time.to_rfc3339(), "2026-11-21T10:05:00+00:00");
    }

    #[test]
    fn the_template_input_has_the_fixtures_shape() {
        let input: Value = serde_json::from_str(SCHEDULE_INPUT).unwrap();
        let fixture: Value =
            serde_json::from_str(include_str!("../tests/fixtures/schedule_v2_minute.json")).unwrap();
        let keys =
            |v: &Value| -> Vec<String> { v["reminder_sweep"].as_object().unwrap().keys().cloned().collect() };
        assert_eq!(keys(&input), keys(&fixture));
    }

    #[test]
    fn an_eventbridge_envelope_or_anything_else_is_refused() {
        let envelope = serde_json::json!({"version": "0", "detail-type": "Scheduled Event", "detail": {}});
        assert!(SweepInvocation::parse(envelope).is_err());
        assert!(SweepInvocation::parse(serde_json::json!("sweep")).is_err());
        let numeric = serde_json::json!({"reminder_sweep": {"schedule_arn": "a", "scheduled_time": "2026-11-21T10:05:00Z", "execution_id": "e", "attempt": 2}});
        assert_eq!(SweepInvocation::parse(numeric).unwrap().reminder_sweep.attempt, 2);
    }
}
