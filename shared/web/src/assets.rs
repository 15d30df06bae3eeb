//! Static files (stylesheet, script, icon), compiled into the binary and served from
//! `/static/{name}`: the CSP allows scripts and styles from our own origin only, so every bit of
//! behaviour and look lives in these files, none inline.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Where static files are served.
pub const PREFIX: &str = "/static/";

const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/app.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../static/favicon.svg"),
    ),
];

/// The URL of a static file.
pub fn url(name: &str) -> String {
    format!("{PREFIX}{name}")
}

/// How long browsers keep static files (every other answer is `no-store`).
const CACHE_FOR: &str = "public, max-age=3600";

/// `GET /static/{name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    let cache = [(header::CACHE_CONTROL, CACHE_FOR)];
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, body)) => {
            (cache, [(header::CONTENT_TYPE, *content_type)], *body).into_response()
        }
        None => (StatusCode::NOT_FOUND, cache).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_never_writes_html_from_strings() {
        let (_, _, js) = FILES.iter().find(|(f, _, _)| *f == "app.js").unwrap();
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ] {
            assert!(!js.contains(sink), "app.js uses {sink}");
        }
    }
}
