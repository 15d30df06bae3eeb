//! Security headers on every response: a strict Content-Security-Policy and its companions,
//! HSTS among them.
//!
//! No page has inline script or style, so the policy allows scripts and styles only from our own
//! origin (`/static/...`). Thumbnails come from Kakao's CDN over https; the QR code is inline SVG.
//! Pages and API answers are never cached (they are per admin); static files are.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy every response carries.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Adds the security headers (keeping any a handler set itself).
pub async fn security_headers(request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with(crate::assets::PREFIX);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // HTTPS only, for a year (browsers ignore it on plain-http local runs). No
    // includeSubDomains: an operator's other subdomains are not ours to pin.
    set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    set(header::X_FRAME_OPTIONS, "DENY");
    // Onboarding codes and OAuth parameters live in URLs: never hand them to other sites.
    set(header::REFERRER_POLICY, "same-origin");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if is_static {
        set(header::CACHE_CONTROL, "public, max-age=3600");
    } else {
        set(header::CACHE_CONTROL, "no-store");
    }
    response
}
