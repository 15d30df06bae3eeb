//! Whether Kakao has stopped the whole app (`-12` blocked, `-13` suspended): one app-wide
//! record every function reads, so the sweep stops for everyone and every dashboard says so.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AppStopState, KakaoAppStop};

use crate::StoreError;

#[async_trait]
pub trait KakaoAppStore: Send + Sync {
    /// The app-wide stop, if Kakao has stopped the app and has not been seen serving it since.
    ///
    /// Errors: `Corrupt`; `Backend`.
    async fn kakao_app_stop(&self) -> Result<Option<AppStopState>, StoreError>;

    /// Records that Kakao refused with `stop` at `now`: a new stop starts (`since = now`), a
    /// known one is confirmed (`since` kept, `checked_at = now`). Returns the stored state.
    ///
    /// Errors: `Backend`.
    async fn record_kakao_app_stop(
        &self,
        stop: KakaoAppStop,
        now: DateTime<Utc>,
    ) -> Result<AppStopState, StoreError>;

    /// Kakao served the app again: the stop is over. Idempotent.
    ///
    /// Errors: `Backend`.
    async fn clear_kakao_app_stop(&self) -> Result<(), StoreError>;
}
