//! [`FloodStore`] on DynamoDB: `FLOOD#{action}#{subject}` / `{window start}`, `n` added under
//! a condition, forgotten by TTL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::flood::FloodAction;

use super::DynamoStore;
use super::TTL_ATTRIBUTE;
use super::expr::Update;
use super::item::sortable_time;
use super::item::{n, s};
use super::keys::key;
use super::requests::Written;
use crate::StoreError;
use crate::api::{FloodStore, FloodSubject};

#[async_trait]
impl FloodStore for DynamoStore {
    async fn take_flood_slot(
        &self,
        action: FloodAction,
        subject: FloodSubject,
        window_start: DateTime<Utc>,
        limit: u32,
        forget_after: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let counter = key(
            format!("FLOOD#{}#{subject}", action.as_str()),
            sortable_time(window_start),
        );
        let mut update = Update::new();
        update.add("n", n(1));
        update.set_if_absent("kind", s("flood"));
        update.set_if_absent(TTL_ATTRIBUTE, n(forget_after.timestamp()));
        let below = i64::from(limit) - 1;
        update.condition(|e| {
            let count = e.name("n");
            format!(
                "attribute_not_exists({count}) OR {count} <= {}",
                e.value(n(below))
            )
        });
        match self
            .update_item("UpdateItem flood counter", counter, &update)
            .await?
        {
            Written::Done(_) => Ok(true),
            Written::ConditionFailed(_) => Ok(false),
        }
    }
}
