//! Reading and writing DynamoDB attribute maps: typed getters that turn a missing or mistyped
//! attribute into `StoreError::Corrupt`, and the item size DynamoDB counts (for the 400 KB limit
//! and for write-unit accounting).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, SecondsFormat, Utc};

use crate::StoreError;

pub(crate) type Item = HashMap<String, AttributeValue>;

/// Fixed-width RFC 3339 in UTC with nanoseconds (`2026-11-21T09:05:00.000000000Z`): exact,
/// and lexicographic order is time order, so it can sit in sort keys and conditions.
pub(crate) fn sortable_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// Parses what [`sortable_time`] wrote (any RFC 3339 is accepted).
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn b(v: Vec<u8>) -> AttributeValue {
    AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(v))
}

pub(crate) fn boolean(v: bool) -> AttributeValue {
    AttributeValue::Bool(v)
}

pub(crate) fn time(t: DateTime<Utc>) -> AttributeValue {
    AttributeValue::S(sortable_time(t))
}

/// A typed view of one stored item, naming the record kind in every error.
pub(crate) struct Reader<'a> {
    what: &'static str,
    item: &'a Item,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(what: &'static str, item: &'a Item) -> Self {
        Self { what, item }
    }

    fn corrupt(&self, detail: impl std::fmt::Display) -> StoreError {
        StoreError::corrupt(self.what, detail)
    }

    pub(crate) fn s(&self, name: &str) -> Result<&'a str, StoreError> {
        self.opt_s(name)?
            .ok_or_else(|| self.corrupt(format!("missing {name}")))
    }

    pub(crate) fn opt_s(&self, name: &str) -> Result<Option<&'a str>, StoreError> {
        match self.item.get(name) {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            Some(AttributeValue::S(v)) => Ok(Some(v.as_str())),
            Some(_) => Err(self.corrupt(format!("{name} is not a string"))),
        }
    }

    pub(crate) fn n<T: std::str::FromStr>(&self, name: &str) -> Result<T, StoreError> {
        self.opt_n(name)?
            .ok_or_else(|| self.corrupt(format!("missing {name}")))
    }

    pub(crate) fn opt_n<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, StoreError> {
        match self.item.get(name) {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            Some(AttributeValue::N(v)) => v
                .parse()
                .map(Some)
                .map_err(|_| self.corrupt(format!("{name} = {v:?} is out of range"))),
            Some(_) => Err(self.corrupt(format!("{name} is not a number"))),
        }
    }

    pub(crate) fn b(&self, name: &str) -> Result<&'a [u8], StoreError> {
        match self.item.get(name) {
            Some(AttributeValue::B(v)) => Ok(v.as_ref()),
            None => Err(self.corrupt(format!("missing {name}"))),
            Some(_) => Err(self.corrupt(format!("{name} is not binary"))),
        }
    }

    pub(crate) fn boolean(&self, name: &str) -> Result<bool, StoreError> {
        match self.item.get(name) {
            Some(AttributeValue::Bool(v)) => Ok(*v),
            None => Err(self.corrupt(format!("missing {name}"))),
            Some(_) => Err(self.corrupt(format!("{name} is not a boolean"))),
        }
    }

    pub(crate) fn time(&self, name: &str) -> Result<DateTime<Utc>, StoreError> {
        self.opt_time(name)?
            .ok_or_else(|| self.corrupt(format!("missing {name}")))
    }

    pub(crate) fn opt_time(&self, name: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        match self.opt_s(name)? {
            None => Ok(None),
            Some(v) => parse_time(v)
                .map(Some)
                .ok_or_else(|| self.corrupt(format!("{name} = {v:?} is not a time"))),
        }
    }

    /// A string attribute parsed by `parse` (ids, enums), any parse error becoming `Corrupt`.
    pub(crate) fn parsed<T, E: std::fmt::Display>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        let raw = self.s(name)?;
        parse(raw).map_err(|e| self.corrupt(format!("{name}: {e}")))
    }

    /// A JSON document stored as a string (settings, match keys, sync counts).
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, StoreError> {
        let raw = self.s(name)?;
        serde_json::from_str(raw).map_err(|e| self.corrupt(format!("{name}: {e}")))
    }

    pub(crate) fn string_list(&self, name: &str) -> Result<Vec<&'a str>, StoreError> {
        match self.item.get(name) {
            None => Ok(Vec::new()),
            Some(AttributeValue::L(values)) => values
                .iter()
                .map(|v| match v {
                    AttributeValue::S(s) => Ok(s.as_str()),
                    _ => Err(self.corrupt(format!("{name} holds a non-string"))),
                })
                .collect(),
            Some(_) => Err(self.corrupt(format!("{name} is not a list"))),
        }
    }
}

/// The size DynamoDB counts for an item: attribute names plus values (strings and binaries by
/// length, numbers at most 21 bytes, 3 bytes of overhead per list or map plus 1 per element).
pub(crate) fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => n.len().div_ceil(2) + 1,
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(values) => 3 + values.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        AttributeValue::Ss(values) => values.iter().map(String::len).sum(),
        AttributeValue::Ns(values) => values.iter().map(|n| n.len().div_ceil(2) + 1).sum(),
        AttributeValue::Bs(values) => values.iter().map(|b| b.as_ref().len()).sum(),
        _ => 0,
    }
}

/// Write units DynamoDB charges to write an item of `size` bytes: one per started kilobyte.
pub(crate) fn write_units(size: usize) -> u64 {
    (size.max(1).div_ceil(1024)) as u64
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn sortable_times_sort_like_the_times_they_name() {
        let a = Utc.with_ymd_and_hms(2026, 11, 21, 9, 5, 0).unwrap();
        let b = a + chrono::Duration::nanoseconds(1);
        let c = a + chrono::Duration::days(400);
        let (sa, sb, sc) = (sortable_time(a), sortable_time(b), sortable_time(c));
        assert_eq!(sa, "2026-11-21T09:05:00.000000000Z");
        assert!(sa < sb && sb < sc);
        assert_eq!(parse_time(&sb), Some(b));
    }

    #[test]
    fn sizes_count_names_and_values() {
        let item: Item = [("PK".to_owned(), s("ADMIN#1")), ("n".to_owned(), n(12345))].into();
        assert_eq!(item_size(&item), 2 + 7 + 1 + 4);
        assert_eq!(write_units(1), 1);
        assert_eq!(write_units(1024), 1);
        assert_eq!(write_units(1025), 2);
    }

    #[test]
    fn missing_or_mistyped_attributes_are_corrupt_not_panics() {
        let item: Item = [("a".to_owned(), n(1)), ("t".to_owned(), s("yesterday"))].into();
        let r = Reader::new("admin", &item);
        assert!(matches!(r.s("a"), Err(StoreError::Corrupt { .. })));
        assert!(matches!(r.s("missing"), Err(StoreError::Corrupt { .. })));
        assert!(matches!(r.time("t"), Err(StoreError::Corrupt { .. })));
        assert!(matches!(r.n::<u8>("a"), Ok(1)));
        assert_eq!(r.opt_s("missing").unwrap(), None);
    }
}
