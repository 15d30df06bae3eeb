//! What EventBridge Scheduler (`ScheduleV2`) hands a scheduled function: the target's `Input`
//! as written in template.yaml, with no EventBridge envelope, its `<aws.scheduler.*>` context
//! attributes filled in. The reminder sweep and the friend sync read the same context.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// The Scheduler's context for one invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleV2 {
    pub schedule_arn: String,
    pub scheduled_time: DateTime<Utc>,
    pub execution_id: String,
    /// The Scheduler's retry counter, 1 for the first attempt. It arrives as text (the
    /// placeholder sits inside a JSON string); a number is accepted too.
    #[serde(deserialize_with = "number_or_text")]
    pub attempt: u32,
}

fn number_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(u32),
        Text(String),
    }
    match Raw::deserialize(deserializer)? {
        Raw::Number(n) => Ok(n),
        Raw::Text(text) => text
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom("attempt must be a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempt_is_read_as_text_or_number_and_nothing_else() {
        let context = |attempt: serde_json::Value| {
            serde_json::from_value::<ScheduleV2>(serde_json::json!({
                "schedule_arn": "arn:aws:scheduler:ap-northeast-2:1:schedule/default/s",
                "scheduled_time": "2026-12-07T01:00:00Z",
                "execution_id": "e",
                "attempt": attempt,
            }))
        };
        assert_eq!(context(" 2 ".into()).unwrap().attempt, 2);
        assert_eq!(context(3.into()).unwrap().attempt, 3);
        let err = context("two".into()).unwrap_err().to_string();
        assert!(err.contains("attempt must be a whole number"), "{err}");
    }
}
