//! `POST /oauth/token`: the authorization-code and refresh-token grants (`docs/kakao.md#kakao-login`,
//! `docs/kakao.md#tokens`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{AppState, form_params};
use crate::errors::{KauthError, kakao_json};
use crate::state::Sandbox;
use crate::tokens::{GrantError, IssuedTokens};

pub(super) async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = form_params(&headers, &body);
    let param = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let mut sandbox = state.shared.lock();
    let result = grant(&mut sandbox, &param);
    match result {
        Ok(body) => kakao_json(StatusCode::OK, &body),
        Err(error) => {
            tracing::info!(
                code = error.koe,
                grant_type = param("grant_type"),
                "token request refused"
            );
            error.into_response()
        }
    }
}

fn grant<'a>(sandbox: &mut Sandbox, param: &impl Fn(&str) -> Option<&'a str>) -> Result<Value, KauthError> {
    let grant_type = param("grant_type").ok_or_else(|| KauthError::missing("grant_type"))?;
    // Kakao answers a missing or empty client_id as an unknown one: 401 invalid_client, KOE101.
    let client_id = param("client_id").unwrap_or_default();
    if client_id != sandbox.app.rest_api_key {
        return Err(KauthError::unknown_client());
    }
    if let Some(secret) = &sandbox.app.client_secret
        && param("client_secret") != Some(secret.as_str())
    {
        return Err(KauthError::bad_client_secret());
    }
    let now = sandbox.now();
    let policy = sandbox.app.tokens;
    match grant_type {
        "authorization_code" => {
            let code = param("code").ok_or_else(|| KauthError::code_not_found(""))?;
            let redirect_uri = param("redirect_uri").ok_or_else(KauthError::redirect_mismatch)?;
            let issued = sandbox
                .tokens
                .exchange_code(
                    code,
                    client_id,
                    redirect_uri,
                    param("code_verifier"),
                    now,
                    &policy,
                )
                .map_err(|e| grant_error(e, code))?;
            Ok(token_body(&issued, Some(&sandbox.agreed_scopes(issued.user_id))))
        }
        "refresh_token" => {
            let refresh_token = param("refresh_token").ok_or_else(KauthError::refresh_token_missing)?;
            let issued = sandbox
                .tokens
                .refresh(refresh_token, now, &policy)
                .map_err(|e| grant_error(e, ""))?;
            Ok(token_body(&issued, None))
        }
        other => Err(KauthError::unsupported_grant_type(other)),
    }
}

fn grant_error(error: GrantError, code: &str) -> KauthError {
    match error {
        GrantError::CodeNotFound => KauthError::code_not_found(code),
        GrantError::RedirectMismatch => KauthError::redirect_mismatch(),
        GrantError::RefreshInvalid => KauthError::refresh_token_invalid(),
        GrantError::RateLimited => KauthError::rate_limited(),
        GrantError::PkceMismatch => KauthError::pkce_mismatch(),
    }
}

/// The token response: `scope` (space-separated) on new logins, refresh fields only when a
/// refresh token was issued.
pub(crate) fn token_body(issued: &IssuedTokens, scopes: Option<&[String]>) -> Value {
    let mut body = Map::new();
    body.insert("token_type".into(), json!("bearer"));
    body.insert("access_token".into(), json!(issued.access_token));
    body.insert("expires_in".into(), json!(issued.expires_in));
    if let Some((refresh_token, expires_in)) = &issued.refresh {
        body.insert("refresh_token".into(), json!(refresh_token));
        body.insert("refresh_token_expires_in".into(), json!(expires_in));
    }
    if let Some(scopes) = scopes {
        body.insert("scope".into(), json!(scopes.join(" ")));
    }
    Value::Object(body)
}
