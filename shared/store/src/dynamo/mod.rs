//! The DynamoDB backend: one table (defined in template.yaml, documented in
//! docs/data-model.md), every invariant enforced by a condition expression or a
//! TransactWriteItems, never by reading and then writing in the caller.
//!
//! - [`DynamoStore`]: implements every trait of [`crate::api`]; cheap to clone.
//! - [`DynamoConfig`]: due-index shards and retry tuning.
//! - [`TableSchema`]: the table read from the SAM template, to create test and local tables.
//! - [`DynamoMetrics`]: requests and write units made, for the benchmark.
//! - `test_server` (feature `testing`): the control API of the fault-injecting test server.
//!
//! Inside: one file per trait of [`crate::api`], named alike (`admins`, `attendance`, `clients`,
//! `deliveries`, `flood`, `friends`, `kakao_app`, `links`, `meeting_state`, `meetings`, `oauth`,
//! `opt_outs`, `plans` (classes and series), `preferences`, `quota`, `tokens`),
//! over the shared plumbing: `keys` (every key and index-key shape of the single table), `item`
//! (attribute encodings and the `Reader` of stored items), `expr` (condition and update
//! expressions), `requests` (every request to DynamoDB: retries, idempotent transactions, write
//! stamps, batches), `due_shards` (the due index's shards, which nothing outside this backend
//! sees), `table` (the table read from template.yaml) and `metrics`. `tests` and `fault_tests`
//! run against the DynamoDB test server.

mod admins;
mod attendance;
mod clients;
mod deliveries;
mod due_shards;
mod expr;
#[cfg(test)]
mod fault_tests;
mod flood;
mod friends;
mod item;
mod kakao_app;
mod keys;
mod links;
mod meeting_state;
mod meetings;
mod metrics;
mod oauth;
mod opt_outs;
mod plans;
mod preferences;
mod quota;
mod requests;
mod table;
#[cfg(any(test, feature = "testing"))]
pub mod test_server;
#[cfg(test)]
mod tests;
mod tokens;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::KstDay;

pub use due_shards::{DueShard, DueShards};
pub use metrics::{DynamoMetrics, MetricsSnapshot};
pub use table::{
    IndexSchema, KeyElement, TABLE_RESOURCE, TableSchema, TableSchemaError, workspace_template_path,
};

use crate::StoreError;
use crate::crypto::KeyProvider;
use crate::model::DeliveryKey;

/// The TTL attribute (epoch seconds) the table's TimeToLiveSpecification names.
pub const TTL_ATTRIBUTE: &str = "ttl_epoch";

/// The environment variable that points the DynamoDB client at another endpoint (moto, DynamoDB
/// Local). Unset in AWS. The functions read it with their other settings (`app::config`); tests
/// and benchmarks through [`client_from_env`].
pub const ENDPOINT_ENV: &str = "DYNAMODB_ENDPOINT";

/// Tuning of a [`DynamoStore`]. The defaults suit Lambda.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DynamoConfig {
    /// Shards of the due index; readers and writers of one table must agree.
    pub due_shards: DueShards,
    /// How many times a transaction is sent when DynamoDB cancels it for a conflict with another
    /// transaction (or a reservation narrows its batch) before giving up with `Backend`.
    pub max_transaction_attempts: u32,
    /// How many times a BatchWriteItem is sent while DynamoDB leaves items unprocessed.
    pub max_batch_attempts: u32,
    /// First backoff delay; doubled each retry, with full jitter, up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// How long one attempt of one request may take before the SDK abandons it (and it is
    /// sent again, see `requests.rs`): a stalled connection must not hold a sweep until the
    /// Lambda deadline. DynamoDB answers in milliseconds; this is for when it does not.
    pub attempt_timeout: Duration,
    /// How long opening a connection may take.
    pub connect_timeout: Duration,
}

impl Default for DynamoConfig {
    fn default() -> Self {
        Self {
            due_shards: DueShards::DEFAULT,
            max_transaction_attempts: 16,
            max_batch_attempts: 10,
            backoff_base: Duration::from_millis(10),
            backoff_max: Duration::from_millis(500),
            attempt_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
        }
    }
}

