//! Pages and answers every route may end in: a problem page (400, 403, 404, Kakao trouble, ...)
//! and its JSON twin for `/api/`.
//!
//! Problem pages say what happened and what to do in plain words; details (Kakao codes, causes)
//! go to the logs only.

use axum::Json;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde_json::json;

use crate::lang::Lang;
use crate::layout::{self, Chrome};

/// A problem to show a person.
#[derive(Debug, Clone, Copy)]
pub struct Problem<'a> {
    pub status: StatusCode,
    /// A stable id for the page (`id="problem"` carries it as `data-problem`), for tests and
    /// support: `state-invalid`, `kakao-unavailable`, ...
    pub id: &'a str,
    pub title: &'a str,
    pub message: &'a str,
    /// One way forward: (href, label).
    pub action: Option<(&'a str, &'a str)>,
}

/// A full page for `problem`.
pub fn problem_page(lang: Lang, here: &str, problem: Problem<'_>) -> Response {
    let body = html! {
        div.card.narrow.center #problem data-problem=(problem.id) {
            div.status-icon aria-hidden="true" { "⚠︎" }
            h1 { (problem.title) }
            p { (problem.message) }
            @if let Some((href, label)) = problem.action {
                div.actions { a.btn #problem-action href=(href) { (label) } }
            }
            p.small.muted { a href="/" { (lang.t("처음으로", "Back to the start")) } }
        }
    };
    let page = layout::page(&Chrome::public(lang, problem.title, here), body);
    (problem.status, page).into_response()
}

/// The JSON answer of an `/api/` route that cannot do what was asked:
/// `{"error": "<id>", "message": "<for people>"}`.
pub fn api_problem(status: StatusCode, id: &str, message: &str) -> Response {
    (status, Json(json!({ "error": id, "message": message }))).into_response()
}

/// Whether a path belongs to the JSON API (which answers JSON, never pages or redirects).
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The 404 of both routers.
pub async fn not_found(lang: Lang, uri: Uri) -> Response {
    if is_api(uri.path()) {
        return api_problem(
            StatusCode::NOT_FOUND,
            "not_found",
            lang.t("찾는 것이 없습니다.", "There is nothing here."),
        );
    }
    problem_page(
        lang,
        uri.path(),
        Problem {
            status: StatusCode::NOT_FOUND,
            id: "not-found",
            title: lang.t("페이지를 찾을 수 없습니다", "Page not found"),
            message: lang.t(
                "주소가 바뀌었거나 없는 페이지입니다.",
                "The address may have changed, or the page does not exist.",
            ),
            action: Some(("/", lang.t("처음으로 가기", "Go to the start"))),
        },
    )
}

/// Something failed on our side or Kakao's; the cause is already logged.
pub fn unavailable(lang: Lang, here: &str) -> Response {
    if is_api(here) {
        return api_problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            lang.t(
                "잠시 후 다시 시도해 주세요.",
                "Something went wrong on our side. Please try again in a moment.",
            ),
        );
    }
    problem_page(
        lang,
        here,
        Problem {
            status: StatusCode::SERVICE_UNAVAILABLE,
            id: "unavailable",
            title: lang.t("잠시 문제가 생겼습니다", "Something went wrong"),
            message: lang.t(
                "잠시 후 다시 시도해 주세요. 문제가 계속되면 운영자에게 알려 주세요.",
                "Please try again in a moment. If it keeps happening, let the operator know.",
            ),
            action: Some((here, lang.t("다시 시도", "Try again"))),
        },
    )
}
