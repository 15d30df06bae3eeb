//! Authorization codes, access tokens and refresh tokens, with Kakao's lifetimes, single-use
//! codes, refresh-token rotation in the last month, issuance rate limits and revocation.
//!
//! Tokens belong to a *session*: one code exchange (or one control-API grant) starts a session
//! holding one refresh token and the access tokens issued from it. Token logout ends a session;
//! admin logout and unlink end all of a user's sessions.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::world::{RateLimit, TokenPolicy};

#[derive(Debug, Clone)]
struct AuthCode {
    user_id: i64,
    client_id: String,
    redirect_uri: String,
    expires_at: DateTime<Utc>,
    /// PKCE: the `code_challenge` (S256) of the authorize request, if it sent one.
    challenge: Option<String>,
}

/// PKCE S256: `base64url(sha256(verifier))`, unpadded (RFC 7636 §4.2).
pub(crate) fn s256(verifier: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

#[derive(Debug, Clone)]
struct AccessToken {
    user_id: i64,
    session: u64,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct RefreshToken {
    user_id: i64,
    session: u64,
    expires_at: DateTime<Utc>,
}

/// Whether an issuance counts against the per-user rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metering {
    Counted,
    Free,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Issued {
    Access,
    Refresh,
}

/// Tokens just issued, as `/oauth/token` reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuedTokens {
    pub user_id: i64,
    pub access_token: String,
    pub expires_in: i64,
    /// Present on a new session, and on a refresh that rotated the refresh token.
    pub refresh: Option<(String, i64)>,
}

/// Why a token request failed, in Kakao's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantError {
    /// KOE320: the code is unknown, used, expired or was issued to another client.
    CodeNotFound,
    /// KOE303: the redirect URI differs from the one the code was issued for.
    RedirectMismatch,
    /// KOE322: the refresh token is unknown, expired, revoked or rotated away.
    RefreshInvalid,
    /// KOE237: too many tokens for this user in the window.
    RateLimited,
    /// The code_verifier is missing or does not match the code's code_challenge.
    PkceMismatch,
}

/// Why a Bearer token was refused (both are kapi `-401`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AccessError {
    Unknown,
    Expired,
}

/// A valid access token's owner and expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AccessGrant {
    pub user_id: i64,
    pub session: u64,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub(crate) struct TokenBook {
    codes: HashMap<String, AuthCode>,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    issued: HashMap<(i64, Issued), VecDeque<DateTime<Utc>>>,
    next_session: u64,
}

impl TokenBook {
    /// A fresh single-use code for `user_id`, bound to the client and redirect URI it was asked for.
    pub fn issue_code(
        &mut self,
        user_id: i64,
        client_id: &str,
        redirect_uri: &str,
        challenge: Option<&str>,
        now: DateTime<Utc>,
        policy: &TokenPolicy,
    ) -> String {
        self.codes.retain(|_, c| c.expires_at > now);
        let code = random_token(86);
        let expires_at = now + Duration::seconds(policy.authorization_code_seconds);
        self.codes.insert(
            code.clone(),
            AuthCode {
                user_id,
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                expires_at,
                challenge: challenge.map(str::to_owned),
            },
        );
        code
    }

