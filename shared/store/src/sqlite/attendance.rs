//! [`AttendanceStore`] on SQLite: the earliest join wins, decided inside the transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use super::codec::{from_json, parse_ts, stored, to_json, ts};
use super::meetings::require_meeting;
use crate::StoreError;
use crate::api::AttendanceStore;
use crate::model::{
    Attendance, JoinRecorded, JoinSource, UnmatchedParticipant, ZoomAccountId, check_item_size,
};

fn parse_attendance(joined_at: &str, source: &str) -> Result<Attendance, StoreError> {
    Ok(Attendance {
        first_joined_at: parse_ts("first_joined_at", joined_at)?,
        source: stored("join source", JoinSource::parse(source))?,
    })
}

#[async_trait]
impl AttendanceStore for SqliteStore {
    async fn record_join(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        joined_at: DateTime<Utc>,
        source: JoinSource,
    ) -> Result<JoinRecorded, StoreError> {
        let friend = friend.clone();
        self.write("record join", move |tx| {
            require_meeting(tx, admin, meeting)?;
            let key = params![admin.get(), meeting.to_string(), friend.as_str()];
            let current: Option<(String, String)> = tx
                .query_row(
                    "SELECT first_joined_at, source FROM attendance
                     WHERE admin = ?1 AND meeting = ?2 AND friend = ?3",
                    key,
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let current = current.map(|(at, src)| parse_attendance(&at, &src)).transpose()?;
            let new = Attendance {
                first_joined_at: joined_at,
                source,
            };
            let (attendance, changed) = match current {
                Some(old) if old.first_joined_at <= joined_at => (old, false),
                _ => (new, true),
            };
            if changed {
                tx.execute(
                    "INSERT INTO attendance (admin, meeting, friend, first_joined_at, source)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (admin, meeting, friend) DO UPDATE SET
                         first_joined_at = excluded.first_joined_at, source = excluded.source",
                    params![
                        admin.get(),
                        meeting.to_string(),
                        friend.as_str(),
                        ts(joined_at),
                        source.as_str()
                    ],
                )?;
            }
            Ok(JoinRecorded {
                friend,
                attendance,
                changed,
            })
        })
        .await
    }

    async fn list_attendance(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<(FriendUuid, Attendance)>, StoreError> {
        self.read("list attendance", move |conn| {
            let mut stmt = conn.prepare(
                "SELECT friend, first_joined_at, source FROM attendance
                 WHERE admin = ?1 AND meeting = ?2 ORDER BY friend",
            )?;
            let rows = stmt
                .query_map(params![admin.get(), meeting.to_string()], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::with_capacity(rows.len());
            for (friend, at, src) in rows {
                out.push((
                    stored("attendance friend", FriendUuid::parse(&friend))?,
                    parse_attendance(&at, &src)?,
                ));
            }
            Ok(out)
        })
        .await
    }

    async fn remove_join(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        source: JoinSource,
    ) -> Result<bool, StoreError> {
        let friend = friend.clone();
        self.write("remove join", move |tx| {
            let n = tx.execute(
                "DELETE FROM attendance WHERE admin = ?1 AND meeting = ?2 AND friend = ?3 AND source = ?4",
                params![admin.get(), meeting.to_string(), friend.as_str(), source.as_str()],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn note_unmatched_participant(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        participant: &UnmatchedParticipant,
    ) -> Result<(), StoreError> {
        let body = to_json("unmatched participant", participant)?;
        check_item_size("unmatched participant", body.len())?;
        let name = participant.display_name.clone();
        self.write("note unmatched participant", move |tx| {
            require_meeting(tx, admin, meeting)?;
            tx.execute(
                "INSERT INTO unmatched_participants (admin, meeting, display_name, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (admin, meeting, display_name) DO UPDATE SET body = excluded.body",
                params![admin.get(), meeting.to_string(), name, body],
            )?;
            Ok(())
        })
        .await
    }

    async fn zoom_account_owner(&self, account: &ZoomAccountId) -> Result<Option<KakaoUserId>, StoreError> {
        let account = account.as_str().to_owned();
        self.read("zoom account owner", move |conn| {
            let admin: Option<i64> = conn
                .query_row(
                    "SELECT admin FROM zoom_accounts WHERE account = ?1",
                    [&account],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(admin
                .map(|a| stored("zoom account admin", KakaoUserId::new(a)))
                .transpose()?)
        })
        .await
    }

    async fn claim_zoom_account(
        &self,
        account: &ZoomAccountId,
        admin: KakaoUserId,
        now: DateTime<Utc>,
    ) -> Result<KakaoUserId, StoreError> {
        let (account, now) = (account.as_str().to_owned(), ts(now));
        self.write("claim zoom account", move |tx| {
            super::admins::require_admin(tx, admin)?;
            tx.execute(
                "INSERT INTO zoom_accounts (account, admin, claimed_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account) DO NOTHING",
                params![account, admin.get(), now],
            )?;
            let owner: i64 = tx.query_row(
                "SELECT admin FROM zoom_accounts WHERE account = ?1",
                [&account],
                |r| r.get(0),
            )?;
            Ok(stored("zoom account admin", KakaoUserId::new(owner))?)
        })
        .await
    }

    async fn list_unmatched_participants(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<UnmatchedParticipant>, StoreError> {
        self.read("list unmatched participants", move |conn| {
            let mut stmt = conn.prepare(
                "SELECT body FROM unmatched_participants WHERE admin = ?1 AND meeting = ?2 ORDER BY display_name",
            )?;
            let bodies = stmt
                .query_map(params![admin.get(), meeting.to_string()], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(bodies
                .iter()
                .map(|b| from_json("unmatched participant", b))
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}
