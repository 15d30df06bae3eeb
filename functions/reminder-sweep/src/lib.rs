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

/// The settings this function reads at start-up beside the shared ones (which hold the sweep's
/// own), declared once ([`app::config::Part`]): the site's URL, for memo buttons and links.
pub type SettingsParts = app::config::PublicUrl;

pub use handler::{HandlerError, Outcome, ReminderSweepFunction};
pub use payload::{PayloadError, SCHEDULE_INPUT, ScheduleV2, SweepInvocation};
