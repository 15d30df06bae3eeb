//! The attendance function's own variables ([`AttendanceConfig`]; with [`super::PublicUrl`],
//! which the opt-out form's `Origin` must equal).
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `ZOOM_WEBHOOK_SECRET_TOKEN` | the Zoom app's secret token (in AWS, read from Secrets Manager at cold start through `ZOOM_WEBHOOK_SECRET_TOKEN_SECRET_ARN`) | unset: the Zoom webhook answers 503 |
//! | `JOIN_LINK_GRACE_MINUTES` | how long after a meeting ends its join links still redirect | 60 |
//! | `ZOOM_TIMESTAMP_TOLERANCE_SECS` | how far a webhook's timestamp may be from our clock | 300 |

use chrono::Duration;
use secrecy::SecretString;

use super::{Env, Part};

/// The Zoom secret token and the join links' timing; `None` keeps the attendance function's
/// default (see the table above).
#[derive(Debug, Clone, Default)]
pub struct AttendanceConfig {
    /// Never blank: a blank value counts as unset.
    pub zoom_secret: Option<SecretString>,
    pub join_link_grace: Option<Duration>,
    pub timestamp_tolerance: Option<Duration>,
}

impl Part for AttendanceConfig {
    fn read(env: &mut Env<'_>) -> Option<Self> {
        let zoom_secret = env.optional("ZOOM_WEBHOOK_SECRET_TOKEN").map(SecretString::from);
        // Negative values count as zero.
        let mut whole = |var: &'static str, unit: fn(i64) -> Option<Duration>| {
            env.parsed(var, None, |raw| {
                raw.parse::<i64>()
                    .ok()
                    .and_then(|n| unit(n.max(0)))
                    .map(Some)
                    .ok_or_else(|| "must be a whole number".to_owned())
            })
        };
        let join_link_grace = whole("JOIN_LINK_GRACE_MINUTES", Duration::try_minutes);
        let timestamp_tolerance = whole("ZOOM_TIMESTAMP_TOLERANCE_SECS", Duration::try_seconds);
        Some(Self {
            zoom_secret,
            join_link_grace,
            timestamp_tolerance,
        })
    }
}
