//! Encrypted, authenticated cookie values: the `cookie` crate's private jar (AES-256-GCM) over a
//! small JSON document.
//!
//! AES-GCM both hides the contents (encrypted) and refuses any changed byte (signed), so a cookie
//! is either exactly what we issued or nothing. Each purpose (e.g. `session`) has its own key,
//! derived from the web secret, and is the associated data: a value sealed for one cookie does
//! not open as another.

use base64::Engine as _;
use cookie::{Cookie, CookieJar, Key};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::keys::WebSecret;

/// The private jar's nonce, before the ciphertext.
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
    key: Key,
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
        // The crate's key is a signing half and an encryption half; the private jar uses only
        // the second, but both are this purpose's own.
        let label = format!("ttokttok/web/{purpose}/v2");
        let mut material = zeroize::Zeroizing::new([0u8; 64]);
        material[..32].copy_from_slice(&*secret.derive(&format!("{label}/signing")));
        material[32..].copy_from_slice(&*secret.derive(&label));
        Self {
            key: Key::from(&material[..]),
            purpose,
        }
    }

    /// Base64 of nonce || ciphertext, fit for a cookie value.
    pub fn seal<T: Serialize>(&self, value: &T) -> String {
        // Serialising plain structs of strings and numbers cannot fail.
        let plaintext = serde_json::to_string(value).unwrap_or_default();
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key)
            .add(Cookie::new(self.purpose, plaintext));
        jar.get(self.purpose)
            .map(|sealed| sealed.value().to_owned())
            .unwrap_or_default()
    }

    pub fn open<T: DeserializeOwned>(&self, sealed: &str) -> Result<T, Unsealed> {
        let well_formed = sealed.len() <= MAX_SEALED_LEN
            && base64::engine::general_purpose::STANDARD
                .decode(sealed)
                .is_ok_and(|bytes| bytes.len() > NONCE_LEN);
        if !well_formed {
            return Err(Unsealed::Malformed);
        }
        let opened = CookieJar::new()
            .private(&self.key)
            .decrypt(Cookie::new(self.purpose, sealed.to_owned()))
            .ok_or(Unsealed::Tampered)?;
        serde_json::from_str(opened.value()).map_err(|_| Unsealed::Unreadable)
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
        let mut bytes = base64::engine::general_purpose::STANDARD.decode(&sealed).unwrap();
        for i in [0, NONCE_LEN, bytes.len() - 1] {
            bytes[i] ^= 1;
            let tampered = base64::engine::general_purpose::STANDARD.encode(&bytes);
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
