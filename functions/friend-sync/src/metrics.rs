//! Counts as CloudWatch metrics, written as Embedded Metric Format lines on stdout: Lambda's log
//! pipeline turns them into metrics (alarms can watch `FriendSyncFailed`) without an API call.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

const NAMESPACE: &str = "ttokttok";
const FUNCTION: &str = "friend-sync";

/// One EMF line with these counts, dimensioned by function.
pub fn emf_line(at: DateTime<Utc>, counts: &[(&str, u32)]) -> String {
    let metrics: Vec<Value> = counts
        .iter()
        .map(|(name, _)| json!({"Name": name, "Unit": "Count"}))
        .collect();
    let mut line = Map::new();
    line.insert(
        "_aws".into(),
        json!({
            "Timestamp": at.timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["Function"]],
                "Metrics": metrics,
            }],
        }),
    );
    line.insert("Function".into(), json!(FUNCTION));
    for (name, count) in counts {
        line.insert((*name).into(), json!(count));
    }
    Value::Object(line).to_string()
}

/// Writes the counts to stdout, one line.
pub fn emit(at: DateTime<Utc>, counts: &[(&str, u32)]) {
    println!("{}", emf_line(at, counts));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emf_line_declares_each_count_and_carries_its_value() {
        let at = DateTime::parse_from_rfc3339("2026-11-20T19:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let line: Value = serde_json::from_str(&emf_line(at, &[("FriendSyncFailed", 2)])).unwrap();
        assert_eq!(line["_aws"]["Timestamp"], 1_795_203_000_000_i64);
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"],
            "FriendSyncFailed"
        );
        assert_eq!(line["FriendSyncFailed"], 2);
        assert_eq!(line["Function"], "friend-sync");
    }
}
