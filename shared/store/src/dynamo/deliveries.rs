//! Delivery records (`ADMIN#{admin}#MEETING#{id}` / `SEND#{recipient}#{round:02}`, and the
//! keys-only `friend_sends` index). Every state move is conditional on the state before, so
//! two sweeps racing on one reminder get one winner, and nothing moves backwards.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use domain::delivery::{DeliveryState, DeliveryStateKind, KakaoErrorCode, Round};
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId};

use super::expr::Update;
use super::item::{Item, Reader, boolean, n, s, time};
use super::keys::delivery_key;
use super::keys::{FRIEND_SENDS_INDEX, PK, SEND_PREFIX, friend_sends_pk, friend_sends_sk, meeting_pk};
use super::requests::{Query, Tx, Written};
use super::{DeliveryFacts, DynamoStore};
use crate::StoreError;
use crate::api::DeliveryStore;
use crate::model::{BatchRecipients, DeliveryKey, DeliveryRecord};

/// A new delivery record, holding its quota.
pub(crate) fn delivery_item(record: &DeliveryRecord) -> Item {
    let k = &record.key;
    let mut item = delivery_key(k);
    item.insert("kind".into(), s("delivery"));
    item.insert("admin_id".into(), n(k.admin.get()));
    item.insert("meeting_id".into(), s(k.meeting.to_string()));
    item.insert("recipient".into(), s(k.recipient.as_str()));
    item.insert("round".into(), n(k.round.get()));
    item.insert("state".into(), s(record.state.kind().as_str()));
    if let Some(code) = record.state.failure_code() {
        item.insert("failed_code".into(), n(code.get()));
    }
    item.insert("day".into(), s(record.day.to_string()));
    item.insert("holds_quota".into(), boolean(record.holds_quota));
    item.insert("created_at".into(), time(record.created_at));
    item.insert("updated_at".into(), time(record.updated_at));
    item.insert("friend_pk".into(), s(friend_sends_pk(k.admin, &k.recipient)));
    item.insert("friend_sk".into(), s(friend_sends_sk(k.meeting, k.round)));
    item
}

pub(crate) fn state_from(r: &Reader<'_>) -> Result<DeliveryState, StoreError> {
    let kind = r.parsed("state", DeliveryStateKind::parse)?;
    Ok(match kind {
        DeliveryStateKind::Reserved => DeliveryState::Reserved,
        DeliveryStateKind::Sending => DeliveryState::Sending,
        DeliveryStateKind::Sent => DeliveryState::Sent,
        DeliveryStateKind::Failed => DeliveryState::Failed {
            code: KakaoErrorCode::new(r.n("failed_code")?).map_err(|e| StoreError::corrupt("delivery", e))?,
        },
        DeliveryStateKind::Unknown => DeliveryState::Unknown,
        DeliveryStateKind::Cancelled => DeliveryState::Cancelled,
    })
}

