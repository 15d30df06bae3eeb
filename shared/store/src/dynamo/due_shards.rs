//! The due index's shards: DynamoDB spreads the "due by now" index over a few partitions so
//! that meeting writes do not all land on one; a sweep reads every shard. Nothing outside this
//! backend knows shards exist.

use std::fmt;

use domain::MeetingId;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// How many shards the due index is spread over: 1 to 64, fixed for a deployment (readers and
/// writers must agree). More shards spread writes; each "due by now" read is one query per shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct DueShards(u16);

impl DueShards {
    pub const MAX: u16 = 64;
    pub const DEFAULT: DueShards = DueShards(4);

    pub fn new(n: u16) -> Result<Self, StoreError> {
        if (1..=Self::MAX).contains(&n) {
            Ok(Self(n))
        } else {
            Err(StoreError::invalid(format!(
                "due shards must be 1 to {}, got {n}",
                Self::MAX
            )))
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }

    /// Every shard, for a sweep that reads them all.
    pub fn all(self) -> impl Iterator<Item = DueShard> {
        (0..self.0).map(DueShard)
    }

    /// The shard a meeting's due key lives in: FNV-1a of the meeting id, so it is stable
    /// across processes, versions and backends.
    pub fn shard_of(self, meeting: MeetingId) -> DueShard {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in meeting.to_string().bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        DueShard((hash % u64::from(self.0)) as u16)
    }
}

impl Default for DueShards {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<u16> for DueShards {
    type Error = StoreError;
    fn try_from(n: u16) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

impl From<DueShards> for u16 {
    fn from(s: DueShards) -> u16 {
        s.0
    }
}

/// One shard of the due index (`DUE#{shard}`). Made by [`DueShards::all`] or
/// [`DueShards::shard_of`], so it is always in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DueShard(u16);

impl DueShard {
    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for DueShard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_meeting_lands_in_a_shard_in_range_and_always_the_same_one() {
        let shards = DueShards::new(4).unwrap();
        let id = MeetingId::parse("0190f3a0-0000-7000-8000-000000000001").unwrap();
        assert_eq!(shards.shard_of(id), shards.shard_of(id));
        let used: std::collections::BTreeSet<u16> = (0..64)
            .map(|_| shards.shard_of(MeetingId::new_v7()).get())
            .collect();
        assert!(used.iter().all(|s| *s < 4));
        assert!(used.len() > 1, "64 meetings should not all hash to one shard");
        assert!(DueShards::new(0).is_err());
        assert!(DueShards::new(65).is_err());
    }
}
