//! [`AdminStore`] on SQLite.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::codec::{from_json, parse_ts, stored, to_json, ts};
use super::{SqliteStore, TxError};
use crate::StoreError;
use crate::api::AdminStore;
use crate::model::{
    AdminLogin, AdminProfile, AdminStatus, Page, PageCursor, PendingDeletion, ScopeId, check_item_size,
};

const CURSOR_PREFIX: &str = "sqlite-admin:";
const SELECT: &str =
    "SELECT id, nickname, scopes, status, created_at, updated_at, sessions_since FROM admins";

/// An `admins` row as SQLite hands it over, before parsing.
struct RawAdmin {
    id: i64,
    nickname: String,
    scopes: String,
    status: String,
    created_at: String,
    updated_at: String,
    sessions_since: Option<String>,
}

fn admin_row(row: &Row<'_>) -> rusqlite::Result<RawAdmin> {
    Ok(RawAdmin {
        id: row.get(0)?,
        nickname: row.get(1)?,
        scopes: row.get(2)?,
        status: row.get(3)?,
        created_at: row.get(4)?,
        updated_at: row.get(5)?,
        sessions_since: row.get(6)?,
    })
}

fn parse_admin(raw: RawAdmin) -> Result<AdminProfile, StoreError> {
    Ok(AdminProfile {
        id: stored("admin id", KakaoUserId::new(raw.id))?,
        nickname: raw.nickname,
        scopes: from_json::<BTreeSet<ScopeId>>("admin scopes", &raw.scopes)?,
        status: stored("admin status", AdminStatus::parse(&raw.status))?,
        created_at: parse_ts("admin created_at", &raw.created_at)?,
        updated_at: parse_ts("admin updated_at", &raw.updated_at)?,
        sessions_since: raw
            .sessions_since
            .map(|t| parse_ts("admin sessions_since", &t))
            .transpose()?,
    })
}

pub(super) fn load_admin(conn: &Connection, id: KakaoUserId) -> Result<Option<AdminProfile>, TxError> {
    let raw = conn
        .query_row(&format!("{SELECT} WHERE id = ?1"), [id.get()], admin_row)
        .optional()?;
    Ok(raw.map(parse_admin).transpose()?)
}

/// `NotFound` unless the admin exists: the guard for everything an admin owns.
pub(super) fn require_admin(conn: &Connection, id: KakaoUserId) -> Result<(), TxError> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM admins WHERE id = ?1", [id.get()], |r| r.get(0))
        .optional()?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::not_found(format!("admin {id}")).into()),
    }
}

#[async_trait]
impl AdminStore for SqliteStore {
    async fn upsert_admin(&self, login: &AdminLogin, now: DateTime<Utc>) -> Result<AdminProfile, StoreError> {
        let scopes = to_json("admin scopes", &login.scopes)?;
        check_item_size("admin profile", login.nickname.len() + scopes.len() + 128)?;
        let (id, nickname, status, now) = (login.id, login.nickname.clone(), login.status, ts(now));
        self.write("upsert admin", move |tx| {
            tx.execute(
                "INSERT INTO admins (id, nickname, scopes, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (id) DO UPDATE SET nickname = excluded.nickname, scopes = excluded.scopes,
                     status = excluded.status, updated_at = excluded.updated_at",
                params![id.get(), nickname, scopes, status.as_str(), now],
            )?;
            load_admin(tx, id)?.ok_or_else(|| StoreError::not_found(format!("admin {id}")).into())
        })
        .await
    }

    async fn get_admin(&self, id: KakaoUserId) -> Result<AdminProfile, StoreError> {
        self.read("get admin", move |conn| {
            load_admin(conn, id)?.ok_or_else(|| StoreError::not_found(format!("admin {id}")).into())
        })
        .await
    }

    async fn set_admin_status(
        &self,
        id: KakaoUserId,
        status: AdminStatus,
        now: DateTime<Utc>,
    ) -> Result<AdminProfile, StoreError> {
        let now = ts(now);
        self.write("set admin status", move |tx| {
            let n = tx.execute(
                "UPDATE admins SET status = ?2, updated_at = ?3 WHERE id = ?1",
                params![id.get(), status.as_str(), now],
            )?;
            if n == 0 {
                return Err(StoreError::not_found(format!("admin {id}")).into());
            }
            load_admin(tx, id)?.ok_or_else(|| StoreError::not_found(format!("admin {id}")).into())
        })
        .await
    }

