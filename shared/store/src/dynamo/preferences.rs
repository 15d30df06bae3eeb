//! [`PreferenceStore`] on DynamoDB: `ADMIN#{admin}` / `PREFS`, a JSON document, written with a
//! check that the admin exists.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;

use super::DynamoStore;
use super::expr::Condition;
use super::item::{Item, Reader, s, time};
use super::keys::{SK_PREFS, admin_pk};
use super::keys::{key, preferences_key, profile_key};
use super::requests::Tx;
use crate::StoreError;
use crate::api::PreferenceStore;
use crate::model::AdminPreferences;

pub(crate) fn preferences_from_item(item: &Item) -> Result<AdminPreferences, StoreError> {
    Reader::new("admin preferences", item).json("preferences")
}

#[async_trait]
impl PreferenceStore for DynamoStore {
    async fn get_preferences(&self, admin: KakaoUserId) -> Result<AdminPreferences, StoreError> {
        match self
            .get_item("GetItem preferences", preferences_key(admin))
            .await?
        {
            Some(item) => preferences_from_item(&item),
            None => Ok(AdminPreferences::default()),
        }
    }

    async fn set_preferences(
        &self,
        admin: KakaoUserId,
        preferences: &AdminPreferences,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(preferences)
            .map_err(|e| StoreError::invalid(format!("admin preferences do not serialise: {e}")))?;
        let mut item = key(admin_pk(admin), SK_PREFS);
        item.insert("kind".into(), s("preferences"));
        item.insert("preferences".into(), s(json));
        item.insert("updated_at".into(), time(now));
        let mut tx = Tx::new(self);
        tx.check(profile_key(admin), Condition::exists())?;
        tx.put(item, None)?;
        match self.transact("TransactWriteItems preferences", &tx).await? {
            Ok(()) => Ok(()),
            Err(_) => Err(StoreError::not_found(format!("admin {admin}"))),
        }
    }
}