pub(crate) fn delivery_from_item(item: &Item) -> Result<DeliveryRecord, StoreError> {
    let r = Reader::new("delivery", item);
    let admin = KakaoUserId::new(r.n("admin_id")?).map_err(|e| StoreError::corrupt("delivery", e))?;
    let round = Round::new(r.n("round")?).map_err(|e| StoreError::corrupt("delivery", e))?;
    Ok(DeliveryRecord {
        key: DeliveryKey {
            admin,
            meeting: r.parsed("meeting_id", MeetingId::parse)?,
            recipient: r.parsed("recipient", FriendUuid::parse)?,
            round,
        },
        state: state_from(&r)?,
        day: r.parsed("day", KstDay::parse)?,
        holds_quota: r.boolean("holds_quota")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// The keys of a batch, checked as a batch is (1 to 5, distinct).
pub(crate) fn batch_keys(
    admin: KakaoUserId,
    meeting: MeetingId,
    round: Round,
    recipients: Vec<FriendUuid>,
) -> Result<Vec<DeliveryKey>, StoreError> {
    let batch = BatchRecipients::new(recipients)?;
    Ok(batch
        .as_slice()
        .iter()
        .map(|r| DeliveryKey {
            admin,
            meeting,
            recipient: r.clone(),
            round,
        })
        .collect())
}

/// The state attributes of a move to `state`.
pub(crate) fn set_state(update: &mut Update, state: DeliveryState, now: DateTime<Utc>) {
    update
        .set("state", s(state.kind().as_str()))
        .set("updated_at", time(now));
    match state.failure_code() {
        Some(code) => update.set("failed_code", n(code.get())),
        None => update.remove("failed_code"),
    };
}

/// `state` is one of `from` (and the record exists).
pub(crate) fn require_state(update: &mut Update, from: &[DeliveryStateKind]) {
    update.condition(|e| {
        let state = e.name("state");
        let values: Vec<String> = from.iter().map(|k| e.value(s(k.as_str()))).collect();
        format!(
            "attribute_exists({}) AND {state} IN ({})",
            e.name(PK),
            values.join(", ")
        )
    });
}

impl DynamoStore {
    /// The immutable facts of each delivery: remembered from `reserve`, else read in one
    /// BatchGetItem. `None` for a delivery that does not exist.
    pub(crate) async fn delivery_facts(
        &self,
        keys: &[DeliveryKey],
    ) -> Result<Vec<Option<DeliveryFacts>>, StoreError> {
        let mut facts: Vec<Option<DeliveryFacts>> = keys.iter().map(|k| self.recall(k)).collect();
        let missing: Vec<Item> = keys
            .iter()
            .zip(&facts)
            .filter(|(_, f)| f.is_none())
            .map(|(k, _)| delivery_key(k))
            .collect();
        if missing.is_empty() {
            return Ok(facts);
        }
        for item in self.batch_get("BatchGetItem deliveries", missing).await? {
            let record = delivery_from_item(&item)?;
            let found = DeliveryFacts {
                day: record.day,
                created_at: record.created_at,
            };
            self.remember(&record.key, found);
            if let Some(i) = keys.iter().position(|k| *k == record.key) {
                facts[i] = Some(found);
            }
        }
        Ok(facts)
    }

    /// Facts for every key, or `NotFound` naming the first delivery that does not exist.
    pub(crate) async fn require_deliveries(
        &self,
        keys: &[DeliveryKey],
    ) -> Result<Vec<DeliveryFacts>, StoreError> {
        let facts = self.delivery_facts(keys).await?;
        keys.iter()
            .zip(facts)
            .map(|(k, f)| {
                f.ok_or_else(|| StoreError::not_found(format!("delivery {} round {}", k.recipient, k.round)))
            })
            .collect()
    }
}

/// What a cancelled batch transaction means: `NotFound` if any named delivery is gone,
/// `Conflict` otherwise. `first` is the index of the first delivery item in the transaction.
pub(crate) fn batch_cancelled(
    cancelled: &super::requests::Cancelled,
    keys: &[DeliveryKey],
    first: usize,
    wanted: &str,
) -> StoreError {
    for (i, k) in keys.iter().enumerate() {
        if cancelled.failed(first + i) {
            return match cancelled.old_item(first + i) {
                None => StoreError::not_found(format!("delivery {} round {}", k.recipient, k.round)),
                Some(old) => {
                    let state = state_from(&Reader::new("delivery", old))
                        .map_or_else(|e| e.to_string(), |s| s.to_string());
                    StoreError::conflict(format!(
                        "delivery {} round {} is {state}, not {wanted}",
                        k.recipient, k.round
                    ))
                }
            };
        }
    }
    StoreError::conflict("the batch changed while it was being written")
}

#[async_trait]
impl DeliveryStore for DynamoStore {
    async fn get_delivery(&self, k: &DeliveryKey) -> Result<DeliveryRecord, StoreError> {
        match self.get_item("GetItem delivery", delivery_key(k)).await? {
            Some(item) => delivery_from_item(&item),
            None => Err(StoreError::not_found(format!(
                "delivery {} round {}",
                k.recipient, k.round
            ))),
        }
    }

    async fn list_meeting_deliveries(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let items = self
            .query_all(
                "Query deliveries",
                Query::prefix(&meeting_pk(admin, meeting), SEND_PREFIX),
            )
            .await?;
        items.iter().map(delivery_from_item).collect()
    }

    async fn list_friend_deliveries(
        &self,
        admin: KakaoUserId,
        friend: &FriendUuid,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let mut expr = super::expr::Expr::default();
        let key_condition = format!(
            "{} = {}",
            expr.name("friend_pk"),
            expr.value(s(friend_sends_pk(admin, friend)))
        );
        let query = Query {
            index: Some(FRIEND_SENDS_INDEX),
            key_condition,
            expr,
            limit: None,
            start: None,
            consistent: false,
        };
        // The index partition is the admin's own (`ADMIN#{admin}#FRIEND#{uuid}`); the records
        // are read from the table, keyed by the admin too, and checked once more.
        let items = self
            .query_keys_then_get(("Query friend_sends index", "BatchGetItem deliveries"), query)
            .await?;
        let mut records: BTreeMap<(MeetingId, Round), DeliveryRecord> = BTreeMap::new();
        for item in items {
            let record = delivery_from_item(&item)?;
            if record.key.admin == admin && record.key.recipient == *friend {
                records.insert((record.key.meeting, record.key.round), record);
            }
        }
        Ok(records.into_values().collect())
    }

    async fn confirm_reserved(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        recipients: &[FriendUuid],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let keys = batch_keys(admin, meeting, round, recipients.to_vec())?;
        let facts = self.require_deliveries(&keys).await?;
        let mut tx = Tx::new(self);
        for k in &keys {
            let mut update = Update::new();
            set_state(&mut update, DeliveryState::Sending, now);
            require_state(&mut update, &[DeliveryStateKind::Reserved]);
            tx.update(delivery_key(k), &update)?;
        }
        if let Err(c) = self.transact("TransactWriteItems confirm reserved", &tx).await? {
            return Err(batch_cancelled(&c, &keys, 0, "reserved"));
        }
        Ok(keys
            .into_iter()
            .zip(facts)
            .map(|(key, f)| DeliveryRecord {
                key,
                state: DeliveryState::Sending,
                day: f.day,
                holds_quota: true,
                created_at: f.created_at,
                updated_at: now,
            })
            .collect())
    }

    async fn mark_unknown_if_stale(
        &self,
        k: &DeliveryKey,
        older_than: Duration,
        now: DateTime<Utc>,
    ) -> Result<DeliveryRecord, StoreError> {
        let cutoff = now - older_than;
        let mut update = Update::new();
        set_state(&mut update, DeliveryState::Unknown, now);
        require_state(&mut update, &[DeliveryStateKind::Sending]);
        update.condition(|e| format!("{} <= {}", e.name("updated_at"), e.value(time(cutoff))));
        match self
            .update_item("UpdateItem delivery unknown", delivery_key(k), &update)
            .await?
        {
            Written::Done(Some(item)) => delivery_from_item(&item),
            Written::Done(None) => Err(StoreError::backend(
                "UpdateItem delivery",
                "no attributes returned".to_owned(),
            )),
            Written::ConditionFailed(None) => Err(StoreError::not_found(format!(
                "delivery {} round {}",
                k.recipient, k.round
            ))),
            Written::ConditionFailed(Some(_)) => Err(StoreError::conflict(format!(
                "delivery {} round {} is not a stale send",
                k.recipient, k.round
            ))),
        }
    }

    async fn mark_stale_sending_unknown(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        older_than: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let cutoff = now - older_than;
        let mut moved = Vec::new();
        for record in self.list_meeting_deliveries(admin, meeting).await? {
            if record.state != DeliveryState::Sending || record.updated_at > cutoff {
                continue;
            }
            match self.mark_unknown_if_stale(&record.key, older_than, now).await {
                Ok(record) => moved.push(record),
                Err(StoreError::Conflict { .. } | StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        if !moved.is_empty() {
            tracing::warn!(admin = %admin, meeting = %meeting, count = moved.len(), "stale sends marked unknown");
        }
        Ok(moved)
    }
}
