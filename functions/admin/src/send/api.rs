//! `POST /api/reminders` `{"friend", "text", "link"}`: the manual send as JSON. 201 sent; 400 bad
//! fields; 404 unknown friend; 422 could not go (`problem` says why, as the dialog does).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use web::extract::AdminSession;
use web::pages::api_problem;
use web::{Lang, WebError, WebState};

use super::compose::ReminderInput;
use super::reminders::{self, SendFailure};
use crate::desk::FriendView;
use crate::desk::api::NO_SUCH_FRIEND;
use crate::desk::pages::invite_link;

pub async fn send_reminder(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    body: Bytes,
) -> Result<Response, WebError> {
    let Ok(input) = serde_json::from_slice::<ReminderInput>(&body) else {
        return Ok(api_problem(
            StatusCode::BAD_REQUEST,
            "invalid",
            lang.t(
                "JSON 본문 {\"friend\", \"text\", \"link\"} 이 필요합니다.",
                "Send a JSON body {\"friend\", \"text\", \"link\"}.",
            ),
        ));
    };
    let reminder = match input.parse() {
        Ok(reminder) => reminder,
        Err(problems) => {
            let fields: Vec<_> = problems
                .iter()
                .map(|p| json!({ "field": p.field(), "message": p.message(lang) }))
                .collect();
            let body = json!({
                "error": "invalid",
                "message": lang.t("입력을 확인해 주세요.", "Please check the fields."),
                "fields": fields,
            });
            return Ok((StatusCode::BAD_REQUEST, Json(body)).into_response());
        }
    };
    match reminders::send(&state, session.admin, &reminder).await {
        Ok(sent) => {
            let body = json!({
                "sent": true,
                "friend": FriendView::from(&sent.friend),
                "delivery": {
                    "meeting": sent.delivery.key.meeting,
                    "state": sent.delivery.state,
                    "day": sent.delivery.day,
                    "at": sent.delivery.updated_at,
                },
            });
            Ok((StatusCode::CREATED, Json(body)).into_response())
        }
        Err(SendFailure::UnknownFriend) => Err(WebError::not_found(NO_SUCH_FRIEND)),
        Err(SendFailure::Problem(problem, friend)) => {
            let (title, message) = problem.words(lang, &friend.profile.nickname, state.now());
            let mut body = json!({
                "sent": false,
                "error": problem.id(),
                "title": title,
                "message": message,
                "problem": problem,
            });
            if problem.offers_invite_link() {
                body["invite_link"] = json!(invite_link(&state, session.admin));
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
        Err(error @ SendFailure::Store { .. }) => Err(WebError::unavailable(error)),
    }
}
