//! The reminder-sweep Lambda function: every minute (EventBridge Scheduler, `rate(1 minute)`),
//! due reminders -> quota -> Kakao -> outcomes, at most once.
//!
//! - [`payload`]: the Scheduler's `Input`, its own struct (no EventBridge envelope).
//! - [`handler`]: [`ReminderSweepFunction`], the handler as a `lambda_runtime` service over
//!   `app::sweep::Sweeper`, with the counts as CloudWatch metrics (EMF).
//!
//! The sweep itself (planner in `domain::sweep`, executor in `app::sweep`) is shared with the
//! local one-process run, which drives it from an in-process timer.

pub mod handler;
pub mod payload;

pub use handler::{HandlerError, Outcome, ReminderSweepFunction};
pub use payload::{PayloadError, SCHEDULE_INPUT, ScheduleV2, SweepInvocation};
