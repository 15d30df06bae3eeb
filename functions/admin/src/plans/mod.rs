//! Recurring classes in the admin app: classes (named groups of friends), series (meetings that
//! repeat), and the admin's week. Pages under `/week`, `/classes`, `/series`; the same as JSON
//! under `/api/classes`, `/api/series`, `/api/week`; the calendar feed at `/calendar/{..}.ics`.
//!
//! - [`service`]: load, let the domain decide, write, roll the window (keyed by the session's
//!   admin);
//! - [`week`]: the week's occurrences and meetings with their facts;
//! - [`import`]: an `.ics` file's events as previews of series and meetings;
//! - [`calendar`]: the private iCalendar feed of every meeting and occurrence;
//! - [`pages`]: the week's and the classes' HTML; [`series_pages`]: the series' HTML (list,
//!   new, edit every or following occurrences, cancel); [`api`]: the JSON; [`words`]: problems,
//!   warnings and rules in Korean and English.

pub mod api;
pub mod calendar;
pub mod import;
pub mod pages;
pub mod series_pages;
pub mod service;
pub mod week;
pub mod words;

use axum::Router;
use axum::extract::DefaultBodyLimit;
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
        .route("/series", get(series_pages::list_page).post(series_pages::create))
        .route("/series/new", get(series_pages::new_page))
        .route(
            "/series/{id}",
            get(series_pages::edit_page).post(series_pages::update),
        )
        .route("/series/{id}/cancel", post(series_pages::cancel))
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
        .route("/api/calendar/import", post(import::api::preview))
        // The file travels in a form field: 1 MB of Korean text is up to 9 MB urlencoded.
        .route(
            "/calendar/import",
            get(import::page::page)
                .post(import::page::submit)
                .layer(DefaultBodyLimit::max(10 * 1024 * 1024)),
        )
}
