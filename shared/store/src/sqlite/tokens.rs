//! [`TokenStore`] on SQLite: both tokens sealed together in one blob bound to the admin.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use rusqlite::{OptionalExtension, params};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::admins::require_admin;
use super::codec::{from_json, parse_ts, stored, to_json, ts};
use super::{SqliteStore, token_aad};
use crate::StoreError;
use crate::api::TokenStore;
use crate::model::{KakaoTokens, ScopeId, StoredTokens, Version, check_item_size};

/// The plaintext inside the sealed blob; wiped when dropped.
#[derive(Serialize, Deserialize)]
struct TokenSecrets {
    access: String,
    refresh: String,
}

impl Drop for TokenSecrets {
    fn drop(&mut self) {
        self.access.zeroize();
        self.refresh.zeroize();
    }
}

/// A `tokens` row before opening.
struct RawTokens {
    sealed: Vec<u8>,
    access_expires_at: String,
    refresh_expires_at: String,
    scopes: String,
    version: i64,
    updated_at: String,
}

/// What a write needs, prepared (and sealed) before entering the blocking section.
struct SealedTokens {
    sealed: Vec<u8>,
    access_expires_at: String,
    refresh_expires_at: String,
    scopes: String,
}

impl SqliteStore {
    async fn seal_tokens(
        &self,
        admin: KakaoUserId,
        tokens: &KakaoTokens,
    ) -> Result<SealedTokens, StoreError> {
        let secrets = TokenSecrets {
            access: tokens.access_token.expose_secret().to_owned(),
            refresh: tokens.refresh_token.expose_secret().to_owned(),
        };
        let plain = Zeroizing::new(
            serde_json::to_vec(&secrets).map_err(|e| StoreError::invalid(format!("tokens: {e}")))?,
        );
        let sealed = self.keys().seal(&plain, &token_aad(admin)).await?;
        let scopes = to_json("token scopes", &tokens.scopes)?;
        check_item_size("tokens", sealed.len() + scopes.len() + 128)?;
        Ok(SealedTokens {
            sealed,
            access_expires_at: ts(tokens.access_expires_at),
            refresh_expires_at: ts(tokens.refresh_expires_at),
            scopes,
        })
    }

    async fn open_tokens(&self, admin: KakaoUserId, raw: RawTokens) -> Result<StoredTokens, StoreError> {
        let plain = Zeroizing::new(self.keys().open(&raw.sealed, &token_aad(admin)).await?);
        let mut secrets: TokenSecrets =
            serde_json::from_slice(&plain).map_err(|e| StoreError::corrupt("tokens", e))?;
        Ok(StoredTokens {
            tokens: KakaoTokens {
                access_token: SecretString::from(std::mem::take(&mut secrets.access)),
                access_expires_at: parse_ts("access_expires_at", &raw.access_expires_at)?,
                refresh_token: SecretString::from(std::mem::take(&mut secrets.refresh)),
                refresh_expires_at: parse_ts("refresh_expires_at", &raw.refresh_expires_at)?,
                scopes: from_json::<BTreeSet<ScopeId>>("token scopes", &raw.scopes)?,
            },
            version: stored("token version", Version::new(raw.version as u64))?,
            updated_at: parse_ts("tokens updated_at", &raw.updated_at)?,
        })
    }
}

#[async_trait]
impl TokenStore for SqliteStore {
    async fn save_tokens(
        &self,
        admin: KakaoUserId,
        tokens: &KakaoTokens,
        now: DateTime<Utc>,
    ) -> Result<StoredTokens, StoreError> {
        let sealed = self.seal_tokens(admin, tokens).await?;
        let now_text = ts(now);
        let version = self
            .write("save tokens", move |tx| {
                require_admin(tx, admin)?;
                let version: i64 = tx.query_row(
                    "INSERT INTO tokens (admin, sealed, access_expires_at, refresh_expires_at, scopes, version, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)
                     ON CONFLICT (admin) DO UPDATE SET sealed = excluded.sealed,
                         access_expires_at = excluded.access_expires_at,
                         refresh_expires_at = excluded.refresh_expires_at, scopes = excluded.scopes,
                         version = tokens.version + 1, updated_at = excluded.updated_at
                     RETURNING version",
                    params![
                        admin.get(),
                        sealed.sealed,
                        sealed.access_expires_at,
                        sealed.refresh_expires_at,
                        sealed.scopes,
                        now_text
                    ],
                    |r| r.get(0),
                )?;
                Ok(version)
            })
            .await?;
        Ok(StoredTokens {
            tokens: tokens.clone(),
            version: Version::new(version as u64)?,
            updated_at: now,
        })
    }

    async fn get_tokens(&self, admin: KakaoUserId) -> Result<StoredTokens, StoreError> {
        let raw = self
            .read("get tokens", move |conn| {
                let raw = conn
                    .query_row(
                        "SELECT sealed, access_expires_at, refresh_expires_at, scopes, version, updated_at
                         FROM tokens WHERE admin = ?1",
                        [admin.get()],
                        |r| {
                            Ok(RawTokens {
                                sealed: r.get(0)?,
                                access_expires_at: r.get(1)?,
                                refresh_expires_at: r.get(2)?,
                                scopes: r.get(3)?,
                                version: r.get(4)?,
                                updated_at: r.get(5)?,
                            })
                        },
                    )
                    .optional()?;
                Ok(raw)
            })
            .await?
            .ok_or_else(|| StoreError::not_found(format!("tokens of admin {admin}")))?;
        self.open_tokens(admin, raw).await
    }

    async fn replace_tokens(
        &self,
        admin: KakaoUserId,
        expected: Version,
        tokens: &KakaoTokens,
        now: DateTime<Utc>,
    ) -> Result<StoredTokens, StoreError> {
        let sealed = self.seal_tokens(admin, tokens).await?;
        let now_text = ts(now);
        let version = self
            .write("replace tokens", move |tx| {
                let current: Option<i64> = tx
                    .query_row(
                        "SELECT version FROM tokens WHERE admin = ?1",
                        [admin.get()],
                        |r| r.get(0),
                    )
                    .optional()?;
                match current {
                    None => return Err(StoreError::not_found(format!("tokens of admin {admin}")).into()),
                    Some(v) if v as u64 != expected.get() => {
                        return Err(StoreError::conflict(format!(
                            "tokens of admin {admin} are at version {v}, not {expected}"
                        ))
                        .into());
                    }
                    Some(_) => {}
                }
                tx.execute(
                    "UPDATE tokens SET sealed = ?2, access_expires_at = ?3, refresh_expires_at = ?4,
                         scopes = ?5, version = version + 1, updated_at = ?6
                     WHERE admin = ?1",
                    params![
                        admin.get(),
                        sealed.sealed,
                        sealed.access_expires_at,
                        sealed.refresh_expires_at,
                        sealed.scopes,
                        now_text
                    ],
                )?;
                Ok(expected.next())
            })
            .await?;
        Ok(StoredTokens {
            tokens: tokens.clone(),
            version,
            updated_at: now,
        })
    }

    async fn delete_tokens(&self, admin: KakaoUserId) -> Result<(), StoreError> {
        self.write("delete tokens", move |tx| {
            tx.execute("DELETE FROM tokens WHERE admin = ?1", [admin.get()])?;
            Ok(())
        })
        .await
    }
}
