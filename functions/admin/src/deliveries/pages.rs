//! The delivery log's HTML routes and their JSON twins. Another admin's meeting or friend is a
//! 404, exactly like one that does not exist.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use serde::Serialize;
use store::StoreError;
use web::extract::{AdminSession, Here};
use web::{Lang, WebError, WebState};

use super::log::{self, Attempt, ReminderBanner};
use super::{views, words};
use crate::meetings::views::Viewer;

/// Another admin's meeting or friend, like one that does not exist.
const NOT_FOUND: WebError = WebError::NotFound { what: None };

/// The admin's nickname and the paused-reminders banner, for the page frame.
async fn frame_data(
    state: &WebState,
    admin: KakaoUserId,
) -> Result<(String, Option<ReminderBanner>), StoreError> {
    let nickname = state.services().store.get_admin(admin).await?.nickname;
    Ok((nickname, log::banner(state, admin).await?))
}

/// `GET /meetings/{id}/deliveries`.
pub async fn meeting(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = MeetingId::parse(&raw).map_err(|_| NOT_FOUND)?;
    let found = log::meeting_log(&state, session.admin, id).await?;
    let (nickname, banner) = frame_data(&state, session.admin).await?;
    let (meeting, attempts) = found.ok_or(NOT_FOUND)?;
    Ok(views::meeting_page(
        &Viewer::new(lang, &nickname, &session, &here),
        &meeting.draft.title,
        &format!("/meetings/{id}"),
        &attempts,
        banner.as_ref(),
    )
    .into_response())
}

/// `GET /friends/{uuid}/deliveries`.
pub async fn friend(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let friend = FriendUuid::parse(&raw).map_err(|_| NOT_FOUND)?;
    let found = log::friend_log(&state, session.admin, &friend).await?;
    let (nickname, banner) = frame_data(&state, session.admin).await?;
    let (name, attempts) = found.ok_or(NOT_FOUND)?;
    let name = name.unwrap_or_else(|| lang.t("(알 수 없는 친구)", "(unknown friend)").to_owned());
    Ok(views::friend_page(
        &Viewer::new(lang, &nickname, &session, &here),
        &name,
        &attempts,
        banner.as_ref(),
    )
    .into_response())
}

/// `GET /deliveries/unknown`.
pub async fn unknown(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Result<Response, WebError> {
    let attempts = log::unknown(&state, session.admin).await?;
    let (nickname, banner) = frame_data(&state, session.admin).await?;
    Ok(views::unknown_page(
        &Viewer::new(lang, &nickname, &session, &here),
        &attempts,
        banner.as_ref(),
    )
    .into_response())
}

/// An attempt as the JSON API gives it: the record, and its outcome in words.
#[derive(Debug, Serialize)]
pub struct AttemptJson {
    #[serde(flatten)]
    pub attempt: Attempt,
    pub outcome: String,
    pub detail: Option<String>,
}

fn to_json(lang: Lang, attempts: Vec<Attempt>) -> Vec<AttemptJson> {
    attempts
        .into_iter()
        .map(|attempt| {
            let (outcome, detail) = words::outcome(lang, attempt.state);
            AttemptJson {
                attempt,
                outcome,
                detail,
            }
        })
        .collect()
}

/// `GET /api/meetings/{id}/deliveries`.
pub async fn meeting_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = MeetingId::parse(&raw).map_err(|_| NOT_FOUND)?;
    let (_, attempts) = log::meeting_log(&state, session.admin, id)
        .await?
        .ok_or(NOT_FOUND)?;
    Ok(Json(to_json(lang, attempts)).into_response())
}

/// `GET /api/friends/{uuid}/deliveries`.
pub async fn friend_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let friend = FriendUuid::parse(&raw).map_err(|_| NOT_FOUND)?;
    let (_, attempts) = (log::friend_log(&state, session.admin, &friend).await?).ok_or(NOT_FOUND)?;
    Ok(Json(to_json(lang, attempts)).into_response())
}

/// `GET /api/deliveries/unknown`.
pub async fn unknown_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
) -> Result<Response, WebError> {
    let attempts = log::unknown(&state, session.admin).await?;
    Ok(Json(to_json(lang, attempts)).into_response())
}

/// `GET /api/reminders/banner`: the paused-reminders banner's data, or `null`.
pub async fn banner_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
) -> Result<Response, WebError> {
    let banner = log::banner(&state, session.admin).await?;
    Ok(Json(banner).into_response())
}
