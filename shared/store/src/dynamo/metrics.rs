//! Counts of the DynamoDB requests and write units this store makes, for the benchmark and for
//! logs. Write units are computed from the items written, per DynamoDB's pricing rules
//! (one per started kilobyte; twice that inside a transaction, where a condition check counts
//! as a write of the checked item), not read from responses: DynamoDB-compatible test servers
//! do not report real consumed capacity. Index writes are not included (docs/data-model.md
//! lists which writes touch an index).

use std::sync::atomic::{AtomicU64, Ordering};

/// Live counters, shared by every clone of a [`super::DynamoStore`].
#[derive(Debug, Default)]
pub struct DynamoMetrics {
    requests: AtomicU64,
    write_requests: AtomicU64,
    write_units: AtomicU64,
    transaction_retries: AtomicU64,
    request_retries: AtomicU64,
}

/// A point-in-time copy of [`DynamoMetrics`]; subtract two to measure a stretch of work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetricsSnapshot {
    /// Every request sent (reads and writes, retries included).
    pub requests: u64,
    /// Requests that write (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems).
    pub write_requests: u64,
    /// Estimated write capacity units of the base table.
    pub write_units: u64,
    /// Transactions sent again after a conflict or a refusal (part of `requests`).
    pub transaction_retries: u64,
    /// Requests sent again after they failed without an answer (no response, a 5xx, a
    /// timeout, throttling past the SDK's retries; part of `requests`).
    pub request_retries: u64,
}

impl std::ops::Sub for MetricsSnapshot {
    type Output = MetricsSnapshot;
    fn sub(self, earlier: MetricsSnapshot) -> MetricsSnapshot {
        MetricsSnapshot {
            requests: self.requests.saturating_sub(earlier.requests),
            write_requests: self.write_requests.saturating_sub(earlier.write_requests),
            write_units: self.write_units.saturating_sub(earlier.write_units),
            transaction_retries: self
                .transaction_retries
                .saturating_sub(earlier.transaction_retries),
            request_retries: self.request_retries.saturating_sub(earlier.request_retries),
        }
    }
}

impl std::ops::Add for MetricsSnapshot {
    type Output = MetricsSnapshot;
    fn add(self, other: MetricsSnapshot) -> MetricsSnapshot {
        MetricsSnapshot {
            requests: self.requests + other.requests,
            write_requests: self.write_requests + other.write_requests,
            write_units: self.write_units + other.write_units,
            transaction_retries: self.transaction_retries + other.transaction_retries,
            request_retries: self.request_retries + other.request_retries,
        }
    }
}

impl DynamoMetrics {
    pub fn snapshot(&self) -> MetricsSnapshot {
        MetricsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            write_requests: self.write_requests.load(Ordering::Relaxed),
            write_units: self.write_units.load(Ordering::Relaxed),
            transaction_retries: self.transaction_retries.load(Ordering::Relaxed),
            request_retries: self.request_retries.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn read(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn write(&self, units: u64) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.write_requests.fetch_add(1, Ordering::Relaxed);
        self.write_units.fetch_add(units, Ordering::Relaxed);
    }

    pub(crate) fn request_retry(&self) {
        self.request_retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn transaction_retry(&self) {
        self.transaction_retries.fetch_add(1, Ordering::Relaxed);
    }
}
