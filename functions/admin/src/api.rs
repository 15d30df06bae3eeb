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
use web::extract::AdminSession;
use web::pages::api_problem;
use web::{Lang, WebState};

use crate::compose::ReminderInput;
use crate::desk::{self, FriendView};
use crate::pages::invite_link;
use crate::reminders::{self, SendFailure};

fn failed(lang: Lang, what: &'static str, error: &store::StoreError) -> Response {
    tracing::error!(step = what, error = %error, "admin API failed");
    web::pages::unavailable(lang, "/api")
}

fn unknown_friend(lang: Lang) -> Response {
    api_problem(
        StatusCode::NOT_FOUND,
        "not_found",
        lang.t("그런 친구가 없습니다.", "There is no such friend."),
    )
}

pub async fn me(State(state): State<WebState>, AdminSession(session): AdminSession, lang: Lang) -> Response {
    match desk::dashboard(&state, session.admin).await {
        Ok(desk) => {
            let granted: Vec<&str> = desk.admin.scopes.iter().map(|s| s.as_str()).collect();
            Json(json!({
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
            .into_response()
        }
        Err(error) if error.is_not_found() => api_problem(StatusCode::UNAUTHORIZED, "unauthenticated", ""),
        Err(error) => failed(lang, "reading the admin", &error),
    }
}

pub async fn friends(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
) -> Response {
    let store = &state.services().store;
    let listed = desk::friends(&state, session.admin).await;
    let last_sync = store.last_sync(session.admin).await;
    match (listed, last_sync) {
        (Ok(friends), Ok(last_sync)) => {
            let friends: Vec<FriendView> = friends.iter().map(FriendView::from).collect();
            Json(json!({ "friends": friends, "last_sync": last_sync })).into_response()
        }
        (Err(error), _) | (_, Err(error)) => failed(lang, "listing friends", &error),
    }
}

pub async fn friend(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(uuid): Path<String>,
) -> Response {
    let Ok(uuid) = FriendUuid::parse(&uuid) else {
        return unknown_friend(lang);
    };
    match state.services().store.get_friend(session.admin, &uuid).await {
        Ok(friend) if friend.gone_at.is_none() => Json(FriendView::from(&friend)).into_response(),
        Ok(_) => unknown_friend(lang),
        Err(error) if error.is_not_found() => unknown_friend(lang),
        Err(error) => failed(lang, "reading a friend", &error),
    }
}

pub async fn send_reminder(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    body: Bytes,
) -> Response {
    let Ok(input) = serde_json::from_slice::<ReminderInput>(&body) else {
        return api_problem(
            StatusCode::BAD_REQUEST,
            "invalid",
            lang.t(
                "JSON 본문 {\"friend\", \"text\", \"link\"} 이 필요합니다.",
                "Send a JSON body {\"friend\", \"text\", \"link\"}.",
            ),
        );
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
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
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
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(SendFailure::UnknownFriend) => unknown_friend(lang),
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
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        Err(error @ SendFailure::Store { .. }) => {
            tracing::error!(error = %error, "manual send failed");
            web::pages::unavailable(lang, "/api")
        }
    }
}

pub async fn sync(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
) -> Response {
    match state
        .services()
        .sync
        .request_sync(session.admin, app::sync::SyncReason::OnDemand)
        .await
    {
        Ok(()) => (StatusCode::ACCEPTED, Json(json!({ "requested": true }))).into_response(),
        Err(error) => {
            tracing::error!(admin = %session.admin, error = %error, "could not request a friend sync");
            web::pages::unavailable(lang, "/api")
        }
    }
}

pub async fn deliveries(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
) -> Response {
    match desk::delivery_log(&state, session.admin, 100).await {
        Ok(log) => Json(json!({ "deliveries": log })).into_response(),
        Err(error) => failed(lang, "reading the delivery log", &error),
    }
}
