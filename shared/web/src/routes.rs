//! Routes every deployment serves once: static files and the language switch.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Duration;
use serde::Deserialize;

use crate::assets;
use crate::cookies::SetCookie;
use crate::lang::{self, Lang};

/// `/static/{file}` and `/lang/{code}`.
pub fn common<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/static/{file}", get(assets::serve))
        .route("/lang/{code}", get(switch_language))
}

#[derive(Debug, Deserialize)]
struct Next {
    next: Option<String>,
}

/// `GET /lang/{ko|en}?next=/path`: remember the choice for a year and go back. Only a display
/// preference changes, so no CSRF token is asked for.
async fn switch_language(Path(code): Path<String>, Query(query): Query<Next>) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let next = query
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = SetCookie::new(lang::COOKIE, lang.code(), Some(Duration::days(365)), false);
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, next)],
        [(header::SET_COOKIE, cookie.to_header_value())],
    )
        .into_response()
}

/// A path on this site, never another host (`//evil`, `/\evil` and schemes are refused).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path.len() <= 2048
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/send?x=1"));
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "evil",
            "/a\nb",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
