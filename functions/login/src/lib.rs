//! Kakao login, consent, client onboarding and the unlink webhook: the admin's door.
//!
//! [`router`] serves, behind the web layer (sessions, CSRF, CSP):
//! - `GET /login`: an admin logs in ([`authorize`]);
//! - `GET /consent`: a logged-in admin agrees to missing items ([`authorize`]);
//! - `GET /oauth/callback`: every login comes back here ([`callback`]);
//! - `GET|POST /logout` ([`logout`]);
//! - `GET /join/{code}`, `GET /join/{code}/start`: a client onboards through an admin's link
//!   ([`join`], [`authorize`]);
//! - `GET|POST /kakao/unlink`: Kakao's unlink webhook ([`unlink`]).
//!
//! Failures end in the pages of [`error`]; the flows' own pages are in [`pages`]; the counts
//! alarms watch are written by [`metrics`].
//! Static files and the language switch are served by the `admin` function.

pub mod authorize;
pub mod callback;
pub mod error;
pub mod join;
pub mod logout;
pub mod metrics;
pub mod pages;
pub mod unlink;

use axum::Router;
use axum::routing::get;
use domain::flood::FloodAction;
use web::WebState;
use web::flood::FloodGuard;

/// The settings this function reads at start-up beside the shared ones, declared once
/// ([`app::config::Part`]): it serves pages, so the site's URL and web secret.
pub type SettingsParts = web::SiteSettings;

/// The login function's routes, wrapped in the web layer. Carries no 404 fallback, so it can be
/// merged with the admin router; a router that serves alone adds [`web::with_not_found`].
pub fn router(state: WebState) -> Router {
    // Every way into Kakao's login is counted per client address (flood control).
    let logins = Router::new()
        .route("/login", get(authorize::admin_login))
        .route("/consent", get(authorize::additional_consent))
        .route("/oauth/callback", get(callback::callback))
        .route("/join/{code}/start", get(authorize::client_login))
        .route_layer(axum::middleware::from_fn_with_state(
            FloodGuard::new(&state, FloodAction::Login),
            web::flood::limit,
        ));
    let routes = Router::new()
        .merge(logins)
        .route("/logout", get(logout::by_link).post(logout::by_form))
        .route("/join/{code}", get(join::welcome))
        .route("/kakao/unlink", get(unlink::webhook).post(unlink::webhook));
    web::layers(routes, state)
}
