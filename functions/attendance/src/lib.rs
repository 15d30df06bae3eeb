//! Who has joined: the Zoom webhook, tracked join links and reminder opt-outs.
//!
//! [`router`] serves, under the security headers (no session layer: none of these callers is a
//! logged-in admin):
//! - `POST /webhooks/zoom`: Zoom's signed participant events ([`zoom`]);
//! - `GET /j/{token}`: a reminder's join button ([`links`]);
//! - `GET|POST /stop/{token}`: a reminder's "stop these reminders" button ([`stop`]).
//!
//! - [`settings`]: `PUBLIC_URL`, `ZOOM_WEBHOOK_SECRET_TOKEN` and friends; [`state`]: what the
//!   routes hold; [`metrics`]: the outcomes counted; [`pages`]: what a recipient sees.
//!
//! Setting up Zoom (operator): in the Zoom App Marketplace, a webhook-only (or general) app with
//! event subscriptions `meeting.participant_joined` and `meeting.participant_left`, endpoint
//! `{PUBLIC_URL}/webhooks/zoom`; its secret token goes in `ZOOM_WEBHOOK_SECRET_TOKEN` (in AWS,
//! the template's Secrets Manager secret, read once at cold start through `app::secrets`).
//! Zoom validates the endpoint on saving and every 72 hours; this router answers it. Meetings are
//! matched by the Zoom meeting id the admin enters on the meeting form.
//!
//! ```no_run
//! # async fn demo(services: app::Services) -> Result<(), Box<dyn std::error::Error>> {
//! let settings = attendance::AttendanceSettings::from_env()?;
//! let router = attendance::router(attendance::AttendanceState::from_services(&services, settings));
//! # let _ = router; Ok(()) }
//! ```

pub mod links;
pub mod metrics;
pub mod pages;
pub mod settings;
pub mod state;
pub mod stop;
pub mod zoom;

use axum::Router;
use axum::routing::{get, post};

pub use settings::{AttendanceConfigError, AttendanceSettings};
pub use state::AttendanceState;

/// The attendance routes with the security headers. Carries no 404 fallback, so it can be
/// merged with the other routers; a router that serves alone adds [`web::with_not_found`].
pub fn router(state: AttendanceState) -> Router {
    let routes = Router::new()
        .route("/webhooks/zoom", post(zoom::webhook::zoom_webhook))
        .route("/j/{token}", get(links::join_link))
        .route("/stop/{token}", get(stop::stop_page).post(stop::stop_confirm))
        .with_state(state);
    web::headers::security_headers(routes)
}
