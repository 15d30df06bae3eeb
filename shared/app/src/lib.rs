//! What every ttokttok function shares: configuration, the services built from it once at
//! start-up, Kakao token care, and friend sync.
//!
//! - [`config`]: [`Settings`] and the parts a function declares it needs (the site's public URL
//!   and web secret, the sweep's and attendance's variables), typed and parsed once from the
//!   environment (or built in code), every problem reported at once in one [`ConfigError`].
//! - [`services`]: [`Services`], the store, the Kakao client, the clock, the token keeper and
//!   the sync trigger, built once and cheap to clone.
//! - [`tokens`]: [`TokenKeeper`], working access tokens for admins, refreshed and rotated
//!   safely, and Kakao's answers turned into admin states (needs login, needs consent).
//! - [`secrets`]: secrets read once at cold start from Secrets Manager (`*_SECRET_ARN`), with
//!   the environment as the fallback; [`secrets::lookup`] is the view settings readers use.
//! - [`emf`]: CloudWatch metrics as Embedded Metric Format lines; [`logs`]: the functions' JSON
//!   log set-up.
//! - [`delivery`]: one batch of reminders from its start (quota reserved, or the admin's
//!   approval) through Kakao to recorded outcomes and released slots; used by the sweep, by
//!   confirm-first approvals and by the manual send.
//! - [`meetings`]: writing meetings (records, invitees), for the admin's forms and the series.
//! - [`plans`]: classes and series at work: the rolling window of occurrences.
//! - [`kakao_app`]: Kakao stopping the whole app (`-12`/`-13`): recorded app-wide, probed, shown.
//! - [`sweep`]: the reminder sweep: due meetings, their rounds planned and their batches
//!   delivered, the round summary and confirm-first memos.
//! - [`schedule`]: what EventBridge Scheduler hands the scheduled functions.
//! - [`sync`]: the friend-sync core, its triggers, the daily run and the local daily loop.
//! - [`unlink`]: forgetting a user who unlinked at Kakao, noted first and finished later if
//!   the store fails part-way.
//! - `testing` (feature `testing`): a Kakao sandbox, fresh stores and a manual clock for tests.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let (services, ()) = app::Services::from_env().await?;
//! let admin = domain::KakaoUserId::new(1234567890)?;
//! services.sync.request_sync(admin, app::sync::SyncReason::AfterLogin).await?;
//! # Ok(()) }
//! ```

pub mod config;
pub mod delivery;
pub mod emf;
pub mod kakao_app;
pub mod logs;
pub mod meetings;
pub mod plans;
pub mod schedule;
pub mod secrets;
pub mod services;
pub mod sweep;
pub mod sync;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod unlink;

pub use config::{ConfigError, Settings};
pub use services::{Services, StartupError};
pub use tokens::{TokenError, TokenKeeper};
