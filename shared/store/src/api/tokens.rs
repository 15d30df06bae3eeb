//! An admin's Kakao tokens, encrypted at rest, with optimistic versions for race-free refresh.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;

use crate::StoreError;
use crate::model::{KakaoTokens, RefreshedTokens, StoredTokens, Version};

/// Tokens are sealed with the backend's `KeyProvider`, bound to the admin id, before they are
/// written; they come back opened. Plaintext never reaches storage or logs.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores tokens from a fresh login, replacing whatever was there (version = old + 1, or 1).
    ///
    /// Errors: `NotFound` if the admin does not exist; `Crypto`; `InvalidInput` (over 400 KB);
    /// `Backend`.
    async fn save_tokens(
        &self,
        admin: KakaoUserId,
        tokens: &KakaoTokens,
        now: DateTime<Utc>,
    ) -> Result<StoredTokens, StoreError>;

    /// Errors: `NotFound` if the admin has no tokens; `Crypto` if they do not open (wrong key,
    /// or sealed for another admin); `Corrupt`; `Backend`.
    async fn get_tokens(&self, admin: KakaoUserId) -> Result<StoredTokens, StoreError>;

    /// Replaces the tokens only if they are still at `expected` (the version the caller read
    /// before refreshing). Returns the new version.
    ///
    /// Errors: `Conflict` if the version moved (someone else refreshed: re-read and use
    /// theirs, see [`store_refreshed_tokens`]); `NotFound` if the admin has no tokens;
    /// `Crypto`; `Backend`.
    async fn replace_tokens(
        &self,
        admin: KakaoUserId,
        expected: Version,
        tokens: &KakaoTokens,
        now: DateTime<Utc>,
    ) -> Result<StoredTokens, StoreError>;

    /// Deletes the tokens (logout). Idempotent.
    ///
    /// Errors: `Backend`.
    async fn delete_tokens(&self, admin: KakaoUserId) -> Result<(), StoreError>;
}

/// The refresh pattern: after refreshing tokens read at `read`, store ours if nobody else wrote
/// in between; otherwise re-read and return the winner's tokens, which the caller must use
/// instead of its own. Either way the stored refresh token is the one Kakao issued last to the
/// winner, so a rotated refresh token is never overwritten by a stale one.
///
/// Errors: as [`TokenStore::replace_tokens`] and [`TokenStore::get_tokens`], except `Conflict`.
pub async fn store_refreshed_tokens<S: TokenStore + ?Sized>(
    store: &S,
    admin: KakaoUserId,
    read: Version,
    refreshed: &KakaoTokens,
    now: DateTime<Utc>,
) -> Result<RefreshedTokens, StoreError> {
    match store.replace_tokens(admin, read, refreshed, now).await {
        Ok(stored) => Ok(RefreshedTokens::Stored(stored)),
        Err(StoreError::Conflict { .. }) => {
            tracing::info!(admin = %admin, read = %read, "token refresh lost the race; using the winner's tokens");
            store.get_tokens(admin).await.map(RefreshedTokens::LostRace)
        }
        Err(e) => Err(e),
    }
}
