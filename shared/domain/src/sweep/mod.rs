//! The reminder sweep's decisions, with no I/O: for one meeting and one round, who gets a
//! KakaoTalk nudge and why everyone else does not; how the recipients are batched for Kakao;
//! what the meeting's due entry becomes afterwards; and the memos the admin gets.
//!
//! The executor (`app::sweep`) reads the facts, calls [`plan_round`], reserves and sends what it
//! says, and feeds the store's answers back in ([`RoundPlan::refuse`]). Everything that decides
//! lives here, so it is tested with plain values and property tests.
//!
//! - [`reason`]: why an invitee is not messaged ([`SkipReason`]), and why one cannot be reached
//!   in any round ([`Unreached`], [`reach_from_history`]), for the sweep and the live view alike.
//! - [`facts`]: what the planner is given ([`RoundFacts`], [`InviteeFacts`], [`QuotaLeft`]).
//! - [`planner`]: [`plan_round`] and its answer, [`RoundPlan`].
//! - [`batch`]: recipients in groups of at most five ([`Batch`]), one Kakao call each.
//! - [`next`]: the meeting's next due entry after a round ([`next_due`]), including the closing
//!   visit that expires unconfirmed batches and gives up on lost sends.
//! - [`memo`]: the confirm-first memo and the round summary memo, within Kakao's 200 characters.
//! - `properties` (tests only): property tests of the planner over any meeting, people and time.

pub mod batch;
pub mod facts;
pub mod memo;
pub mod next;
pub mod planner;
pub mod reason;

#[cfg(test)]
mod properties;

pub use batch::Batch;
pub use facts::{
    AdminReadiness, ClientStanding, DeliveryFact, FriendStanding, InviteeFacts, QuotaLeft, RoundFacts,
};
pub use memo::{RoundSummary, confirm_memo_text, joined_since, summary_memo_text};
pub use next::{NextDue, next_due};
pub use planner::{Decision, RoundPlan, RoundStatus, plan_round};
pub use reason::{SkipReason, Unreachable, Unreached, reach_from_history};
