//! The HTTP surface: Kakao's kauth and kapi paths, the login pages, the inbox pages and the
//! `/_sandbox` control API, all on one router, behind the fault injector.
//!
//! - `authorize`: `GET /oauth/authorize` and the account and consent pages behind it;
//! - `oauth`: `POST /oauth/token`, both grants;
//! - `user`: kapi's user endpoints (profile, token info, scopes, logout, unlink);
//! - `talk`: kapi's KakaoTalk endpoints (friends, sends to friends and to oneself);
//! - `pages`: the index, the app's settings and the inboxes, for people;
//! - `control`: `/_sandbox/*`, what tests and demos steer the sandbox with.

mod authorize;
mod control;
mod oauth;
mod pages;
mod talk;
mod user;

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::errors::KapiError;
use crate::faults::{DropConnection, Outcome, kakao_error_for};
use crate::state::{Sandbox, Shared};
use crate::tokens::{AccessError, AccessGrant};

/// What every handler gets: the sandbox and an HTTP client for the unlink webhook.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub shared: Shared,
    pub http: reqwest::Client,
    /// Where the server listens, for absolute URLs when a request has no `Host` header.
    pub addr: std::net::SocketAddr,
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        // kauth.kakao.com
        .route("/oauth/authorize", get(authorize::start))
        .route("/oauth/authorize/login", post(authorize::pick_user))
        .route("/oauth/authorize/consent", post(authorize::consent))
        .route("/oauth/token", post(oauth::token))
        // kapi.kakao.com
        .route("/v2/user/me", get(user::me).post(user::me))
        .route("/v1/user/access_token_info", get(user::access_token_info))
        .route("/v2/user/scopes", get(user::scopes))
        .route("/v2/user/revoke/scopes", post(user::revoke_scopes))
        .route("/v1/user/logout", post(user::logout))
        .route("/v1/user/unlink", post(user::unlink))
        .route("/v1/api/talk/friends", get(talk::friends))
        .route(
            "/v1/api/talk/friends/message/default/send",
            post(talk::send_to_friends),
        )
        .route("/v2/api/talk/memo/default/send", post(talk::send_memo))
        // pages for people
        .route("/", get(pages::index))
        .route("/settings", get(pages::settings))
        .route("/inbox/{user_id}", get(pages::inbox))
        // control API for tests and demos
        .merge(control::router())
        .layer(middleware::from_fn_with_state(state.clone(), inject_faults))
        .with_state(state)
}

/// Applies the faults set through `/_sandbox/faults` before (or after) the real handler.
async fn inject_faults(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let triggered = {
        let mut sandbox = state.shared.lock();
        let path = request.uri().path();
        if is_kakao_path(path) {
            *sandbox.requests.entry(path.to_owned()).or_default() += 1;
        }
        sandbox.faults.on_request(path)
    };
    if !triggered.latency.is_zero() {
        tokio::time::sleep(triggered.latency).await;
    }
    let Some(outcome) = triggered.outcome else {
        return match refused_app(&state, request.uri().path()) {
            Some(code) => kakao_error_for(code).into_response(),
            None => next.run(request).await,
        };
    };
    // The request is read in full first, so a drop happens "after the request was read".
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    if triggered.after_processing {
        let _processed = next.run(Request::from_parts(parts, Body::from(body))).await;
    }
    tracing::info!(
        ?outcome,
        after_processing = triggered.after_processing,
        "sandbox fault injected"
    );
    match outcome {
        Outcome::Status(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let text = format!(
                "{} {}\n",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                text,
            )
                .into_response()
        }
        Outcome::KakaoCode(code) => kakao_error_for(code).into_response(),
        Outcome::DropConnection => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            response
        }
    }
}

/// The code a kapi call gets while Kakao does not serve the app (`-12` blocked, `-13`
/// suspended). kauth (login) is left working: Kakao documents these codes for its APIs only
/// (a reading, `docs/kakao.md#readings`).
fn refused_app(state: &AppState, path: &str) -> Option<i64> {
    let is_kapi = path.starts_with("/v1/") || path.starts_with("/v2/");
    if !is_kapi {
        return None;
    }
    state.shared.lock().app.standing.refusal_code()
}

/// Whether `path` is one of Kakao's (kauth or kapi), not a sandbox page or the control API.
fn is_kakao_path(path: &str) -> bool {
    path.starts_with("/oauth/") || path.starts_with("/v1/") || path.starts_with("/v2/")
}

/// Form parameters of a POST body. Kakao reads only form-encoded bodies: any other content type
/// (JSON, say) reaches Kakao as no parameters at all. Repeated names keep the last value.
pub(crate) fn form_params(headers: &HeaderMap, body: &[u8]) -> HashMap<String, String> {
    form_pairs(headers, body).into_iter().collect()
}

/// Form parameters in order, repeated names included (checkbox groups).
pub(crate) fn form_pairs(headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Vec::new();
    }
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// Query parameters; an unparsable query string counts as none.
pub(crate) fn query_params(query: Option<&str>) -> HashMap<String, String> {
    query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .map(|pairs| pairs.into_iter().collect())
        .unwrap_or_default()
}

/// The `Authorization` header, as Kakao distinguishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Credentials {
    Bearer(String),
    AdminKey(String),
    None,
}

pub(crate) fn credentials(headers: &HeaderMap) -> Credentials {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Credentials::None;
    };
    let value = value.trim();
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Credentials::Bearer(token.trim().to_owned())
        }
        Some((scheme, key)) if scheme == "KakaoAK" && !key.trim().is_empty() => {
            Credentials::AdminKey(key.trim().to_owned())
        }
        _ => Credentials::None,
    }
}

/// The user behind a Bearer token, or kapi's `-401`.
pub(crate) fn bearer(sandbox: &Sandbox, headers: &HeaderMap) -> Result<AccessGrant, KapiError> {
    match credentials(headers) {
        Credentials::Bearer(token) => {
            sandbox
                .tokens
                .resolve_access(&token, sandbox.now())
                .map_err(|e| match e {
                    AccessError::Unknown => KapiError::token_unknown(),
                    AccessError::Expired => KapiError::token_expired(),
                })
        }
        _ => Err(KapiError::token_unknown()),
    }
}

/// `-3` when the app no longer configures `scope` (a reading, `docs/kakao.md#readings`),
/// else `-402` unless the user
/// has agreed to it.
pub(crate) fn require_scope(
    sandbox: &Sandbox,
    user_id: i64,
    scope: &str,
    api_type: &str,
) -> Result<(), KapiError> {
    if sandbox.app.consent_item(scope).is_none() {
        return Err(KapiError::new(
            -3,
            format!(
                "[APP] App disabled [{scope}] scopes for [{api_type}] API on developers.kakao.com. Enable it first."
            ),
        ));
    }
    let agreed = sandbox
        .directory
        .get(user_id)
        .is_some_and(|a| a.has_agreed(scope));
    if agreed {
        Ok(())
    } else {
        Err(KapiError::insufficient_scopes(
            api_type,
            &[scope],
            sandbox.agreed_scopes(user_id),
        ))
    }
}

/// `http://{Host}` of the request, for absolute URLs in responses.
pub(crate) fn base_url(headers: &HeaderMap, state: &AppState) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    format!("http://{}", host.unwrap_or_else(|| state.addr.to_string()))
}
