//! [`StoreError`]: the one error type of the store boundary, shared by every backend.
//!
//! Callers branch on the variant, never on the text: `NotFound` and `Conflict` are answers a
//! handler turns into a page or a retry; `Backend` and `Corrupt` are faults to log and alarm on.

use crate::crypto::CryptoError;

/// Everything a store operation can fail with. Causes are kept (`source()`), never flattened.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist (or belongs to another admin, which looks the same).
    #[error("{what} not found")]
    NotFound { what: String },
    /// A condition failed: the version moved, the state already advanced, or it was consumed.
    #[error("conflict: {what}")]
    Conflict { what: String },
    /// It exists but is past its expiry (an OAuth state older than 10 minutes).
    #[error("{what} has expired")]
    Expired { what: String },
    /// The caller asked for something the store refuses to write or read: an id that does not
    /// parse, an item over 400 KB, a batch of the wrong size. Nothing was written.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Sealing or opening a token failed (wrong key, wrong owner, tampered data, KMS down).
    #[error("token encryption failed")]
    Crypto(#[from] CryptoError),
    /// The storage itself failed (I/O, network, throttling after retries, a dead thread).
    #[error("storage failed during {operation}")]
    Backend {
        operation: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Stored data no longer parses into the model (a bad id, an unknown enum value).
    #[error("stored {what} is corrupt: {detail}")]
    Corrupt { what: String, detail: String },
}

impl StoreError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    pub fn conflict(what: impl Into<String>) -> Self {
        Self::Conflict { what: what.into() }
    }

    pub fn expired(what: impl Into<String>) -> Self {
        Self::Expired { what: what.into() }
    }

    pub fn invalid(why: impl Into<String>) -> Self {
        Self::InvalidInput(why.into())
    }

    pub fn backend(
        operation: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Backend {
            operation,
            source: source.into(),
        }
    }

    pub fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        Self::Corrupt {
            what: what.into(),
            detail: detail.to_string(),
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict { .. })
    }
}

impl From<domain::InvalidValue> for StoreError {
    fn from(e: domain::InvalidValue) -> Self {
        Self::InvalidInput(e.to_string())
    }
}

impl From<domain::delivery::InvalidDeliveryValue> for StoreError {
    fn from(e: domain::delivery::InvalidDeliveryValue) -> Self {
        Self::InvalidInput(e.to_string())
    }
}
