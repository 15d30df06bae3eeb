//! `GET /join/{code}`: the page a client opens from an admin's invite link.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use web::extract::Here;
use web::pages::{Problem, problem_page};
use web::{Lang, WebState};

use crate::pages;

pub async fn welcome(
    State(state): State<WebState>,
    lang: Lang,
    Here(here): Here,
    Path(code): Path<String>,
) -> Response {
    let Some(admin) = state.onboarding().admin_for(&code) else {
        return unknown_link(lang, &here);
    };
    match state.services().store.get_admin(admin).await {
        Ok(profile) => {
            let start = format!("/join/{code}/start");
            pages::client_welcome(lang, &here, &profile.nickname, &start).into_response()
        }
        Err(error) if error.is_not_found() => unknown_link(lang, &here),
        Err(error) => {
            tracing::error!(error = %error, "could not read the inviting admin");
            web::pages::unavailable(lang, &here)
        }
    }
}

/// An invite link we did not issue, or whose admin has left.
pub fn unknown_link(lang: Lang, here: &str) -> Response {
    problem_page(
        lang,
        here,
        Problem {
            status: StatusCode::NOT_FOUND,
            id: "unknown-link",
            title: lang.t("초대 링크가 올바르지 않습니다", "This invite link is not valid"),
            message: lang.t(
                "링크가 잘렸거나 더 이상 쓰이지 않습니다. 링크를 보낸 분께 다시 받아 주세요.",
                "The link may be cut short or no longer in use. Please ask the person who sent it for a new one.",
            ),
            action: None,
        },
    )
}
