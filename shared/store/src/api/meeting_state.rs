//! [`MeetingStateStore`]: what the reminder sweep reads of one meeting, in as few requests as
//! the backend allows (DynamoDB: one query, since invitees, attendance and deliveries share the
//! meeting's partition).

use async_trait::async_trait;
use domain::{FriendUuid, KakaoUserId, MeetingId};

use crate::StoreError;
use crate::model::{Attendance, DeliveryRecord, Invitee};

/// A meeting's invitees, who has joined, and every delivery, read together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeetingState {
    /// In friend order, as [`crate::api::MeetingStore::list_invitees`] gives them.
    pub invitees: Vec<Invitee>,
    /// As [`crate::api::AttendanceStore::list_attendance`] gives it.
    pub attendance: Vec<(FriendUuid, Attendance)>,
    /// As [`crate::api::DeliveryStore::list_meeting_deliveries`] gives them.
    pub deliveries: Vec<DeliveryRecord>,
}

#[async_trait]
pub trait MeetingStateStore: Send + Sync {
    /// The same three lists the separate reads give (an unknown meeting has empty lists).
    async fn meeting_state(&self, admin: KakaoUserId, meeting: MeetingId)
    -> Result<MeetingState, StoreError>;
}
