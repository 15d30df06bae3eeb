//! The delivery log in the admin app: every reminder attempt per meeting and per friend (time,
//! round, outcome, Kakao's code in words), the deliveries whose outcome is unknown (shown, never
//! resent), and the banner that says reminders are paused while the admin needs a login or a
//! consent.
//!
//! - [`log`]: reading it, keyed by the session's admin;
//! - [`words`]: states, Kakao codes and skip reasons in Korean and English;
//! - [`views`] and [`pages`]: the pages and their JSON twins.

pub mod log;
pub mod pages;
pub mod views;
pub mod words;

use axum::Router;
use axum::routing::get;
use web::WebState;

/// The delivery-log routes, for the admin router to merge (inside its web layer).
pub fn router() -> Router<WebState> {
    Router::new()
        .route("/meetings/{id}/deliveries", get(pages::meeting))
        .route("/friends/{uuid}/deliveries", get(pages::friend))
        .route("/deliveries/unknown", get(pages::unknown))
        .route("/api/meetings/{id}/deliveries", get(pages::meeting_json))
        .route("/api/friends/{uuid}/deliveries", get(pages::friend_json))
        .route("/api/deliveries/unknown", get(pages::unknown_json))
        .route("/api/reminders/banner", get(pages::banner_json))
}
