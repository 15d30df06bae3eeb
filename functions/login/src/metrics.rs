//! Counts as CloudWatch metrics (Embedded Metric Format lines on stdout), for the alarms.

use chrono::{DateTime, Utc};

const FUNCTION: &str = "login";

/// One EMF line counting one `what`.
pub fn line(at: DateTime<Utc>, what: &str) -> String {
    app::emf::counts(FUNCTION, at, &[(what, 1)])
}

/// Writes one count of `what` to stdout.
pub fn count(at: DateTime<Utc>, what: &str) {
    println!("{}", line(at, what));
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn a_count_is_an_emf_line_of_this_function() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let line: Value = serde_json::from_str(&line(at, "UnlinkNotNoted")).unwrap();
        assert_eq!(line["UnlinkNotNoted"], 1);
        assert_eq!(line["Function"], FUNCTION);
    }
}
