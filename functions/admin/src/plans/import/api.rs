//! `POST /api/calendar/import` with the file as the body (`text/calendar`), at most 1 MB and 500
//! events: `{"events": [...]}`, each with `"series"` (a body for `POST /api/series`) or
//! `"meeting"` (for `POST /api/meetings`), or `"unsupported"` saying why neither.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use web::extract::AdminSession;
use web::{Lang, WebError, WebState};

pub async fn preview(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    body: Bytes,
) -> Result<Response, WebError> {
    let friends = state.services().store.list_friends(session.admin, false).await?;
    match super::read(&body, &friends, lang) {
        Ok(previews) => {
            let events: Vec<_> = previews.iter().map(super::Preview::json).collect();
            Ok(Json(json!({ "events": events })).into_response())
        }
        Err(refusal) => Ok(web::pages::api_problem(
            StatusCode::BAD_REQUEST,
            refusal.code(),
            refusal.words(lang),
        )),
    }
}
