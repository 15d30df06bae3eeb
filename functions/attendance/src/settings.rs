//! The attendance function's own settings, built from what it declared at start-up: the site's
//! [`PublicUrl`] and [`AttendanceConfig`] (`app::config::attendance` lists the variables).

use app::config::{AttendanceConfig, PublicUrl};
use chrono::Duration;
use secrecy::SecretString;

use crate::zoom::signature::{DEFAULT_RETRY_WINDOW, DEFAULT_TOLERANCE, ZoomSecret};

/// Everything the attendance routes need besides the store and the clock.
#[derive(Debug, Clone)]
pub struct AttendanceSettings {
    /// The opt-out form's `Origin` must equal it.
    pub public_origin: PublicUrl,
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

impl AttendanceSettings {
    pub const DEFAULT_JOIN_LINK_GRACE: Duration = Duration::minutes(60);

    /// Settings with the defaults, for `public_url` and an optional secret token.
    pub fn new(public_url: PublicUrl, zoom_secret: Option<&SecretString>) -> Self {
        Self {
            public_origin: public_url,
            // A blank token is no token (the reader counts blank values as unset too).
            zoom_secret: zoom_secret.and_then(|token| ZoomSecret::new(token).ok()),
            join_link_grace: Self::DEFAULT_JOIN_LINK_GRACE,
            timestamp_tolerance: DEFAULT_TOLERANCE,
            retry_window: DEFAULT_RETRY_WINDOW,
            reply_budget: std::time::Duration::from_millis(2500),
            emit_metrics: false,
        }
    }

    /// The settings as configured, for a site at `public_url`.
    pub fn from_config(public_url: PublicUrl, config: &AttendanceConfig) -> Self {
        let mut settings = Self::new(public_url, config.zoom_secret.as_ref());
        if let Some(grace) = config.join_link_grace {
            settings.join_link_grace = grace;
        }
        if let Some(tolerance) = config.timestamp_tolerance {
            settings.timestamp_tolerance = tolerance;
        }
        settings
    }

    /// The origin as browsers write it in `Origin` (`https://host[:port]`, no slash).
    pub fn origin_header_value(&self) -> String {
        self.public_origin.origin().ascii_serialization()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use app::config::{ConfigError, ConfigProblem, read_parts};

    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<AttendanceSettings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (public_url, config) =
            read_parts::<(PublicUrl, AttendanceConfig)>(|name| map.get(name).cloned())?;
        Ok(AttendanceSettings::from_config(public_url, &config))
    }

    #[test]
    fn settings_read_the_environment_with_defaults() {
        let s = read(&[
            ("PUBLIC_URL", "https://tt.example.com/some/path"),
            ("ZOOM_WEBHOOK_SECRET_TOKEN", "s3cret"),
        ])
        .unwrap();
        assert_eq!(s.origin_header_value(), "https://tt.example.com");
        assert!(s.zoom_secret.is_some());
        assert_eq!(s.join_link_grace, Duration::minutes(60));
        assert_eq!(s.timestamp_tolerance, Duration::minutes(5));
        assert!(!format!("{s:?}").contains("s3cret"), "the secret never prints");

        let local = read(&[
            ("PUBLIC_URL", "http://127.0.0.1:3000"),
            ("JOIN_LINK_GRACE_MINUTES", "15"),
        ])
        .unwrap();
        assert!(local.zoom_secret.is_none());
        assert_eq!(local.origin_header_value(), "http://127.0.0.1:3000");
        assert_eq!(local.join_link_grace, Duration::minutes(15));
    }

    #[test]
    fn bad_settings_are_named() {
        let err = read(&[]).unwrap_err();
        assert!(err.to_string().contains("PUBLIC_URL is not set"), "{err}");
        let err = read(&[("PUBLIC_URL", "ftp://x")]).unwrap_err();
        assert_eq!(
            err.problems.iter().map(ConfigProblem::var).collect::<Vec<_>>(),
            ["PUBLIC_URL"]
        );
        let err = read(&[
            ("PUBLIC_URL", "https://a.example"),
            ("JOIN_LINK_GRACE_MINUTES", "an hour"),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("JOIN_LINK_GRACE_MINUTES is invalid: must be a whole number"),
            "{err}"
        );
    }
}
