//! What the friend-sync function is invoked with, parsed by its top-level key:
//!
//! - `{"daily_sync": {...}}`: the EventBridge Scheduler (`ScheduleV2`) daily run. The Scheduler
//!   delivers the target `Input` as is, with no EventBridge envelope, so this is its own struct;
//!   [`SCHEDULE_INPUT`] is the `Input` the template must configure (its `<aws.scheduler.*>`
//!   context attributes are filled in by the Scheduler).
//! - `{"admin_id": ..., "reason": ...}`: one admin, after login or on demand
//!   ([`app::sync::SyncRequest`], what `LambdaSyncTrigger` sends).
//! - `{"continue_daily": {...}}`: the daily run continuing itself with a cursor.
//! - `{"finish_deletions": {...}}`: the schedule (every 10 minutes) that finishes deletions of
//!   unlinked users' data the unlink webhook could not finish ([`DELETIONS_SCHEDULE_INPUT`]).
//!
//! Anything else is refused with an error that says what was expected.

pub use app::schedule::ScheduleV2;
use app::sync::{DailyCursor, SyncRequest};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `Input` of the daily schedule in template.yaml, verbatim.
pub const SCHEDULE_INPUT: &str = r#"{"daily_sync":{"schedule_arn":"<aws.scheduler.schedule-arn>","scheduled_time":"<aws.scheduler.scheduled-time>","execution_id":"<aws.scheduler.execution-id>","attempt":"<aws.scheduler.attempt-number>"}}"#;

/// The `Input` of the finish-deletions schedule in template.yaml, verbatim.
pub const DELETIONS_SCHEDULE_INPUT: &str =
    r#"{"finish_deletions":{"scheduled_time":"<aws.scheduler.scheduled-time>"}}"#;

/// The Scheduler's finish-deletions invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeletionsSchedule {
    pub scheduled_time: DateTime<Utc>,
}

/// One invocation of the function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Daily(ScheduleV2),
    Admin(SyncRequest),
    Continue(ContinueDaily),
    FinishDeletions(DeletionsSchedule),
}

/// The daily run handing over to a fresh invocation before its time runs out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContinueDaily {
    /// The Scheduler execution this run started from (for logs).
    pub execution_id: String,
    pub scheduled_time: DateTime<Utc>,
    pub cursor: DailyCursor,
}

/// The payload is not one of the four shapes.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error(
        "expected an object with one of \"daily_sync\", \"admin_id\", \"continue_daily\" or \"finish_deletions\", got {0}"
    )]
    Unknown(String),
    #[error("the {shape} payload is malformed")]
    Malformed {
        shape: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

impl Invocation {
    pub fn parse(payload: Value) -> Result<Invocation, PayloadError> {
        let Value::Object(mut fields) = payload else {
            return Err(PayloadError::Unknown(describe(&payload)));
        };
        let only = |key: &str, fields: &serde_json::Map<String, Value>| {
            fields.len() == 1 && fields.contains_key(key)
        };
        if only("daily_sync", &fields) {
            let daily = fields.remove("daily_sync").unwrap_or_default();
            return shape("daily_sync", daily).map(Invocation::Daily);
        }
        if only("continue_daily", &fields) {
            let next = fields.remove("continue_daily").unwrap_or_default();
            return shape("continue_daily", next).map(Invocation::Continue);
        }
        if only("finish_deletions", &fields) {
            let schedule = fields.remove("finish_deletions").unwrap_or_default();
            return shape("finish_deletions", schedule).map(Invocation::FinishDeletions);
        }
        let other_shape = ["daily_sync", "continue_daily", "finish_deletions"]
            .iter()
            .any(|key| fields.contains_key(*key));
        if fields.contains_key("admin_id") && !other_shape {
            return shape("admin_id", Value::Object(fields)).map(Invocation::Admin);
        }
        Err(PayloadError::Unknown(describe(&Value::Object(fields))))
    }
}

impl ContinueDaily {
    /// The payload that continues the run.
    pub fn to_payload(&self) -> Value {
        serde_json::json!({ "continue_daily": self })
    }
}

fn shape<T: DeserializeOwned>(shape: &'static str, value: Value) -> Result<T, PayloadError> {
    serde_json::from_value(value).map_err(|source| PayloadError::Malformed { shape, source })
}

/// The keys of an object, or the kind of value: enough to debug, never the values themselves.
fn describe(value: &Value) -> String {
    match value {
        Value::Object(fields) => format!("an object with keys {:?}", fields.keys().collect::<Vec<_>>()),
        Value::Array(_) => "an array".into(),
        Value::String(_) => "a string".into(),
        Value::Number(_) => "a number".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Null => "null".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_input_is_json_with_the_schedulers_placeholders() {
        let input: Value = serde_json::from_str(SCHEDULE_INPUT).unwrap();
        assert_eq!(
            input["daily_sync"]["scheduled_time"],
            "<aws.scheduler.scheduled-time>"
        );
    }

    #[test]
    fn the_deletions_schedule_is_read_with_its_time() {
        let filled =
            DELETIONS_SCHEDULE_INPUT.replace("<aws.scheduler.scheduled-time>", "2026-12-07T01:10:00Z");
        let invocation = Invocation::parse(serde_json::from_str(&filled).unwrap()).unwrap();
        let Invocation::FinishDeletions(schedule) = invocation else {
            panic!("{invocation:?}");
        };
        assert_eq!(schedule.scheduled_time.to_rfc3339(), "2026-12-07T01:10:00+00:00");
        assert!(Invocation::parse(serde_json::json!({"finish_deletions": {"x": 1}})).is_err());
    }

    #[test]
    fn unknown_payloads_name_their_keys_but_not_their_values() {
        let err = Invocation::parse(serde_json::json!({"detail-type": "Scheduled Event", "secret": "x"}))
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("detail-type"), "{message}");
        assert!(!message.contains("Scheduled Event"), "{message}");
        assert!(Invocation::parse(Value::Null).is_err());
    }

    #[test]
    fn two_shapes_in_one_payload_are_refused() {
        let payload = serde_json::json!({"daily_sync": {}, "admin_id": 1});
        assert!(matches!(
            Invocation::parse(payload),
            Err(PayloadError::Unknown(_))
        ));
    }
}
