//! The JSON API under `/api/`, for the same actions as the pages. Without a session every route
//! answers 401; state-changing routes need the `X-CSRF-Token` header (the session layer checks
//! it). Errors are `{"error": "<id>", "message": "..."}`.
//!
//! - `GET /api/me`: the admin, login health, today's quota, last sync.
//! - `GET /api/friends`, `GET /api/friends/{uuid}` (404 for anyone not this admin's friend).
//! - `POST /api/reminders` `{"friend", "text", "link"}`: 201 sent; 400 bad fields; 404 unknown
//!   friend; 422 could not go (`problem` says why, as the dialog does).
//! - `POST /api/sync`: 202.
//! - `GET /api/deliveries`: the delivery log.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::FriendUuid;
use serde_json::json;
use web::error::Words;
use web::extract::AdminSession;
use web::pages::api_problem;
use web::{Lang, WebError, WebState};

use crate::compose::ReminderInput;
use crate::desk::{self, FriendView};
use crate::pages::invite_link;
use crate::reminders::{self, SendFailure};

const NO_SUCH_FRIEND: Words = ("그런 친구가 없습니다.", "There is no such friend.");

pub async fn me(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
) -> Result<Response, WebError> {
    let desk = desk::dashboard(&state, session.admin)
        .await
        .map_err(WebError::or_if_missing(WebError::AdminGone))?;
    let granted: Vec<&str> = desk.admin.scopes.iter().map(|s| s.as_str()).collect();
    Ok(Json(json!({
                "id": desk.admin.id,
                "nickname": desk.admin.nickname,
                "status": desk.admin.status,
                "scopes": granted,
                "missing_scopes": desk.missing_scopes,
                "token_health": desk.health,
                "quota_today": desk.quota,
                "last_sync": desk.last_sync,
                "friends": desk.friends,
                "kakao_app_stop": desk.kakao_app_stop.map(|stop| json!({
                    "stop": stop.stop.as_str(),
                    "kakao_code": stop.stop.code(),
                    "since": stop.since,
                    "message": crate::problem::kakao_app_stop_words(lang, stop.stop),
                })),
    }))
    .into_response())
}

pub async fn friends(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
) -> Result<Response, WebError> {
    let friends = desk::friends(&state, session.admin).await?;
    let last_sync = state.services().store.last_sync(session.admin).await?;
    let friends: Vec<FriendView> = friends.iter().map(FriendView::from).collect();
    Ok(Json(json!({ "friends": friends, "last_sync": last_sync })).into_response())
}

pub async fn friend(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path(uuid): Path<String>,
) -> Result<Response, WebError> {
    let uuid = FriendUuid::parse(&uuid).map_err(|_| WebError::not_found(NO_SUCH_FRIEND))?;
    let friend = (state.services().store.get_friend(session.admin, &uuid).await)
        .map_err(WebError::or_if_missing(WebError::not_found(NO_SUCH_FRIEND)))?;
    if friend.gone_at.is_some() {
        return Err(WebError::not_found(NO_SUCH_FRIEND));
    }
    Ok(Json(FriendView::from(&friend)).into_response())
}

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

pub async fn sync(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
) -> Result<Response, WebError> {
    (state.services().sync)
        .request_sync(session.admin, app::sync::SyncReason::OnDemand)
        .await
        .map_err(WebError::unavailable)?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "requested": true }))).into_response())
}

pub async fn deliveries(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
) -> Result<Response, WebError> {
    let log = desk::delivery_log(&state, session.admin, 100).await?;
    Ok(Json(json!({ "deliveries": log })).into_response())
}
