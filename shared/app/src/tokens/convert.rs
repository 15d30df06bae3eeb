//! Pure conversions between the Kakao client's token types and the store's, and the one
//! decision of when to refresh.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};
use store::model::{KakaoTokens, ScopeId};

/// Refresh when the access token has expired or expires within this margin, so a call never
/// starts with a token that dies on the way.
pub const REFRESH_MARGIN: Duration = Duration::minutes(5);

/// Kakao documents refresh tokens as living two months (`docs/kakao.md#tokens`). Used only when Kakao
/// leaves out `refresh_token_expires_in`, which it has not been seen to do; nothing is decided
/// on this value (Kakao's KOE322 is the authority), it is only shown.
const ASSUMED_REFRESH_LIFETIME: Duration = Duration::days(59);

/// The stored access token must be refreshed before use.
pub fn needs_refresh(access_expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    access_expires_at <= now + REFRESH_MARGIN
}

/// Kakao's scope ids as the store keeps them; ids that do not parse are dropped with a warning
/// (a scope list must not fail a login or a refresh).
pub fn scope_ids<S: AsRef<str>>(scopes: &[S]) -> BTreeSet<ScopeId> {
    scopes
        .iter()
        .filter_map(|s| match ScopeId::parse(s.as_ref()) {
            Ok(id) => Some(id),
            Err(error) => {
                tracing::warn!(%error, "ignoring a Kakao scope id that does not parse");
                None
            }
        })
        .collect()
}

/// What a login (code exchange) gives, as the store keeps it.
pub fn tokens_from_login(set: &kakao::TokenSet, now: DateTime<Utc>) -> KakaoTokens {
    KakaoTokens {
        access_token: SecretString::from(set.access_token.expose()),
        access_expires_at: set.access_expires_at,
        refresh_token: SecretString::from(set.refresh_token.expose()),
        refresh_expires_at: set.refresh_expires_at.unwrap_or(now + ASSUMED_REFRESH_LIFETIME),
        scopes: set.scopes.as_deref().map(scope_ids).unwrap_or_default(),
    }
}

/// The stored tokens after a refresh: the new access token, the rotated refresh token when Kakao
/// sent one (else the one we had), and the scopes when Kakao listed them (else the ones we had).
pub fn merge_refresh(stored: &KakaoTokens, refreshed: kakao::RefreshedTokens) -> KakaoTokens {
    let (refresh_token, refresh_expires_at) = match refreshed.rotated_refresh {
        Some(rotated) => (
            SecretString::from(rotated.token.expose()),
            // A rotated token lives at least as long as the one it replaces.
            rotated.expires_at.unwrap_or(stored.refresh_expires_at),
        ),
        None => (stored.refresh_token.clone(), stored.refresh_expires_at),
    };
    KakaoTokens {
        access_token: SecretString::from(refreshed.access_token.expose()),
        access_expires_at: refreshed.access_expires_at,
        refresh_token,
        refresh_expires_at,
        scopes: refreshed
            .scopes
            .as_deref()
            .map(scope_ids)
            .unwrap_or_else(|| stored.scopes.clone()),
    }
}

/// The stored access token as the Kakao client takes it.
pub fn access_token(tokens: &KakaoTokens) -> kakao::AccessToken {
    kakao::AccessToken::new(tokens.access_token.expose_secret())
}

/// The stored refresh token as the Kakao client takes it.
pub fn refresh_token(tokens: &KakaoTokens) -> kakao::RefreshToken {
    kakao::RefreshToken::new(tokens.refresh_token.expose_secret())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap()
    }

    fn stored() -> KakaoTokens {
        KakaoTokens {
            access_token: SecretString::from("OLD_AT"),
            access_expires_at: now(),
            refresh_token: SecretString::from("OLD_RT"),
            refresh_expires_at: now() + Duration::days(40),
            scopes: scope_ids(&["friends", "talk_message"]),
        }
    }

    fn refreshed(rotated: bool, scopes: Option<Vec<String>>) -> kakao::RefreshedTokens {
        kakao::RefreshedTokens {
            access_token: kakao::AccessToken::new("NEW_AT"),
            access_expires_at: now() + Duration::hours(6),
            rotated_refresh: rotated.then(|| kakao::RotatedRefreshToken {
                token: kakao::RefreshToken::new("NEW_RT"),
                expires_at: Some(now() + Duration::days(60)),
            }),
            scopes,
            id_token: None,
        }
    }

    #[test]
    fn tokens_are_refreshed_five_minutes_before_they_expire() {
        let expires = now() + Duration::minutes(10);
        assert!(!needs_refresh(expires, now()));
        assert!(!needs_refresh(expires, now() + Duration::minutes(4)));
        assert!(needs_refresh(expires, now() + Duration::minutes(5)));
        assert!(needs_refresh(expires, now() + Duration::hours(1)));
    }

    #[test]
    fn a_refresh_without_rotation_keeps_the_refresh_token_and_scopes() {
        let merged = merge_refresh(&stored(), refreshed(false, None));
        assert_eq!(merged.access_token.expose_secret(), "NEW_AT");
        assert_eq!(merged.refresh_token.expose_secret(), "OLD_RT");
        assert_eq!(merged.refresh_expires_at, now() + Duration::days(40));
        assert_eq!(merged.scopes, stored().scopes);
    }

    #[test]
    fn a_rotated_refresh_token_replaces_the_old_one() {
        let merged = merge_refresh(&stored(), refreshed(true, Some(vec!["friends".into()])));
        assert_eq!(merged.refresh_token.expose_secret(), "NEW_RT");
        assert_eq!(merged.refresh_expires_at, now() + Duration::days(60));
        assert_eq!(merged.scopes, scope_ids(&["friends"]));
    }

    #[test]
    fn scope_ids_that_do_not_parse_are_dropped() {
        assert_eq!(scope_ids(&["friends", "bad scope", ""]), scope_ids(&["friends"]));
    }
}
