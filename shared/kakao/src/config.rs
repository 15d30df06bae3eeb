//! Settings the Kakao client is built from: where Kakao lives, who we are, and how patient to be.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// Where the client sends requests and with which credentials. Built once at start-up.
#[derive(Debug, Clone)]
pub struct KakaoConfig {
    /// OAuth host (`/oauth/authorize`, `/oauth/token`). Real: `https://kauth.kakao.com`.
    pub kauth_base: Url,
    /// API host (`/v2/user/me`, friends, messages). Real: `https://kapi.kakao.com`.
    pub kapi_base: Url,
    /// The app's REST API key, sent as `client_id`. Not a secret: it appears in every
    /// authorize URL the browser sees.
    pub rest_api_key: String,
    /// Sent on token and refresh requests when the app has a client secret enabled.
    /// (`docs/kakao.md#the-app-settings-permission-standing`: observed on by default for new keys;
    /// missing it yields KOE010.)
    pub client_secret: Option<SecretString>,
    /// Admin key, for the `KakaoAK` forms of logout and unlink. Server side only.
    pub admin_key: Option<SecretString>,
    /// Longest wait for any one HTTP call, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// How reads (friends, me, scopes, token info) retry transient failures.
    pub read_retry: RetryPolicy,
}

impl KakaoConfig {
    pub const REAL_KAUTH: &'static str = "https://kauth.kakao.com";
    pub const REAL_KAPI: &'static str = "https://kapi.kakao.com";
    /// Default per-call timeout. Kakao usually answers in well under a second; a Lambda that
    /// waits longer than this is better off reporting the failure.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

    /// Real Kakao: `https://kauth.kakao.com` and `https://kapi.kakao.com`.
    pub fn real(
        rest_api_key: impl Into<String>,
        client_secret: Option<SecretString>,
        admin_key: Option<SecretString>,
    ) -> Self {
        // Both constants are valid absolute URLs, so parsing cannot fail.
        let kauth = Url::parse(Self::REAL_KAUTH).unwrap_or_else(|_| unreachable!());
        let kapi = Url::parse(Self::REAL_KAPI).unwrap_or_else(|_| unreachable!());
        Self::with_bases(kauth, kapi, rest_api_key, client_secret, admin_key)
    }

    /// Both hosts served from one base URL, as the Kakao sandbox does.
    pub fn single_base(
        base: Url,
        rest_api_key: impl Into<String>,
        client_secret: Option<SecretString>,
        admin_key: Option<SecretString>,
    ) -> Self {
        Self::with_bases(base.clone(), base, rest_api_key, client_secret, admin_key)
    }

    /// Any pair of hosts, with the default timeout and retry policy.
    pub fn with_bases(
        kauth_base: Url,
        kapi_base: Url,
        rest_api_key: impl Into<String>,
        client_secret: Option<SecretString>,
        admin_key: Option<SecretString>,
    ) -> Self {
        Self {
            kauth_base,
            kapi_base,
            rest_api_key: rest_api_key.into(),
            client_secret,
            admin_key,
            timeout: Self::DEFAULT_TIMEOUT,
            read_retry: RetryPolicy::default(),
        }
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn read_retry(mut self, policy: RetryPolicy) -> Self {
        self.read_retry = policy;
        self
    }
}

/// Capped, jittered exponential backoff for reads.
///
/// Attempt `n` (1-based) that failed transiently waits a random time in
/// `[0, min(cap, base * 2^(n-1))]` ("full jitter") before attempt `n + 1`, so many Lambdas
/// failing together do not come back together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total tries, the first included. 1 means never retry; 0 is treated as 1.
    pub max_attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl RetryPolicy {
    /// Try once, never retry.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        base: Duration::ZERO,
        cap: Duration::ZERO,
    };

    /// The wait after failed attempt `attempt` (1-based), given `unit` drawn uniformly from [0, 1).
    /// Pure, so the curve is testable; the client draws `unit` from `rand`.
    pub fn delay_after(&self, attempt: u32, unit: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let ceiling = self.base.saturating_mul(1u32 << exponent).min(self.cap);
        ceiling.mul_f64(unit.clamp(0.0, 1.0))
    }

    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base: Duration::from_millis(200),
            cap: Duration::from_secs(2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_config_points_at_kakaos_two_hosts() {
        let config = KakaoConfig::real("rest-key", None, None);
        assert_eq!(config.kauth_base.as_str(), "https://kauth.kakao.com/");
        assert_eq!(config.kapi_base.as_str(), "https://kapi.kakao.com/");
        assert_eq!(config.read_retry, RetryPolicy::default());
    }

    #[test]
    fn config_debug_does_not_show_secrets() {
        let config = KakaoConfig::real(
            "rest-key",
            Some(SecretString::from("client-secret-value")),
            Some(SecretString::from("admin-key-value")),
        );
        let printed = format!("{config:?}");
        assert!(!printed.contains("client-secret-value"), "{printed}");
        assert!(!printed.contains("admin-key-value"), "{printed}");
    }

    #[test]
    fn backoff_doubles_from_base_and_stops_at_the_cap() {
        let policy = RetryPolicy::default();
        let full = |attempt| policy.delay_after(attempt, 1.0);
        assert_eq!(full(1), Duration::from_millis(200));
        assert_eq!(full(2), Duration::from_millis(400));
        assert_eq!(full(3), Duration::from_millis(800));
        assert_eq!(full(5), Duration::from_secs(2));
        assert_eq!(full(40), Duration::from_secs(2));
    }

    #[test]
    fn backoff_is_jittered_down_to_zero() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay_after(2, 0.0), Duration::ZERO);
        assert_eq!(policy.delay_after(2, 0.5), Duration::from_millis(200));
        assert_eq!(
            policy.delay_after(2, 7.0),
            Duration::from_millis(400),
            "unit is clamped"
        );
    }
}