/// A delivery's fields that never change after it is created, remembered from `reserve` so that
/// recording the batch's outcomes needs no extra read (the happy path stays at two requests).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DeliveryFacts {
    pub(crate) day: KstDay,
    pub(crate) created_at: DateTime<Utc>,
}

/// Deliveries remembered at most; past this the memory starts over (misses cost one read).
const MAX_REMEMBERED_DELIVERIES: usize = 10_000;

struct Inner {
    client: aws_sdk_dynamodb::Client,
    table: String,
    keys: Arc<dyn KeyProvider>,
    config: DynamoConfig,
    metrics: DynamoMetrics,
    facts: Mutex<HashMap<DeliveryKey, DeliveryFacts>>,
}

/// The store on one DynamoDB table.
#[derive(Clone)]
pub struct DynamoStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for DynamoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamoStore")
            .field("table", &self.inner.table)
            .field("keys", &self.inner.keys)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl DynamoStore {
    /// A store on `table_name` using `client` (with `config`'s timeouts); tokens are sealed
    /// with `keys`.
    pub fn new(
        client: aws_sdk_dynamodb::Client,
        table_name: impl Into<String>,
        keys: Arc<dyn KeyProvider>,
        config: DynamoConfig,
    ) -> Self {
        let timeouts = aws_sdk_dynamodb::config::timeout::TimeoutConfig::builder()
            .connect_timeout(config.connect_timeout)
            .operation_attempt_timeout(config.attempt_timeout)
            .build();
        // The SDK's own retries back off as ours do (its default starts at a second).
        let retries = aws_sdk_dynamodb::config::retry::RetryConfig::standard()
            .with_initial_backoff(config.backoff_base)
            .with_max_backoff(config.backoff_max);
        let client = aws_sdk_dynamodb::Client::from_conf(
            client
                .config()
                .to_builder()
                .timeout_config(timeouts)
                .retry_config(retries)
                .build(),
        );
        Self {
            inner: Arc::new(Inner {
                client,
                table: table_name.into(),
                keys,
                config,
                metrics: DynamoMetrics::default(),
                facts: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn table_name(&self) -> &str {
        &self.inner.table
    }

    pub fn client(&self) -> &aws_sdk_dynamodb::Client {
        &self.inner.client
    }

    pub fn config(&self) -> &DynamoConfig {
        &self.inner.config
    }

    /// Requests and write units made so far by this store (and its clones).
    pub fn metrics(&self) -> MetricsSnapshot {
        self.inner.metrics.snapshot()
    }

    fn remember(&self, key: &DeliveryKey, facts: DeliveryFacts) {
        let mut map = self
            .inner
            .facts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= MAX_REMEMBERED_DELIVERIES {
            map.clear();
        }
        map.insert(key.clone(), facts);
    }

    fn recall(&self, key: &DeliveryKey) -> Option<DeliveryFacts> {
        self.inner
            .facts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key)
            .copied()
    }
}

/// A DynamoDB client from the environment's AWS configuration, pointed at `DYNAMODB_ENDPOINT`
/// when that is set: the tests' and benchmarks' client (against moto). Only DynamoDB is
/// redirected.
pub async fn client_from_env() -> Result<aws_sdk_dynamodb::Client, StoreError> {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await;
    let mut builder = aws_sdk_dynamodb::config::Builder::from(&sdk);
    match std::env::var(ENDPOINT_ENV) {
        Ok(endpoint) if !endpoint.trim().is_empty() => {
            tracing::info!(endpoint = %endpoint, "DynamoDB endpoint overridden by {ENDPOINT_ENV}");
            builder = builder.endpoint_url(endpoint.trim());
        }
        _ => {}
    }
    let config = builder.build();
    if config.region().is_none() {
        return Err(StoreError::backend(
            "configure DynamoDB client",
            "no AWS region configured (set AWS_REGION)".to_owned(),
        ));
    }
    Ok(aws_sdk_dynamodb::Client::from_conf(config))
}
