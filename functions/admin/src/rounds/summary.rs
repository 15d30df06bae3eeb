//! The admin's round summary choice: `/settings/reminders` (a page with one form) and
//! `/api/settings/reminders` (GET, PUT). `round_summary` is `true`, `false`, or `null` for the
//! service's default.

use app::sweep::RoundSummaryPolicy;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use maud::html;
use serde::{Deserialize, Serialize};
use store::StoreError;
use store::model::AdminPreferences;
use web::WebError;
use web::extract::{AdminSession, Here};
use web::layout::{banner, csrf_field};
use web::{Lang, WebState};

use super::sweeper::sweeper;
use crate::meetings::views::{Viewer, frame};

/// The choice and what it comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryChoice {
    /// `None`: the service's default.
    pub round_summary: Option<bool>,
    /// Whether memos are sent, the default applied.
    #[serde(default)]
    pub effective: bool,
}

fn default_on(state: &WebState) -> bool {
    sweeper(state).settings().round_summary == RoundSummaryPolicy::On
}

async fn read(state: &WebState, session: &web::Session) -> Result<SummaryChoice, StoreError> {
    let chosen = state
        .services()
        .store
        .get_preferences(session.admin)
        .await?
        .round_summary;
    Ok(SummaryChoice {
        round_summary: chosen,
        effective: chosen.unwrap_or_else(|| default_on(state)),
    })
}

async fn write(state: &WebState, session: &web::Session, choice: Option<bool>) -> Result<(), StoreError> {
    let store = &state.services().store;
    let mut preferences: AdminPreferences = store.get_preferences(session.admin).await?;
    preferences.round_summary = choice;
    store
        .set_preferences(session.admin, &preferences, state.now())
        .await
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `GET /settings/reminders`.
pub async fn page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Query(query): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let choice = read(&state, &session).await?;
    let nickname = state.services().store.get_admin(session.admin).await?.nickname;
    let viewer = Viewer {
        lang,
        nickname: &nickname,
        csrf: &session.csrf,
        here: &here,
    };
    let title = lang.t("알림 설정", "Reminder settings");
    let selected = |value: Option<bool>| choice.round_summary == value;
    Ok(frame(
        &viewer,
        title,
        html! {
            h1 { (title) }
            @if query.saved.is_some() {
                (banner("success", "settings-saved", html! { (lang.t("저장했습니다.", "Saved.")) }))
            }
            form #round-summary-form method="post" {
                (csrf_field(&session.csrf))
                fieldset {
                    legend { (lang.t(
                        "알림을 보낸 뒤 결과 요약을 카카오톡 '나와의 채팅'으로 받기",
                        "After each reminder round, get a summary in your own KakaoTalk chat",
                    )) }
                    p.small.muted { (lang.t(
                        "몇 명에게 보냈는지, 그 사이 몇 명이 들어왔는지, 누구에게 왜 못 보냈는지 알려 드립니다.",
                        "How many were reminded, how many joined since, and who could not be reached and why.",
                    )) }
                    label { input type="radio" name="round_summary" value="on" checked[selected(Some(true))]; " " (lang.t("받기", "On")) }
                    label { input type="radio" name="round_summary" value="off" checked[selected(Some(false))]; " " (lang.t("받지 않기", "Off")) }
                    label { input type="radio" name="round_summary" value="default" checked[selected(None)]; " "
                        (lang.t("기본값", "Default")) " ("
                        (if default_on(&state) { lang.t("받기", "on") } else { lang.t("받지 않기", "off") }) ")" }
                }
                button.btn.btn-primary #save-settings type="submit" { (lang.t("저장", "Save")) }
            }
            p #round-summary-effective data-on=(choice.effective) {}
        },
    )
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct SummaryForm {
    round_summary: String,
}

fn parse_choice(raw: &str) -> Option<Option<bool>> {
    match raw {
        "on" => Some(Some(true)),
        "off" => Some(Some(false)),
        "default" => Some(None),
        _ => None,
    }
}

/// `POST /settings/reminders`.
pub async fn save(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Form(form): Form<SummaryForm>,
) -> Result<Response, WebError> {
    let Some(choice) = parse_choice(&form.round_summary) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.t("알 수 없는 선택입니다.", "Unknown choice."),
        )
            .into_response());
    };
    write(&state, &session, choice).await?;
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/settings/reminders?saved=1")],
    )
        .into_response())
}

/// `GET /api/settings/reminders`.
pub async fn get_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
) -> Result<Response, WebError> {
    Ok(Json(read(&state, &session).await?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SummaryJson {
    round_summary: Option<bool>,
}

/// `PUT /api/settings/reminders` with `{"round_summary": true | false | null}`.
pub async fn put_json(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Json(body): Json<SummaryJson>,
) -> Result<Response, WebError> {
    write(&state, &session, body.round_summary).await?;
    Ok(Json(read(&state, &session).await?).into_response())
}
