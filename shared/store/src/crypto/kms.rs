//! [`KmsKeyProvider`]: envelope encryption with a KMS data key.
//!
//! One `GenerateDataKey` per process gives an AES-256 key (plaintext, kept in memory) and the
//! same key encrypted under the KMS key; the encrypted copy travels inside every sealed value, so
//! any process can open it with one `Decrypt`, cached per encrypted data key. A Lambda thus calls
//! KMS once at its first seal and once per distinct data key it opens, not once per token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aes_gcm::Aes256Gcm;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use tokio::sync::OnceCell;
use zeroize::Zeroizing;

use super::envelope::{VERSION_KMS, VERSION_LOCAL, cipher, open_body, seal_into};
use super::{CryptoError, KeyProvider};

/// KMS encryption context: KMS refuses to decrypt a data key without it, so a data key made for
/// ttokttok tokens cannot be decrypted under another purpose by mistake.
const CONTEXT_KEY: &str = "purpose";
const CONTEXT_VALUE: &str = "ttokttok-token";

/// Decrypted data keys kept at most; past this the cache starts over (each process sees few).
const MAX_CACHED_KEYS: usize = 256;

struct DataKey {
    encrypted: Vec<u8>,
    cipher: Arc<Aes256Gcm>,
}

/// AES-256-GCM under a KMS data key.
pub struct KmsKeyProvider {
    client: aws_sdk_kms::Client,
    key_id: String,
    current: OnceCell<DataKey>,
    opened: Mutex<HashMap<Vec<u8>, Arc<Aes256Gcm>>>,
}

impl KmsKeyProvider {
    /// `key_id`: the KMS key's id, ARN or alias (the template's `DataKey`).
    pub fn new(client: aws_sdk_kms::Client, key_id: impl Into<String>) -> Self {
        Self {
            client,
            key_id: key_id.into(),
            current: OnceCell::new(),
            opened: Mutex::new(HashMap::new()),
        }
    }

    async fn current_key(&self) -> Result<&DataKey, CryptoError> {
        self.current.get_or_try_init(|| self.generate_data_key()).await
    }

    async fn generate_data_key(&self) -> Result<DataKey, CryptoError> {
        let out = self
            .client
            .generate_data_key()
            .key_id(&self.key_id)
            .key_spec(DataKeySpec::Aes256)
            .encryption_context(CONTEXT_KEY, CONTEXT_VALUE)
            .send()
            .await
            .map_err(|e| CryptoError::Kms {
                operation: "GenerateDataKey",
                source: Box::new(e),
            })?;
        let plaintext = Zeroizing::new(out.plaintext.map(Blob::into_inner).unwrap_or_default());
        let encrypted = out.ciphertext_blob.map(Blob::into_inner).unwrap_or_default();
        if encrypted.is_empty() || encrypted.len() > usize::from(u16::MAX) {
            return Err(CryptoError::Malformed(
                "KMS returned an unusable encrypted data key",
            ));
        }
        let cipher = Arc::new(cipher(&plaintext)?);
        self.cache().insert(encrypted.clone(), cipher.clone());
        tracing::info!(key_id = %self.key_id, "generated a token data key");
        Ok(DataKey { encrypted, cipher })
    }

