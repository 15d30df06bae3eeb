//! The attendance function's own settings, read once at start-up.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `PUBLIC_URL` | the site's origin as browsers see it; the opt-out form must come from it | required |
//! | `ZOOM_WEBHOOK_SECRET_TOKEN` | the Zoom app's secret token (in AWS, read from Secrets Manager at cold start through `ZOOM_WEBHOOK_SECRET_TOKEN_SECRET_ARN`) | unset: the Zoom webhook answers 503 |
//! | `JOIN_LINK_GRACE_MINUTES` | how long after a meeting ends its join links still redirect | 60 |
//! | `ZOOM_TIMESTAMP_TOLERANCE_SECS` | how far a webhook's timestamp may be from our clock | 300 |

use chrono::Duration;
use secrecy::SecretString;
use url::Url;

use crate::zoom::signature::{DEFAULT_RETRY_WINDOW, DEFAULT_TOLERANCE, EmptyZoomSecret, ZoomSecret};

/// Everything the attendance routes need besides the store and the clock.
#[derive(Debug, Clone)]
pub struct AttendanceSettings {
    /// Origin only; the opt-out form's `Origin` must equal it.
    pub public_origin: Url,
    /// `None` turns the Zoom webhook off (503), e.g. locally without a Zoom app.
    pub zoom_secret: Option<ZoomSecret>,
    pub join_link_grace: Duration,
    pub timestamp_tolerance: Duration,
    /// How old a webhook's timestamp may be (Zoom's retries; see `zoom::signature`).
    pub retry_window: Duration,
    /// The webhook's budget: Zoom wants an answer within 3 seconds; past this we answer 503 and
    /// Zoom retries (recording a join is idempotent).
    pub reply_budget: std::time::Duration,
    /// Write counts as CloudWatch EMF lines on stdout (Lambda); off for local runs and tests.
    pub emit_metrics: bool,
}

/// A missing or bad variable (values are never echoed).
#[derive(Debug, thiserror::Error)]
pub enum AttendanceConfigError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("PUBLIC_URL must be an http(s) origin such as https://ttokttok.example.com")]
    PublicUrl,
    #[error("{0} must be a whole number")]
    NotANumber(&'static str),
    #[error("ZOOM_WEBHOOK_SECRET_TOKEN is set but unusable")]
    ZoomSecret(#[from] EmptyZoomSecret),
}

impl AttendanceSettings {
    pub const DEFAULT_JOIN_LINK_GRACE: Duration = Duration::minutes(60);

    /// Settings with the defaults, for `origin` and an optional secret token.
    pub fn new(public_url: &Url, zoom_secret: Option<&SecretString>) -> Result<Self, AttendanceConfigError> {
        if !matches!(public_url.scheme(), "http" | "https") || public_url.host_str().is_none() {
            return Err(AttendanceConfigError::PublicUrl);
        }
        let mut origin = public_url.clone();
        origin.set_path("/");
        origin.set_query(None);
        origin.set_fragment(None);
        Ok(Self {
            public_origin: origin,
            zoom_secret: zoom_secret.map(ZoomSecret::new).transpose()?,
            join_link_grace: Self::DEFAULT_JOIN_LINK_GRACE,
            timestamp_tolerance: DEFAULT_TOLERANCE,
            retry_window: DEFAULT_RETRY_WINDOW,
            reply_budget: std::time::Duration::from_millis(2500),
            emit_metrics: false,
        })
    }

    /// For a one-process run serving at `public_url` (`infra/local`): the defaults, with the Zoom
    /// secret token from `ZOOM_WEBHOOK_SECRET_TOKEN` if it is set.
    pub fn local(public_url: &Url) -> Result<Self, AttendanceConfigError> {
        let secret = std::env::var("ZOOM_WEBHOOK_SECRET_TOKEN")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(SecretString::from);
        Self::new(public_url, secret.as_ref())
    }

    pub fn from_env() -> Result<Self, AttendanceConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, AttendanceConfigError> {
        let public_url = lookup("PUBLIC_URL").ok_or(AttendanceConfigError::Missing("PUBLIC_URL"))?;
        let public_url = Url::parse(public_url.trim()).map_err(|_| AttendanceConfigError::PublicUrl)?;
        let secret = lookup("ZOOM_WEBHOOK_SECRET_TOKEN").map(SecretString::from);
        let mut settings = Self::new(&public_url, secret.as_ref())?;
        let minutes = |name: &'static str| -> Result<Option<i64>, AttendanceConfigError> {
            lookup(name)
                .map(|v| {
                    v.trim()
                        .parse::<i64>()
                        .map_err(|_| AttendanceConfigError::NotANumber(name))
                })
                .transpose()
        };
        if let Some(m) = minutes("JOIN_LINK_GRACE_MINUTES")? {
            settings.join_link_grace = Duration::minutes(m.max(0));
        }
        if let Some(s) = minutes("ZOOM_TIMESTAMP_TOLERANCE_SECS")? {
            settings.timestamp_tolerance = Duration::seconds(s.max(0));
        }
        Ok(settings)
    }

    /// The origin as browsers write it in `Origin` (`https://host[:port]`, no slash).
    pub fn origin_header_value(&self) -> String {
        self.public_origin.origin().ascii_serialization()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn settings_read_the_environment_with_defaults() {
        let s = AttendanceSettings::from_lookup(lookup(&[
            ("PUBLIC_URL", "https://tt.example.com/some/path"),
            ("ZOOM_WEBHOOK_SECRET_TOKEN", "s3cret"),
        ]))
        .unwrap();
        assert_eq!(s.origin_header_value(), "https://tt.example.com");
        assert!(s.zoom_secret.is_some());
        assert_eq!(s.join_link_grace, Duration::minutes(60));
        assert_eq!(s.timestamp_tolerance, Duration::minutes(5));
        assert!(!format!("{s:?}").contains("s3cret"), "the secret never prints");

        let local = AttendanceSettings::from_lookup(lookup(&[
            ("PUBLIC_URL", "http://127.0.0.1:3000"),
            ("JOIN_LINK_GRACE_MINUTES", "15"),
        ]))
        .unwrap();
        assert!(local.zoom_secret.is_none());
        assert_eq!(local.origin_header_value(), "http://127.0.0.1:3000");
        assert_eq!(local.join_link_grace, Duration::minutes(15));
    }

    #[test]
    fn bad_settings_are_named() {
        let err = AttendanceSettings::from_lookup(lookup(&[])).unwrap_err();
        assert_eq!(err.to_string(), "PUBLIC_URL is not set");
        let err = AttendanceSettings::from_lookup(lookup(&[("PUBLIC_URL", "ftp://x")])).unwrap_err();
        assert!(matches!(err, AttendanceConfigError::PublicUrl));
        let err = AttendanceSettings::from_lookup(lookup(&[
            ("PUBLIC_URL", "https://a.example"),
            ("JOIN_LINK_GRACE_MINUTES", "an hour"),
        ]))
        .unwrap_err();
        assert_eq!(err.to_string(), "JOIN_LINK_GRACE_MINUTES must be a whole number");
    }
}
