//! Attendance (`ADMIN#{admin}#MEETING#{id}` / `JOINED#{uuid}`): one conditional update keeps
//! the earliest join and its source, in the same transaction as a check that the meeting exists.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};

use super::DynamoStore;
use super::expr::{Condition, Update};
use super::item::{Item, Reader, s, time};
use super::keys::{JOINED_PREFIX, SEEN_PREFIX, joined_sk, meeting_pk, seen_sk};
use super::keys::{key, zoom_account_key, zoom_account_note_sk};
use super::requests::{Query, Tx, Written};
use crate::StoreError;
use crate::api::AttendanceStore;
use crate::model::{Attendance, JoinRecorded, JoinSource, UnmatchedParticipant, ZoomAccountId};

pub(crate) fn attendance_from_item(item: &Item) -> Result<(FriendUuid, Attendance), StoreError> {
    let r = Reader::new("attendance", item);
    Ok((
        r.parsed("friend", FriendUuid::parse)?,
        Attendance {
            first_joined_at: r.time("first_joined_at")?,
            source: r.parsed("source", JoinSource::parse)?,
        },
    ))
}

#[async_trait]
impl AttendanceStore for DynamoStore {
    async fn record_join(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        joined_at: DateTime<Utc>,
        source: JoinSource,
    ) -> Result<JoinRecorded, StoreError> {
        let mut update = Update::new();
        update
            .set("kind", s("attendance"))
            .set("friend", s(friend.as_str()))
            .set("first_joined_at", time(joined_at))
            .set("source", s(source.as_str()));
        // Only a first join, or an earlier one (webhooks arrive out of order), changes it.
        update.condition(|e| {
            let at = e.name("first_joined_at");
            format!(
                "attribute_not_exists({at}) OR {at} > {}",
                e.value(time(joined_at))
            )
        });
        let mut tx = Tx::new(self);
        Self::check_meeting(&mut tx, admin, meeting)?;
        tx.update(key(meeting_pk(admin, meeting), joined_sk(friend)), &update)?;
        let attendance = Attendance {
            first_joined_at: joined_at,
            source,
        };
        match self.transact("TransactWriteItems record join", &tx).await? {
            Ok(()) => Ok(JoinRecorded {
                friend: friend.clone(),
                attendance,
                changed: true,
            }),
            Err(c) if c.failed(0) => Err(StoreError::not_found(format!(
                "meeting {meeting} of admin {admin}"
            ))),
            Err(c) => {
                let old = c.old_item(1).ok_or_else(|| {
                    StoreError::backend(
                        "TransactWriteItems record join",
                        "no stored attendance returned".to_owned(),
                    )
                })?;
                let (_, stored) = attendance_from_item(old)?;
                Ok(JoinRecorded {
                    friend: friend.clone(),
                    attendance: stored,
                    changed: false,
                })
            }
        }
    }

    async fn list_attendance(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<(FriendUuid, Attendance)>, StoreError> {
        let items = self
            .query_all(
                "Query attendance",
                Query::prefix(&meeting_pk(admin, meeting), JOINED_PREFIX),
            )
            .await?;
        items.iter().map(attendance_from_item).collect()
    }

    async fn remove_join(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        source: JoinSource,
    ) -> Result<bool, StoreError> {
        let condition = Condition::new(|e| format!("{} = {}", e.name("source"), e.value(s(source.as_str()))));
        let deleted = self
            .delete_item(
                "DeleteItem attendance",
                key(meeting_pk(admin, meeting), joined_sk(friend)),
                Some(condition),
            )
            .await?;
        Ok(matches!(deleted, Written::Done(Some(_))))
    }

    async fn note_unmatched_participant(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        participant: &UnmatchedParticipant,
    ) -> Result<(), StoreError> {
        let body = serde_json::to_string(participant)
            .map_err(|e| StoreError::invalid(format!("unmatched participant does not serialise: {e}")))?;
        let mut item = key(meeting_pk(admin, meeting), seen_sk(&participant.display_name));
        item.insert("kind".into(), s("unmatched_participant"));
        item.insert("participant".into(), s(body));
        let mut tx = Tx::new(self);
        Self::check_meeting(&mut tx, admin, meeting)?;
        tx.put(item, None)?;
        match self
            .transact("TransactWriteItems unmatched participant", &tx)
            .await?
        {
            Ok(()) => Ok(()),
            Err(_) => Err(StoreError::not_found(format!(
                "meeting {meeting} of admin {admin}"
            ))),
        }
    }

    async fn zoom_account_owner(&self, account: &ZoomAccountId) -> Result<Option<KakaoUserId>, StoreError> {
        let item = self
            .get_item("GetItem zoom account", zoom_account_key(account))
            .await?;
        item.as_ref().map(zoom_account_admin).transpose()
    }

    async fn claim_zoom_account(
        &self,
        account: &ZoomAccountId,
        admin: KakaoUserId,
        now: DateTime<Utc>,
    ) -> Result<KakaoUserId, StoreError> {
        // The account's owner record, and a note in the admin's partition so deleting the
        // admin's data frees the account.
        let mut owner = zoom_account_key(account);
        owner.insert("kind".into(), s("zoom_account"));
        owner.insert("admin_id".into(), super::item::n(admin.get()));
        owner.insert("claimed_at".into(), time(now));
        let mut note = key(super::keys::admin_pk(admin), zoom_account_note_sk(account));
        note.insert("kind".into(), s("zoom_account_note"));
        note.insert("account".into(), s(account.as_str()));
        let mut tx = Tx::new(self);
        tx.check(super::keys::profile_key(admin), Condition::exists())?;
        tx.put(owner, Some(Condition::not_exists()))?;
        tx.put(note, None)?;
        match self
            .transact("TransactWriteItems claim zoom account", &tx)
            .await?
        {
            Ok(()) => Ok(admin),
            Err(c) if c.failed(0) => Err(StoreError::not_found(format!("admin {admin}"))),
            Err(c) => match c.old_item(1) {
                Some(existing) => zoom_account_admin(existing),
                None => Err(StoreError::backend(
                    "TransactWriteItems claim zoom account",
                    "refused without the stored owner".to_owned(),
                )),
            },
        }
    }

    async fn list_unmatched_participants(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<UnmatchedParticipant>, StoreError> {
        let items = self
            .query_all(
                "Query unmatched participants",
                Query::prefix(&meeting_pk(admin, meeting), SEEN_PREFIX),
            )
            .await?;
        items
            .iter()
            .map(|item| Reader::new("unmatched participant", item).json("participant"))
            .collect()
    }
}

fn zoom_account_admin(item: &Item) -> Result<KakaoUserId, StoreError> {
    KakaoUserId::new(Reader::new("zoom account", item).n("admin_id")?)
        .map_err(|e| StoreError::corrupt("zoom account", e))
}
