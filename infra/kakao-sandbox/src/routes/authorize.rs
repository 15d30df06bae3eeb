//! `GET /oauth/authorize` and the two pages behind it: pick a sandbox user (the stand-in for
//! signing in to a Kakao account), then consent. Ends in a 302 to the redirect URI with `code`
//! and `state`, or with `error=access_denied` when the user cancels.
//!
//! The sandbox keeps no Kakao account session, so every login shows the picker; `prompt=none`
//! (no interaction allowed) therefore always answers `error=login_required`.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AppState, form_pairs, form_params, query_params};
use crate::login::{self, PendingLogin, check_authorize, items_to_ask};
use crate::pages::login::{consent as consent_page, error_page, pick_user as pick_user_page};
use crate::state::Sandbox;

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

/// A login page request that no longer matches a login in progress.
fn stale_login() -> Response {
    let error = login::AuthorizePageError {
        koe: "KOE001",
        title: "잘못된 요청 (Invalid request)",
        detail: "This login has expired or was already finished; start again from the service.".into(),
    };
    (StatusCode::BAD_REQUEST, error_page(&error)).into_response()
}

pub(super) async fn start(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = query_params(query.as_deref());
    let mut sandbox = state.shared.lock();
    let request = match check_authorize(&sandbox.app, &params) {
        Ok(request) => request,
        Err(error) => {
            tracing::info!(code = error.koe, "authorize request refused");
            return (StatusCode::BAD_REQUEST, error_page(&error)).into_response();
        }
    };
    if request.prompt.iter().any(|p| p == "none") {
        return redirect(&login::redirect_with_error(
            &request.redirect_uri,
            "login_required",
            "user authentication required",
            request.state.as_deref(),
        ));
    }
    let now = sandbox.now();
    let login_id = sandbox.logins.start(request, now);
    pick_user_page(&sandbox.app.name, &login_id, sandbox.directory.all()).into_response()
}

pub(super) async fn pick_user(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = form_params(&headers, &body);
    let mut guard = state.shared.lock();
    let sandbox = &mut *guard;
    let now = sandbox.now();
    let login_id = params.get("login_id").cloned().unwrap_or_default();
    let Some(user_id) = params.get("user_id").and_then(|id| id.parse::<i64>().ok()) else {
        return stale_login();
    };
    let Some(account) = sandbox.directory.get(user_id) else {
        return stale_login();
    };
    let Some(login) = sandbox.logins.get_mut(&login_id, now) else {
        return stale_login();
    };
    let asked = items_to_ask(&sandbox.app, account, login.request.scope.as_deref());
    login.user_id = Some(user_id);
    login.asked = asked.clone();
    if asked.is_empty() {
        return finish(sandbox, &login_id, &[]);
    }
    let nickname = account.nickname.clone();
    consent_page(&sandbox.app.name, &login_id, &nickname, &asked).into_response()
}

pub(super) async fn consent(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    // Several `agreed` checkboxes share one name, so the pairs are read as a list.
    let pairs = form_pairs(&headers, &body);
    let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let ticked: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "agreed")
        .map(|(_, v)| v.clone())
        .collect();
    let login_id = value("login_id").unwrap_or_default().to_owned();
    let action = value("action").unwrap_or("agree").to_owned();
    let mut sandbox = state.shared.lock();
    let now = sandbox.now();
    let Some(login) = sandbox.logins.get_mut(&login_id, now) else {
        return stale_login();
    };
    if login.user_id.is_none() {
        return stale_login();
    }
    if action == "cancel" {
        let Some(login) = sandbox.logins.finish(&login_id) else {
            return stale_login();
        };
        tracing::info!(user = login.user_id, "login cancelled on the consent screen");
        return redirect(&login::redirect_with_error(
            &login.request.redirect_uri,
            "access_denied",
            "User denied access",
            login.request.state.as_deref(),
        ));
    }
    let granted = login::granted(&login.asked, &ticked, action == "agree_all");
    finish(&mut sandbox, &login_id, &granted)
}

/// Records the consent, links the user, issues a code and redirects back to the service.
fn finish(sandbox: &mut Sandbox, login_id: &str, granted: &[String]) -> Response {
    let Some(PendingLogin {
        request,
        user_id: Some(user_id),
        ..
    }) = sandbox.logins.finish(login_id)
    else {
        return stale_login();
    };
    let now = sandbox.now();
    sandbox.directory.link(user_id, now);
    if let Some(account) = sandbox.directory.get_mut(user_id) {
        account.agreed.extend(granted.iter().cloned());
    }
    let policy = sandbox.app.tokens;
    let code = sandbox.tokens.issue_code(
        user_id,
        &request.client_id,
        &request.redirect_uri,
        request.code_challenge.as_deref(),
        now,
        &policy,
    );
    tracing::info!(user = user_id, granted = ?granted, "login finished, code issued");
    redirect(&login::redirect_with_code(
        &request.redirect_uri,
        &code,
        request.state.as_deref(),
    ))
}
