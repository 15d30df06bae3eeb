//! What the admin function counts in CloudWatch (Embedded Metric Format): the reminders it sends
//! itself, by hand and in approved confirm-first rounds. The sweep counts its own; the quota alarm
//! in template.yaml adds the two, so it sees every message ttokttok sends.

use chrono::{DateTime, Utc};
use web::WebState;

/// The `Function` dimension of the admin function's metrics.
pub const FUNCTION: &str = "admin";

/// The EMF line counting `sent` reminders.
pub fn sent_line(at: DateTime<Utc>, sent: usize) -> String {
    app::emf::counts(FUNCTION, at, &[("RemindersSent", sent as u64)])
}

/// Counts `sent` reminders (a line on stdout when the site emits metrics; nothing for zero).
pub fn count_sent(state: &WebState, sent: usize) {
    if sent > 0 && state.site().emit_metrics {
        println!("{}", sent_line(state.now(), sent));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn the_sent_line_is_a_count_under_the_admin_function() {
        let at = DateTime::from_timestamp_millis(1_795_203_000_000).unwrap();
        let line: Value = serde_json::from_str(&sent_line(at, 4)).unwrap();
        assert_eq!(line["Function"], FUNCTION);
        assert_eq!(line["RemindersSent"], 4);
        let declared = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(declared["Namespace"], app::emf::NAMESPACE);
        assert_eq!(declared["Metrics"][0]["Name"], "RemindersSent");
        assert_eq!(declared["Dimensions"][0][0], "Function");
    }
}
