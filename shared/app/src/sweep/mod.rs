//! The reminder sweep's executor: the imperative shell around `domain::sweep`'s planner.
//!
//! Every minute ([`Sweeper::run_once`]; Lambda's `reminder-sweep` or [`run_sweep_loop`] locally):
//!
//! 1. find due work through the store's due index only (`Store::due_meetings`, never a scan);
//! 2. per admin, one read of all their due meetings' state and of what the planner needs about
//!    them (`Store::admin_sweep_read`: batched key reads on DynamoDB), just before their
//!    meetings are visited;
//! 3. per meeting, turn sends left `sending` past their age into `unknown`, and ask the planner
//!    who gets a reminder in this round and why not everyone else;
//! 4. per batch of at most five: one store transaction reserves the quota and creates the
//!    delivery records (and the tracked-link tokens of recipients who have none yet); Kakao
//!    gets one call per distinct message (tracked links make every message personal; with
//!    direct links a batch is one call); Kakao's answer is recorded in
//!    one transaction, giving back the slots Kakao did not count (before the next batch is
//!    reserved; the last batch's with step 5);
//! 5. the meeting's due entry moves on conditionally (of two sweeps one wins), to the next
//!    round, to a closing visit at the end while work is pending, or out of the index.
//!
//! Confirm-first meetings stop after the reservation: the admin gets a memo with a link to
//! approve ([`Sweeper::approve`]); what is not approved by the end expires as never sent.
//!
//! At most once, always: every delivery moves only forward (`domain::delivery`), a reservation
//! refuses a recipient already holding one for the round, and a send whose outcome is lost is
//! `unknown`, never resent. A crash between any two steps ([`CrashPoint`]) leaves at worst a
//! delivery that becomes `unknown`.
//!
//! Layers, each calling only those below it (a batch is delivered by [`crate::delivery`]):
//!
//! | layer | module | what it does |
//! |---|---|---|
//! | run | `run` | [`Sweeper::run_once`]: the due index, one read per admin, visits with bounded concurrency |
//! | round | `round` | one meeting's visit: plan the round, deliver its batches, advance the due entry |
//! | approvals | `approve` | confirm-first: the prepared batch and the admin's approval ([`Sweeper::approve`]) |
//! | batch | `batch`, `memo` | one meeting as its batches need it, a batch delivered, memos to the admin |
//! | context | `context`, `admins`, `message`, `settings`, `error`, `report` | what every step shares |
//!
//! [`local_loop`](run_sweep_loop) runs the sweep every minute in the local run.

mod admins;
mod approve;
mod batch;
mod context;
mod error;
mod local_loop;
mod memo;
pub mod message;
pub mod report;
mod round;
mod run;
pub mod settings;

pub use approve::{Approval, NotSent, PreparedBatch, PreparedRecipient};
pub use error::{CrashPoint, SweepError};
pub use local_loop::run_sweep_loop;
pub use memo::{confirm_path, meeting_path};
pub use report::SweepReport;
pub use run::Sweeper;
pub use settings::{LinkMode, RoundSummaryPolicy, SweepSettings};
