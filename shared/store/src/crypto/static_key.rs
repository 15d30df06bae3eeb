//! [`StaticKeyProvider`]: a key fixed in code, for tests.

use aes_gcm::Aes256Gcm;

use super::envelope::{open_local, seal_local};
use super::{CryptoError, KEY_LEN, KeyProvider};

/// AES-256-GCM with a key given in code. For tests; production uses a key file or KMS.
pub struct StaticKeyProvider {
    cipher: Aes256Gcm,
}

impl StaticKeyProvider {
    pub fn new(key: [u8; KEY_LEN]) -> Self {
        let mut key = zeroize::Zeroizing::new(key);
        let cipher = <Aes256Gcm as aes_gcm::KeyInit>::new(&(*key).into());
        zeroize::Zeroize::zeroize(&mut *key);
        Self { cipher }
    }
}

impl std::fmt::Debug for StaticKeyProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticKeyProvider")
            .field("key", &"[redacted]")
            .finish()
    }
}

#[async_trait::async_trait]
impl KeyProvider for StaticKeyProvider {
    async fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_local(&self.cipher, plaintext, aad)
    }

    async fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_local(&self.cipher, sealed, aad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[tokio::test]
    async fn a_token_round_trips_for_its_owner() {
        let keys = StaticKeyProvider::new(KEY);
        let sealed = keys.seal(b"refresh-token-abc", b"admin:42").await.unwrap();
        assert!(
            !sealed.windows(7).any(|w| w == b"refresh"),
            "plaintext must not show through"
        );
        assert_eq!(
            keys.open(&sealed, b"admin:42").await.unwrap(),
            b"refresh-token-abc"
        );
    }

    #[tokio::test]
    async fn sealing_twice_gives_different_bytes() {
        let keys = StaticKeyProvider::new(KEY);
        let a = keys.seal(b"same", b"admin:42").await.unwrap();
        let b = keys.seal(b"same", b"admin:42").await.unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
    }

    #[tokio::test]
    async fn a_token_copied_to_another_admin_does_not_open() {
        let keys = StaticKeyProvider::new(KEY);
        let sealed = keys.seal(b"access", b"admin:42").await.unwrap();
        assert!(matches!(
            keys.open(&sealed, b"admin:43").await,
            Err(CryptoError::Open)
        ));
    }

    #[tokio::test]
    async fn any_flipped_bit_is_refused() {
        let keys = StaticKeyProvider::new(KEY);
        let sealed = keys.seal(b"access", b"admin:42").await.unwrap();
        for i in 1..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assert!(
                matches!(keys.open(&tampered, b"admin:42").await, Err(CryptoError::Open)),
                "byte {i}"
            );
        }
    }

    #[tokio::test]
    async fn truncated_or_foreign_bytes_are_malformed_not_a_panic() {
        let keys = StaticKeyProvider::new(KEY);
        let sealed = keys.seal(b"access", b"admin:42").await.unwrap();
        for bad in [
            &[][..],
            &sealed[..1],
            &sealed[..20],
            &[0x09, 1, 2, 3][..],
            &[0x02; 40][..],
        ] {
            assert!(
                matches!(keys.open(bad, b"admin:42").await, Err(CryptoError::Malformed(_))),
                "{bad:?}"
            );
        }
    }

    #[tokio::test]
    async fn another_key_cannot_open() {
        let sealed = StaticKeyProvider::new(KEY).seal(b"access", b"a").await.unwrap();
        let other = StaticKeyProvider::new([8; 32]);
        assert!(matches!(other.open(&sealed, b"a").await, Err(CryptoError::Open)));
    }

    #[test]
    fn debug_prints_no_key() {
        let printed = format!("{:?}", StaticKeyProvider::new([0xAB; 32]));
        assert!(
            !printed.contains("171") && !printed.to_lowercase().contains("ab, ab"),
            "{printed}"
        );
        assert!(printed.contains("redacted"));
    }
}
