//! Credentials that must never reach a log: access and refresh tokens, authorization codes.
//!
//! Each wraps a [`SecretString`]; `Debug` prints the type name only, and the value is read
//! through [`ExposeSecret`] at the single place it goes on the wire (or into storage).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

macro_rules! secret_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(SecretString::from(value.into()))
            }

            /// The raw value, for the wire or for encrypted storage. Never log it.
            pub fn expose(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl From<SecretString> for $name {
            fn from(secret: SecretString) -> Self {
                Self(secret)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([REDACTED])"))
            }
        }
    };
}

secret_newtype!(
    /// A user's Kakao access token (REST: about 6 hours).
    AccessToken
);
secret_newtype!(
    /// A user's Kakao refresh token (about 2 months; rotated by Kakao in its last month;
    /// `docs/kakao.md#tokens`).
    RefreshToken
);
secret_newtype!(
    /// The single-use `code` Kakao puts on the OAuth redirect.
    AuthorizationCode
);
secret_newtype!(
    /// An OpenID Connect ID token, present only when the app uses OIDC.
    IdToken
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_every_credential() {
        let printed = format!(
            "{:?} {:?} {:?} {:?}",
            AccessToken::new("access-value"),
            RefreshToken::new("refresh-value"),
            AuthorizationCode::new("code-value"),
            IdToken::new("id-value")
        );
        assert!(!printed.contains("value"), "{printed}");
        assert!(printed.contains("AccessToken([REDACTED])"), "{printed}");
    }

    #[test]
    fn the_value_is_still_there_for_the_wire() {
        assert_eq!(AccessToken::new("abc").expose(), "abc");
    }
}
