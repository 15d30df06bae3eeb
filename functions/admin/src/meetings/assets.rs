//! The meeting pages' own script and stylesheet, compiled in and served from
//! `/meetings/assets/{name}` (the CSP allows scripts and styles from our origin only).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const PREFIX: &str = "/meetings/assets/";

const FILES: &[(&str, &str, &str)] = &[
    (
        "meetings.js",
        "text/javascript; charset=utf-8",
        include_str!("static/meetings.js"),
    ),
    (
        "meetings.css",
        "text/css; charset=utf-8",
        include_str!("static/meetings.css"),
    ),
];

pub fn url(name: &str) -> String {
    format!("{PREFIX}{name}")
}

/// `GET /meetings/assets/{name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_never_writes_html_from_strings() {
        let (_, _, js) = FILES[0];
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ] {
            assert!(!js.contains(sink), "meetings.js uses {sink}");
        }
    }
}
