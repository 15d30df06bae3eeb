//! The delivery log's HTML routes and their JSON twins. Another admin's meeting or friend is a
//! 404, exactly like one that does not exist.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use serde::Serialize;
use store::StoreError;
use web::extract::{AdminSession, Here};
use web::{Lang, Session, WebState};

use super::log::{self, Attempt, ReminderBanner};
use super::{views, words};
use crate::meetings::views::Viewer;

fn broken(lang: Lang, here: &str, step: &'static str, error: &StoreError) -> Response {
    tracing::error!(step, error = %error, "delivery log failed");
    web::pages::unavailable(lang, here)
}

/// The admin's nickname and the paused-reminders banner, for the page frame.
async fn frame_data(
    state: &WebState,
    admin: KakaoUserId,
) -> Result<(String, Option<ReminderBanner>), StoreError> {
    let nickname = state.services().store.get_admin(admin).await?.nickname;
    Ok((nickname, log::banner(state, admin).await?))
}

fn viewer<'a>(lang: Lang, nickname: &'a str, session: &'a Session, here: &'a str) -> Viewer<'a> {
    Viewer {
        lang,
        nickname,
        csrf: &session.csrf,
        here,
    }
}

/// `GET /meetings/{id}/deliveries`.
pub async fn meeting(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    uri: Uri,
    Path(raw): Path<String>,
) -> Response {
    let Ok(id) = MeetingId::parse(&raw) else {
        return web::pages::not_found(lang, uri).await;
    };
    let loaded = async {
        let found = log::meeting_log(&state, session.admin, id).await?;
        let frame = frame_data(&state, session.admin).await?;
        Ok::<_, StoreError>((found, frame))
    };
    match loaded.await {
        Ok((Some((meeting, attempts)), (nickname, banner))) => views::meeting_page(
            &viewer(lang, &nickname, &session, &here),
            &meeting.draft.title,
            &format!("/meetings/{id}"),
            &attempts,
            banner.as_ref(),
        )
        .into_response(),
        Ok((None, _)) => web::pages::not_found(lang, uri).await,
        Err(e) => broken(lang, &here, "loading a meeting's delivery log", &e),
    }
}

/// `GET /friends/{uuid}/deliveries`.
pub async fn friend(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    uri: Uri,
    Path(raw): Path<String>,
) -> Response {
    let Ok(friend) = FriendUuid::parse(&raw) else {
        return web::pages::not_found(lang, uri).await;
    };
    let loaded = async {
        let found = log::friend_log(&state, session.admin, &friend).await?;
        let frame = frame_data(&state, session.admin).await?;
        Ok::<_, StoreError>((found, frame))
    };
    match loaded.await {
        Ok((Some((name, attempts)), (nickname, banner))) => {
            let name = name.unwrap_or_else(|| lang.t("(알 수 없는 친구)", "(unknown friend)").to_owned());
            views::friend_page(
                &viewer(lang, &nickname, &session, &here),
                &name,
                &attempts,
                banner.as_ref(),
            )
            .into_response()
        }
        Ok((None, _)) => web::pages::not_found(lang, uri).await,
        Err(e) => broken(lang, &here, "loading a friend's delivery log", &e),
    }
}

/// `GET /deliveries/unknown`.
pub async fn unknown(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Response {
    let loaded = async {
        let attempts = log::unknown(&state, session.admin).await?;
        let frame = frame_data(&state, session.admin).await?;
        Ok::<_, StoreError>((attempts, frame))
    };
    match loaded.await {
        Ok((attempts, (nickname, banner))) => views::unknown_page(
            &viewer(lang, &nickname, &session, &here),
            &attempts,
            banner.as_ref(),
        )
        .into_response(),
        Err(e) => broken(lang, &here, "loading unknown deliveries", &e),
    }
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
    uri: Uri,
    Path(raw): Path<String>,
) -> Response {
    let Ok(id) = MeetingId::parse(&raw) else {
        return web::pages::not_found(lang, uri).await;
    };
    match log::meeting_log(&state, session.admin, id).await {
        Ok(Some((_, attempts))) => Json(to_json(lang, attempts)).into_response(),
        Ok(None) => web::pages::not_found(lang, uri).await,
        Err(e) => broken(lang, uri.path(), "loading a meeting's delivery log", &e),
    }
}

/// `GET /api/friends/{uuid}/deliveries`.
pub async fn friend_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    uri: Uri,
    Path(raw): Path<String>,
) -> Response {
    let Ok(friend) = FriendUuid::parse(&raw) else {
        return web::pages::not_found(lang, uri).await;
    };
    match log::friend_log(&state, session.admin, &friend).await {
        Ok(Some((_, attempts))) => Json(to_json(lang, attempts)).into_response(),
        Ok(None) => web::pages::not_found(lang, uri).await,
        Err(e) => broken(lang, uri.path(), "loading a friend's delivery log", &e),
    }
}

/// `GET /api/deliveries/unknown`.
pub async fn unknown_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    uri: Uri,
) -> Response {
    match log::unknown(&state, session.admin).await {
        Ok(attempts) => Json(to_json(lang, attempts)).into_response(),
        Err(e) => broken(lang, uri.path(), "loading unknown deliveries", &e),
    }
}

/// `GET /api/reminders/banner`: the paused-reminders banner's data, or `null`.
pub async fn banner_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    uri: Uri,
) -> Response {
    match log::banner(&state, session.admin).await {
        Ok(banner) => Json(banner).into_response(),
        Err(e) => broken(lang, uri.path(), "loading the reminders banner", &e),
    }
}
