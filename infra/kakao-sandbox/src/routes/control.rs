//! `/_sandbox/*`: the control API tests and demos use to see and steer the sandbox. Not part of
//! Kakao; JSON in and out, errors as `{"error": "..."}`.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::SecondsFormat;
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::oauth::token_body;
use super::user::unlink_user;
use crate::errors::kakao_json;
use crate::faults::FaultRequest;

/// Kakao gives the webhook 3 seconds to answer.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(3);

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/_sandbox/app", get(app).post(set_app))
        .route("/_sandbox/users", get(users))
        .route("/_sandbox/tokens", post(tokens))
        .route("/_sandbox/inbox/{user_id}", get(inbox))
        .route("/_sandbox/clock", get(clock).post(advance_clock))
        .route("/_sandbox/faults", get(faults).post(set_faults))
        .route("/_sandbox/unlink", post(unlink))
        .route("/_sandbox/requests", get(requests))
}

fn control_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

async fn app(State(state): State<AppState>) -> Json<Value> {
    let sandbox = state.shared.lock();
    let app = &sandbox.app;
    Json(json!({
        "app_id": app.app_id,
        "rest_api_key": app.rest_api_key,
        "client_secret": app.client_secret,
        "admin_key": app.admin_key,
        "standing": app.standing,
    }))
}

/// The body of `POST /_sandbox/app`: what Kakao's console would change about the app.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AppChange {
    standing: crate::world::AppStanding,
}

/// Blocks, suspends or restores the app: every kapi call answers `-12`/`-13` meanwhile.
async fn set_app(State(state): State<AppState>, Json(change): Json<AppChange>) -> Json<Value> {
    state.shared.lock().app.standing = change.standing;
    Json(json!({"standing": change.standing}))
}

async fn users(State(state): State<AppState>) -> Json<Value> {
    let sandbox = state.shared.lock();
    let users: Vec<Value> = sandbox
        .directory
        .all()
        .map(|account| {
            let friends: Vec<i64> = sandbox
                .directory
                .friends_of(account.id)
                .map(|(f, _)| f.id)
                .collect();
            let favorites: Vec<i64> = sandbox
                .directory
                .friends_of(account.id)
                .filter(|(_, fav)| *fav)
                .map(|(f, _)| f.id)
                .collect();
            json!({
                "id": account.id,
                "nickname": account.nickname,
                "uuid": account.uuid,
                "friends": friends,
                "favorites": favorites,
                "agreed": account.agreed,
                "refuses_messages": account.refuses_messages,
                "linked": account.linked,
                "team_member": sandbox.app.team_members.contains(&account.id),
            })
        })
        .collect();
    Json(Value::Array(users))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    user_id: i64,
    scopes: Vec<String>,
}

/// Links the user with exactly these consents and returns what `/oauth/token` would.
async fn tokens(State(state): State<AppState>, Json(request): Json<TokenRequest>) -> Response {
    let mut sandbox = state.shared.lock();
    if let Some(unknown) = request
        .scopes
        .iter()
        .find(|s| sandbox.app.consent_item(s).is_none())
    {
        return control_error(
            StatusCode::BAD_REQUEST,
            format!("scope {unknown:?} is not a consent item of the app"),
        );
    }
    let now = sandbox.now();
    sandbox.directory.link(request.user_id, now);
    let Some(account) = sandbox.directory.get_mut(request.user_id) else {
        return control_error(StatusCode::NOT_FOUND, format!("no user {}", request.user_id));
    };
    account.agreed = request.scopes.iter().cloned().collect();
    let policy = sandbox.app.tokens;
    let issued = sandbox.tokens.start_session(request.user_id, now, &policy);
    kakao_json(
        StatusCode::OK,
        &token_body(&issued, Some(&sandbox.agreed_scopes(request.user_id))),
    )
}

