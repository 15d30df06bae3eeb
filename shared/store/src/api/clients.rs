//! Clients: who joined through an invite link (and agreed to what), and who disconnected.
//!
//! Kakao answers `-530` both for a friend who never agreed to messages from ttokttok and for one
//! who turned messages off; what ttokttok recorded here tells the two apart. A client's unlink
//! must make them unreachable for every admin at once, and friends are stored per admin, so the
//! mark lives here, under the client.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;

use crate::StoreError;
use crate::model::{ClientRecord, ScopeId};

#[async_trait]
pub trait ClientStore: Send + Sync {
    /// `client` joined through `admin`'s invite link and agreed to `scopes`: creates the client,
    /// or adds `admin` to its inviters and replaces its scopes, and clears an unlink mark.
    /// Atomic under concurrent calls (no inviter is lost).
    ///
    /// Errors: `InvalidInput` (over 400 KB); `Backend`.
    async fn record_client(
        &self,
        client: KakaoUserId,
        admin: KakaoUserId,
        scopes: &BTreeSet<ScopeId>,
        now: DateTime<Utc>,
    ) -> Result<ClientRecord, StoreError>;

    /// Errors: `Corrupt`; `Backend`. `None` for someone who never joined nor unlinked.
    async fn get_client(&self, client: KakaoUserId) -> Result<Option<ClientRecord>, StoreError>;

    /// Kakao says `client` disconnected ttokttok: forgets their scopes and inviters and keeps
    /// only the mark (status `unlinked`, time). Creates the mark for someone never seen (they
    /// may be an admin's friend all the same). Idempotent.
    ///
    /// Errors: `Backend`.
    async fn mark_client_unlinked(&self, client: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError>;
}
