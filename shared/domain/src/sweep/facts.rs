//! What the planner is given: the meeting and the round, the admin's standing, each invitee,
//! who joined, the deliveries already made, and how much of today's quota is known to be left.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::FriendUuid;
use crate::delivery::{DeliveryState, Round};
use crate::meeting::{ReminderPlan, Schedule};

/// Whether ttokttok can act for the admin right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminReadiness {
    Ready,
    /// The refresh token is dead or the admin unlinked: a login is needed.
    NeedsLogin,
    /// A consent item sending needs (`talk_message`, `friends`) is missing.
    NeedsConsent,
}

/// Where an invitee stands in the admin's synced friend list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FriendStanding {
    /// Listed by the last sync.
    Listed,
    /// Listed once, no longer.
    Gone,
    /// Not in the friend list at all.
    NotListed,
}

/// What ttokttok knows about an invitee as a client of the service (someone who joined through
/// an admin's invite link), wherever they were invited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientStanding {
    /// Never joined through a link (they may have agreed some other way).
    Unknown,
    /// Joined and agreed to receive KakaoTalk messages from ttokttok.
    AgreedToMessages,
    /// Disconnected ttokttok in KakaoTalk: Kakao will not deliver to them for any admin.
    Unlinked,
}

/// One invitee, as the planner needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteeFacts {
    pub friend: FriendUuid,
    /// Opted out of this meeting's reminders, or of all of the admin's.
    pub opted_out: bool,
    /// `Some` when Kakao cannot deliver to them (see [`super::reach_from_history`]).
    pub unreachable: Option<super::Unreachable>,
}

/// A delivery already recorded for this meeting (any round).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryFact {
    pub recipient: FriendUuid,
    pub round: Round,
    pub state: DeliveryState,
}

/// How much of today's quota is known to be left. `None`: not known here (the reservation,
/// which is authoritative, decides). The executor learns these from refusals as it goes, so a
/// full sender counter stops the admin's later batches without another request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuotaLeft {
    pub app: Option<u32>,
    pub sender: Option<u32>,
}

impl QuotaLeft {
    pub const UNKNOWN: QuotaLeft = QuotaLeft {
        app: None,
        sender: None,
    };
}

/// Everything [`super::plan_round`] decides from.
#[derive(Debug, Clone, Copy)]
pub struct RoundFacts<'a> {
    pub now: DateTime<Utc>,
    /// The round the due index says is due.
    pub round: Round,
    pub due_at: DateTime<Utc>,
    pub cancelled: bool,
    pub schedule: &'a Schedule,
    pub plan: &'a ReminderPlan,
    pub admin: AdminReadiness,
    /// Kakao refuses every call of the app (`-12`/`-13`): nobody is sent anything.
    pub kakao_app_stopped: bool,
    /// In the order the meeting lists them; one decision each, in the same order.
    pub invitees: &'a [InviteeFacts],
    pub joined: &'a BTreeSet<FriendUuid>,
    pub deliveries: &'a [DeliveryFact],
    pub quota: QuotaLeft,
}
