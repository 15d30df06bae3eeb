//! The web layer's one secret and the keys derived from it. It lives with the settings so that a
//! bad `WEB_SECRET` is reported with every other bad variable ([`super::site`]); the web crate
//! re-exports this module as `web::keys`.
//!
//! Operators configure a single [`WebSecret`] (32+ random bytes: `WEB_SECRET` in AWS, a key file
//! beside the SQLite database locally). Each use gets its own key, derived with HMAC-SHA256 over a
//! fixed label, so a cookie sealed for one purpose never opens as another and one leaked subkey
//! does not reveal the others.
//!
//! Rotating the secret ends every session and changes every onboarding link (see
//! `web::onboarding`); that is the price of keeping links short and the store out of it.

use std::fmt;
use std::io::{Read as _, Write as _};
use std::path::Path;

use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Bytes in every derived key (AES-256 and HMAC-SHA256 alike).
pub const KEY_LEN: usize = 32;

/// Why a secret could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the web secret must be at least {KEY_LEN} bytes (base64), got {0}")]
    TooShort(usize),
    #[error("the web secret is not valid base64")]
    NotBase64(#[source] base64::DecodeError),
    #[error("cannot {operation} the web secret file {path}")]
    File {
        path: String,
        operation: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("the web secret file {0} is readable by group or others; chmod 600 it")]
    FileTooOpen(String),
}

/// The master secret. Never printed: `Debug` is redacted and the bytes are wiped on drop.
#[derive(Clone)]
pub struct WebSecret(Zeroizing<Vec<u8>>);

impl fmt::Debug for WebSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebSecret([REDACTED])")
    }
}

impl WebSecret {
    /// Raw bytes; at least [`KEY_LEN`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SecretError> {
        if bytes.len() < KEY_LEN {
            return Err(SecretError::TooShort(bytes.len()));
        }
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// Standard or URL-safe base64, padded or not (however operators paste secrets).
    pub fn from_base64(text: &str) -> Result<Self, SecretError> {
        let normalised: String = text
            .trim()
            .trim_end_matches('=')
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                other => other,
            })
            .collect();
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(normalised)
            .map_err(SecretError::NotBase64)?;
        Self::from_bytes(&Zeroizing::new(bytes))
    }

    /// A fresh random secret (tests, and the first local start).
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new(vec![0u8; KEY_LEN]);
        rand::rng().fill_bytes(bytes.as_mut_slice());
        Self(bytes)
    }

    /// Reads the secret file at `path` (raw bytes), creating it with mode 0600 and a fresh secret
    /// when it does not exist. A file others can read is refused.
    pub fn load_or_create(path: &Path) -> Result<Self, SecretError> {
        let shown = path.display().to_string();
        let err = |operation: &'static str| {
            let shown = shown.clone();
            move |source| SecretError::File {
                path: shown,
                operation,
                source,
            }
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                let secret = Self::generate();
                file.write_all(&secret.0).map_err(err("write"))?;
                file.sync_all().map_err(err("write"))?;
                Ok(secret)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let mut file = std::fs::File::open(path).map_err(err("open"))?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    let mode = file.metadata().map_err(err("inspect"))?.permissions().mode();
                    if mode & 0o077 != 0 {
                        return Err(SecretError::FileTooOpen(shown.clone()));
                    }
                }
                let mut bytes = Zeroizing::new(Vec::new());
                file.read_to_end(&mut bytes).map_err(err("read"))?;
                Self::from_bytes(&bytes)
            }
            Err(e) => Err(err("create")(e)),
        }
    }

    /// The key for one purpose: HMAC-SHA256(secret, label).
    pub fn derive(&self, label: &str) -> Zeroizing<[u8; KEY_LEN]> {
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        // HMAC takes keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC accepts any key length")
        };
        mac.update(label.as_bytes());
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_are_refused_and_debug_hides_the_bytes() {
        assert!(matches!(
            WebSecret::from_bytes(&[1; 31]),
            Err(SecretError::TooShort(31))
        ));
        let secret = WebSecret::from_bytes(&[7; 32]).unwrap();
        assert_eq!(format!("{secret:?}"), "WebSecret([REDACTED])");
    }

    #[test]
    fn base64_secrets_parse_in_either_alphabet() {
        let bytes = [0xfbu8; 33];
        let standard = base64::engine::general_purpose::STANDARD.encode(bytes);
        let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let a = WebSecret::from_base64(&standard).unwrap();
        let b = WebSecret::from_base64(&url_safe).unwrap();
        assert_eq!(*a.derive("x"), *b.derive("x"));
        assert!(WebSecret::from_base64("not base64 at all!").is_err());
    }

    #[test]
    fn each_purpose_gets_its_own_key() {
        let secret = WebSecret::generate();
        assert_ne!(*secret.derive("session"), *secret.derive("onboarding"));
        assert_eq!(*secret.derive("session"), *secret.derive("session"));
    }

    #[test]
    fn the_secret_file_is_created_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!("web-secret-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("web.key");
        let first = WebSecret::load_or_create(&path).unwrap();
        let again = WebSecret::load_or_create(&path).unwrap();
        assert_eq!(*first.derive("a"), *again.derive("a"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                WebSecret::load_or_create(&path),
                Err(SecretError::FileTooOpen(_))
            ));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
