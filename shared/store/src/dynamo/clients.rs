//! Clients (`CLIENT#{id}` / `PROFILE`): one item per client. Inviters are a number set grown
//! with `ADD`, so two admins' links used at once both stay; an unlink `REMOVE`s what we knew
//! and keeps the mark.

use std::collections::BTreeSet;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use domain::KakaoUserId;

use super::DynamoStore;
use super::expr::Update;
use super::item::{Item, Reader, n, s, time};
use super::keys::client_key;
use super::requests::Written;
use crate::StoreError;
use crate::api::ClientStore;
use crate::model::{ClientRecord, ClientStatus, ScopeId, check_item_size};

pub(crate) fn client_from_item(item: &Item) -> Result<ClientRecord, StoreError> {
    let r = Reader::new("client", item);
    let id = KakaoUserId::new(r.n("client_id")?).map_err(|e| StoreError::corrupt("client", e))?;
    let scopes = r
        .string_list("scopes")?
        .into_iter()
        .map(|sc| ScopeId::parse(sc).map_err(|e| StoreError::corrupt("client", e)))
        .collect::<Result<_, _>>()?;
    let invited_by = match item.get("invited_by") {
        None => BTreeSet::new(),
        Some(AttributeValue::Ns(ids)) => ids
            .iter()
            .map(|id| KakaoUserId::parse(id).map_err(|e| StoreError::corrupt("client", e)))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(StoreError::corrupt("client", "invited_by is not a number set")),
    };
    Ok(ClientRecord {
        id,
        status: r.parsed("status", ClientStatus::parse)?,
        scopes,
        invited_by,
        updated_at: r.time("updated_at")?,
    })
}

#[async_trait]
impl ClientStore for DynamoStore {
    async fn record_client(
        &self,
        client: KakaoUserId,
        admin: KakaoUserId,
        scopes: &BTreeSet<ScopeId>,
        now: DateTime<Utc>,
    ) -> Result<ClientRecord, StoreError> {
        let scopes: Vec<AttributeValue> = scopes.iter().map(|sc| s(sc.as_str())).collect();
        let mut update = Update::new();
        update
            .set("kind", s("client"))
            .set("client_id", n(client.get()))
            .set("status", s(ClientStatus::Joined.as_str()))
            .set("scopes", AttributeValue::L(scopes))
            .set("updated_at", time(now))
            .add("invited_by", AttributeValue::Ns(vec![admin.get().to_string()]));
        check_item_size("client", update.expr.payload_size() + 64)?;
        match self
            .update_item("UpdateItem client", client_key(client), &update)
            .await?
        {
            Written::Done(Some(item)) => client_from_item(&item),
            Written::Done(None) | Written::ConditionFailed(_) => Err(StoreError::backend(
                "UpdateItem client",
                "no attributes returned".to_owned(),
            )),
        }
    }

    async fn get_client(&self, client: KakaoUserId) -> Result<Option<ClientRecord>, StoreError> {
        self.get_item("GetItem client", client_key(client))
            .await?
            .map(|item| client_from_item(&item))
            .transpose()
    }

    async fn mark_client_unlinked(&self, client: KakaoUserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut update = Update::new();
        update
            .set("kind", s("client"))
            .set("client_id", n(client.get()))
            .set("status", s(ClientStatus::Unlinked.as_str()))
            .set("updated_at", time(now))
            .remove("scopes")
            .remove("invited_by");
        self.update_item("UpdateItem client unlinked", client_key(client), &update)
            .await?;
        Ok(())
    }
}
