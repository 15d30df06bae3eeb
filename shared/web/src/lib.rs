//! The web layer shared by the HTTP functions (`login`, `admin`): everything a page or an
//! API answer needs that is not about one feature.
//!
//! - [`keys`]: the one web secret and the keys derived from it (`app::config::web_secret`,
//!   read with the other settings).
//! - [`seal`]: encrypted, authenticated cookie values (the `cookie` crate's private jar), a key
//!   per purpose.
//! - [`session`]: admin sessions as sealed cookies (12 idle hours), nothing stored server-side.
//! - [`csrf`]: the per-session token every state-changing request carries.
//! - [`consent`]: the consent items ttokttok needs, in plain words.
//! - [`cookies`]: reading `Cookie`, writing `Set-Cookie` (the `cookie` crate, our attributes).
//! - [`onboarding`]: the opaque code in an admin's client link `/join/{code}`.
//! - [`lang`]: Korean or English per request (cookie, then `Accept-Language`).
//! - [`headers`]: the strict Content-Security-Policy and other security headers (tower-http).
//! - [`layout`]: the page frame; [`assets`]: the stylesheet and script it loads.
//! - [`time`]: Korean-time and relative times for pages.
//! - [`SiteSettings`]: `PUBLIC_URL` and the web secret, read with the other settings
//!   (`app::config::site`); [`state`]: [`WebState`], what handlers hold.
//! - [`middleware`]: the session/CSRF layer; [`extract`]: [`extract::AdminSession`] and friends.
//! - [`flood`]: per-tenant flood control (429 to that tenant only), a route layer.
//! - [`login_cookie`]: binds a Kakao login to the browser that started it.
//! - [`pages`]: problem pages and their JSON twins; [`routes`]: static files, language switch.
//! - [`error`]: [`WebError`], what a handler returns with `?`, rendered as a page or as JSON by
//!   the route family.
//!
//! A function's router is its own routes, then [`layers`]: the error rendering, the session
//! layer (with state) and the security headers.

pub mod assets;
pub mod consent;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod flood;
pub mod headers;
pub mod lang;
pub mod layout;
pub mod login_cookie;
pub mod middleware;
pub mod onboarding;
pub mod pages;
pub mod routes;
pub mod seal;
pub mod session;
pub mod state;
pub mod time;

pub use app::config::web_secret as keys;
pub use app::config::{SiteSettings, WebSecret};
pub use csrf::CsrfToken;
pub use error::WebError;
pub use lang::Lang;
pub use session::{Session, SessionCookies, SessionRejected};
pub use state::WebState;

/// Adds the 404 page for paths no route serves, under the security headers. For a router that
/// serves alone (a Lambda function, or the merged local router); routers to be merged must not
/// carry a fallback each.
pub fn with_not_found(router: axum::Router) -> axum::Router {
    headers::security_headers(router.fallback(pages::not_found))
}

/// Wraps a function's routes in the web layer: handlers' [`WebError`]s rendered, the session and
/// CSRF layer, then the security headers on everything (error answers from the layer included).
pub fn layers(router: axum::Router<WebState>, state: WebState) -> axum::Router {
    let router = router
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::render))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::session_layer,
        ))
        .with_state(state);
    headers::security_headers(router)
}
