//! ttokttok persistence: one DynamoDB table in AWS, one SQLite file on a single machine.
//!
//! - [`api`]: the traits handlers hold (`Arc<dyn ...>`), grouped by concern, and [`Store`].
//! - [`model`]: the records those traits read and write.
//! - [`error`]: [`StoreError`], the one error type of this boundary.
//! - [`crypto`]: token encryption at rest (AES-256-GCM behind a [`crypto::KeyProvider`]).
//! - `sqlite` (feature `sqlite`): the embedded twin, one transaction per invariant.
//! - `dynamo` (feature `dynamo`): the DynamoDB backend, conditions and transactions per invariant.

pub mod api;
pub mod crypto;
#[cfg(feature = "dynamo")]
pub mod dynamo;
pub mod error;
pub mod model;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use api::Store;
pub use error::StoreError;
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteOptions, SqliteStore};
