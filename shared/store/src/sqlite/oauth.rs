//! [`OAuthStateStore`] on SQLite: consumed with `DELETE ... RETURNING`, so only one caller
//! ever gets a state.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use super::codec::{from_json, to_json, ts};
use crate::StoreError;
use crate::api::OAuthStateStore;
use crate::model::{OAuthState, StateNonce, check_item_size};

#[async_trait]
impl OAuthStateStore for SqliteStore {
    async fn create_state(&self, state: &OAuthState) -> Result<(), StoreError> {
        let body = to_json("OAuth state", state)?;
        check_item_size("OAuth state", body.len() + 64)?;
        let (nonce, expires_at) = (state.nonce.as_str().to_owned(), ts(state.expires_at));
        self.write("create OAuth state", move |tx| {
            let inserted = tx.execute(
                "INSERT INTO oauth_states (nonce, body, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (nonce) DO NOTHING",
                params![nonce, body, expires_at],
            )?;
            if inserted == 0 {
                return Err(StoreError::conflict("OAuth state already exists").into());
            }
            Ok(())
        })
        .await
    }

    async fn consume_state(&self, nonce: &StateNonce, now: DateTime<Utc>) -> Result<OAuthState, StoreError> {
        let key = nonce.as_str().to_owned();
        let body = self
            .write("consume OAuth state", move |tx| {
                let body: Option<String> = tx
                    .query_row(
                        "DELETE FROM oauth_states WHERE nonce = ?1 RETURNING body",
                        [key],
                        |r| r.get(0),
                    )
                    .optional()?;
                Ok(body)
            })
            .await?
            .ok_or_else(|| StoreError::not_found("OAuth state"))?;
        let state: OAuthState = from_json("OAuth state", &body)?;
        if state.is_expired(now) {
            return Err(StoreError::expired("OAuth state"));
        }
        Ok(state)
    }
}
