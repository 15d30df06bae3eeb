//! The confirm-first routes: the prepared batch and its approval, as pages and as JSON. Another
//! admin's meeting is a 404, exactly like one that does not exist.

use app::sweep::{PreparedBatch, SweepError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use domain::delivery::Round;
use domain::{KakaoUserId, MeetingId};
use serde::Serialize;
use web::extract::{AdminSession, Here};
use web::{Lang, Session, WebState};

use super::sweeper::{approve as approve_round, sweeper};
use super::views;
use crate::meetings::views::Viewer;

fn parse(raw: &(String, String)) -> Option<(MeetingId, Round)> {
    Some((MeetingId::parse(&raw.0).ok()?, Round::parse(&raw.1).ok()?))
}

async fn failed(lang: Lang, uri: Uri, error: SweepError) -> Response {
    match error {
        SweepError::MeetingNotFound => web::pages::not_found(lang, uri).await,
        other => {
            tracing::error!(error = %other, source = ?std::error::Error::source(&other), "confirm-first route failed");
            web::pages::unavailable(lang, uri.path())
        }
    }
}

async fn nickname(state: &WebState, admin: KakaoUserId) -> String {
    match state.services().store.get_admin(admin).await {
        Ok(profile) => profile.nickname,
        Err(_) => String::new(),
    }
}

fn viewer<'a>(lang: Lang, nickname: &'a str, session: &'a Session, here: &'a str) -> Viewer<'a> {
    Viewer {
        lang,
        nickname,
        csrf: &session.csrf,
        here,
    }
}

/// `GET /meetings/{id}/rounds/{n}/send`: the memo's one-tap link lands here.
pub async fn prepared(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    uri: Uri,
    Path(raw): Path<(String, String)>,
) -> Response {
    let Some((meeting, round)) = parse(&raw) else {
        return web::pages::not_found(lang, uri).await;
    };
    match sweeper(&state)
        .prepared_batch(session.admin, meeting, round)
        .await
    {
        Ok(batch) => {
            let nickname = nickname(&state, session.admin).await;
            views::prepared(&viewer(lang, &nickname, &session, &here), &batch).into_response()
        }
        Err(error) => failed(lang, uri, error).await,
    }
}

/// `POST /meetings/{id}/rounds/{n}/send`: sends exactly the prepared batch.
pub async fn approve(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    uri: Uri,
    Path(raw): Path<(String, String)>,
) -> Response {
    let Some((meeting, round)) = parse(&raw) else {
        return web::pages::not_found(lang, uri).await;
    };
    // The approval returns the batch it sent, so the result page can name who was in it.
    match approve_round(&state, session.admin, meeting, round).await {
        Ok((batch, approval)) => {
            let nickname = nickname(&state, session.admin).await;
            views::approved(&viewer(lang, &nickname, &session, &here), &batch, &approval).into_response()
        }
        Err(error) => failed(lang, uri, error).await,
    }
}

/// The prepared batch as JSON.
#[derive(Debug, Serialize)]
pub struct PreparedJson<'a> {
    pub meeting: MeetingId,
    pub round: u16,
    pub expired: bool,
    pub handled: usize,
    pub recipients: &'a [app::sweep::PreparedRecipient],
}

impl<'a> From<&'a PreparedBatch> for PreparedJson<'a> {
    fn from(b: &'a PreparedBatch) -> Self {
        Self {
            meeting: b.meeting.id,
            round: b.round.get(),
            expired: b.expired,
            handled: b.handled,
            recipients: &b.recipients,
        }
    }
}

/// `GET /api/meetings/{id}/rounds/{n}`.
pub async fn prepared_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    uri: Uri,
    Path(raw): Path<(String, String)>,
) -> Response {
    let Some((meeting, round)) = parse(&raw) else {
        return web::pages::not_found(lang, uri).await;
    };
    match sweeper(&state)
        .prepared_batch(session.admin, meeting, round)
        .await
    {
        Ok(batch) => Json(PreparedJson::from(&batch)).into_response(),
        Err(error) => failed(lang, uri, error).await,
    }
}

/// `POST /api/meetings/{id}/rounds/{n}/send`.
pub async fn approve_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    uri: Uri,
    Path(raw): Path<(String, String)>,
) -> Response {
    let Some((meeting, round)) = parse(&raw) else {
        return web::pages::not_found(lang, uri).await;
    };
    match approve_round(&state, session.admin, meeting, round).await {
        Ok((_, approval)) => Json(approval).into_response(),
        Err(error) => failed(lang, uri, error).await,
    }
}
