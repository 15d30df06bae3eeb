//! An admin's Kakao tokens. Plaintext only in memory: backends seal them before writing, and
//! `Debug` prints them redacted.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use super::{ScopeId, Version};

/// The tokens Kakao issued for one admin.
#[derive(Debug, Clone)]
pub struct KakaoTokens {
    pub access_token: SecretString,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: SecretString,
    pub refresh_expires_at: DateTime<Utc>,
    pub scopes: BTreeSet<ScopeId>,
}

/// Tokens as read, with the version an update must carry.
#[derive(Debug, Clone)]
pub struct StoredTokens {
    pub tokens: KakaoTokens,
    pub version: Version,
    pub updated_at: DateTime<Utc>,
}

/// What [`store_refreshed_tokens`](crate::api::store_refreshed_tokens) did.
#[derive(Debug, Clone)]
pub enum RefreshedTokens {
    /// Our refreshed tokens are stored; use them.
    Stored(StoredTokens),
    /// Someone else refreshed first. Their tokens are stored and returned: use these, and drop
    /// ours (a rotated refresh token is never lost, because the stored one is the winner's).
    LostRace(StoredTokens),
}

impl RefreshedTokens {
    /// The tokens to use now, whoever won.
    pub fn current(&self) -> &StoredTokens {
        match self {
            Self::Stored(t) | Self::LostRace(t) => t,
        }
    }
}
