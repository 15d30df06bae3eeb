//! Admins: the Kakao users who log in to ttokttok and send reminders to their friends.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// A Kakao consent item id (`profile_nickname`, `friends`, `talk_message`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ScopeId(String);

impl ScopeId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(StoreError::invalid(format!(
                "a Kakao scope id is 1 to 64 of [A-Za-z0-9_.-], got {s:?}"
            )))
        }
    }

    /// Parses Kakao's space-separated `scope` field (token responses).
    pub fn parse_list(s: &str) -> Result<BTreeSet<ScopeId>, StoreError> {
        s.split([' ', ','])
            .filter(|p| !p.is_empty())
            .map(ScopeId::parse)
            .collect()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ScopeId {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ScopeId> for String {
    fn from(s: ScopeId) -> String {
        s.0
    }
}

impl fmt::Display for ScopeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether ttokttok can act for this admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminStatus {
    /// Tokens work and the needed consent is given: synced daily, reminders go out.
    Active,
    /// Logged in, but `friends` or `talk_message` consent is missing (Kakao `-402`).
    NeedsConsent,
    /// The refresh token is dead (`KOE322`) or the admin unlinked: must log in again.
    NeedsLogin,
}

impl AdminStatus {
    pub const ALL: [AdminStatus; 3] = [
        AdminStatus::Active,
        AdminStatus::NeedsConsent,
        AdminStatus::NeedsLogin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::NeedsConsent => "needs_consent",
            Self::NeedsLogin => "needs_login",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| StoreError::invalid(format!("unknown admin status {s:?}")))
    }
}

impl fmt::Display for AdminStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a login (or a re-consent) learns about an admin; written with
/// [`AdminStore::upsert_admin`](crate::api::AdminStore::upsert_admin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminLogin {
    pub id: KakaoUserId,
    pub nickname: String,
    pub scopes: BTreeSet<ScopeId>,
    pub status: AdminStatus,
}

/// A deletion of an admin's data (Kakao unlink) that began and has not finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingDeletion {
    pub admin: KakaoUserId,
    /// When the deletion was first asked for.
    pub since: DateTime<Utc>,
}

/// An admin as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProfile {
    pub id: KakaoUserId,
    pub nickname: String,
    pub scopes: BTreeSet<ScopeId>,
    pub status: AdminStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Sessions that began before this instant are over (set at logout, so a logout ends the
    /// admin's sessions in every browser); `None` until the first logout.
    pub sessions_since: Option<DateTime<Utc>>,
}

impl AdminProfile {
    /// Whether a session that began at `started_at` may still be used: not if it began before
    /// the last logout, nor before this profile was created (a session of an admin whose data
    /// was deleted on unlink must not carry over to the profile a later login creates).
    pub fn accepts_session_from(&self, started_at: DateTime<Utc>) -> bool {
        started_at >= self.created_at && self.sessions_since.is_none_or(|since| started_at >= since)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kakao_scope_lists_parse_into_ids() {
        let scopes = ScopeId::parse_list("talk_message friends profile_nickname").unwrap();
        assert_eq!(
            scopes.iter().map(ScopeId::as_str).collect::<Vec<_>>(),
            ["friends", "profile_nickname", "talk_message"]
        );
        assert!(ScopeId::parse("bad scope").is_err());
        assert!(ScopeId::parse("").is_err());
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in AdminStatus::ALL {
            assert_eq!(AdminStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(AdminStatus::parse("banned").is_err());
    }
}
