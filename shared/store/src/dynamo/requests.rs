//! Every request this backend sends goes through here: error mapping to [`StoreError`],
//! request and write-unit counting, pagination, transactions retried on conflicts, and
//! BatchWriteItem/BatchGetItem with their unprocessed leftovers retried with backoff.
//!
//! What real DynamoDB does under load, and the answer to each (docs/data-model.md, "Faults"):
//! - Every request that fails without a definite answer (no response, a 5xx, a timeout,
//!   throttling past the SDK's own retries, a single-item write refused because a transaction
//!   holds the item) is sent again with jittered backoff: [`DynamoStore::retrying`].
//! - A transaction carries one `ClientRequestToken` for as long as its outcome is unknown, so a
//!   re-send of a transaction that already committed answers success and changes nothing; a
//!   new token is drawn only after DynamoDB definitely cancelled it.
//! - A conditional single-item write stamps the item (`write_stamp`): when a re-sent write
//!   (the SDK's or ours) finds its condition failed on an item carrying its own stamp, the
//!   first send committed, and the write is reported done.

use std::future::Future;
use std::time::Duration;

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    CancellationReason, ConditionCheck, Delete, KeysAndAttributes, Put, ReturnValue,
    ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update as TxUpdate, WriteRequest,
};
use rand::Rng;

use super::expr::{Condition, Expr, Update};
use super::item::{Item, item_size, write_units};
use super::keys::key;
use super::keys::{PK, SK};
use super::{DynamoStore, item};
use crate::StoreError;
use crate::model::check_item_size;

/// The largest BatchWriteItem DynamoDB accepts.
pub(crate) const BATCH_WRITE_MAX: usize = 25;
/// The largest BatchGetItem DynamoDB accepts.
const BATCH_GET_MAX: usize = 100;

/// The attribute a conditional single-item write leaves its stamp in.
const WRITE_STAMP: &str = "write_stamp";

/// A fresh random token: a transaction's `ClientRequestToken` (at most 36 characters) or a
/// write stamp.
pub(crate) fn fresh_token() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// How a failed request left the table, as far as its sender can know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// Refused before anything was applied, and worth another try: throttling, or a
    /// single-item write that met an unfinished transaction.
    Refused,
    /// It may or may not have been applied: no answer, a 5xx, a timeout, or a transaction with
    /// the same token still running.
    Unknown,
    /// It will fail the same way again (a failed condition, a cancelled transaction, a bad
    /// request): the caller reads the answer.
    Answered,
}

/// DynamoDB's error codes that mean "nothing was applied, try again later".
const REFUSED_CODES: &[&str] = &[
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TransactionConflictException",
];

fn failure<E: ProvideErrorMetadata>(error: &SdkError<E>) -> Failure {
    match error {
        SdkError::ConstructionFailure(_) => Failure::Answered,
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            Failure::Unknown
        }
        SdkError::ServiceError(service) => {
            let code = service.err().code();
            if code.is_some_and(|c| REFUSED_CODES.contains(&c)) {
                Failure::Refused
            } else if code == Some("TransactionInProgressException")
                || service.raw().status().is_server_error()
            {
                Failure::Unknown
            } else {
                Failure::Answered
            }
        }
        _ => Failure::Unknown,
    }
}

fn build_error(op: &'static str) -> impl FnOnce(aws_sdk_dynamodb::error::BuildError) -> StoreError {
    move |e| StoreError::backend(op, e)
}

/// What a conditional single-item write found.
pub(crate) enum Written {
    /// The write happened; the item's attributes as requested (new or old), if any.
    Done(Option<Item>),
    /// The condition failed; the item as it was (`None` if it does not exist).
    ConditionFailed(Option<Item>),
}

/// One query's parameters.
pub(crate) struct Query {
    pub(crate) index: Option<&'static str>,
    pub(crate) key_condition: String,
    pub(crate) expr: Expr,
    pub(crate) limit: Option<i32>,
    pub(crate) start: Option<Item>,
    /// Strongly consistent (base table only).
    pub(crate) consistent: bool,
}

