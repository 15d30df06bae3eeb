//! kapi KakaoTalk endpoints: the friends list, sending to friends, and sending to oneself.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{AppState, base_url, bearer, form_params, query_params, require_scope};
use crate::errors::{KapiError, kakao_json};
use crate::friends::{FriendsQuery, page, visible_friends};
use crate::send::{self, SendReport};

// `api_type` values on -402: Kakao's documented example is TALK_MESSAGE_SEND; the other two are
// UNCONFIRMED guesses in the same style (clients must not branch on them; `docs/kakao.md#readings`).
const API_FRIENDS: &str = "TALK_FRIENDS";
const API_MESSAGE_SEND: &str = "TALK_MESSAGE_SEND";
const API_MEMO_SEND: &str = "TALK_MEMO_DEFAULT_SEND";

/// `GET /v1/api/talk/friends`.
pub(super) async fn friends(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = query_params(query.as_deref());
    let base = base_url(&headers, &state);
    let sandbox = state.shared.lock();
    let result = bearer(&sandbox, &headers).and_then(|grant| {
        require_scope(&sandbox, grant.user_id, "friends", API_FRIENDS)?;
        let query = FriendsQuery::parse(&params, sandbox.app.friends_default_limit)?;
        Ok(page(
            visible_friends(&sandbox.directory, &sandbox.app, grant.user_id),
            &query,
            &base,
            !sandbox.app.friends_without_id,
        ))
    });
    match result {
        Ok(body) => kakao_json(StatusCode::OK, &body),
        Err(error) => error.into_response(),
    }
}

/// `POST /v1/api/talk/friends/message/default/send`.
pub(super) async fn send_to_friends(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = form_params(&headers, &body);
    let mut sandbox = state.shared.lock();
    let result = bearer(&sandbox, &headers).and_then(|grant| {
        require_scope(&sandbox, grant.user_id, "talk_message", API_MESSAGE_SEND)?;
        let report = send::send_to_friends(
            &mut sandbox,
            grant.user_id,
            params.get("receiver_uuids").map(String::as_str),
            params.get("template_object").map(String::as_str),
        )?;
        tracing::info!(
            sender = grant.user_id,
            delivered = report.successful.len(),
            failed = report.receivers - report.successful.len(),
            "friend message send"
        );
        Ok(report)
    });
    match result.and_then(send_response) {
        Ok(body) => kakao_json(StatusCode::OK, &body),
        Err(error) => error.into_response(),
    }
}

/// One receiver: a failure is a plain error body. Several: HTTP 200 with per-receiver outcomes,
/// even when all of them failed; empty lists are left out.
fn send_response(report: SendReport) -> Result<Value, KapiError> {
    if report.receivers == 1
        && let Some((refusal, _)) = report.failures.first()
    {
        return Err(KapiError::new(refusal.code, refusal.msg));
    }
    let mut body = Map::new();
    if !report.successful.is_empty() {
        body.insert("successful_receiver_uuids".into(), json!(report.successful));
    }
    if !report.failures.is_empty() {
        let failures: Vec<Value> = report
            .failures
            .iter()
            .map(
                |(refusal, uuids)| json!({"code": refusal.code, "msg": refusal.msg, "receiver_uuids": uuids}),
            )
            .collect();
        body.insert("failure_info".into(), json!(failures));
    }
    Ok(Value::Object(body))
}

/// `POST /v2/api/talk/memo/default/send`.
pub(super) async fn send_memo(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = form_params(&headers, &body);
    let mut sandbox = state.shared.lock();
    let result = bearer(&sandbox, &headers).and_then(|grant| {
        require_scope(&sandbox, grant.user_id, "talk_message", API_MEMO_SEND)?;
        send::send_memo(
            &mut sandbox,
            grant.user_id,
            params.get("template_object").map(String::as_str),
        )
    });
    match result {
        Ok(()) => kakao_json(StatusCode::OK, &json!({"result_code": 0})),
        Err(error) => error.into_response(),
    }
}
