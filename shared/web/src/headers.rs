//! Security headers on every response: a strict Content-Security-Policy and its companions,
//! HSTS among them, each added only where the handler did not set its own.
//!
//! No page has inline script or style, so the policy allows scripts and styles only from our own
//! origin (`/static/...`). Thumbnails come from Kakao's CDN over https; the QR code is inline SVG.
//! Pages and API answers are never cached (they are per admin); static files are (their handler,
//! [`crate::assets::serve`], says so itself).

use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy every response carries.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Each header and its value.
const HEADERS: [(&str, &str); 8] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    // HTTPS only, for a year (browsers ignore it on plain-http local runs). No
    // includeSubDomains: an operator's other subdomains are not ours to pin.
    ("strict-transport-security", "max-age=31536000"),
    ("x-frame-options", "DENY"),
    // Onboarding codes and OAuth parameters live in URLs: never hand them to other sites.
    ("referrer-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    ),
    ("cache-control", "no-store"),
];

/// Adds the security headers to every response of `router` (keeping any a handler set itself).
pub fn security_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    HEADERS.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ))
    })
}
