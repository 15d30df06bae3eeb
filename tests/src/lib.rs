//! End-to-end tests across crates, including the browser walk-through.
//!
//! This library is the tests' toolkit:
//! - [`TestApp::spawn`] (`spawn_app`): the real routers of both HTTP functions, served by
//!   `infra/local` on an ephemeral port, against an in-process Kakao sandbox and a SQLite store
//!   in a fresh temporary directory, with a clock the test moves;
//! - [`Browser`]: a cookie-keeping HTTP client that follows no redirect on its own, so every hop
//!   of a login can be looked at;
//! - [`Consent`] and [`Browser::through_kakao`]: walking the sandbox's account picker and consent
//!   screen with plain form posts, as a person would;
//! - [`html`]: reading ids, attributes and links out of pages;
//! - [`webdriver`]: headless Chromium through `chromedriver`, for the browser walk-through.

pub mod browser;
pub mod html;
pub mod spawn;
pub mod webdriver;

pub use browser::{Browser, Consent, Page};
pub use spawn::{TestApp, spawn_app};
