//! The admin web app and its JSON API: the admin's desk.
//!
//! [`router`] serves, behind the web layer (sessions, CSRF, CSP), server-rendered pages in
//! Korean and English and the same actions as JSON under `/api/`, plus the static files and the
//! language switch every page uses. One folder per feature, each with its pages, API and rules:
//!
//! - [`desk`]: the dashboard, the invite page, friends and "sync now", and reading what the
//!   pages show (token health, today's quota, the delivery log);
//! - [`send`]: sending one reminder by hand (the page, the API, the reminder as written, why one
//!   could not go);
//! - [`meetings`]: meetings, their invitees, the live view and matching Zoom participants;
//! - [`plans`]: recurring classes: classes, series, the admin's week;
//! - [`rounds`]: confirm-first rounds (the prepared batch and its approval) and the round summary
//!   setting;
//! - [`deliveries`]: the delivery log by meeting, by friend, and the unknown outcomes;
//! - [`views`]: view pieces the desk and the send page share;
//! - [`metrics`]: the reminders sent from here (by hand and in approved rounds), for CloudWatch.

pub mod deliveries;
pub mod desk;
pub mod meetings;
pub mod metrics;
pub mod plans;
pub mod rounds;
pub mod send;
pub mod views;

use axum::Router;
use axum::routing::{get, post};
use domain::flood::FloodAction;
use web::WebState;
use web::flood::FloodGuard;

/// The settings this function reads at start-up beside the shared ones, declared once
/// ([`app::config::Part`]): it serves pages, so the site's URL and web secret.
pub type SettingsParts = web::SiteSettings;

/// The admin function's routes, wrapped in the web layer. Carries no 404 fallback (so it can be
/// merged with the login router); a router that serves alone adds [`web::with_not_found`].
pub fn router(state: WebState) -> Router {
    // Flood control per admin: what costs Kakao calls or store writes (reads are not counted).
    let flood =
        |action| axum::middleware::from_fn_with_state(FloodGuard::new(&state, action), web::flood::limit);
    let syncs = Router::new()
        .route("/sync", post(desk::pages::sync_now))
        .route("/api/sync", post(desk::api::sync))
        .route_layer(flood(FloodAction::FriendSync));
    let sends = Router::new()
        .route("/send", get(send::page::send_page).post(send::page::send_form))
        .route("/api/reminders", post(send::api::send_reminder))
        .route_layer(flood(FloodAction::ManualSend));
    let meeting_writes = meetings::router()
        .merge(rounds::router())
        .merge(plans::router())
        .route_layer(flood(FloodAction::MeetingWrite));
    let routes = Router::new()
        .route("/", get(desk::pages::home))
        .route("/invite", get(desk::pages::invite))
        .route("/api/me", get(desk::api::me))
        .route("/api/friends", get(desk::api::friends))
        .route("/api/friends/{uuid}", get(desk::api::friend))
        .route("/api/deliveries", get(desk::api::deliveries))
        // No session: the address itself is the credential (see plans::calendar).
        .route("/calendar/{file}", get(plans::calendar::feed))
        .merge(syncs)
        .merge(sends)
        .merge(meeting_writes)
        .merge(web::routes::common())
        .merge(deliveries::router());
    web::layers(routes, state)
}