    /// Exchanges a code for a new session. The code dies on success.
    pub fn exchange_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
        now: DateTime<Utc>,
        policy: &TokenPolicy,
    ) -> Result<IssuedTokens, GrantError> {
        let found = self
            .codes
            .get(code)
            .filter(|c| c.expires_at > now && c.client_id == client_id);
        let Some(found) = found.cloned() else {
            return Err(GrantError::CodeNotFound);
        };
        if found.redirect_uri != redirect_uri {
            return Err(GrantError::RedirectMismatch);
        }
        // A code asked for with a challenge is only good with its verifier (and a verifier
        // without a challenge proves nothing, so it is refused too, as OAuth servers do).
        match (&found.challenge, verifier) {
            (None, None) => {}
            (Some(challenge), Some(verifier)) if *challenge == s256(verifier) => {}
            _ => return Err(GrantError::PkceMismatch),
        }
        self.check_limit(
            found.user_id,
            Issued::Access,
            now,
            policy.access_token_issue_limit,
        )?;
        self.check_limit(
            found.user_id,
            Issued::Refresh,
            now,
            policy.refresh_token_issue_limit,
        )?;
        self.codes.remove(code);
        Ok(self.open_session(found.user_id, now, policy, Metering::Counted))
    }

    /// A new session for `user_id` without a code; not counted against the issuance limits, so
    /// tests can mint as many as they like (control API).
    pub fn start_session(&mut self, user_id: i64, now: DateTime<Utc>, policy: &TokenPolicy) -> IssuedTokens {
        self.open_session(user_id, now, policy, Metering::Free)
    }

    fn open_session(
        &mut self,
        user_id: i64,
        now: DateTime<Utc>,
        policy: &TokenPolicy,
        metering: Metering,
    ) -> IssuedTokens {
        self.prune(now);
        self.next_session += 1;
        let session = self.next_session;
        let refresh = self.issue_refresh(user_id, session, now, policy, metering);
        let (access_token, expires_in) = self.issue_access(user_id, session, now, policy, metering);
        IssuedTokens {
            user_id,
            access_token,
            expires_in,
            refresh: Some(refresh),
        }
    }

    /// A new access token from a refresh token; the refresh token rotates only when it has less
    /// than the rotation threshold left, and then the old one dies.
    pub fn refresh(
        &mut self,
        refresh_token: &str,
        now: DateTime<Utc>,
        policy: &TokenPolicy,
    ) -> Result<IssuedTokens, GrantError> {
        let Some(current) = self
            .refresh
            .get(refresh_token)
            .filter(|r| r.expires_at > now)
            .cloned()
        else {
            return Err(GrantError::RefreshInvalid);
        };
        let rotate = current.expires_at - now < Duration::seconds(policy.refresh_rotation_threshold_seconds);
        self.check_limit(
            current.user_id,
            Issued::Access,
            now,
            policy.access_token_issue_limit,
        )?;
        if rotate {
            self.check_limit(
                current.user_id,
                Issued::Refresh,
                now,
                policy.refresh_token_issue_limit,
            )?;
        }
        let (access_token, expires_in) =
            self.issue_access(current.user_id, current.session, now, policy, Metering::Counted);
        let refresh = rotate.then(|| {
            self.refresh.remove(refresh_token);
            self.issue_refresh(current.user_id, current.session, now, policy, Metering::Counted)
        });
        Ok(IssuedTokens {
            user_id: current.user_id,
            access_token,
            expires_in,
            refresh,
        })
    }

    /// Who a Bearer token belongs to, if it is alive.
    pub fn resolve_access(&self, token: &str, now: DateTime<Utc>) -> Result<AccessGrant, AccessError> {
        let found = self.access.get(token).ok_or(AccessError::Unknown)?;
        if found.expires_at <= now {
            return Err(AccessError::Expired);
        }
        Ok(AccessGrant {
            user_id: found.user_id,
            session: found.session,
            expires_at: found.expires_at,
        })
    }

    /// Token logout: the session's access and refresh tokens die.
    pub fn end_session(&mut self, session: u64) {
        self.access.retain(|_, t| t.session != session);
        self.refresh.retain(|_, t| t.session != session);
    }

    /// Admin logout and unlink: every token of the user dies, and unused codes too.
    pub fn end_all_sessions(&mut self, user_id: i64) {
        self.access.retain(|_, t| t.user_id != user_id);
        self.refresh.retain(|_, t| t.user_id != user_id);
        self.codes.retain(|_, c| c.user_id != user_id);
    }

    /// Live refresh tokens of a user (for the settings page).
    pub fn live_sessions(&self, user_id: i64, now: DateTime<Utc>) -> usize {
        self.refresh
            .values()
            .filter(|r| r.user_id == user_id && r.expires_at > now)
            .count()
    }

    fn issue_access(
        &mut self,
        user_id: i64,
        session: u64,
        now: DateTime<Utc>,
        policy: &TokenPolicy,
        metering: Metering,
    ) -> (String, i64) {
        if metering == Metering::Counted {
            self.record(user_id, Issued::Access, now);
        }
        let token = random_token(54);
        let expires_at = now + Duration::seconds(policy.access_token_seconds);
        self.access.insert(
            token.clone(),
            AccessToken {
                user_id,
                session,
                expires_at,
            },
        );
        (token, policy.access_token_seconds)
    }

    fn issue_refresh(
        &mut self,
        user_id: i64,
        session: u64,
        now: DateTime<Utc>,
        policy: &TokenPolicy,
        metering: Metering,
    ) -> (String, i64) {
        if metering == Metering::Counted {
            self.record(user_id, Issued::Refresh, now);
        }
        let token = random_token(54);
        let expires_at = now + Duration::seconds(policy.refresh_token_seconds);
        self.refresh.insert(
            token.clone(),
            RefreshToken {
                user_id,
                session,
                expires_at,
            },
        );
        (token, policy.refresh_token_seconds)
    }

    fn record(&mut self, user_id: i64, kind: Issued, now: DateTime<Utc>) {
        self.issued.entry((user_id, kind)).or_default().push_back(now);
    }

    fn check_limit(
        &mut self,
        user_id: i64,
        kind: Issued,
        now: DateTime<Utc>,
        limit: Option<RateLimit>,
    ) -> Result<(), GrantError> {
        let Some(limit) = limit else { return Ok(()) };
        let window_start = now - Duration::seconds(limit.window_seconds);
        let issued = self.issued.entry((user_id, kind)).or_default();
        while issued.front().is_some_and(|t| *t <= window_start) {
            issued.pop_front();
        }
        if issued.len() >= limit.max as usize {
            Err(GrantError::RateLimited)
        } else {
            Ok(())
        }
    }

    /// Forgets tokens that expired more than a day ago (still answering "expired" for a while).
    fn prune(&mut self, now: DateTime<Utc>) {
        let horizon = now - Duration::days(1);
        self.access.retain(|_, t| t.expires_at > horizon);
        self.refresh.retain(|_, t| t.expires_at > now);
        self.codes.retain(|_, c| c.expires_at > now);
    }
}

