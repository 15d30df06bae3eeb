//! [`PreferenceStore`] on SQLite: one JSON row per admin.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use super::admins::require_admin;
use super::codec::{from_json, to_json, ts};
use crate::StoreError;
use crate::api::PreferenceStore;
use crate::model::AdminPreferences;

#[async_trait]
impl PreferenceStore for SqliteStore {
    async fn get_preferences(&self, admin: KakaoUserId) -> Result<AdminPreferences, StoreError> {
        let body = self
            .read("get preferences", move |conn| {
                Ok(conn
                    .query_row(
                        "SELECT body FROM admin_preferences WHERE admin = ?1",
                        [admin.get()],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?)
            })
            .await?;
        match body {
            Some(body) => from_json("admin preferences", &body),
            None => Ok(AdminPreferences::default()),
        }
    }

    async fn set_preferences(
        &self,
        admin: KakaoUserId,
        preferences: &AdminPreferences,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let body = to_json("admin preferences", preferences)?;
        self.write("set preferences", move |tx| {
            require_admin(tx, admin)?;
            tx.execute(
                "INSERT INTO admin_preferences (admin, body, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (admin) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                params![admin.get(), body, ts(now)],
            )?;
            Ok(())
        })
        .await
    }
}
