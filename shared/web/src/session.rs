//! Admin sessions as sealed cookies. The session itself is not stored server-side; what the
//! server keeps is when the admin last logged out (`AdminProfile::sessions_since`), which the
//! session layer checks on every request, so a logout, an unlink or a deletion ends every copy.
//!
//! The cookie holds who the admin is, the session's CSRF token and two instants: when the session
//! began and when it was last used. A session ends after 12 hours without use ([`IDLE_TIMEOUT`])
//! or 7 days after login whatever happens ([`ABSOLUTE_TIMEOUT`]); every use more than
//! [`RENEW_AFTER`] after the last renewal re-issues the cookie, so an admin who keeps working stays
//! logged in. Logging in always issues a brand-new session (new CSRF token), so a session fixed
//! before login is worthless.
//!
//! Cookie attributes: `HttpOnly`, `SameSite=Lax` (the OAuth redirect back from Kakao is a
//! top-level GET, which Lax allows), `Path=/`, and `Secure` plus the `__Host-` name prefix when the
//! public URL is https.

use chrono::{DateTime, Duration, Utc};
use domain::KakaoUserId;
use serde::{Deserialize, Serialize};

use crate::cookies::SetCookie;
use crate::csrf::CsrfToken;
use crate::keys::WebSecret;
use crate::seal::{Sealer, Unsealed};

/// A session unused for this long is over.
pub const IDLE_TIMEOUT: Duration = Duration::hours(12);
/// No session outlives this, however busy.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::days(7);
/// Re-issue the cookie (moving the idle deadline) at most this often.
pub const RENEW_AFTER: Duration = Duration::minutes(5);

/// A logged-in admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub admin: KakaoUserId,
    pub csrf: CsrfToken,
    pub started_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

impl Session {
    /// A fresh session for an admin who just logged in.
    pub fn start(admin: KakaoUserId, now: DateTime<Utc>) -> Self {
        Self {
            admin,
            csrf: CsrfToken::generate(),
            started_at: now,
            last_seen: now,
        }
    }

    /// Why this session may not be used at `now`, if it may not.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), SessionRejected> {
        if now - self.last_seen >= IDLE_TIMEOUT || now - self.started_at >= ABSOLUTE_TIMEOUT {
            Err(SessionRejected::Expired)
        } else if self.last_seen > now + Duration::minutes(5) {
            // Issued "in the future": a clock jump or a forged cookie; either way not trusted.
            Err(SessionRejected::Expired)
        } else {
            Ok(())
        }
    }

    /// Whether the cookie should be re-issued now to push the idle deadline out.
    pub fn due_for_renewal(&self, now: DateTime<Utc>) -> bool {
        now - self.last_seen >= RENEW_AFTER
    }

    /// The same session, seen at `now`.
    pub fn renewed(&self, now: DateTime<Utc>) -> Self {
        Self {
            last_seen: now,
            ..self.clone()
        }
    }
}

/// Why a session cookie was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SessionRejected {
    #[error("the session has expired")]
    Expired,
    #[error("the session was ended: its admin logged out or is gone")]
    Revoked,
    #[error("the session cookie is not one of ours")]
    Invalid(#[from] Unsealed),
}

/// Issues and reads session cookies.
#[derive(Debug, Clone)]
pub struct SessionCookies {
    sealer: Sealer,
    secure: bool,
}

impl SessionCookies {
    pub fn new(secret: &WebSecret, secure: bool) -> Self {
        Self {
            sealer: Sealer::new(secret, "session"),
            secure,
        }
    }

    /// `__Host-tt_session` over https (the prefix makes browsers insist on Secure, Path=/ and no
    /// Domain), `tt_session` on plain http (local runs).
    pub fn name(&self) -> &'static str {
        if self.secure {
            "__Host-tt_session"
        } else {
            "tt_session"
        }
    }

    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The cookie that carries `session`.
    pub fn cookie(&self, session: &Session) -> SetCookie {
        SetCookie::new(
            self.name(),
            self.sealer.seal(session),
            Some(IDLE_TIMEOUT),
            self.secure,
        )
    }

    /// The cookie that ends the session in the browser.
    pub fn removal(&self) -> SetCookie {
        SetCookie::removal(self.name(), self.secure)
    }

    /// Reads a cookie value and checks it against `now`.
    pub fn open(&self, value: &str, now: DateTime<Utc>) -> Result<Session, SessionRejected> {
        let session: Session = self.sealer.open(value)?;
        session.check(now)?;
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap()
    }

    fn admin() -> KakaoUserId {
        KakaoUserId::parse("4812345001").unwrap()
    }

    #[test]
    fn a_session_lasts_twelve_idle_hours() {
        let session = Session::start(admin(), now());
        assert_eq!(session.check(now() + Duration::hours(11)), Ok(()));
        assert_eq!(session.check(now() + IDLE_TIMEOUT), Err(SessionRejected::Expired));
        let renewed = session.renewed(now() + Duration::hours(11));
        assert_eq!(renewed.check(now() + Duration::hours(22)), Ok(()));
        assert_eq!(renewed.csrf, session.csrf, "renewal keeps the CSRF token");
    }

    #[test]
    fn no_session_outlives_seven_days_however_busy() {
        let mut session = Session::start(admin(), now());
        for hour in (6..24 * 7).step_by(6) {
            session = session.renewed(now() + Duration::hours(hour));
        }
        assert_eq!(
            session.check(now() + ABSOLUTE_TIMEOUT),
            Err(SessionRejected::Expired)
        );
    }

    #[test]
    fn renewal_is_due_only_after_a_few_minutes() {
        let session = Session::start(admin(), now());
        assert!(!session.due_for_renewal(now() + Duration::minutes(4)));
        assert!(session.due_for_renewal(now() + RENEW_AFTER));
    }

    #[test]
    fn cookies_round_trip_and_carry_the_right_attributes() {
        let cookies = SessionCookies::new(&WebSecret::generate(), true);
        let session = Session::start(admin(), now());
        let cookie = cookies.cookie(&session);
        assert_eq!(cookie.name, "__Host-tt_session");
        let header = cookie.to_header_value().to_str().unwrap().to_owned();
        for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
            assert!(header.contains(attribute), "{header} lacks {attribute}");
        }
        assert_eq!(cookies.open(&cookie.value, now()), Ok(session));
        assert!(
            cookies
                .removal()
                .to_header_value()
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
        let local = SessionCookies::new(&WebSecret::generate(), false);
        let header = local
            .cookie(&Session::start(admin(), now()))
            .to_header_value()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            header.starts_with("tt_session=") && !header.contains("Secure"),
            "{header}"
        );
    }

    #[test]
    fn a_cookie_from_another_key_or_a_changed_one_is_invalid() {
        let cookies = SessionCookies::new(&WebSecret::generate(), false);
        let other = SessionCookies::new(&WebSecret::generate(), false);
        let value = other.cookie(&Session::start(admin(), now())).value;
        assert_eq!(
            cookies.open(&value, now()),
            Err(SessionRejected::Invalid(Unsealed::Tampered))
        );
        assert!(matches!(
            cookies.open("x", now()),
            Err(SessionRejected::Invalid(_))
        ));
    }
}