impl Query {
    /// All items of partition `pk` whose sort key starts with `prefix`.
    pub(crate) fn prefix(pk: &str, prefix: &str) -> Self {
        let mut expr = Expr::default();
        let key_condition = format!(
            "{} = {} AND begins_with({}, {})",
            expr.name(PK),
            expr.value(item::s(pk)),
            expr.name(SK),
            expr.value(item::s(prefix))
        );
        Self {
            index: None,
            key_condition,
            expr,
            limit: None,
            start: None,
            consistent: true,
        }
    }

    /// Every item of partition `pk`.
    pub(crate) fn partition(pk: &str) -> Self {
        let mut expr = Expr::default();
        let key_condition = format!("{} = {}", expr.name(PK), expr.value(item::s(pk)));
        Self {
            index: None,
            key_condition,
            expr,
            limit: None,
            start: None,
            consistent: true,
        }
    }
}

/// Ask for the old item when a condition fails, only where there is a condition to fail.
fn old_item_on_failure(update: &Update) -> Option<ReturnValuesOnConditionCheckFailure> {
    update
        .condition_expression()
        .map(|_| ReturnValuesOnConditionCheckFailure::AllOld)
}

/// A TransactWriteItems under construction, with its write units.
pub(crate) struct Tx {
    table: String,
    pub(crate) items: Vec<TransactWriteItem>,
    units: u64,
}

impl Tx {
    pub(crate) fn new(store: &DynamoStore) -> Self {
        Self {
            table: store.inner.table.clone(),
            items: Vec::new(),
            units: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Puts `item`; on a failed condition the cancellation reason carries the old item.
    pub(crate) fn put(&mut self, item: Item, condition: Option<Condition>) -> Result<(), StoreError> {
        check_item_size("item", item_size(&item))?;
        self.units += 2 * write_units(item_size(&item));
        let mut put = Put::builder().table_name(&self.table).set_item(Some(item));
        if let Some(c) = condition {
            put = put
                .condition_expression(c.expression())
                .set_expression_attribute_names(c.expr.names())
                .set_expression_attribute_values(c.expr.values())
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        }
        self.items.push(
            TransactWriteItem::builder()
                .put(put.build().map_err(build_error("Put (build)"))?)
                .build(),
        );
        Ok(())
    }

    pub(crate) fn update(&mut self, key: Item, update: &Update) -> Result<(), StoreError> {
        self.units += 2 * write_units(item_size(&key) + update.expr.payload_size());
        let built = TxUpdate::builder()
            .table_name(&self.table)
            .set_key(Some(key))
            .update_expression(update.update_expression())
            .set_condition_expression(update.condition_expression())
            .set_expression_attribute_names(update.expr.names())
            .set_expression_attribute_values(update.expr.values())
            .set_return_values_on_condition_check_failure(old_item_on_failure(update))
            .build()
            .map_err(build_error("Update (build)"))?;
        self.items
            .push(TransactWriteItem::builder().update(built).build());
        Ok(())
    }

    /// Deletes the item at `key`; on a failed condition the reason carries the old item.
    pub(crate) fn delete(&mut self, key: Item, condition: Option<Condition>) -> Result<(), StoreError> {
        self.units += 2 * write_units(item_size(&key));
        let mut delete = Delete::builder().table_name(&self.table).set_key(Some(key));
        if let Some(c) = condition {
            delete = delete
                .condition_expression(c.expression())
                .set_expression_attribute_names(c.expr.names())
                .set_expression_attribute_values(c.expr.values())
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        }
        self.items.push(
            TransactWriteItem::builder()
                .delete(delete.build().map_err(build_error("Delete (build)"))?)
                .build(),
        );
        Ok(())
    }

    pub(crate) fn check(&mut self, key: Item, condition: Condition) -> Result<(), StoreError> {
        self.units += 2 * write_units(item_size(&key));
        let built = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key))
            .condition_expression(condition.expression())
            .set_expression_attribute_names(condition.expr.names())
            .set_expression_attribute_values(condition.expr.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(build_error("ConditionCheck (build)"))?;
        self.items
            .push(TransactWriteItem::builder().condition_check(built).build());
        Ok(())
    }
}

/// Why a transaction was cancelled, item by item (same order as the transaction's items).
pub(crate) struct Cancelled {
    pub(crate) reasons: Vec<CancellationReason>,
}

impl Cancelled {
    /// Whether item `i`'s condition failed.
    pub(crate) fn failed(&self, i: usize) -> bool {
        self.reasons.get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed")
    }

