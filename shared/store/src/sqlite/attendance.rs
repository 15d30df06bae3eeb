//! [`AttendanceStore`] on SQLite: the earliest join wins, decided inside the transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use super::codec::{parse_ts, stored, ts};
use super::meetings::require_meeting;
use crate::StoreError;
use crate::api::AttendanceStore;
use crate::model::{Attendance, JoinRecorded, JoinSource};

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
}
