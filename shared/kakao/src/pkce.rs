//! PKCE (RFC 7636, S256), which Kakao Login supports: the login keeps a random verifier in the
//! browser that started it, sends Kakao only its SHA-256 challenge, and presents the verifier
//! when trading the code, so a code carried to another browser is worthless there.

use base64::Engine as _;
use sha2::Digest as _;

/// A code verifier: 43 to 128 characters of `[A-Za-z0-9-._~]`. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct PkceVerifier(String);

/// Not a verifier RFC 7636 allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a PKCE verifier is 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'")]
pub struct InvalidPkceVerifier;

impl PkceVerifier {
    /// 32 random bytes, base64url: 43 characters, 256 bits.
    pub fn generate() -> Self {
        let bytes: [u8; 32] = rand::random();
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn parse(s: &str) -> Result<Self, InvalidPkceVerifier> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
        if (43..=128).contains(&s.len()) && s.chars().all(allowed) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidPkceVerifier)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The S256 `code_challenge`: base64url(SHA-256(verifier)), unpadded.
    pub fn challenge(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PkceVerifier([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 appendix B.
    #[test]
    fn the_challenge_is_rfc_7636_s256() {
        let verifier = PkceVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        assert_eq!(
            verifier.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(!format!("{verifier:?}").contains("dBjf"));
    }

    #[test]
    fn generated_verifiers_parse_and_differ() {
        let (a, b) = (PkceVerifier::generate(), PkceVerifier::generate());
        assert_ne!(a, b);
        assert_eq!(PkceVerifier::parse(a.as_str()), Ok(a));
        assert!(PkceVerifier::parse("short").is_err());
        assert!(PkceVerifier::parse(&"a".repeat(129)).is_err());
        assert!(PkceVerifier::parse(&format!("{}+", "a".repeat(43))).is_err());
    }
}