/// A random token of URL-safe characters, shaped roughly like Kakao's.
fn random_token(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// PKCE as RFC 7636 has it: a code asked for with an S256 challenge is traded only with its
    /// verifier; none, or another, is refused and leaves the code usable by its owner.
    #[test]
    fn a_challenged_code_needs_its_verifier() {
        let policy = TokenPolicy::default();
        let mut book = TokenBook::default();
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(s256(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let code = book.issue_code(7, "key", "http://x/cb", Some(&s256(verifier)), t0(), &policy);
        for wrong in [None, Some("another-verifier-another-verifier-another-ve")] {
            assert_eq!(
                book.exchange_code(&code, "key", "http://x/cb", wrong, t0(), &policy)
                    .err(),
                Some(GrantError::PkceMismatch)
            );
        }
        assert!(
            book.exchange_code(&code, "key", "http://x/cb", Some(verifier), t0(), &policy)
                .is_ok()
        );
        let plain = book.issue_code(7, "key", "http://x/cb", None, t0(), &policy);
        assert_eq!(
            book.exchange_code(&plain, "key", "http://x/cb", Some(verifier), t0(), &policy)
                .err(),
            Some(GrantError::PkceMismatch),
            "a verifier without a challenge proves nothing"
        );
    }

    #[test]
    fn a_code_works_once() {
        let policy = TokenPolicy::default();
        let mut book = TokenBook::default();
        let code = book.issue_code(7, "key", "http://x/cb", None, t0(), &policy);
        assert!(
            book.exchange_code(&code, "key", "http://x/cb", None, t0(), &policy)
                .is_ok()
        );
        assert_eq!(
            book.exchange_code(&code, "key", "http://x/cb", None, t0(), &policy),
            Err(GrantError::CodeNotFound)
        );
    }

    #[test]
    fn refresh_rotates_only_in_the_last_month_and_the_old_token_dies() {
        let policy = TokenPolicy::default();
        let mut book = TokenBook::default();
        let first = book.start_session(7, t0(), &policy);
        let Some((old, _)) = first.refresh else {
            panic!("a new session has a refresh token")
        };
        let early = book.refresh(&old, t0() + Duration::days(29), &policy);
        assert_eq!(early.map(|t| t.refresh.is_none()), Ok(true));
        let late = book.refresh(&old, t0() + Duration::days(31), &policy);
        assert!(late.is_ok_and(|t| t.refresh.is_some()));
        assert_eq!(
            book.refresh(&old, t0() + Duration::days(31), &policy),
            Err(GrantError::RefreshInvalid)
        );
    }

    #[test]
    fn the_21st_access_token_in_ten_minutes_is_refused() {
        let policy = TokenPolicy::default();
        let mut book = TokenBook::default();
        let session = book.start_session(7, t0(), &policy);
        let Some((refresh, _)) = session.refresh else {
            panic!("a new session has a refresh token")
        };
        // The control API's session is not counted, so twenty refreshes fit the window.
        for _ in 0..20 {
            assert!(book.refresh(&refresh, t0(), &policy).is_ok());
        }
        assert_eq!(
            book.refresh(&refresh, t0(), &policy),
            Err(GrantError::RateLimited)
        );
        assert!(
            book.refresh(&refresh, t0() + Duration::minutes(11), &policy)
                .is_ok()
        );
    }
}
