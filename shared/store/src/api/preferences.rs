//! An admin's preferences (the round summary memo, ...), read by the sweep and set in the admin
//! app.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;

use crate::StoreError;
use crate::model::AdminPreferences;

#[async_trait]
pub trait PreferenceStore: Send + Sync {
    /// The admin's preferences; the defaults if they never chose (or do not exist).
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn get_preferences(&self, admin: KakaoUserId) -> Result<AdminPreferences, StoreError>;

    /// Replaces the admin's preferences. Deleted with the admin's data on unlink.
    ///
    /// Errors: `NotFound` if the admin does not exist; `Backend`.
    async fn set_preferences(
        &self,
        admin: KakaoUserId,
        preferences: &AdminPreferences,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
