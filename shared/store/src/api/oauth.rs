//! OAuth `state`: created once, consumed once, refused after 10 minutes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreError;
use crate::model::{OAuthState, StateNonce};

#[async_trait]
pub trait OAuthStateStore: Send + Sync {
    /// Stores a pending login (with a TTL at `state.expires_at`).
    ///
    /// Errors: `Conflict` if the nonce already exists; `InvalidInput` (over 400 KB); `Backend`.
    async fn create_state(&self, state: &OAuthState) -> Result<(), StoreError>;

    /// Deletes the state and returns it, atomically: of two concurrent consumers exactly one
    /// gets it. An expired state is deleted too, and refused, even if TTL has not removed it.
    ///
    /// Errors: `NotFound` if it never existed or was already consumed; `Expired` if
    /// `now >= expires_at`; `Corrupt`; `Backend`.
    async fn consume_state(&self, nonce: &StateNonce, now: DateTime<Utc>) -> Result<OAuthState, StoreError>;
}
