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
use domain::flood::FloodAction;
use web::WebState;
use web::flood::FloodGuard;

/// The admin function's routes, wrapped in the web layer. Carries no 404 fallback (so it can be
/// merged with the login router); a router that serves alone adds [`web::with_not_found`].
pub fn router(state: WebState) -> Router {
    // Flood control per admin: what costs Kakao calls or store writes (reads are not counted).
    let flood =
        |action| axum::middleware::from_fn_with_state(FloodGuard::new(&state, action), web::flood::limit);
    let syncs = Router::new()
        .route("/sync", post(pages::sync_now))
        .route("/api/sync", post(api::sync))
        .route_layer(flood(FloodAction::FriendSync));
    let sends = Router::new()
        .route("/send", get(pages::send_page).post(pages::send_form))
        .route("/api/reminders", post(api::send_reminder))
        .route_layer(flood(FloodAction::ManualSend));
    let meeting_writes = meetings::router()
        .merge(rounds::router())
        .route_layer(flood(FloodAction::MeetingWrite));
    let routes = Router::new()
        .route("/", get(pages::home))
        .route("/invite", get(pages::invite))
        .route("/api/me", get(api::me))
        .route("/api/friends", get(api::friends))
        .route("/api/friends/{uuid}", get(api::friend))
        .route("/api/deliveries", get(api::deliveries))
        .merge(syncs)
        .merge(sends)
        .merge(meeting_writes)
        .merge(web::routes::common())
        .merge(deliveries::router());
    web::layers(routes, state)
}
