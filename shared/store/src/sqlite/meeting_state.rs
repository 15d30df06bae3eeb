//! The sweep's reads and round finish on SQLite: the reads and writes the other concerns already
//! make. SQLite is in-process, so one request or several costs the same.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};

use super::SqliteStore;
use crate::StoreError;
use crate::api::{
    AdminStore, AdminSweepRead, AttendanceStore, ClientStore, DeliveryStore, FriendStore, MeetingState,
    MeetingStateStore, MeetingStore, OptOutStore, PreferenceStore, QuotaStore, RoundFinished, TokenStore,
};
use crate::model::{DeliveryOutcome, DueMeeting, NextRound};

#[async_trait]
impl MeetingStateStore for SqliteStore {
    async fn meeting_state(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        now: DateTime<Utc>,
    ) -> Result<MeetingState, StoreError> {
        Ok(MeetingState {
            invitees: self.list_invitees(admin, meeting).await?,
            attendance: self.list_attendance(admin, meeting).await?,
            deliveries: self.list_meeting_deliveries(admin, meeting).await?,
            links: self.meeting_links(admin, meeting, now).await?,
        })
    }

    async fn admin_sweep_read(
        &self,
        admin: KakaoUserId,
        due: &[DueMeeting],
        _with_links: bool,
        now: DateTime<Utc>,
    ) -> Result<AdminSweepRead, StoreError> {
        let profile = match self.get_admin(admin).await {
            Ok(profile) => Some(profile),
            Err(error) if error.is_not_found() => None,
            Err(error) => return Err(error),
        };
        let mut meetings = Vec::with_capacity(due.len());
        for entry in due.iter().filter(|d| d.admin == admin) {
            match self.get_meeting(admin, entry.meeting).await {
                Ok(meeting) => {
                    let state = self.meeting_state(admin, entry.meeting, now).await?;
                    meetings.push((meeting, state));
                }
                Err(error) if error.is_not_found() => {}
                Err(error) => return Err(error),
            }
        }
        let invited: BTreeSet<&FriendUuid> = meetings
            .iter()
            .flat_map(|(_, state)| state.invitees.iter().map(|i| &i.friend))
            .collect();
        let friends: Vec<_> = self
            .list_friends(admin, true)
            .await?
            .into_iter()
            .filter(|f| invited.contains(&f.profile.uuid))
            .collect();
        let mut clients = Vec::new();
        for id in friends.iter().filter_map(|f| f.profile.kakao_id) {
            if let Some(client) = self.get_client(id).await? {
                clients.push(client);
            }
        }
        Ok(AdminSweepRead {
            profile,
            preferences: self.get_preferences(admin).await?,
            tokens: match self.get_tokens(admin).await {
                Ok(tokens) => Some(tokens),
                Err(error) if error.is_not_found() => None,
                // The token keeper reads them again and reports why.
                Err(error) => {
                    tracing::warn!(admin = %admin, %error, "tokens read along by the sweep could not be opened");
                    None
                }
            },
            opt_outs: self.list_opt_outs(admin).await?,
            friends,
            clients,
            meetings,
        })
    }

    async fn finish_round(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        from: NextRound,
        to: Option<NextRound>,
        outcomes: &[(FriendUuid, DeliveryOutcome)],
        now: DateTime<Utc>,
    ) -> Result<RoundFinished, StoreError> {
        let recorded = if outcomes.is_empty() {
            Vec::new()
        } else {
            self.record_outcomes(admin, meeting, from.round, outcomes, now)
                .await?
        };
        let advanced = self
            .advance_round(admin, meeting, from, to, now)
            .await
            .map(|_| ());
        Ok(RoundFinished { recorded, advanced })
    }
}
