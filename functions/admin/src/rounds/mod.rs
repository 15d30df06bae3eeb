//! Confirm-first rounds in the admin app: the page behind the memo's one-tap link
//! (`/meetings/{id}/rounds/{n}/send`: who is waiting, one button) and the approval that sends
//! exactly the prepared batch (`app::sweep::Sweeper::approve`), with their JSON twins.
//!
//! - [`sweeper`]: the sweep as the admin function builds it (same settings as the sweep's);
//! - [`views`] and [`pages`]: the pages and the JSON API;
//! - [`summary`]: the admin's round-summary choice (`/settings/reminders`).

pub mod pages;
pub mod summary;
pub mod sweeper;
pub mod views;

use axum::Router;
use axum::routing::get;
use web::WebState;

/// The rounds routes, for the admin router to merge (inside its web layer, which checks the
/// CSRF token of every POST).
pub fn router() -> Router<WebState> {
    Router::new()
        .route(
            "/meetings/{id}/rounds/{n}/send",
            get(pages::prepared).post(pages::approve),
        )
        .route("/api/meetings/{id}/rounds/{n}", get(pages::prepared_json))
        .route(
            "/api/meetings/{id}/rounds/{n}/send",
            axum::routing::post(pages::approve_json),
        )
        .route("/settings/reminders", get(summary::page).post(summary::save))
        .route(
            "/api/settings/reminders",
            get(summary::get_json).put(summary::put_json),
        )
}
