//! [`FriendStore`] on SQLite: the diff is decided by `domain::friends`, applied in one
//! transaction (one write request; none when nothing changed).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::friends::{FriendChange, FriendProfile, KnownFriend, diff_friends};
use domain::{FriendUuid, KakaoUserId};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::admins::require_admin;
use super::codec::{from_json, parse_opt_ts, parse_ts, stored, to_json, ts};
use super::{SqliteStore, TxError};
use crate::StoreError;
use crate::api::FriendStore;
use crate::model::{FriendRecord, FriendSyncCounts, SyncReport, check_item_size};

const SELECT: &str = "SELECT admin, uuid, kakao_id, nickname, thumbnail_url, favorite, first_seen, synced_at, gone_at FROM friends";

struct RawFriend {
    admin: i64,
    uuid: String,
    kakao_id: Option<i64>,
    nickname: String,
    thumbnail_url: Option<String>,
    favorite: bool,
    first_seen: String,
    synced_at: String,
    gone_at: Option<String>,
}

fn friend_row(row: &Row<'_>) -> rusqlite::Result<RawFriend> {
    Ok(RawFriend {
        admin: row.get(0)?,
        uuid: row.get(1)?,
        kakao_id: row.get(2)?,
        nickname: row.get(3)?,
        thumbnail_url: row.get(4)?,
        favorite: row.get(5)?,
        first_seen: row.get(6)?,
        synced_at: row.get(7)?,
        gone_at: row.get(8)?,
    })
}

fn parse_friend(raw: RawFriend) -> Result<FriendRecord, StoreError> {
    Ok(FriendRecord {
        admin: stored("friend admin", KakaoUserId::new(raw.admin))?,
        profile: FriendProfile {
            uuid: stored("friend uuid", FriendUuid::parse(&raw.uuid))?,
            kakao_id: raw
                .kakao_id
                .map(|id| stored("friend kakao id", KakaoUserId::new(id)))
                .transpose()?,
            nickname: raw.nickname,
            thumbnail_url: raw.thumbnail_url,
            favorite: raw.favorite,
        },
        first_seen: parse_ts("friend first_seen", &raw.first_seen)?,
        synced_at: parse_ts("friend synced_at", &raw.synced_at)?,
        gone_at: parse_opt_ts("friend gone_at", raw.gone_at)?,
    })
}

fn load_friends(
    conn: &Connection,
    admin: KakaoUserId,
    include_gone: bool,
) -> Result<Vec<FriendRecord>, TxError> {
    let filter = if include_gone { "" } else { " AND gone_at IS NULL" };
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE admin = ?1{filter} ORDER BY uuid"))?;
    let raw = stmt
        .query_map([admin.get()], friend_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(raw.into_iter().map(parse_friend).collect::<Result<Vec<_>, _>>()?)
}

fn friend_bytes(f: &FriendProfile) -> usize {
    f.uuid.as_str().len() + f.nickname.len() + f.thumbnail_url.as_ref().map_or(0, String::len) + 128
}

#[async_trait]
impl FriendStore for SqliteStore {
    async fn replace_friends(
        &self,
        admin: KakaoUserId,
        fetched: &[FriendProfile],
        now: DateTime<Utc>,
    ) -> Result<FriendSyncCounts, StoreError> {
        for f in fetched {
            check_item_size(&format!("friend {}", f.uuid), friend_bytes(f))?;
        }
        let fetched = fetched.to_vec();
        let now = ts(now);
        self.write("replace friends", move |tx| {
            require_admin(tx, admin)?;
            let known: Vec<KnownFriend> = load_friends(tx, admin, true)?
                .into_iter()
                .map(|r| KnownFriend { gone: r.gone_at.is_some(), profile: r.profile })
                .collect();
            let diff = diff_friends(&known, &fetched).map_err(|e| StoreError::invalid(e.to_string()))?;
            for change in &diff.changes {
                match change {
                    FriendChange::Added(p) | FriendChange::Returned(p) | FriendChange::Changed(p) => {
                        tx.execute(
                            "INSERT INTO friends (admin, uuid, kakao_id, nickname, thumbnail_url, favorite,
                                 first_seen, synced_at, gone_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, NULL)
                             ON CONFLICT (admin, uuid) DO UPDATE SET kakao_id = excluded.kakao_id,
                                 nickname = excluded.nickname, thumbnail_url = excluded.thumbnail_url,
                                 favorite = excluded.favorite, synced_at = excluded.synced_at, gone_at = NULL",
                            params![
                                admin.get(),
                                p.uuid.as_str(),
                                p.kakao_id.map(KakaoUserId::get),
                                p.nickname,
                                p.thumbnail_url,
                                p.favorite,
                                now
                            ],
                        )?;
                    }
                    FriendChange::Gone(uuid) => {
                        tx.execute(
                            "UPDATE friends SET gone_at = ?3, synced_at = ?3 WHERE admin = ?1 AND uuid = ?2",
                            params![admin.get(), uuid.as_str(), now],
                        )?;
                    }
                }
            }
            let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            let counts = FriendSyncCounts {
                added: count(diff.added()),
                changed: count(diff.changed()),
                gone: count(diff.gone()),
                unchanged: count(diff.unchanged),
                write_requests: u32::from(!diff.changes.is_empty()),
            };
            tracing::info!(
                admin = %admin,
                added = counts.added,
                changed = counts.changed,
                gone = counts.gone,
                unchanged = counts.unchanged,
                "friends replaced"
            );
            Ok(counts)
        })
        .await
    }

    async fn list_friends(
        &self,
        admin: KakaoUserId,
        include_gone: bool,
    ) -> Result<Vec<FriendRecord>, StoreError> {
        self.read("list friends", move |conn| {
            load_friends(conn, admin, include_gone)
        })
        .await
    }

    async fn get_friend(&self, admin: KakaoUserId, friend: &FriendUuid) -> Result<FriendRecord, StoreError> {
        let uuid = friend.clone();
        self.read("get friend", move |conn| {
            let raw = conn
                .query_row(
                    &format!("{SELECT} WHERE admin = ?1 AND uuid = ?2"),
                    params![admin.get(), uuid.as_str()],
                    friend_row,
                )
                .optional()?;
            match raw {
                Some(raw) => Ok(parse_friend(raw)?),
                None => Err(StoreError::not_found(format!("friend {uuid} of admin {admin}")).into()),
            }
        })
        .await
    }

    async fn record_sync(&self, admin: KakaoUserId, report: &SyncReport) -> Result<(), StoreError> {
        let body = to_json("sync report", report)?;
        check_item_size("sync report", body.len() + 64)?;
        self.write("record sync", move |tx| {
            require_admin(tx, admin)?;
            tx.execute(
                "INSERT INTO friend_syncs (admin, body) VALUES (?1, ?2)
                 ON CONFLICT (admin) DO UPDATE SET body = excluded.body",
                params![admin.get(), body],
            )?;
            Ok(())
        })
        .await
    }

    async fn last_sync(&self, admin: KakaoUserId) -> Result<Option<SyncReport>, StoreError> {
        let body = self
            .read("last sync", move |conn| {
                Ok(conn
                    .query_row(
                        "SELECT body FROM friend_syncs WHERE admin = ?1",
                        [admin.get()],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?)
            })
            .await?;
        body.map(|b| from_json("sync report", &b)).transpose()
    }
}
