//! Token encryption at rest: AES-256-GCM behind a [`KeyProvider`].
//!
//! Backends hold an `Arc<dyn KeyProvider>` and seal every OAuth token before it reaches storage,
//! so plaintext tokens never sit in a table, a file or a log. The `aad` given to [`KeyProvider::seal`]
//! binds a ciphertext to its owner (the admin id): a sealed token copied onto another admin's row
//! fails to open.
//!
//! - [`StaticKeyProvider`]: a fixed key, for tests.
//! - [`FileKeyProvider`]: a 32-byte key file (mode 0600) for the single-machine run.
//! - `KmsKeyProvider` (feature `dynamo`, in `kms`): envelope encryption with one KMS data key
//!   per process; `envelope` is the sealed format every provider writes.
//! - `static_key`, `file`: the first two; `error`: [`CryptoError`].

mod envelope;
mod error;
mod file;
#[cfg(feature = "dynamo")]
mod kms;
mod static_key;

pub use error::CryptoError;
pub use file::FileKeyProvider;
#[cfg(feature = "dynamo")]
pub use kms::KmsKeyProvider;
pub use static_key::StaticKeyProvider;

/// Length in bytes of every AES-256 key used here.
pub const KEY_LEN: usize = 32;

/// Seals and opens small secrets (OAuth tokens) with AES-256-GCM.
#[async_trait::async_trait]
pub trait KeyProvider: Send + Sync + std::fmt::Debug {
    /// AES-256-GCM; `aad` binds the ciphertext to its owner (e.g. the admin id), so a sealed
    /// token copied to another admin's row fails to open.
    async fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError>;
    async fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError>;
}
