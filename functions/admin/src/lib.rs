//! The admin web app and its JSON API: the admin's desk.
//!
//! [`router`] serves, behind the web layer (sessions, CSRF, CSP), server-rendered pages in
//! Korean and English ([`pages`], [`views`]) and the same actions as JSON under `/api/`
//! ([`api`]), plus the static files and the language switch every page uses.
//!
//! - [`desk`]: reading what the pages show (dashboard, friends, delivery log);
//! - [`health`]: token health and today's quota, decided purely;
//! - [`compose`]: a reminder as the admin writes it, parsed;
//! - [`reminders`]: sending one reminder by hand (quota, delivery record, Kakao, outcome);
//! - [`problem`]: why a reminder could not go, in words the admin can act on;
//! - [`metrics`]: the reminders sent from here, for CloudWatch.

pub mod api;
pub mod compose;
pub mod deliveries;
pub mod desk;
pub mod health;
pub mod meetings;
pub mod metrics;
pub mod pages;
pub mod problem;
pub mod reminders;
pub mod rounds;
pub mod views;

use axum::Router;
use axum::routing::{get, post};
use web::WebState;

/// The admin function's routes, wrapped in the web layer. Carries no 404 fallback (so it can be
/// merged with the login router); a router that serves alone adds [`web::with_not_found`].
pub fn router(state: WebState) -> Router {
    let routes = Router::new()
        .route("/", get(pages::home))
        .route("/send", get(pages::send_page).post(pages::send_form))
        .route("/sync", post(pages::sync_now))
        .route("/invite", get(pages::invite))
        .route("/api/me", get(api::me))
        .route("/api/friends", get(api::friends))
        .route("/api/friends/{uuid}", get(api::friend))
        .route("/api/reminders", post(api::send_reminder))
        .route("/api/sync", post(api::sync))
        .route("/api/deliveries", get(api::deliveries))
        .merge(meetings::router())
        .merge(web::routes::common())
        .merge(rounds::router().merge(deliveries::router()));
    web::layers(routes, state)
}
