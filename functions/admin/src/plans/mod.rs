//! Recurring classes in the admin app: classes (named groups of friends), series (meetings that
//! repeat), and the admin's week. Pages under `/week`, `/classes`, `/series`; the same as JSON
//! under `/api/classes`, `/api/series`, `/api/week`; the calendar feed at `/calendar/{..}.ics`.
//!
//! - [`service`]: load, let the domain decide, write, roll the window (keyed by the session's
//!   admin);
//! - [`week`]: the week's occurrences and meetings with their facts;
//! - [`import`]: an `.ics` file's events as previews of series and meetings;
//! - [`calendar`]: the private iCalendar feed of every meeting and occurrence;
//! - [`pages`]: the HTML; [`api`]: the JSON; [`words`]: problems and warnings in Korean.

pub mod api;
pub mod calendar;
pub mod import;
pub mod pages;
pub mod service;
pub mod week;
pub mod words;

use axum::Router;
use axum::routing::{get, post, put};
use web::WebState;

pub fn router() -> Router<WebState> {
    Router::new()
        .route("/week", get(pages::week_page))
        .route("/calendar", get(calendar::page))
        .route("/calendar/feed", post(calendar::make))
        .route("/calendar/feed/stop", post(calendar::stop))
        .route("/classes", get(pages::classes_page).post(pages::save_class))
        .route("/classes/{id}", post(pages::save_class))
        .route("/series/new", get(pages::new_series))
        .route("/series", post(pages::create_series))
        .route("/series/{id}/occurrences/{original}", post(pages::set_occurrence))
        .route("/api/classes", get(api::list_classes).post(api::create_class))
        .route("/api/classes/{id}", put(api::update_class))
        .route("/api/series", get(api::list_series).post(api::create_series))
        .route("/api/series/{id}", get(api::get_series).put(api::update_series))
        .route("/api/series/{id}/cancel", post(api::cancel_series))
        .route(
            "/api/series/{id}/occurrences/{original}",
            put(api::set_occurrence),
        )
        .route("/api/week", get(api::week))
        .route("/api/calendar/import", post(import::preview))
}
