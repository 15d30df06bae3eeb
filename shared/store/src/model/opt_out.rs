//! Opt-outs: a client who asked one admin to stop sending reminders.

use chrono::{DateTime, Utc};
use domain::FriendUuid;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Where the client said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptOutSource {
    /// The "stop these reminders" button in a reminder (`/stop/{token}`).
    ReminderLink,
    /// The onboarding page.
    Onboarding,
}

impl OptOutSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReminderLink => "reminder_link",
            Self::Onboarding => "onboarding",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "reminder_link" => Ok(Self::ReminderLink),
            "onboarding" => Ok(Self::Onboarding),
            other => Err(StoreError::invalid(format!("unknown opt-out source {other:?}"))),
        }
    }
}

/// One client's opt-out from one admin's reminders (the admin is the key it is stored under).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptOut {
    pub friend: FriendUuid,
    pub at: DateTime<Utc>,
    pub source: OptOutSource,
}

/// What [`record_opt_out`](crate::api::OptOutStore::record_opt_out) left stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOutRecorded {
    /// The stored opt-out (the first one, if there already was one).
    pub opt_out: OptOut,
    /// Whether this call created it.
    pub changed: bool,
}
