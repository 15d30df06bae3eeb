//! Binds a Kakao login to the browser that started it.
//!
//! The OAuth `state` proves a callback answers a login we started, but not that the browser
//! bringing it back is the one that started it: without more, someone could start a login, stop
//! at the callback URL and get another person to open it, logging them in as someone else. So
//! starting a login also sets this short cookie holding the state, and the callback accepts a
//! state only from the browser holding it.

use axum::http::HeaderMap;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;

use crate::cookies::{self, SetCookie};
use crate::keys::WebSecret;
use crate::seal::Sealer;

/// As long as the store keeps a state (10 minutes), plus a little for slow clocks.
pub const LOGIN_COOKIE_TTL: Duration = Duration::minutes(11);

#[derive(Debug, Serialize, Deserialize)]
struct PendingLogin {
    state: String,
    started_at: DateTime<Utc>,
    /// The login's PKCE verifier: only this browser can trade the code Kakao sends back.
    #[serde(default)]
    verifier: Option<String>,
}

/// Issues and checks the pending-login cookie.
#[derive(Debug, Clone)]
pub struct LoginCookies {
    sealer: Sealer,
    secure: bool,
}

impl LoginCookies {
    pub fn new(secret: &WebSecret, secure: bool) -> Self {
        Self {
            sealer: Sealer::new(secret, "pending-login"),
            secure,
        }
    }

    pub fn name(&self) -> &'static str {
        if self.secure {
            "__Host-tt_login"
        } else {
            "tt_login"
        }
    }

    /// The cookie for a login that starts now with `state` and PKCE `verifier`.
    pub fn cookie(&self, state: &str, verifier: &str, now: DateTime<Utc>) -> SetCookie {
        let pending = PendingLogin {
            state: state.to_owned(),
            started_at: now,
            verifier: Some(verifier.to_owned()),
        };
        SetCookie::new(
            self.name(),
            self.sealer.seal(&pending),
            Some(LOGIN_COOKIE_TTL),
            self.secure,
        )
    }

    pub fn removal(&self) -> SetCookie {
        SetCookie::removal(self.name(), self.secure)
    }

    /// Whether this browser started the login that `state` belongs to (and not too long ago).
    pub fn started_here(&self, headers: &HeaderMap, state: &str, now: DateTime<Utc>) -> bool {
        self.pending(headers, state, now).is_some()
    }

    /// The PKCE verifier of the login that `state` belongs to, if this browser started it
    /// (`Some(None)`: started here, by a cookie from before PKCE).
    pub fn verifier(&self, headers: &HeaderMap, state: &str, now: DateTime<Utc>) -> Option<Option<String>> {
        self.pending(headers, state, now).map(|p| p.verifier)
    }

    fn pending(&self, headers: &HeaderMap, state: &str, now: DateTime<Utc>) -> Option<PendingLogin> {
        let value = cookies::read(headers, self.name())?;
        let pending = self.sealer.open::<PendingLogin>(&value).ok()?;
        let fresh = now - pending.started_at < LOGIN_COOKIE_TTL;
        (fresh && bool::from(pending.state.as_bytes().ct_eq(state.as_bytes()))).then_some(pending)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, header};
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap()
    }

    fn headers_with(cookie: &SetCookie) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let line = format!("{}={}", cookie.name, cookie.value);
        headers.insert(header::COOKIE, HeaderValue::from_str(&line).unwrap());
        headers
    }

    #[test]
    fn only_the_browser_that_started_a_login_may_finish_it() {
        let logins = LoginCookies::new(&WebSecret::generate(), false);
        let headers = headers_with(&logins.cookie("state-one", "verifier-one", now()));
        assert!(logins.started_here(&headers, "state-one", now() + Duration::minutes(9)));
        assert!(!logins.started_here(&headers, "state-two", now()));
        assert!(!logins.started_here(&HeaderMap::new(), "state-one", now()));
        assert!(!logins.started_here(&headers, "state-one", now() + LOGIN_COOKIE_TTL));
        let other = LoginCookies::new(&WebSecret::generate(), false);
        assert!(!other.started_here(&headers, "state-one", now()));
    }
}
