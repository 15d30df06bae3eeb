//! The web layer shared by the HTTP functions (`oauth-callback`, `admin`): everything a page or an
//! API answer needs that is not about one feature.
//!
//! - [`keys`]: the one web secret and the keys derived from it.
//! - [`seal`]: encrypted, authenticated cookie values (AES-256-GCM).
//! - [`session`]: admin sessions as sealed cookies (12 idle hours), nothing stored server-side.
//! - [`csrf`]: the per-session token every state-changing request carries.
//! - [`cookies`]: reading `Cookie`, writing `Set-Cookie`.
//! - [`onboarding`]: the opaque code in an admin's client link `/join/{code}`.
//! - [`lang`]: Korean or English per request (cookie, then `Accept-Language`).
//! - [`headers`]: the strict Content-Security-Policy and other security headers.
//! - [`layout`]: the page frame; [`assets`]: the stylesheet and script it loads.
//! - [`time`]: Korean-time and relative times for pages.

pub mod assets;
pub mod cookies;
pub mod csrf;
pub mod headers;
pub mod keys;
pub mod lang;
pub mod layout;
pub mod onboarding;
pub mod seal;
pub mod session;
pub mod time;

pub use csrf::CsrfToken;
pub use keys::WebSecret;
pub use lang::Lang;
pub use session::{Session, SessionCookies};
