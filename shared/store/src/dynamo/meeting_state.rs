//! The sweep's view of one meeting in one Query: invitees (`INVITEE#`), attendance (`JOINED#`)
//! and deliveries (`SEND#`) all live in the meeting's partition; link pointers and unmatched
//! participants there are skipped.

use async_trait::async_trait;
use domain::{KakaoUserId, MeetingId};

use super::DynamoStore;
use super::attendance::attendance_from_item;
use super::deliveries::delivery_from_item;
use super::item::Reader;
use super::keys::{INVITEE_PREFIX, JOINED_PREFIX, SEND_PREFIX, SK, meeting_pk};
use super::meetings::invitee_from_item;
use super::requests::Query;
use crate::StoreError;
use crate::api::{MeetingState, MeetingStateStore};

#[async_trait]
impl MeetingStateStore for DynamoStore {
    async fn meeting_state(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<MeetingState, StoreError> {
        let items = self
            .query_all(
                "Query meeting state",
                Query::partition(&meeting_pk(admin, meeting)),
            )
            .await?;
        let mut state = MeetingState::default();
        // Items come in sort-key order, so each list keeps the order its own query gives.
        for item in &items {
            let sk = Reader::new("meeting state item", item).s(SK)?;
            if sk.starts_with(INVITEE_PREFIX) {
                state.invitees.push(invitee_from_item(item)?);
            } else if sk.starts_with(JOINED_PREFIX) {
                state.attendance.push(attendance_from_item(item)?);
            } else if sk.starts_with(SEND_PREFIX) {
                state.deliveries.push(delivery_from_item(item)?);
            }
        }
        Ok(state)
    }
}
