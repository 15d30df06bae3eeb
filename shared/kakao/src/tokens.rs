//! Token sets: what a login or a refresh gives back, with expiry instants from the injected clock.
//!
//! Kakao returns a new refresh token only in the refresh token's last month (`docs/kakao.md#tokens`).
//! [`TokenSet::refreshed_with`] keeps the old refresh token when none came back, so callers
//! hold one complete [`TokenSet`] at all times and never have to think about the "sometimes".

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::secrets::{AccessToken, IdToken, RefreshToken};

/// Everything needed to act for a user: both tokens and when they stop working.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: AccessToken,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: RefreshToken,
    /// `None` only if Kakao left out `refresh_token_expires_in` (it has not been seen to).
    pub refresh_expires_at: Option<DateTime<Utc>>,
    /// Granted scope IDs, when Kakao listed them (`scope` is "present depending on conditions").
    pub scopes: Option<Vec<String>>,
    pub id_token: Option<IdToken>,
}

/// What a refresh returned. Merge it with [`TokenSet::refreshed_with`].
#[derive(Debug, Clone)]
pub struct RefreshedTokens {
    pub access_token: AccessToken,
    pub access_expires_at: DateTime<Utc>,
    /// `Some` only when Kakao rotated the refresh token; the old one is then dead.
    pub rotated_refresh: Option<RotatedRefreshToken>,
    pub scopes: Option<Vec<String>>,
    pub id_token: Option<IdToken>,
}

/// A new refresh token from a refresh call.
#[derive(Debug, Clone)]
pub struct RotatedRefreshToken {
    pub token: RefreshToken,
    pub expires_at: Option<DateTime<Utc>>,
}

impl RefreshedTokens {
    /// Kakao issued a new refresh token: store it now, because the old one no longer works.
    pub fn rotated(&self) -> bool {
        self.rotated_refresh.is_some()
    }
}

impl TokenSet {
    /// This set after a refresh: the new access token, and the new refresh token if Kakao sent
    /// one, else the one we already had.
    pub fn refreshed_with(self, refreshed: RefreshedTokens) -> TokenSet {
        let (refresh_token, refresh_expires_at) = match refreshed.rotated_refresh {
            Some(rotated) => (rotated.token, rotated.expires_at),
            None => (self.refresh_token, self.refresh_expires_at),
        };
        TokenSet {
            access_token: refreshed.access_token,
            access_expires_at: refreshed.access_expires_at,
            refresh_token,
            refresh_expires_at,
            scopes: refreshed.scopes.or(self.scopes),
            id_token: refreshed.id_token.or(self.id_token),
        }
    }

    /// The access token has expired, or will within `margin` (refresh a little early so a
    /// call does not start with a token that dies on the way).
    pub fn access_expires_within(&self, now: DateTime<Utc>, margin: Duration) -> bool {
        self.access_expires_at <= now + margin
    }

    /// The granted scope IDs include `scope`. `None` when Kakao did not list scopes.
    pub fn has_scope(&self, scope: &str) -> Option<bool> {
        self.scopes
            .as_ref()
            .map(|scopes| scopes.iter().any(|s| s == scope))
    }
}

/// `/oauth/token`'s success body (`docs/kakao.md#kakao-login`).
#[derive(Deserialize)]
pub(crate) struct TokenResponseWire {
    access_token: String,
    expires_in: i64,
    refresh_token: Option<String>,
    refresh_token_expires_in: Option<i64>,
    scope: Option<String>,
    id_token: Option<String>,
}

/// Why a token response could not become a [`TokenSet`].
#[derive(Debug, thiserror::Error)]
pub(crate) enum TokenResponseError {
    #[error("the token response from a code exchange had no refresh_token")]
    MissingRefreshToken,
    #[error("the token response had an empty access_token")]
    EmptyAccessToken,
}

impl TokenResponseWire {
    fn parts(
        self,
        now: DateTime<Utc>,
    ) -> Result<(RefreshedTokens, Option<String>, Option<i64>), TokenResponseError> {
        if self.access_token.is_empty() {
            return Err(TokenResponseError::EmptyAccessToken);
        }
        let scopes = self
            .scope
            .map(|s| s.split_whitespace().map(str::to_owned).collect());
        let refreshed = RefreshedTokens {
            access_token: AccessToken::new(self.access_token),
            access_expires_at: now + Duration::seconds(self.expires_in.max(0)),
            rotated_refresh: None,
            scopes,
            id_token: self.id_token.map(IdToken::new),
        };
        Ok((
            refreshed,
            self.refresh_token.filter(|t| !t.is_empty()),
            self.refresh_token_expires_in,
        ))
    }

