//! The friend-sync Lambda function: syncs admins' Kakao friends after each login (an
//! asynchronous invoke from the login flow), once a day for every active admin (EventBridge
//! Scheduler), and on demand ("sync now").
//!
//! - [`payload`]: the three invocation shapes, each its own struct (the Scheduler's `Input`
//!   arrives without an EventBridge envelope).
//! - [`handler`]: [`FriendSyncFunction`], the handler as a `lambda_runtime` service over
//!   `app::Services`; the daily run's hand-over at the deadline.
//! - [`continuation`]: queuing the next leg of the daily run (Lambda `Event` invoke).
//! - [`metrics`]: counts as CloudWatch Embedded Metric Format lines.
//!
//! The sync itself (read every page, write only changes, token care) lives in `app::sync`, so
//! the local one-process run uses the same code.
//!
//! What the SAM template must give this function:
//! - `Timeout: 900`: the daily run keeps one admin's timeout (`SYNC_ADMIN_TIMEOUT_SECS`, 120 s)
//!   plus 15 s in reserve, and hands over to a new invocation when it gets that close.
//! - a `ScheduleV2` event whose `Input` is [`SCHEDULE_INPUT`] verbatim (once a day, e.g.
//!   `cron(30 4 * * ? *)` with `ScheduleExpressionTimezone: Asia/Seoul`).
//! - the environment `app::config` reads (Kakao keys, `STORE=dynamo`, `TABLE_NAME`,
//!   `TOKEN_KMS_KEY_ID`), and permission to invoke itself (`lambda:InvokeFunction` on its own
//!   ARN) for the hand-over; the login and admin functions need the same permission on this
//!   function plus `FRIEND_SYNC_FUNCTION` set to its name.

pub mod continuation;
pub mod handler;
pub mod metrics;
pub mod payload;

/// The settings this function reads at start-up beside the shared ones ([`app::config::Part`]):
/// none.
pub type SettingsParts = ();

pub use continuation::{Continuation, LambdaContinuation};
pub use handler::{FriendSyncFunction, HandlerError, LambdaDeadline, Outcome};
pub use payload::{
    ContinueDaily, DELETIONS_SCHEDULE_INPUT, DeletionsSchedule, Invocation, PayloadError, SCHEDULE_INPUT,
    ScheduleV2,
};
