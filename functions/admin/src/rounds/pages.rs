//! The confirm-first routes: the prepared batch and its approval, as pages and as JSON. Another
//! admin's meeting is a 404, exactly like one that does not exist.

use app::sweep::PreparedBatch;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::delivery::Round;
use domain::{KakaoUserId, MeetingId};
use serde::Serialize;
use web::extract::{AdminSession, Here};
use web::{Lang, WebError, WebState};

use super::sweeper::{approve as approve_round, sweeper};
use super::views;
use crate::meetings::views::Viewer;

fn parse(raw: &(String, String)) -> Option<(MeetingId, Round)> {
    Some((MeetingId::parse(&raw.0).ok()?, Round::parse(&raw.1).ok()?))
}

const NOT_FOUND: WebError = WebError::NotFound { what: None };

async fn nickname(state: &WebState, admin: KakaoUserId) -> String {
    match state.services().store.get_admin(admin).await {
        Ok(profile) => profile.nickname,
        Err(_) => String::new(),
    }
}

/// `GET /meetings/{id}/rounds/{n}/send`: the memo's one-tap link lands here.
pub async fn prepared(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Path(raw): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (meeting, round) = parse(&raw).ok_or(NOT_FOUND)?;
    let batch = (sweeper(&state).prepared_batch(session.admin, meeting, round)).await?;
    let nickname = nickname(&state, session.admin).await;
    Ok(views::prepared(&Viewer::new(lang, &nickname, &session, &here), &batch).into_response())
}

/// `POST /meetings/{id}/rounds/{n}/send`: sends exactly the prepared batch.
pub async fn approve(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Path(raw): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (meeting, round) = parse(&raw).ok_or(NOT_FOUND)?;
    // The approval returns the batch it sent, so the result page can name who was in it.
    let (batch, approval) = approve_round(&state, session.admin, meeting, round).await?;
    let nickname = nickname(&state, session.admin).await;
    Ok(views::approved(&Viewer::new(lang, &nickname, &session, &here), &batch, &approval).into_response())
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
    Path(raw): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (meeting, round) = parse(&raw).ok_or(NOT_FOUND)?;
    let batch = (sweeper(&state).prepared_batch(session.admin, meeting, round)).await?;
    Ok(Json(PreparedJson::from(&batch)).into_response())
}

/// `POST /api/meetings/{id}/rounds/{n}/send`.
pub async fn approve_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path(raw): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (meeting, round) = parse(&raw).ok_or(NOT_FOUND)?;
    let (_, approval) = approve_round(&state, session.admin, meeting, round).await?;
    Ok(Json(approval).into_response())
}
