//! Meetings in the admin app: create, edit, cancel, list (upcoming, live, past); the live view
//! of who has joined (refreshing itself while the meeting runs); the invitee picker; match keys
//! with suggestions by nickname; the manual "present" tick; the message's live preview. Pages
//! under `/meetings`, the same actions as JSON under `/api/meetings`.
//!
//! - [`form`]: what the admin submits, into the domain's `MeetingForm`, and back for editing;
//! - [`service`]: load, let the domain decide, write (every call keyed by the session's admin);
//! - [`status`]: where each invitee stands, decided purely;
//! - [`pages`] and [`views`]: the HTML; [`api`]: the JSON; [`words`]: problems in Korean;
//! - [`assets`]: the pages' script and stylesheet (files, no inline script: strict CSP).

pub mod api;
pub mod assets;
pub mod form;
pub mod pages;
pub mod service;
pub mod status;
pub mod views;
pub mod words;

use axum::Router;
use axum::routing::{get, post, put};
use web::WebState;

/// The meeting routes, for the admin router to merge (inside its web layer).
pub fn router() -> Router<WebState> {
    Router::new()
        .route("/meetings", get(pages::list).post(pages::create))
        .route("/meetings/new", get(pages::new_form))
        .route("/meetings/assets/{file}", get(assets::serve))
        .route("/meetings/{id}", get(pages::live).post(pages::update))
        .route("/meetings/{id}/edit", get(pages::edit_form))
        .route("/meetings/{id}/cancel", post(pages::cancel))
        .route("/meetings/{id}/present", post(pages::present))
        .route(
            "/meetings/{id}/match",
            get(pages::match_page).post(pages::save_match),
        )
        .route("/api/meetings", get(api::list).post(api::create))
        .route("/api/meetings/preview", post(api::preview))
        .route("/api/meetings/{id}", get(api::get).put(api::update))
        .route("/api/meetings/{id}/cancel", post(api::cancel))
        .route("/api/meetings/{id}/status", get(api::status))
        .route("/api/meetings/{id}/attendance/{uuid}", put(api::set_present))
        .route(
            "/api/meetings/{id}/invitees/{uuid}/match-keys",
            put(api::set_match_keys),
        )
        .route("/api/meetings/{id}/suggestions", get(api::suggestions))
}
