//! Values every concern shares: optimistic-lock versions, page cursors, the item size limit.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::StoreError;

/// DynamoDB's item limit (400 KB, names and values together). Both backends refuse anything
/// larger, so a record that fits the SQLite twin also fits the table.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// `InvalidInput` when `bytes` (an item's size as the backend counts it) exceeds
/// [`MAX_ITEM_BYTES`].
pub fn check_item_size(what: &str, bytes: usize) -> Result<(), StoreError> {
    if bytes > MAX_ITEM_BYTES {
        Err(StoreError::invalid(format!(
            "{what} is {bytes} bytes; the limit is {MAX_ITEM_BYTES}"
        )))
    } else {
        Ok(())
    }
}

/// `InvalidInput` unless `at` lies between 1970 and the year 9000. Stored times are text
/// with four-digit years, which sort as they compare and read back as written; a year past
/// 9999 becomes `+10000-...`, which sorts before every real time and does not parse. The
/// margin keeps what is derived from a stored time (a link's expiry, a day's counters) in range.
pub fn check_storable_time(what: &str, at: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
    use chrono::Datelike;
    if (1970..9000).contains(&at.year()) {
        Ok(())
    } else {
        Err(StoreError::invalid(format!(
            "{what} {at} is outside the times the store keeps (1970 to 8999)"
        )))
    }
}

/// An optimistic-lock version: 1 when a record is created, +1 on every write. Updates carry
/// the version they read and fail with `Conflict` if it moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Version(u64);

impl Version {
    pub const INITIAL: Version = Version(1);

    pub fn new(n: u64) -> Result<Self, StoreError> {
        if n >= 1 {
            Ok(Self(n))
        } else {
            Err(StoreError::invalid("a version starts at 1"))
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }

    pub fn next(self) -> Version {
        Version(self.0.saturating_add(1))
    }
}

impl TryFrom<u64> for Version {
    type Error = StoreError;
    fn try_from(n: u64) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

impl From<Version> for u64 {
    fn from(v: Version) -> u64 {
        v.0
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where the next page starts. Opaque: only the backend that issued it can read it, and a
/// cursor it cannot read is `InvalidInput`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageCursor(String);

impl PageCursor {
    /// For backends: wrap their own encoding.
    pub fn new(encoded: impl Into<String>) -> Self {
        Self(encoded.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One page of a listing, and the cursor for the next (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<PageCursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_start_at_one_and_count_up() {
        assert!(Version::new(0).is_err());
        assert_eq!(Version::INITIAL.next().get(), 2);
    }

    #[test]
    fn items_over_400_kb_are_refused() {
        assert!(check_item_size("friend", MAX_ITEM_BYTES).is_ok());
        assert!(matches!(
            check_item_size("friend", MAX_ITEM_BYTES + 1),
            Err(StoreError::InvalidInput(_))
        ));
    }
}
