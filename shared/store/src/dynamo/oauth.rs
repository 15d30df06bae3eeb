//! OAuth `state` items (`STATE#{nonce}` / `STATE`): created once, consumed by one conditional
//! delete that returns the old item, refused after their expiry whether or not TTL has run.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::expr::Condition;
use super::item::{Item, Reader, n, s, time};
use super::keys::key;
use super::keys::{SK_STATE, state_pk};
use super::requests::Written;
use super::{DynamoStore, TTL_ATTRIBUTE};
use crate::StoreError;
use crate::api::OAuthStateStore;
use crate::model::{OAuthPurpose, OAuthState, ReturnPath, StateNonce};

fn state_from_item(item: &Item) -> Result<OAuthState, StoreError> {
    let r = Reader::new("oauth state", item);
    Ok(OAuthState {
        nonce: r.parsed("nonce", StateNonce::parse)?,
        purpose: r.json::<OAuthPurpose>("purpose")?,
        return_to: match r.opt_s("return_to")? {
            Some(p) => Some(ReturnPath::parse(p).map_err(|e| StoreError::corrupt("oauth state", e))?),
            None => None,
        },
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
    })
}

#[async_trait]
impl OAuthStateStore for DynamoStore {
    async fn create_state(&self, state: &OAuthState) -> Result<(), StoreError> {
        let purpose = serde_json::to_string(&state.purpose)
            .map_err(|e| StoreError::invalid(format!("OAuth purpose does not serialise: {e}")))?;
        let mut item = key(state_pk(&state.nonce), SK_STATE);
        item.insert("kind".into(), s("oauth_state"));
        item.insert("nonce".into(), s(state.nonce.as_str()));
        item.insert("purpose".into(), s(purpose));
        if let Some(path) = &state.return_to {
            item.insert("return_to".into(), s(path.as_str()));
        }
        item.insert("created_at".into(), time(state.created_at));
        item.insert("expires_at".into(), time(state.expires_at));
        // TTL removes it some time after expiry; consume_state checks expires_at itself.
        item.insert(TTL_ATTRIBUTE.into(), n(state.expires_at.timestamp()));
        match self
            .put_item("PutItem oauth state", item, Some(Condition::not_exists()))
            .await?
        {
            Written::Done(_) => Ok(()),
            Written::ConditionFailed(_) => Err(StoreError::conflict("an OAuth state with this nonce exists")),
        }
    }

    async fn consume_state(&self, nonce: &StateNonce, now: DateTime<Utc>) -> Result<OAuthState, StoreError> {
        let deleted = self
            .delete_item(
                "DeleteItem oauth state",
                key(state_pk(nonce), SK_STATE),
                Some(Condition::exists()),
            )
            .await?;
        let item = match deleted {
            Written::Done(Some(item)) => item,
            Written::Done(None) | Written::ConditionFailed(_) => {
                return Err(StoreError::not_found("OAuth state (unknown or already used)"));
            }
        };
        let state = state_from_item(&item)?;
        if state.is_expired(now) {
            return Err(StoreError::expired("OAuth state"));
        }
        Ok(state)
    }
}
