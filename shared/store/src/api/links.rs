//! Tracked links: one unguessable token per invitee and meeting, for the reminder's join and
//! opt-out buttons.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};

use crate::StoreError;
use crate::model::{LinkTarget, LinkToken};

#[async_trait]
pub trait LinkStore: Send + Sync {
    /// The invitee's token for the admin's meeting, creating it (random, valid until
    /// `expires_at`) on the first call. Idempotent and race-safe: concurrent callers all get the
    /// one token that was stored; later calls return it unchanged (their `expires_at` is
    /// ignored).
    ///
    /// Errors: `NotFound` if the admin has no such meeting; `Backend`.
    async fn ensure_link_token(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<LinkToken, StoreError>;

    /// [`Self::ensure_link_token`] for several invitees of one meeting (the sweep's batch), in
    /// as few requests as the backend allows; in the order given.
    ///
    /// Errors: as `ensure_link_token`.
    async fn ensure_link_tokens(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friends: &[FriendUuid],
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<(FriendUuid, LinkToken)>, StoreError> {
        let mut tokens = Vec::with_capacity(friends.len());
        for friend in friends {
            let token = self
                .ensure_link_token(admin, meeting, friend, expires_at, now)
                .await?;
            tokens.push((friend.clone(), token));
        }
        Ok(tokens)
    }

    /// Whom a token is for. The only lookup by something other than an admin's id: the token
    /// is the capability, and everything the caller does next is keyed by the target's admin.
    ///
    /// Errors: `NotFound` for a token never issued (or forgotten); `Expired` if
    /// `now >= expires_at`; `Corrupt`; `Backend`.
    async fn resolve_link_token(
        &self,
        token: &LinkToken,
        now: DateTime<Utc>,
    ) -> Result<LinkTarget, StoreError>;
}
