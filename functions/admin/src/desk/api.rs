//! The desk's JSON API under `/api/`, for the same actions as the pages. Without a session every
//! route answers 401; state-changing routes need the `X-CSRF-Token` header (the session layer
//! checks it). Errors are `{"error": "<id>", "message": "..."}`. The manual send's
//! `POST /api/reminders` is in [`crate::send::api`].
//!
//! - `GET /api/me`: the admin, login health, today's quota, last sync.
//! - `GET /api/friends`, `GET /api/friends/{uuid}` (404 for anyone not this admin's friend).
//! - `POST /api/sync`: 202.
//! - `GET /api/deliveries`: the delivery log.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::FriendUuid;
use serde_json::json;
use web::error::Words;
use web::extract::AdminSession;
use web::{Lang, WebError, WebState};

use crate::desk::{self, FriendView};

pub const NO_SUCH_FRIEND: Words = ("그런 친구가 없습니다.", "There is no such friend.");

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
                    "message": crate::send::problem::kakao_app_stop_words(lang, stop.stop),
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