    /// A code exchange always yields a refresh token; its absence is a broken answer.
    pub(crate) fn into_token_set(self, now: DateTime<Utc>) -> Result<TokenSet, TokenResponseError> {
        let (refreshed, refresh, refresh_expires_in) = self.parts(now)?;
        let refresh = refresh.ok_or(TokenResponseError::MissingRefreshToken)?;
        Ok(TokenSet {
            access_token: refreshed.access_token,
            access_expires_at: refreshed.access_expires_at,
            refresh_token: RefreshToken::new(refresh),
            refresh_expires_at: refresh_expires_in.map(|s| now + Duration::seconds(s.max(0))),
            scopes: refreshed.scopes,
            id_token: refreshed.id_token,
        })
    }

    pub(crate) fn into_refreshed(self, now: DateTime<Utc>) -> Result<RefreshedTokens, TokenResponseError> {
        let (mut refreshed, refresh, refresh_expires_in) = self.parts(now)?;
        refreshed.rotated_refresh = refresh.map(|token| RotatedRefreshToken {
            token: RefreshToken::new(token),
            expires_at: refresh_expires_in.map(|s| now + Duration::seconds(s.max(0))),
        });
        Ok(refreshed)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap()
    }

    fn wire(body: &str) -> TokenResponseWire {
        serde_json::from_str(body).unwrap()
    }

    const LOGIN: &str = r#"{"access_token":"AAAA","token_type":"bearer","refresh_token":"RRRR",
        "expires_in":21599,"refresh_token_expires_in":5183999,
        "scope":"talk_message friends profile_nickname"}"#;

    #[test]
    fn a_login_gives_both_tokens_with_expiries_from_the_clock() {
        let set = wire(LOGIN).into_token_set(now()).unwrap();
        assert_eq!(set.access_token.expose(), "AAAA");
        assert_eq!(set.refresh_token.expose(), "RRRR");
        assert_eq!(set.access_expires_at, now() + Duration::seconds(21599));
        assert_eq!(set.refresh_expires_at, Some(now() + Duration::seconds(5_183_999)));
        assert_eq!(set.has_scope("talk_message"), Some(true));
        assert_eq!(set.has_scope("account_email"), Some(false));
    }

    #[test]
    fn a_login_without_a_refresh_token_is_refused() {
        let body = r#"{"access_token":"AAAA","token_type":"bearer","expires_in":21599}"#;
        assert!(matches!(
            wire(body).into_token_set(now()),
            Err(TokenResponseError::MissingRefreshToken)
        ));
    }

    #[test]
    fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
        let set = wire(LOGIN).into_token_set(now()).unwrap();
        let later = now() + Duration::hours(7);
        let refreshed = wire(r#"{"token_type":"bearer","access_token":"NEW","expires_in":21599}"#)
            .into_refreshed(later)
            .unwrap();
        assert!(!refreshed.rotated());
        let set = set.refreshed_with(refreshed);
        assert_eq!(set.access_token.expose(), "NEW");
        assert_eq!(set.access_expires_at, later + Duration::seconds(21599));
        assert_eq!(set.refresh_token.expose(), "RRRR");
        assert_eq!(set.refresh_expires_at, Some(now() + Duration::seconds(5_183_999)));
        assert_eq!(
            set.has_scope("friends"),
            Some(true),
            "scopes carry over when not resent"
        );
    }

    #[test]
    fn a_refresh_with_a_new_refresh_token_replaces_it() {
        let set = wire(LOGIN).into_token_set(now()).unwrap();
        let later = now() + Duration::days(31);
        let refreshed = wire(
            r#"{"token_type":"bearer","access_token":"NEW","expires_in":21599,
                "refresh_token":"NEW_RT","refresh_token_expires_in":5183999}"#,
        )
        .into_refreshed(later)
        .unwrap();
        assert!(refreshed.rotated());
        let set = set.refreshed_with(refreshed);
        assert_eq!(set.refresh_token.expose(), "NEW_RT");
        assert_eq!(set.refresh_expires_at, Some(later + Duration::seconds(5_183_999)));
    }

    #[test]
    fn expiry_checks_use_the_given_time_and_margin() {
        let set = wire(LOGIN).into_token_set(now()).unwrap();
        assert!(!set.access_expires_within(now(), Duration::minutes(5)));
        assert!(set.access_expires_within(now() + Duration::seconds(21599 - 60), Duration::minutes(5)));
    }

    #[test]
    fn token_sets_never_print_their_tokens() {
        let set = wire(LOGIN).into_token_set(now()).unwrap();
        let printed = format!("{set:?}");
        assert!(
            !printed.contains("AAAA") && !printed.contains("RRRR"),
            "{printed}"
        );
    }
}
