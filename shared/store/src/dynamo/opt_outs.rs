//! Opt-outs (`ADMIN#{admin}` / `OPTOUT#{uuid}`): one conditional put keeps the first.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId};

use super::DynamoStore;
use super::expr::Condition;
use super::item::{Item, Reader, s, time};
use super::keys::key;
use super::keys::{OPT_OUT_PREFIX, admin_pk, opt_out_sk};
use super::requests::{Query, Written};
use crate::StoreError;
use crate::api::OptOutStore;
use crate::model::{OptOut, OptOutRecorded, OptOutSource};

pub(crate) fn opt_out_from_item(item: &Item) -> Result<OptOut, StoreError> {
    let r = Reader::new("opt-out", item);
    Ok(OptOut {
        friend: r.parsed("friend", FriendUuid::parse)?,
        at: r.time("at")?,
        source: r.parsed("source", OptOutSource::parse)?,
    })
}

#[async_trait]
impl OptOutStore for DynamoStore {
    async fn record_opt_out(
        &self,
        admin: KakaoUserId,
        friend: &FriendUuid,
        source: OptOutSource,
        now: DateTime<Utc>,
    ) -> Result<OptOutRecorded, StoreError> {
        let mut item = key(admin_pk(admin), opt_out_sk(friend));
        item.insert("kind".into(), s("opt_out"));
        item.insert("friend".into(), s(friend.as_str()));
        item.insert("at".into(), time(now));
        item.insert("source".into(), s(source.as_str()));
        let opt_out = OptOut {
            friend: friend.clone(),
            at: now,
            source,
        };
        match self
            .put_item("PutItem opt-out", item, Some(Condition::not_exists()))
            .await?
        {
            Written::Done(_) => Ok(OptOutRecorded {
                opt_out,
                changed: true,
            }),
            Written::ConditionFailed(Some(old)) => Ok(OptOutRecorded {
                opt_out: opt_out_from_item(&old)?,
                changed: false,
            }),
            Written::ConditionFailed(None) => Err(StoreError::backend(
                "PutItem opt-out",
                "no stored opt-out returned".to_owned(),
            )),
        }
    }

    async fn clear_opt_out(&self, admin: KakaoUserId, friend: &FriendUuid) -> Result<bool, StoreError> {
        let deleted = self
            .delete_item(
                "DeleteItem opt-out",
                key(admin_pk(admin), opt_out_sk(friend)),
                None,
            )
            .await?;
        Ok(matches!(deleted, Written::Done(Some(_))))
    }

    async fn get_opt_out(
        &self,
        admin: KakaoUserId,
        friend: &FriendUuid,
    ) -> Result<Option<OptOut>, StoreError> {
        self.get_item("GetItem opt-out", key(admin_pk(admin), opt_out_sk(friend)))
            .await?
            .as_ref()
            .map(opt_out_from_item)
            .transpose()
    }

    async fn list_opt_outs(&self, admin: KakaoUserId) -> Result<Vec<OptOut>, StoreError> {
        let items = self
            .query_all("Query opt-outs", Query::prefix(&admin_pk(admin), OPT_OUT_PREFIX))
            .await?;
        items.iter().map(opt_out_from_item).collect()
    }
}
