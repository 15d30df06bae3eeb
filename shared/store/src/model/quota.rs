//! Quota reservation: taking daily message slots for a batch and creating its delivery records
//! in the same transaction, then recording what Kakao said.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use domain::delivery::{DeliveryState, KakaoErrorCode, Round};
use domain::{FriendUuid, KakaoUserId, KstDay, MAX_RECEIVERS_PER_SEND, MeetingId, QuotaKind, QuotaLimits};
use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::model::LinkToken;

/// 1 to 5 distinct recipients: one Kakao send-to-friends call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRecipients(Vec<FriendUuid>);

impl BatchRecipients {
    pub fn new(recipients: Vec<FriendUuid>) -> Result<Self, StoreError> {
        if recipients.is_empty() || recipients.len() > MAX_RECEIVERS_PER_SEND {
            return Err(StoreError::invalid(format!(
                "a batch has 1 to {MAX_RECEIVERS_PER_SEND} recipients, got {}",
                recipients.len()
            )));
        }
        let distinct: BTreeSet<&FriendUuid> = recipients.iter().collect();
        if distinct.len() != recipients.len() {
            return Err(StoreError::invalid("a batch names a recipient twice"));
        }
        Ok(Self(recipients))
    }

    pub fn as_slice(&self) -> &[FriendUuid] {
        &self.0
    }
}

/// The state reserved deliveries are created in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitialState {
    /// The send happens now.
    Sending,
    /// A confirm-first batch: the admin confirms (then `sending`) or it is released.
    Reserved,
}

impl InitialState {
    pub fn state(self) -> DeliveryState {
        match self {
            Self::Sending => DeliveryState::Sending,
            Self::Reserved => DeliveryState::Reserved,
        }
    }
}

/// A batch to reserve: one sender (the admin), one meeting round, 1 to 5 recipients, one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationRequest {
    pub sender: KakaoUserId,
    pub meeting: MeetingId,
    pub round: Round,
    pub recipients: BatchRecipients,
    /// Usually `KstDay::containing(now)`.
    pub day: KstDay,
    pub initial: InitialState,
    pub limits: QuotaLimits,
    /// Tracked-link tokens to make in the same transaction, for the recipients the caller
    /// found without one (`None`: no links). Folding them into the reservation saves a
    /// meeting's first tracked round one store request per batch.
    pub links: Option<LinkRequest>,
}

/// Recipients of a reservation who need a tracked-link token, and how long a new one lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRequest {
    /// Usually the batch's recipients with no token in the meeting's state. Those refused a
    /// slot get none made.
    pub friends: BTreeSet<FriendUuid>,
    pub expires_at: DateTime<Utc>,
}

/// Why a recipient got no slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// This counter is full today.
    Quota(QuotaKind),
    /// A delivery for this recipient and round already exists (in this state): not sent twice.
    AlreadyExists(DeliveryState),
}

/// The result of a reservation: who got a slot (their records now exist), who did not and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reservation {
    /// In request order.
    pub reserved: Vec<FriendUuid>,
    /// In request order.
    pub refused: Vec<(FriendUuid, Refusal)>,
    /// The tracked-link token of every reserved recipient named in [`ReservationRequest::links`]:
    /// made now, or the one already stored (a token is one per invitee, however callers race).
    pub links: Vec<(FriendUuid, LinkToken)>,
}

/// What Kakao said about one recipient of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// In `successful_receiver_uuids`.
    Sent,
    /// In `failure_info` with this code. `release_quota`: give the slots back because Kakao did
    /// not count this message (the Kakao client decides: `kakao::FailureReason::counts_against_quota`).
    Failed {
        code: KakaoErrorCode,
        release_quota: bool,
    },
    /// The call's outcome is unknown (timeout after the request left): slots stay taken.
    Unknown,
}

impl DeliveryOutcome {
    pub fn state(self) -> DeliveryState {
        match self {
            Self::Sent => DeliveryState::Sent,
            Self::Failed { code, .. } => DeliveryState::Failed { code },
            Self::Unknown => DeliveryState::Unknown,
        }
    }

    pub fn releases_quota(self) -> bool {
        matches!(
            self,
            Self::Failed {
                release_quota: true,
                ..
            }
        )
    }
}

/// One daily counter, for reading usage.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QuotaSubject {
    App,
    Sender(KakaoUserId),
    /// Counted per friend UUID: Kakao's UUID is per app, so it names the same person for
    /// every admin (as long as Kakao does not reissue it).
    Recipient(FriendUuid),
    Pair(KakaoUserId, FriendUuid),
}

impl QuotaSubject {
    pub fn kind(&self) -> QuotaKind {
        match self {
            Self::App => QuotaKind::App,
            Self::Sender(_) => QuotaKind::Sender,
            Self::Recipient(_) => QuotaKind::Recipient,
            Self::Pair(..) => QuotaKind::Pair,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uuid(s: &str) -> FriendUuid {
        FriendUuid::parse(s).unwrap()
    }

    #[test]
    fn a_batch_has_one_to_five_distinct_recipients() {
        assert!(BatchRecipients::new(vec![]).is_err());
        assert!(BatchRecipients::new((0..6).map(|i| uuid(&format!("f{i}"))).collect()).is_err());
        assert!(BatchRecipients::new(vec![uuid("a"), uuid("a")]).is_err());
        assert_eq!(
            BatchRecipients::new(vec![uuid("a"), uuid("b")])
                .unwrap()
                .as_slice()
                .len(),
            2
        );
    }

    #[test]
    fn a_failure_releases_its_slots_only_when_told_and_an_unknown_outcome_never() {
        let code = KakaoErrorCode::PAIR_DAILY_QUOTA;
        let released = DeliveryOutcome::Failed {
            code,
            release_quota: true,
        };
        let kept = DeliveryOutcome::Failed {
            code,
            release_quota: false,
        };
        assert!(released.releases_quota());
        assert!(!kept.releases_quota());
        assert!(!DeliveryOutcome::Unknown.releases_quota());
    }
}
