//! The control API of the project's DynamoDB test server (`infra/lib/dynamo_server.py`, started
//! by `infra/lib/moto.sh`): DynamoDB's faults and quirks switched on for one test's table, and
//! TTL deletion made to happen now. Test support only (feature `testing`, and this crate's own
//! tests); nothing in a Lambda build talks to it.
//!
//! Set-up code for tests: a control call that fails panics with the server's answer.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DynamoStore, ENDPOINT_ENV};

/// Probabilities per eligible request (0.0 to 1.0) of each fault the server can inject.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct FaultRates {
    /// Applied, then answered 500 or the connection dropped (per [`Faults::lost_response_mode`]).
    pub lost_response: f64,
    /// TransactWriteItems cancelled with a `TransactionConflict` reason; nothing applied.
    pub transaction_conflict: f64,
    /// PutItem/UpdateItem/DeleteItem refused with `TransactionConflictException`; nothing applied.
    pub item_conflict: f64,
    /// TransactWriteItems with a token refused with `TransactionInProgressException`.
    pub in_progress: f64,
    /// Any request refused with `ThrottlingException` or `ProvisionedThroughputExceededException`.
    pub throttle: f64,
    /// Each item of a BatchWriteItem / key of a BatchGetItem left unprocessed.
    pub unprocessed: f64,
}

impl FaultRates {
    /// Every fault at `rate`.
    pub fn all(rate: f64) -> Self {
        Self {
            lost_response: rate,
            transaction_conflict: rate,
            item_conflict: rate,
            in_progress: rate,
            throttle: rate,
            unprocessed: rate,
        }
    }
}

/// One table's fault configuration; what is left out is off.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Faults {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    pub rates: FaultRates,
    /// Every fault applies only to these operations (e.g. `["DeleteItem"]`); all when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault_ops: Option<Vec<&'static str>>,
    /// `"500"`, `"drop"` or `"mixed"` (default `"500"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_response_mode: Option<&'static str>,
    /// The next N requests (of `lost_response_ops`, if named) are applied and their answer lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_responses_next: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_response_ops: Option<Vec<&'static str>>,
    /// Index queries answer from the table as it was this many seconds ago.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_lag_seconds: Option<f64>,
    /// A transaction holds its items this long before it applies (a wider overlap window).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_ms: Option<u64>,
}

/// What the server says about one table.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FaultReport {
    /// Injected faults by name (the field names of [`FaultRates`], plus lost responses).
    #[serde(default)]
    pub injected: BTreeMap<String, u64>,
    /// Requests served by operation name.
    #[serde(default)]
    pub requests: BTreeMap<String, u64>,
}

impl FaultReport {
    pub fn injected_total(&self) -> u64 {
        self.injected.values().sum()
    }
}

/// The control API for one table.
#[derive(Debug, Clone)]
pub struct FaultControl {
    base: String,
    table: String,
    http: reqwest::Client,
}

impl FaultControl {
    /// The control API of the server `DYNAMODB_ENDPOINT` names, for `store`'s table.
    pub fn for_store(store: &DynamoStore) -> Self {
        let base = std::env::var(ENDPOINT_ENV).expect("DYNAMODB_ENDPOINT names the test server");
        Self {
            base: base.trim().trim_end_matches('/').to_owned(),
            table: store.table_name().to_owned(),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/_faults/tables/{}{tail}", self.base, self.table)
    }

    async fn check(response: reqwest::Response, what: &str) -> reqwest::Response {
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            panic!("DynamoDB test server refused {what}: {status} {body}");
        }
        response
    }

    /// Replaces the table's faults with `faults`.
    pub async fn set(&self, faults: &Faults) {
        let response = self
            .http
            .put(self.url(""))
            .json(faults)
            .send()
            .await
            .expect("reach the test server");
        Self::check(response, "a fault configuration").await;
    }

    /// Switches every fault of the table off.
    pub async fn clear(&self) {
        let response = self
            .http
            .delete(self.url(""))
            .send()
            .await
            .expect("reach the test server");
        Self::check(response, "clearing faults").await;
    }

    /// Faults injected and requests served so far on the table.
    pub async fn report(&self) -> FaultReport {
        let response = self
            .http
            .get(self.url(""))
            .send()
            .await
            .expect("reach the test server");
        Self::check(response, "a report")
            .await
            .json()
            .await
            .expect("a fault report")
    }

    /// Deletes now every item whose TTL passed before `now` (real DynamoDB does it up to days
    /// late; the server never does it by itself). Returns how many it deleted.
    pub async fn expire_ttl(&self, now: DateTime<Utc>) -> u64 {
        #[derive(Deserialize)]
        struct Deleted {
            deleted: u64,
        }
        let response = self
            .http
            .post(self.url("/ttl"))
            .json(&serde_json::json!({ "now": now.timestamp() }))
            .send()
            .await
            .expect("reach the test server");
        let deleted: Deleted = Self::check(response, "a TTL sweep")
            .await
            .json()
            .await
            .expect("a TTL answer");
        deleted.deleted
    }
}
