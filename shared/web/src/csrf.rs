//! CSRF tokens: one random token per session, carried by every state-changing request.
//!
//! The token lives inside the sealed session cookie and is written into each page (a hidden
//! `csrf` form field, and `<meta name="csrf-token">` for scripts, which send it as the
//! `X-CSRF-Token` header). A cross-site form can make the browser send the cookie, but it cannot
//! read the page to learn the token. Comparison is constant-time.

use std::fmt;

use base64::Engine as _;
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;

/// The form field that carries the token.
pub const FORM_FIELD: &str = "csrf";
/// The header scripts send it in.
pub const HEADER: &str = "x-csrf-token";

/// A session's CSRF token (32 random bytes, URL-safe base64).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CsrfToken(String);

impl CsrfToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The value to write into pages.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `presented` is this token (constant-time; an empty value never matches).
    pub fn matches(&self, presented: &str) -> bool {
        !presented.is_empty() && self.0.as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

impl fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CsrfToken([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_token_matches() {
        let token = CsrfToken::generate();
        assert!(token.matches(token.as_str()));
        assert!(!token.matches(CsrfToken::generate().as_str()));
        assert!(!token.matches(""));
        assert!(!token.matches(&token.as_str()[1..]));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
