//! An admin's own choices about how ttokttok works for them.

use serde::{Deserialize, Serialize};

/// Stored as one JSON document; fields added later need `#[serde(default)]`, not a migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdminPreferences {
    /// A KakaoTalk memo to the admin after each reminder round ("reminded N, joined since M,
    /// could not reach K and why"). `None`: the service's default (`ROUND_SUMMARY`).
    pub round_summary: Option<bool>,
    /// The private calendar feed, when the admin has one: the SHA-256 (hex) of its secret. The
    /// secret itself is shown once, in the feed's address, and never stored.
    pub calendar_feed: Option<String>,
}
