//! Counts as CloudWatch metrics, written as Embedded Metric Format lines on stdout: Lambda's log
//! pipeline turns them into metrics (alarms can watch `FriendSyncFailed`) without an API call.

use chrono::{DateTime, Utc};

const FUNCTION: &str = "friend-sync";

/// One EMF line with these counts, dimensioned by function.
pub fn emf_line(at: DateTime<Utc>, counts: &[(&str, u32)]) -> String {
    let counts: Vec<(&str, u64)> = counts.iter().map(|(name, n)| (*name, u64::from(*n))).collect();
    app::emf::counts(FUNCTION, at, &counts)
}

/// Writes the counts to stdout, one line.
pub fn emit(at: DateTime<Utc>, counts: &[(&str, u32)]) {
    println!("{}", emf_line(at, counts));
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

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
