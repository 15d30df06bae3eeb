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

pub mod continuation;
pub mod handler;
pub mod metrics;
pub mod payload;

pub use continuation::{Continuation, LambdaContinuation};
pub use handler::{FriendSyncFunction, HandlerError, LambdaDeadline, Outcome};
pub use payload::{ContinueDaily, DailySchedule, Invocation, PayloadError, SCHEDULE_INPUT};
