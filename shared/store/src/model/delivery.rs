//! Delivery records: one per (admin, meeting, recipient, round), moving only forward.

use chrono::{DateTime, Duration, Utc};
use domain::delivery::{DeliveryState, Round};
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId};
use serde::{Deserialize, Serialize};

/// A record in `sending` for longer than this is presumed lost and may become `unknown`.
pub const DEFAULT_STALE_SENDING_AGE: Duration = Duration::minutes(2);

/// Which reminder a delivery is. The admin is part of the key, so no one reads another admin's
/// deliveries by meeting id alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DeliveryKey {
    pub admin: KakaoUserId,
    pub meeting: MeetingId,
    pub recipient: FriendUuid,
    pub round: Round,
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    pub key: DeliveryKey,
    pub state: DeliveryState,
    /// The Kakao day whose counters this delivery's slots were taken from.
    pub day: KstDay,
    /// Whether this delivery still holds its four quota slots. Cleared exactly once, when the
    /// slots are given back (a failure Kakao did not count, or a cancelled reservation), so a
    /// slot is never returned twice.
    pub holds_quota: bool,
    pub created_at: DateTime<Utc>,
    /// When the state last changed (for `sending`: when sending began).
    pub updated_at: DateTime<Utc>,
}