    async fn key_for(&self, encrypted: &[u8]) -> Result<Arc<Aes256Gcm>, CryptoError> {
        if let Some(cipher) = self.cache().get(encrypted) {
            return Ok(cipher.clone());
        }
        let out = self
            .client
            .decrypt()
            .key_id(&self.key_id)
            .ciphertext_blob(Blob::new(encrypted))
            .encryption_context(CONTEXT_KEY, CONTEXT_VALUE)
            .send()
            .await
            .map_err(|e| CryptoError::Kms {
                operation: "Decrypt",
                source: Box::new(e),
            })?;
        let plaintext = Zeroizing::new(out.plaintext.map(Blob::into_inner).unwrap_or_default());
        let cipher = Arc::new(cipher(&plaintext)?);
        let mut cache = self.cache();
        if cache.len() >= MAX_CACHED_KEYS {
            cache.clear();
        }
        cache.insert(encrypted.to_vec(), cipher.clone());
        Ok(cipher)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, Arc<Aes256Gcm>>> {
        // A panic while holding this lock cannot leave the map inconsistent; keep using it.
        self.opened
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for KmsKeyProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KmsKeyProvider")
            .field("key_id", &self.key_id)
            .field("data_key", &self.current.get().map(|_| "[redacted]"))
            .finish()
    }
}

#[async_trait::async_trait]
impl KeyProvider for KmsKeyProvider {
    async fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let key = self.current_key().await?;
        let len = u16::try_from(key.encrypted.len())
            .map_err(|_| CryptoError::Malformed("encrypted data key longer than 65535 bytes"))?;
        let mut out = Vec::with_capacity(3 + key.encrypted.len() + 28 + plaintext.len());
        out.push(VERSION_KMS);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&key.encrypted);
        seal_into(&key.cipher, &mut out, plaintext, aad)?;
        Ok(out)
    }

    async fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (header, body) = split_kms_header(sealed)?;
        let encrypted = &header[3..];
        let cipher = self.key_for(encrypted).await?;
        open_body(&cipher, header, body, aad)
    }
}

/// Splits `0x02 | len | encrypted data key` from the rest, refusing anything truncated.
fn split_kms_header(sealed: &[u8]) -> Result<(&[u8], &[u8]), CryptoError> {
    match sealed.first() {
        Some(&VERSION_KMS) => {}
        Some(&VERSION_LOCAL) => return Err(CryptoError::Malformed("sealed with a local key, not KMS")),
        Some(_) => return Err(CryptoError::Malformed("unknown format version")),
        None => return Err(CryptoError::Malformed("empty")),
    }
    let len = match sealed.get(1..3) {
        Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
        _ => return Err(CryptoError::Malformed("truncated data key length")),
    };
    if len == 0 || sealed.len() < 3 + len {
        return Err(CryptoError::Malformed("truncated encrypted data key"));
    }
    Ok(sealed.split_at(3 + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_headers_are_malformed() {
        for bad in [
            &[][..],
            &[0x02][..],
            &[0x02, 0, 9, 1, 2][..],
            &[0x02, 0, 0][..],
            &[0x01, 0, 1, 1][..],
        ] {
            assert!(
                matches!(split_kms_header(bad), Err(CryptoError::Malformed(_))),
                "{bad:?}"
            );
        }
        let (header, body) = split_kms_header(&[0x02, 0, 2, 0xAA, 0xBB, 1, 2]).unwrap();
        assert_eq!((header, body), (&[0x02, 0, 2, 0xAA, 0xBB][..], &[1, 2][..]));
    }

    /// Runs against moto's KMS when `DYNAMODB_ENDPOINT` points at a moto server (infra/lib/moto.sh).
    #[tokio::test]
    async fn kms_round_trip_and_owner_binding_against_moto() {
        let Ok(endpoint) = std::env::var("DYNAMODB_ENDPOINT") else {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("CI=true but DYNAMODB_ENDPOINT is unset: start moto (infra/lib/moto.sh)");
            }
            eprintln!("skipping KMS test: DYNAMODB_ENDPOINT is unset (source infra/lib/moto.sh; moto_start)");
            return;
        };
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(endpoint)
            .region(aws_config::Region::new("ap-northeast-2"))
            .load()
            .await;
        let client = aws_sdk_kms::Client::new(&config);
        let key = client.create_key().send().await.unwrap();
        let key_id = key.key_metadata.unwrap().key_id;

        let keys = KmsKeyProvider::new(client.clone(), key_id.clone());
        let sealed = keys.seal(b"refresh-token", b"admin:7").await.unwrap();
        let again = keys.seal(b"other", b"admin:7").await.unwrap();
        assert_eq!(sealed[..3], again[..3], "one data key per process");
        assert!(matches!(
            keys.open(&sealed, b"admin:8").await,
            Err(CryptoError::Open)
        ));

        // A second process (no cache) opens it through KMS Decrypt.
        let fresh = KmsKeyProvider::new(client, key_id);
        assert_eq!(fresh.open(&sealed, b"admin:7").await.unwrap(), b"refresh-token");
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(matches!(
            fresh.open(&tampered, b"admin:7").await,
            Err(CryptoError::Open)
        ));
        assert!(!format!("{fresh:?}").contains("refresh"));
    }
}
