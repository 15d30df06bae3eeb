//! CloudWatch Embedded Metric Format: one JSON line on stdout that Lambda's log pipeline turns
//! into metrics in the `ttokttok` namespace, dimensioned by `Function` (plus any others given).
//! No API call, so counting costs nothing on the request path.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

/// The namespace every ttokttok metric lives in (template.yaml's alarms watch it).
pub const NAMESPACE: &str = "ttokttok";

/// One EMF line: `function` and `dimensions`, and each metric as (name, value, unit).
pub fn line(
    function: &str,
    at: DateTime<Utc>,
    dimensions: &[(&str, String)],
    metrics: &[(&str, Value, &str)],
) -> String {
    let mut names = vec!["Function"];
    names.extend(dimensions.iter().map(|(name, _)| *name));
    let declared: Vec<Value> = metrics
        .iter()
        .map(|(name, _, unit)| json!({"Name": name, "Unit": unit}))
        .collect();
    let mut line = Map::new();
    line.insert(
        "_aws".into(),
        json!({
            "Timestamp": at.timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [names],
                "Metrics": declared,
            }],
        }),
    );
    line.insert("Function".into(), json!(function));
    for (name, value) in dimensions {
        line.insert((*name).into(), json!(value));
    }
    for (name, value, _) in metrics {
        line.insert((*name).into(), value.clone());
    }
    Value::Object(line).to_string()
}

/// One EMF line of counts (unit `Count`), dimensioned by function only.
pub fn counts(function: &str, at: DateTime<Utc>, counts: &[(&str, u64)]) -> String {
    let metrics: Vec<(&str, Value, &str)> = counts
        .iter()
        .map(|(name, n)| (*name, json!(n), "Count"))
        .collect();
    line(function, at, &[], &metrics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_declares_its_dimensions_and_metrics_and_carries_their_values() {
        let at = DateTime::from_timestamp_millis(1_795_203_000_000).unwrap();
        let line: Value = serde_json::from_str(&line(
            "reminder-sweep",
            at,
            &[("Code", "-530".into())],
            &[("RemindersFailed", json!(2), "Count")],
        ))
        .unwrap();
        let declared = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(line["_aws"]["Timestamp"], 1_795_203_000_000_i64);
        assert_eq!(declared["Namespace"], NAMESPACE);
        assert_eq!(declared["Dimensions"], json!([["Function", "Code"]]));
        assert_eq!(
            declared["Metrics"],
            json!([{"Name": "RemindersFailed", "Unit": "Count"}])
        );
        assert_eq!(line["Function"], "reminder-sweep");
        assert_eq!(line["Code"], "-530");
        assert_eq!(line["RemindersFailed"], 2);
    }
}
