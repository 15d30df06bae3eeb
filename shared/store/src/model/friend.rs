//! An admin's Kakao friends as stored, and the record of the last sync.

use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use domain::friends::FriendProfile;
use domain::sweep::FriendStanding;
use serde::{Deserialize, Serialize};

/// One friend of one admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendRecord {
    pub admin: KakaoUserId,
    pub profile: FriendProfile,
    /// The sync that first listed this friend.
    pub first_seen: DateTime<Utc>,
    /// The last sync that wrote this friend (added, changed, returned or marked gone). An
    /// unchanged re-sync writes nothing, so this is not bumped by it; the admin's
    /// [`SyncReport`] says when the list was last confirmed.
    pub synced_at: DateTime<Utc>,
    /// Set when a sync no longer listed this friend; cleared if it comes back.
    pub gone_at: Option<DateTime<Utc>>,
}

impl FriendRecord {
    /// Where they stand in the admin's friend list (someone with no record is
    /// [`FriendStanding::NotListed`]).
    pub fn standing(&self) -> FriendStanding {
        match self.gone_at {
            Some(_) => FriendStanding::Gone,
            None => FriendStanding::Listed,
        }
    }
}

/// What a friend sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendSyncCounts {
    /// New friends, and gone friends listed again.
    pub added: u32,
    /// Nickname, thumbnail, favorite or Kakao id changed.
    pub changed: u32,
    /// Newly marked gone.
    pub gone: u32,
    pub unchanged: u32,
    /// Storage write requests made (DynamoDB: BatchWriteItem calls, retries included;
    /// SQLite: transactions). 0 for an unchanged re-sync.
    pub write_requests: u32,
}

/// How a sync ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum SyncOutcome {
    Succeeded,
    /// `reason` is for the dashboard (e.g. "needs consent: friends"); no tokens, no bodies.
    Failed {
        reason: String,
    },
}

/// The admin's last sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    pub at: DateTime<Utc>,
    pub counts: FriendSyncCounts,
    pub outcome: SyncOutcome,
}

impl SyncReport {
    /// A sync that failed (or timed out) at `at`: nothing was written, so no counts.
    pub fn failed(at: DateTime<Utc>, reason: String) -> Self {
        Self {
            at,
            counts: FriendSyncCounts::default(),
            outcome: SyncOutcome::Failed { reason },
        }
    }
}
