//! Encrypted, authenticated cookie values: AES-256-GCM over a small JSON document.
//!
//! AES-GCM both hides the contents (encrypted) and refuses any changed byte (signed), so a cookie
//! is either exactly what we issued or nothing. The purpose (e.g. `session`) is the associated
//! data: a value sealed for one cookie does not open as another.
//!
//! Written over `aes-gcm` rather than the `cookie` crate's private jar: this is the format every
//! session cookie already has (the jar's would log everyone out once), and the jar pulls rand 0.8
//! beside our 0.9 (6 to 12 KiB of each web zip, docs/benchmarks.md, "Zip sizes").

use aes_gcm::aead::{Aead as _, Payload};
use aes_gcm::{Aes256Gcm, KeyInit as _, Nonce};
use base64::Engine as _;
use rand::RngCore as _;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::keys::WebSecret;

const NONCE_LEN: usize = 12;
/// Cookies stay far below the 4 KB browsers keep; anything longer is not ours.
const MAX_SEALED_LEN: usize = 3000;

/// Why a sealed value did not open. Callers treat all of them as "no cookie"; the kind is for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unsealed {
    #[error("not a sealed value (bad length or encoding)")]
    Malformed,
    #[error("sealed with another key or purpose, or changed")]
    Tampered,
    #[error("opened, but the contents are not what this purpose holds")]
    Unreadable,
}

/// Seals and opens values for one purpose.
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
    purpose: &'static str,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

impl Sealer {
    pub fn new(secret: &WebSecret, purpose: &'static str) -> Self {
        let key = secret.derive(&format!("ttokttok/web/{purpose}/v1"));
        Self {
            cipher: Aes256Gcm::new(key.as_slice().into()),
            purpose,
        }
    }

    /// URL-safe base64 of nonce || ciphertext, fit for a cookie value.
    pub fn seal<T: Serialize>(&self, value: &T) -> String {
        // Serialising plain structs of strings and numbers cannot fail.
        let plaintext = serde_json::to_vec(value).unwrap_or_default();
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: &plaintext,
            aad: self.purpose.as_bytes(),
        };
        // Encryption only fails for messages longer than GCM allows (64 GB).
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
    }

    pub fn open<T: DeserializeOwned>(&self, sealed: &str) -> Result<T, Unsealed> {
        if sealed.len() > MAX_SEALED_LEN {
            return Err(Unsealed::Malformed);
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sealed)
            .map_err(|_| Unsealed::Malformed)?;
        if bytes.len() <= NONCE_LEN {
            return Err(Unsealed::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: self.purpose.as_bytes(),
        };
        let plaintext = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| Unsealed::Tampered)?;
        serde_json::from_slice(&plaintext).map_err(|_| Unsealed::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Note {
        text: String,
    }

    fn note() -> Note {
        Note {
            text: "안녕".into()
        }
    }

    #[test]
    fn a_sealed_value_opens_and_hides_its_contents() {
        let sealer = Sealer::new(&WebSecret::generate(), "test");
        let sealed = sealer.seal(&note());
        assert!(!sealed.contains("안녕") && !sealed.contains("text"));
        assert_eq!(sealer.open::<Note>(&sealed), Ok(note()));
        assert_ne!(sealer.seal(&note()), sealed, "a fresh nonce every time");
    }

    #[test]
    fn any_changed_byte_is_refused() {
        let sealer = Sealer::new(&WebSecret::generate(), "test");
        let sealed = sealer.seal(&note());
        let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&sealed)
            .unwrap();
        for i in [0, NONCE_LEN, bytes.len() - 1] {
            bytes[i] ^= 1;
            let tampered = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
            assert_eq!(
                sealer.open::<Note>(&tampered),
                Err(Unsealed::Tampered),
                "byte {i}"
            );
            bytes[i] ^= 1;
        }
        assert_eq!(sealer.open::<Note>("%%%"), Err(Unsealed::Malformed));
        assert_eq!(sealer.open::<Note>(""), Err(Unsealed::Malformed));
    }

    #[test]
    fn values_do_not_cross_purposes_or_keys() {
        let secret = WebSecret::generate();
        let sealed = Sealer::new(&secret, "login").seal(&note());
        assert_eq!(
            Sealer::new(&secret, "session").open::<Note>(&sealed),
            Err(Unsealed::Tampered)
        );
        assert_eq!(
            Sealer::new(&WebSecret::generate(), "login").open::<Note>(&sealed),
            Err(Unsealed::Tampered)
        );
    }
}