    /// The item as it was when item `i`'s condition failed (`None`: it did not exist).
    pub(crate) fn old_item(&self, i: usize) -> Option<&Item> {
        self.reasons.get(i).and_then(|r| r.item())
    }
}

fn is_retryable_reason(code: Option<&str>) -> bool {
    matches!(
        code,
        None | Some(
            "None"
                | "TransactionConflict"
                | "ThrottlingError"
                | "ProvisionedThroughputExceeded"
                | "RequestLimitExceeded"
        )
    )
}

/// Whether `old` (the item a failed condition found) carries `stamp`: the write already
/// committed on an earlier send.
fn stamped_by(old: Option<&Item>, stamp: &str) -> bool {
    old.and_then(|item| item.get(WRITE_STAMP))
        .and_then(|v| v.as_s().ok())
        .is_some_and(|found| found == stamp)
}

impl DynamoStore {
    /// Sends a request (built anew by `send` for each attempt) until it gets an answer, or
    /// until `max_transaction_attempts` sends have all failed without one: see [`Failure`].
    /// The SDK's own retries run inside each attempt; these are for when it gives up.
    pub(crate) async fn retrying<T, E, F, Fut>(&self, op: &'static str, mut send: F) -> Result<T, SdkError<E>>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E>>>,
    {
        let max = self.inner.config.max_transaction_attempts.max(1);
        let mut attempt = 1;
        loop {
            match send().await {
                Ok(answer) => return Ok(answer),
                Err(error) if attempt < max && failure(&error) != Failure::Answered => {
                    tracing::debug!(op, attempt, error = %DisplayErrorContext(&error), "DynamoDB request failed; sending again");
                    self.inner.metrics.request_retry();
                    self.backoff(attempt).await;
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Full-jitter exponential backoff before retry number `attempt` (1-based).
    pub(crate) async fn backoff(&self, attempt: u32) {
        let config = &self.inner.config;
        let ceiling = config
            .backoff_base
            .saturating_mul(1 << attempt.min(16))
            .min(config.backoff_max);
        let millis = ceiling.as_millis().min(u128::from(u64::MAX)) as u64;
        let wait = rand::rng().random_range(0..=millis);
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }

    pub(crate) async fn get_item(&self, op: &'static str, key: Item) -> Result<Option<Item>, StoreError> {
        let out = self
            .retrying(op, || {
                self.inner.metrics.read();
                self.inner
                    .client
                    .get_item()
                    .table_name(&self.inner.table)
                    .set_key(Some(key.clone()))
                    .consistent_read(true)
                    .send()
            })
            .await
            .map_err(|e| StoreError::backend(op, e))?;
        Ok(out.item)
    }

    /// PutItem with an optional condition. A conditional put stamps the item, so a re-send
    /// that finds its own stamp reports the put done.
    pub(crate) async fn put_item(
        &self,
        op: &'static str,
        mut item: Item,
        condition: Option<Condition>,
    ) -> Result<Written, StoreError> {
        let stamp = condition.as_ref().map(|_| fresh_token());
        if let Some(stamp) = &stamp {
            item.insert(WRITE_STAMP.to_owned(), item::s(stamp));
        }
        let size = item_size(&item);
        check_item_size(op, size)?;
        let result = self
            .retrying(op, || {
                self.inner.metrics.write(write_units(size));
                let mut request = self
                    .inner
                    .client
                    .put_item()
                    .table_name(&self.inner.table)
                    .set_item(Some(item.clone()));
                if let Some(c) = &condition {
                    request = request
                        .condition_expression(c.expression())
                        .set_expression_attribute_names(c.expr.names())
                        .set_expression_attribute_values(c.expr.values())
                        .return_values_on_condition_check_failure(
                            ReturnValuesOnConditionCheckFailure::AllOld,
                        );
                }
                request.send()
            })
            .await;
        match result {
            Ok(_) => Ok(Written::Done(None)),
            Err(e) => match e.into_service_error() {
                PutItemError::ConditionalCheckFailedException(c)
                    if stamp.as_deref().is_some_and(|s| stamped_by(c.item.as_ref(), s)) =>
                {
                    Ok(Written::Done(None))
                }
                PutItemError::ConditionalCheckFailedException(c) => Ok(Written::ConditionFailed(c.item)),
                other => Err(StoreError::backend(op, other)),
            },
        }
    }

    /// UpdateItem returning the new item (or the old one if the condition failed). A
    /// conditional update stamps the item, so a re-send that finds its own stamp reports the
    /// update done, with the item as that first send left it.
    pub(crate) async fn update_item(
        &self,
        op: &'static str,
        key: Item,
        update: &Update,
    ) -> Result<Written, StoreError> {
        let stamp = update.condition_expression().map(|_| fresh_token());
        let stamped;
        let update = match &stamp {
            Some(stamp) => {
                let mut copy = update.clone();
                copy.set(WRITE_STAMP, item::s(stamp));
                stamped = copy;
                &stamped
            }
            None => update,
        };
        let units = write_units(item_size(&key) + update.expr.payload_size());
        let result = self
            .retrying(op, || {
                self.inner.metrics.write(units);
                self.inner
                    .client
                    .update_item()
                    .table_name(&self.inner.table)
                    .set_key(Some(key.clone()))
                    .update_expression(update.update_expression())
                    .set_condition_expression(update.condition_expression())
                    .set_expression_attribute_names(update.expr.names())
                    .set_expression_attribute_values(update.expr.values())
                    .return_values(ReturnValue::AllNew)
                    .set_return_values_on_condition_check_failure(old_item_on_failure(update))
                    .send()
            })
            .await;
        match result {
            Ok(out) => Ok(Written::Done(out.attributes)),
            Err(e) => match e.into_service_error() {
                UpdateItemError::ConditionalCheckFailedException(c)
                    if stamp.as_deref().is_some_and(|s| stamped_by(c.item.as_ref(), s)) =>
                {
                    Ok(Written::Done(c.item))
                }
                UpdateItemError::ConditionalCheckFailedException(c) => Ok(Written::ConditionFailed(c.item)),
                other => Err(StoreError::backend(op, other)),
            },
        }
    }

    /// DeleteItem returning the deleted item (`Done(None)` if there was none). A deleted item
    /// keeps no stamp: when the first send of a conditional delete committed but its answer
    /// was lost, the re-send finds the item gone (`ConditionFailed(None)`).
    pub(crate) async fn delete_item(
        &self,
        op: &'static str,
        key: Item,
        condition: Option<Condition>,
    ) -> Result<Written, StoreError> {
        let units = write_units(item_size(&key));
        let result = self
            .retrying(op, || {
                self.inner.metrics.write(units);
                let mut request = self
                    .inner
                    .client
                    .delete_item()
                    .table_name(&self.inner.table)
                    .set_key(Some(key.clone()))
                    .return_values(ReturnValue::AllOld);
                if let Some(c) = &condition {
                    request = request
                        .condition_expression(c.expression())
                        .set_expression_attribute_names(c.expr.names())
                        .set_expression_attribute_values(c.expr.values())
                        .return_values_on_condition_check_failure(
                            ReturnValuesOnConditionCheckFailure::AllOld,
                        );
                }
                request.send()
            })
            .await;
        match result {
            Ok(out) => Ok(Written::Done(out.attributes)),
            Err(e) => match e.into_service_error() {
                DeleteItemError::ConditionalCheckFailedException(c) => Ok(Written::ConditionFailed(c.item)),
                other => Err(StoreError::backend(op, other)),
            },
        }
    }

    /// One page of a query: items and where the next page starts.
    pub(crate) async fn query_page(
        &self,
        op: &'static str,
        q: &Query,
    ) -> Result<(Vec<Item>, Option<Item>), StoreError> {
        let out = self
            .retrying(op, || {
                self.inner.metrics.read();
                self.inner
                    .client
                    .query()
                    .table_name(&self.inner.table)
                    .set_index_name(q.index.map(str::to_owned))
                    .key_condition_expression(&q.key_condition)
                    .set_expression_attribute_names(q.expr.names())
                    .set_expression_attribute_values(q.expr.values())
                    .set_limit(q.limit)
                    .set_exclusive_start_key(q.start.clone())
                    .consistent_read(q.consistent && q.index.is_none())
                    .send()
            })
            .await
            .map_err(|e| StoreError::backend(op, e))?;
        Ok((out.items.unwrap_or_default(), out.last_evaluated_key))
    }

    /// Every item a query matches, following pages.
    pub(crate) async fn query_all(&self, op: &'static str, mut q: Query) -> Result<Vec<Item>, StoreError> {
        let mut all = Vec::new();
        loop {
            let (items, next) = self.query_page(op, &q).await?;
            all.extend(items);
            match next {
                Some(start) => q.start = Some(start),
                None => return Ok(all),
            }
        }
    }

    /// The table's items behind a keys-only index query: every matching entry's key, then the
    /// items themselves (strongly consistent, so the caller can check each still matches; the
    /// index is only eventually consistent).
    pub(crate) async fn query_keys_then_get(
        &self,
        op: (&'static str, &'static str),
        q: Query,
    ) -> Result<Vec<Item>, StoreError> {
        let keys: Vec<Item> = self
            .query_all(op.0, q)
            .await?
            .into_iter()
            .filter_map(|entry| {
                Some(key(
                    entry.get(PK)?.as_s().ok()?.clone(),
                    entry.get(SK)?.as_s().ok()?.clone(),
                ))
            })
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.batch_get(op.1, keys).await
    }

    /// Sends a transaction, again after a jittered backoff while DynamoDB cancels it only for
    /// conflicts with other transactions or throttling. `Ok(Err(..))` when a condition failed.
    ///
    /// Each attempt carries one `ClientRequestToken`, re-sent unchanged (by the SDK and by
    /// [`Self::retrying`]) while the outcome is unknown, well within DynamoDB's 10-minute
    /// window: a re-send of a transaction that already committed answers success and changes
    /// nothing, so a commit whose answer was lost reads as done, never as someone else's
    /// write. Only a definite cancellation draws a new token.
    pub(crate) async fn transact(
        &self,
        op: &'static str,
        tx: &Tx,
    ) -> Result<Result<(), Cancelled>, StoreError> {
        let max = self.inner.config.max_transaction_attempts.max(1);
        for attempt in 1..=max {
            if attempt > 1 {
                self.inner.metrics.transaction_retry();
                self.backoff(attempt - 1).await;
            }
            let token = fresh_token();
            let result = self
                .retrying(op, || {
                    self.inner.metrics.write(tx.units);
                    self.inner
                        .client
                        .transact_write_items()
                        .set_transact_items(Some(tx.items.clone()))
                        .client_request_token(&token)
                        .send()
                })
                .await;
            let err = match result {
                Ok(_) => return Ok(Ok(())),
                Err(e) => e.into_service_error(),
            };
            match err {
                TransactWriteItemsError::TransactionCanceledException(c) => {
                    let reasons = c.cancellation_reasons.unwrap_or_default();
                    if reasons.iter().any(|r| r.code() == Some("ConditionalCheckFailed")) {
                        return Ok(Err(Cancelled { reasons }));
                    }
                    if !reasons.iter().all(|r| is_retryable_reason(r.code())) {
                        let codes: Vec<_> = reasons
                            .iter()
                            .map(|r| r.code().unwrap_or("?").to_owned())
                            .collect();
                        return Err(StoreError::backend(
                            op,
                            format!("transaction cancelled: {codes:?}"),
                        ));
                    }
                    tracing::debug!(op, attempt, "transaction conflicted; retrying");
                }
                other => return Err(StoreError::backend(op, other)),
            }
        }
        Err(StoreError::backend(
            op,
            format!("transaction still conflicting after {max} attempts"),
        ))
    }

    /// Writes `requests` with BatchWriteItem, 25 per request, re-sending unprocessed items with
    /// backoff. Returns the number of requests made. Not atomic across items.
    pub(crate) async fn batch_write(
        &self,
        op: &'static str,
        requests: Vec<(WriteRequest, usize)>,
    ) -> Result<u32, StoreError> {
        let mut made = 0u32;
        let mut requests = requests.into_iter();
        loop {
            let chunk: Vec<(WriteRequest, usize)> = requests.by_ref().take(BATCH_WRITE_MAX).collect();
            if chunk.is_empty() {
                return Ok(made);
            }
            let mut pending: Vec<WriteRequest> = chunk.iter().map(|(r, _)| r.clone()).collect();
            let mut units: u64 = chunk.iter().map(|(_, size)| write_units(*size)).sum();
            let mut attempt = 0;
            while !pending.is_empty() {
                attempt += 1;
                if attempt > self.inner.config.max_batch_attempts.max(1) {
                    return Err(StoreError::backend(
                        op,
                        format!("{} items still unprocessed", pending.len()),
                    ));
                }
                if attempt > 1 {
                    self.backoff(attempt - 1).await;
                }
                let out = self
                    .retrying(op, || {
                        self.inner.metrics.write(units);
                        made += 1;
                        self.inner
                            .client
                            .batch_write_item()
                            .request_items(&self.inner.table, pending.clone())
                            .send()
                    })
                    .await
                    .map_err(|e| StoreError::backend(op, e))?;
                pending = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(&self.inner.table))
                    .unwrap_or_default();
                // Unprocessed items are re-sent; count them again at one unit each (a bound).
                units = pending.len() as u64;
            }
        }
    }

    /// Reads items by key (strongly consistent), 100 per request, retrying unprocessed keys.
    /// Missing items are simply absent from the result.
    pub(crate) async fn batch_get(&self, op: &'static str, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(BATCH_GET_MAX) {
            let mut pending = chunk.to_vec();
            let mut attempt = 0;
            while !pending.is_empty() {
                attempt += 1;
                if attempt > self.inner.config.max_batch_attempts.max(1) {
                    return Err(StoreError::backend(
                        op,
                        format!("{} keys still unprocessed", pending.len()),
                    ));
                }
                if attempt > 1 {
                    self.backoff(attempt - 1).await;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(pending.clone()))
                    .consistent_read(true)
                    .build()
                    .map_err(build_error("BatchGetItem (build)"))?;
                let out = self
                    .retrying(op, || {
                        self.inner.metrics.read();
                        self.inner
                            .client
                            .batch_get_item()
                            .request_items(&self.inner.table, request.clone())
                            .send()
                    })
                    .await
                    .map_err(|e| StoreError::backend(op, e))?;
                if let Some(mut responses) = out.responses {
                    found.extend(responses.remove(&self.inner.table).unwrap_or_default());
                }
                pending = out
                    .unprocessed_keys
                    .and_then(|mut m| m.remove(&self.inner.table))
                    .map(|k| k.keys)
                    .unwrap_or_default();
            }
        }
        Ok(found)
    }
}
