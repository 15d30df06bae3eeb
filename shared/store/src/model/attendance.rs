//! Who joined a meeting, and when they first did.

use chrono::{DateTime, Utc};
use domain::FriendUuid;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// How we learned of a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinSource {
    /// A Zoom `participant_joined` webhook.
    Zoom,
    /// The invitee opened our tracked join link (`/j/{token}`).
    Link,
    /// The admin marked them present.
    Manual,
}

impl JoinSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Zoom => "zoom",
            Self::Link => "link",
            Self::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "zoom" => Ok(Self::Zoom),
            "link" => Ok(Self::Link),
            "manual" => Ok(Self::Manual),
            other => Err(StoreError::invalid(format!("unknown join source {other:?}"))),
        }
    }
}

/// One invitee's attendance: the earliest join we know of, and where we learned it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub first_joined_at: DateTime<Utc>,
    pub source: JoinSource,
}

/// What [`record_join`](crate::api::AttendanceStore::record_join) left stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRecorded {
    pub friend: FriendUuid,
    /// The stored attendance after this call (the earlier of the old and the new join).
    pub attendance: Attendance,
    /// Whether this call changed what was stored (a first join, or an earlier one).
    pub changed: bool,
}
