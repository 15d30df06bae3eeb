//! The sweep's view of one meeting: the three reads the other concerns already make. SQLite is
//! in-process, so one request or three costs the same.

use async_trait::async_trait;
use domain::{KakaoUserId, MeetingId};

use super::SqliteStore;
use crate::StoreError;
use crate::api::{AttendanceStore, DeliveryStore, MeetingState, MeetingStateStore, MeetingStore};

#[async_trait]
impl MeetingStateStore for SqliteStore {
    async fn meeting_state(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<MeetingState, StoreError> {
        Ok(MeetingState {
            invitees: self.list_invitees(admin, meeting).await?,
            attendance: self.list_attendance(admin, meeting).await?,
            deliveries: self.list_meeting_deliveries(admin, meeting).await?,
        })
    }
}
