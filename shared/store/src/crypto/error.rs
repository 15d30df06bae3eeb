//! [`CryptoError`]: what can go wrong sealing or opening a token, or loading a key.

use std::path::PathBuf;

/// Every failure of this module. None of the variants carries key material or plaintext.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The key file could not be read, created or written.
    #[error("key file {path}: {operation} failed")]
    KeyFileIo {
        path: PathBuf,
        operation: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The key file is readable by someone other than its owner; we refuse to use a leaked key.
    #[error("key file {path} has mode {mode:o}; it must not be readable by group or others (chmod 600)")]
    KeyFilePermissions { path: PathBuf, mode: u32 },
    /// The key file does not hold exactly 32 bytes.
    #[error("key file {path} holds {len} bytes; an AES-256 key is 32")]
    KeyFileLength { path: PathBuf, len: usize },
    /// A key from KMS had the wrong length.
    #[error("the data key is {len} bytes; an AES-256 key is 32")]
    KeyLength { len: usize },
    /// The sealed bytes are not in a format this build understands (truncated, unknown version,
    /// or sealed by a different kind of provider).
    #[error("sealed data is malformed: {0}")]
    Malformed(&'static str),
    /// Encryption failed (AES-GCM refuses only absurdly large inputs).
    #[error("sealing failed")]
    Seal,
    /// Authentication failed: wrong key, wrong owner (aad), or tampered ciphertext.
    #[error("sealed data failed authentication (wrong key, wrong owner or tampered)")]
    Open,
    /// A KMS call failed.
    #[error("KMS {operation} failed")]
    Kms {
        operation: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}
