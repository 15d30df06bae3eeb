//! An admin's Kakao tokens (`ADMIN#{id}` / `TOKENS`), sealed with the store's `KeyProvider`
//! and bound to the admin and the token's role, versioned for race-free refresh.

use std::collections::BTreeSet;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use secrecy::{ExposeSecret, SecretString};

use super::DynamoStore;
use super::expr::{Condition, Update};
use super::item::{Item, Reader, b, n, s, time};
use super::keys::PK;
use super::keys::{profile_key, tokens_key};
use super::requests::{Tx, Written};
use crate::StoreError;
use crate::api::TokenStore;
use crate::model::{KakaoTokens, ScopeId, StoredTokens, Version};

/// Binds a sealed token to its admin and role, so it opens neither on another admin's row nor
/// as the other token.
fn aad(admin: KakaoUserId, role: &str) -> Vec<u8> {
    format!("ttokttok/tokens/{admin}/{role}").into_bytes()
}

/// The token attributes (everything but keys and version), sealed.
async fn sealed_fields(
    store: &DynamoStore,
    admin: KakaoUserId,
    tokens: &KakaoTokens,
    now: DateTime<Utc>,
) -> Result<Vec<(&'static str, AttributeValue)>, StoreError> {
    let keys = &store.inner.keys;
    let access = keys
        .seal(
            tokens.access_token.expose_secret().as_bytes(),
            &aad(admin, "access"),
        )
        .await?;
    let refresh = keys
        .seal(
            tokens.refresh_token.expose_secret().as_bytes(),
            &aad(admin, "refresh"),
        )
        .await?;
    Ok(vec![
        ("kind", s("tokens")),
        ("access_token", b(access)),
        ("access_expires_at", time(tokens.access_expires_at)),
        ("refresh_token", b(refresh)),
        ("refresh_expires_at", time(tokens.refresh_expires_at)),
        (
            "scopes",
            AttributeValue::L(tokens.scopes.iter().map(|sc| s(sc.as_str())).collect()),
        ),
        ("updated_at", time(now)),
    ])
}

async fn open_secret(
    store: &DynamoStore,
    admin: KakaoUserId,
    role: &str,
    sealed: &[u8],
) -> Result<SecretString, StoreError> {
    let plain = zeroize::Zeroizing::new(store.inner.keys.open(sealed, &aad(admin, role)).await?);
    let text =
        std::str::from_utf8(&plain).map_err(|_| StoreError::corrupt("tokens", "a token is not UTF-8"))?;
    Ok(SecretString::from(text.to_owned()))
}

pub(crate) async fn stored_from_item(
    store: &DynamoStore,
    admin: KakaoUserId,
    item: &Item,
) -> Result<StoredTokens, StoreError> {
    let r = Reader::new("tokens", item);
    let scopes: BTreeSet<ScopeId> = r
        .string_list("scopes")?
        .into_iter()
        .map(|sc| ScopeId::parse(sc).map_err(|e| StoreError::corrupt("tokens", e)))
        .collect::<Result<_, _>>()?;
    let version = Version::new(r.n("version")?).map_err(|e| StoreError::corrupt("tokens", e))?;
    Ok(StoredTokens {
        tokens: KakaoTokens {
            access_token: open_secret(store, admin, "access", r.b("access_token")?).await?,
            access_expires_at: r.time("access_expires_at")?,
            refresh_token: open_secret(store, admin, "refresh", r.b("refresh_token")?).await?,
            refresh_expires_at: r.time("refresh_expires_at")?,
            scopes,
        },
        version,
        updated_at: r.time("updated_at")?,
    })
}

#[async_trait]
impl TokenStore for DynamoStore {
    async fn save_tokens(
        &self,
        admin: KakaoUserId,
        tokens: &KakaoTokens,
        now: DateTime<Utc>,
    ) -> Result<StoredTokens, StoreError> {
        let fields = sealed_fields(self, admin, tokens, now).await?;
        let max = self.inner.config.max_transaction_attempts.max(1);
        for _ in 0..max {
            // Learn the version to replace; the put below is conditional on it, so a login
            // racing a refresh never loses either write silently.
            let current = self.get_item("GetItem tokens", tokens_key(admin)).await?;
            let current_version: Option<u64> = match &current {
                Some(item) => Some(Reader::new("tokens", item).n("version")?),
                None => None,
            };
            let version = Version::new(current_version.unwrap_or(0) + 1)?;
            let mut item = tokens_key(admin);
            item.extend(fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
            item.insert("version".to_owned(), n(version.get()));
            let condition = match current_version {
                None => Condition::not_exists(),
                Some(v) => Condition::new(|e| format!("{} = {}", e.name("version"), e.value(n(v)))),
            };
            let mut tx = Tx::new(self);
            tx.check(profile_key(admin), Condition::exists())?;
            tx.put(item, Some(condition))?;
            match self.transact("TransactWriteItems save tokens", &tx).await? {
                Ok(()) => {
                    return Ok(StoredTokens {
                        tokens: tokens.clone(),
                        version,
                        updated_at: now,
                    });
                }
                Err(cancelled) if cancelled.failed(0) => {
                    return Err(StoreError::not_found(format!("admin {admin}")));
                }
                Err(_) => tracing::debug!(admin = %admin, "tokens changed while saving; retrying"),
            }
        }
        Err(StoreError::conflict(format!(
            "tokens of admin {admin} kept changing while saving"
        )))
    }

    async fn get_tokens(&self, admin: KakaoUserId) -> Result<StoredTokens, StoreError> {
        match self.get_item("GetItem tokens", tokens_key(admin)).await? {
            Some(item) => stored_from_item(self, admin, &item).await,
            None => Err(StoreError::not_found(format!("tokens of admin {admin}"))),
        }
    }

    async fn replace_tokens(
        &self,
        admin: KakaoUserId,
        expected: Version,
        tokens: &KakaoTokens,
        now: DateTime<Utc>,
    ) -> Result<StoredTokens, StoreError> {
        let version = expected.next();
        let mut update = Update::new();
        for (name, value) in sealed_fields(self, admin, tokens, now).await? {
            update.set(name, value);
        }
        update.set("version", n(version.get()));
        update.condition(|e| format!("attribute_exists({})", e.name(PK)));
        update.condition(|e| format!("{} = {}", e.name("version"), e.value(n(expected.get()))));
        match self
            .update_item("UpdateItem tokens", tokens_key(admin), &update)
            .await?
        {
            Written::Done(_) => Ok(StoredTokens {
                tokens: tokens.clone(),
                version,
                updated_at: now,
            }),
            Written::ConditionFailed(None) => Err(StoreError::not_found(format!("tokens of admin {admin}"))),
            Written::ConditionFailed(Some(_)) => Err(StoreError::conflict(format!(
                "tokens of admin {admin} are no longer at version {expected}"
            ))),
        }
    }

    async fn delete_tokens(&self, admin: KakaoUserId) -> Result<(), StoreError> {
        self.delete_item("DeleteItem tokens", tokens_key(admin), None)
            .await?;
        Ok(())
    }
}
