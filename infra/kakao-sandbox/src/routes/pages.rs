//! Pages for people: the index, the app's settings and each user's inbox.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::AppState;
use crate::pages::{inbox::inbox_page, index};

pub(super) async fn index(State(state): State<AppState>) -> Markup {
    index::index_page(&state.shared.lock())
}

pub(super) async fn settings(State(state): State<AppState>) -> Markup {
    index::settings_page(&state.shared.lock())
}

pub(super) async fn inbox(State(state): State<AppState>, Path(user_id): Path<i64>) -> Response {
    let sandbox = state.shared.lock();
    let Some(owner) = sandbox.directory.get(user_id) else {
        return (StatusCode::NOT_FOUND, format!("no user {user_id}")).into_response();
    };
    let messages = sandbox
        .inboxes
        .get(&user_id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    inbox_page(owner, messages, &sandbox.directory, &sandbox.app.web_domains).into_response()
}
