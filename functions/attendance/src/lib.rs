//! Who has joined: the Zoom webhook, tracked join links and reminder opt-outs.
//!
//! [`router`] serves, under the security headers (no session layer: none of these callers is a
//! logged-in admin):
//! - `POST /webhooks/zoom`: Zoom's signed participant events ([`zoom`]);
//! - `GET /j/{token}`: a reminder's join button ([`links`]);
//! - `GET|POST /stop/{token}`: a reminder's "stop these reminders" button ([`stop`]).
//!
//! - [`settings`]: the public origin, the Zoom secret and the join links' timing, built from the
//!   settings read at start-up; [`state`]: what the routes hold; [`metrics`]: the outcomes counted; [`pages`]: what a recipient sees.
//!
//! Setting up Zoom (operator): in the Zoom App Marketplace, a webhook-only (or general) app with
//! event subscriptions `meeting.participant_joined` and `meeting.participant_left`, endpoint
//! `{PUBLIC_URL}/webhooks/zoom`; its secret token goes in `ZOOM_WEBHOOK_SECRET_TOKEN` (in AWS,
//! the template's Secrets Manager secret, read once at cold start through `app::secrets`).
//! Zoom validates the endpoint on saving and every 72 hours; this router answers it. Meetings are
//! matched by the Zoom meeting id the admin enters on the meeting form.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use app::config::{AttendanceConfig, PublicUrl};
//! let (services, (public_url, config)) = app::Services::from_env::<(PublicUrl, AttendanceConfig)>().await?;
//! let settings = attendance::AttendanceSettings::from_config(public_url, &config);
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

/// The settings this function reads at start-up beside the shared ones, declared once
/// ([`app::config::Part`]): the site's URL (the opt-out form's origin) and the Zoom token and
/// timing.
pub type SettingsParts = (app::config::PublicUrl, app::config::AttendanceConfig);

pub use settings::AttendanceSettings;
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
