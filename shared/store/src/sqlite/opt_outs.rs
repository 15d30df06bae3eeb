//! [`OptOutStore`] on SQLite: `INSERT ... ON CONFLICT DO NOTHING` keeps the first opt-out.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId};
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use super::codec::{parse_ts, stored, ts};
use crate::StoreError;
use crate::api::OptOutStore;
use crate::model::{OptOut, OptOutRecorded, OptOutSource};

fn parse_opt_out(friend: &str, at: &str, source: &str) -> Result<OptOut, StoreError> {
    Ok(OptOut {
        friend: stored("opt-out friend", FriendUuid::parse(friend))?,
        at: parse_ts("opt-out at", at)?,
        source: stored("opt-out source", OptOutSource::parse(source))?,
    })
}

#[async_trait]
impl OptOutStore for SqliteStore {
    async fn record_opt_out(
        &self,
        admin: KakaoUserId,
        friend: &FriendUuid,
        source: OptOutSource,
        now: DateTime<Utc>,
    ) -> Result<OptOutRecorded, StoreError> {
        let friend = friend.clone();
        self.write("record opt-out", move |tx| {
            let inserted = tx.execute(
                "INSERT INTO opt_outs (admin, friend, at, source) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (admin, friend) DO NOTHING",
                params![admin.get(), friend.as_str(), ts(now), source.as_str()],
            )?;
            let (at, src): (String, String) = tx.query_row(
                "SELECT at, source FROM opt_outs WHERE admin = ?1 AND friend = ?2",
                params![admin.get(), friend.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(OptOutRecorded {
                opt_out: parse_opt_out(friend.as_str(), &at, &src)?,
                changed: inserted == 1,
            })
        })
        .await
    }

    async fn clear_opt_out(&self, admin: KakaoUserId, friend: &FriendUuid) -> Result<bool, StoreError> {
        let friend = friend.clone();
        self.write("clear opt-out", move |tx| {
            let n = tx.execute(
                "DELETE FROM opt_outs WHERE admin = ?1 AND friend = ?2",
                params![admin.get(), friend.as_str()],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn get_opt_out(
        &self,
        admin: KakaoUserId,
        friend: &FriendUuid,
    ) -> Result<Option<OptOut>, StoreError> {
        let friend = friend.clone();
        self.read("get opt-out", move |conn| {
            let row: Option<(String, String)> = conn
                .query_row(
                    "SELECT at, source FROM opt_outs WHERE admin = ?1 AND friend = ?2",
                    params![admin.get(), friend.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            Ok(row
                .map(|(at, src)| parse_opt_out(friend.as_str(), &at, &src))
                .transpose()?)
        })
        .await
    }

    async fn list_opt_outs(&self, admin: KakaoUserId) -> Result<Vec<OptOut>, StoreError> {
        self.read("list opt-outs", move |conn| {
            let mut stmt =
                conn.prepare("SELECT friend, at, source FROM opt_outs WHERE admin = ?1 ORDER BY friend")?;
            let rows = stmt
                .query_map([admin.get()], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::with_capacity(rows.len());
            for (friend, at, src) in rows {
                out.push(parse_opt_out(&friend, &at, &src)?);
            }
            Ok(out)
        })
        .await
    }
}