async fn inbox(State(state): State<AppState>, Path(user_id): Path<i64>) -> Response {
    let sandbox = state.shared.lock();
    if sandbox.directory.get(user_id).is_none() {
        return control_error(StatusCode::NOT_FOUND, format!("no user {user_id}"));
    }
    let messages = sandbox
        .inboxes
        .get(&user_id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    Json(json!(messages)).into_response()
}

/// How many Kakao requests the sandbox has served: `{"total", "by_path": {path: n}}`.
async fn requests(State(state): State<AppState>) -> Json<Value> {
    let sandbox = state.shared.lock();
    let total: u64 = sandbox.requests.values().sum();
    Json(json!({"total": total, "by_path": sandbox.requests}))
}

async fn clock(State(state): State<AppState>) -> Json<Value> {
    let now = state.shared.lock().now();
    Json(json!({"now": now.to_rfc3339_opts(SecondsFormat::Secs, true)}))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceClock {
    advance_seconds: i64,
}

async fn advance_clock(State(state): State<AppState>, Json(request): Json<AdvanceClock>) -> Response {
    if request.advance_seconds < 0 {
        return control_error(StatusCode::BAD_REQUEST, "the sandbox clock only moves forward");
    }
    let mut sandbox = state.shared.lock();
    sandbox
        .clock
        .advance(chrono::Duration::seconds(request.advance_seconds));
    let now = sandbox.now();
    tracing::info!(advanced = request.advance_seconds, now = %now, "sandbox clock advanced");
    Json(json!({"now": now.to_rfc3339_opts(SecondsFormat::Secs, true)})).into_response()
}

async fn faults(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.shared.lock().faults.active()))
}

async fn set_faults(State(state): State<AppState>, Json(request): Json<FaultRequest>) -> Response {
    let mut sandbox = state.shared.lock();
    match sandbox.faults.apply(request) {
        Ok(()) => Json(json!(sandbox.faults.active())).into_response(),
        Err(problem) => control_error(StatusCode::BAD_REQUEST, problem),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnlinkRequest {
    user_id: i64,
    #[serde(default = "unlink_from_apps")]
    referrer_type: String,
}

fn unlink_from_apps() -> String {
    "UNLINK_FROM_APPS".into()
}

/// The user disconnects the app elsewhere (e.g. in KakaoTalk's connected services): Kakao
/// unlinks, then tells the app through its unlink webhook. Answers with the webhook's status.
async fn unlink(State(state): State<AppState>, Json(request): Json<UnlinkRequest>) -> Response {
    let (webhook, form, admin_key) = {
        let mut sandbox = state.shared.lock();
        match sandbox.directory.get(request.user_id) {
            None => return control_error(StatusCode::NOT_FOUND, format!("no user {}", request.user_id)),
            Some(account) if !account.linked => {
                return control_error(
                    StatusCode::CONFLICT,
                    format!("user {} is not linked", request.user_id),
                );
            }
            Some(_) => {}
        }
        unlink_user(&mut sandbox, request.user_id);
        let form = [
            ("app_id", sandbox.app.app_id.to_string()),
            ("user_id", request.user_id.to_string()),
            ("referrer_type", request.referrer_type.clone()),
        ];
        (
            sandbox.app.unlink_webhook_url.clone(),
            form,
            sandbox.app.admin_key.clone(),
        )
    };
    let Some(webhook) = webhook else {
        return Json(json!({"user_id": request.user_id, "webhook_url": null, "webhook_status": null}))
            .into_response();
    };
    let sent = state
        .http
        .post(&webhook)
        .header("Authorization", format!("KakaoAK {admin_key}"))
        .form(&form)
        .timeout(WEBHOOK_TIMEOUT)
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status();
            tracing::info!(
                user = request.user_id,
                status = status.as_u16(),
                "unlink webhook called"
            );
            let body = json!({"user_id": request.user_id, "webhook_url": webhook, "webhook_status": status.as_u16()});
            (status, Json(body)).into_response()
        }
        Err(error) => {
            tracing::warn!(user = request.user_id, %error, "unlink webhook failed");
            let body = json!({
                "user_id": request.user_id,
                "webhook_url": webhook,
                "webhook_status": null,
                "error": format!("the unlink webhook did not answer: {error}"),
            });
            (StatusCode::BAD_GATEWAY, Json(body)).into_response()
        }
    }
}
