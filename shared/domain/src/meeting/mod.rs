//! Meetings as the admin sets them up, and the rules that make one valid.
//!
//! A meeting is parsed once, from what the admin typed ([`MeetingForm`]), into a
//! [`MeetingSpec`] whose every part is a checked value; nothing downstream checks again.
//!
//! - [`title`], [`schedule`], [`join_link`], [`zoom`]: what, when (with its time zone), where.
//! - [`invitees`]: who, picked from the admin's current friends (at most 200).
//! - [`plan`]: when to nudge (rounds after the start, quiet hours) and the next round due.
//! - [`template`]: the message with its variables, rendered and checked against Kakao's 200
//!   characters with the longest invitee nickname; how a stored text reads ([`StoredTemplate`]).
//! - [`matching`]: who a meeting platform's participant is (registrant id, email, display name).
//! - [`spec`]: the whole meeting, its problems, and the context it is checked in.
//! - [`problem`]: what can be wrong with a meeting, one variant per rule, tied to its field.
//! - [`send_mode`]: whether reminders go out on their own or wait for the admin's approval.
//! - `properties` (tests): no typed text panics a parser; what passes can be stored.

pub mod invitees;
pub mod join_link;
pub mod matching;
pub mod plan;
pub mod problem;
#[cfg(test)]
mod properties;
pub mod schedule;
pub mod send_mode;
pub mod spec;
pub mod template;
pub mod title;
pub mod zoom;

pub use invitees::{FriendChoice, InviteeList, MAX_INVITEES};
pub use join_link::JoinLink;
pub use plan::{PlannedRound, QuietHours, ReminderOffsets, ReminderPlan};
pub use problem::{MeetingErrors, MeetingField, MeetingProblem};
pub use schedule::{MAX_DAYS_AHEAD, MeetingDuration, Schedule};
pub use send_mode::SendMode;
pub use spec::{ExistingMeeting, MeetingContext, MeetingForm, MeetingSpec};
pub use template::{MessageTemplate, StoredTemplate, TemplateVars};
pub use title::MeetingTitle;
pub use zoom::ZoomMeetingNumber;