    async fn end_sessions(&self, id: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        let now = ts(now);
        self.write("end admin sessions", move |tx| {
            let n = tx.execute(
                "UPDATE admins SET sessions_since = ?2 WHERE id = ?1",
                params![id.get(), now],
            )?;
            if n == 0 {
                return Err(StoreError::not_found(format!("admin {id}")).into());
            }
            Ok(())
        })
        .await
    }

    async fn list_active_admins(
        &self,
        after: Option<&PageCursor>,
        limit: usize,
    ) -> Result<Page<AdminProfile>, StoreError> {
        let after = match after {
            None => 0,
            Some(c) => c
                .as_str()
                .strip_prefix(CURSOR_PREFIX)
                .and_then(|id| id.parse::<i64>().ok())
                .ok_or_else(|| StoreError::invalid("this page cursor was not issued by the SQLite store"))?,
        };
        let limit = limit.clamp(1, 100);
        self.read("list active admins", move |conn| {
            let mut stmt = conn.prepare(&format!(
                "{SELECT} WHERE status = 'active' AND id > ?1 ORDER BY id LIMIT ?2"
            ))?;
            // One extra row tells whether there is a next page.
            let raw = stmt
                .query_map(params![after, (limit + 1) as i64], admin_row)?
                .collect::<Result<Vec<_>, _>>()?;
            let mut items = raw.into_iter().map(parse_admin).collect::<Result<Vec<_>, _>>()?;
            let next = if items.len() > limit {
                items.truncate(limit);
                items
                    .last()
                    .map(|a| PageCursor::new(format!("{CURSOR_PREFIX}{}", a.id)))
            } else {
                None
            };
            Ok(Page { items, next })
        })
        .await
    }

    async fn delete_admin_data(&self, id: KakaoUserId, _now: DateTime<Utc>) -> Result<(), StoreError> {
        // One transaction here, so a deletion is never seen half done.
        self.write("delete admin data", move |tx| {
            let admin = id.get();
            // Tokens first (DynamoDB deletes in this order); here it is one transaction anyway.
            for table in [
                "tokens",
                "admin_preferences",
                "friend_syncs",
                "friends",
                "invitees",
                "attendance",
                "unmatched_participants",
                "link_tokens",
                "meetings",
                "zoom_accounts",
                "admin_plans",
            ] {
                tx.execute(&format!("DELETE FROM {table} WHERE admin = ?1"), [admin])?;
            }
            tx.execute("DELETE FROM admins WHERE id = ?1", [admin])?;
            tx.execute("DELETE FROM pending_deletions WHERE admin = ?1", [admin])?;
            tracing::info!(admin = %id, "admin personal data deleted");
            Ok(())
        })
        .await
    }

    async fn note_pending_deletion(&self, id: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        let since = ts(now);
        self.write("note pending deletion", move |tx| {
            tx.execute(
                "INSERT INTO pending_deletions (admin, since) VALUES (?1, ?2) ON CONFLICT (admin) DO NOTHING",
                params![id.get(), since],
            )?;
            Ok(())
        })
        .await
    }

    async fn pending_admin_deletions(&self, limit: usize) -> Result<Vec<PendingDeletion>, StoreError> {
        let limit = i64::try_from(limit.clamp(1, 100)).unwrap_or(100);
        let rows = self
            .read("list pending deletions", move |conn| {
                let mut statement =
                    conn.prepare("SELECT admin, since FROM pending_deletions ORDER BY admin LIMIT ?1")?;
                let rows = statement
                    .query_map([limit], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        rows.into_iter()
            .map(|(admin, since)| pending_deletion(admin, &since))
            .collect()
    }

    async fn pending_admin_deletion(&self, id: KakaoUserId) -> Result<Option<PendingDeletion>, StoreError> {
        let row = self
            .read("get pending deletion", move |conn| {
                Ok(conn
                    .query_row(
                        "SELECT since FROM pending_deletions WHERE admin = ?1",
                        [id.get()],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?)
            })
            .await?;
        row.map(|since| pending_deletion(id.get(), &since)).transpose()
    }
}

fn pending_deletion(admin: i64, since: &str) -> Result<PendingDeletion, StoreError> {
    Ok(PendingDeletion {
        admin: KakaoUserId::new(admin).map_err(|e| StoreError::corrupt("pending deletion", e))?,
        since: parse_ts("pending deletion", since)?,
    })
}
