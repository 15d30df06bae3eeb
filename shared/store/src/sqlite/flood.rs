//! [`FloodStore`] on SQLite: one row per counter; old windows are swept as new ones are taken.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::flood::FloodAction;
use rusqlite::params;

use super::SqliteStore;
use super::codec::ts;
use crate::StoreError;
use crate::api::{FloodStore, FloodSubject};

#[async_trait]
impl FloodStore for SqliteStore {
    async fn take_flood_slot(
        &self,
        action: FloodAction,
        subject: FloodSubject,
        window_start: DateTime<Utc>,
        limit: u32,
        forget_after: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let counter = format!("{}#{subject}", action.as_str());
        let (window, forget) = (ts(window_start), ts(forget_after));
        self.write("take flood slot", move |tx| {
            // Counters forgotten before this window began go as new ones are taken.
            tx.execute("DELETE FROM flood_counters WHERE forget_after < ?1", [&window])?;
            let taken = tx.execute(
                "INSERT INTO flood_counters (counter, window, n, forget_after) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (counter, window) DO UPDATE SET n = n + 1 WHERE n < ?4",
                params![counter, window, forget, limit],
            )?;
            Ok(taken == 1)
        })
        .await
    }
}
