//! Turning model values into SQLite columns and back. Reads that do not parse are `Corrupt`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::StoreError;

/// Timestamps are fixed-width RFC 3339 with nanoseconds, so text order is time order and a
/// value read back compares equal to the one written.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub fn parse_ts(what: &str, s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::corrupt(what, e))
}

pub fn parse_opt_ts(what: &str, s: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    s.map(|s| parse_ts(what, &s)).transpose()
}

pub fn to_json<T: Serialize>(what: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::invalid(format!("{what} cannot be encoded: {e}")))
}

pub fn from_json<T: DeserializeOwned>(what: &str, s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::corrupt(what, e))
}

/// Maps a SQLite failure to `Backend`, naming the operation.
pub fn sql(operation: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError::backend(operation, e)
}

/// Wraps a value-parse failure of a stored column as `Corrupt`.
pub fn stored<T, E: std::fmt::Display>(what: &str, r: Result<T, E>) -> Result<T, StoreError> {
    r.map_err(|e| StoreError::corrupt(what, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_keep_nanoseconds_and_sort_as_text() {
        let a = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap() + chrono::Duration::nanoseconds(5);
        let b = a + chrono::Duration::nanoseconds(1);
        assert_eq!(parse_ts("t", &ts(a)).unwrap(), a);
        assert!(ts(a) < ts(b));
        assert!(matches!(
            parse_ts("t", "yesterday"),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
