//! kapi user endpoints: profile, token info, consent list and revocation, logout and unlink
//! (`docs/kakao.md#user-apis`).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use serde_json::{Map, Value, json};

use super::{AppState, Credentials, bearer, credentials, form_params, query_params};
use crate::accounts::Account;
use crate::errors::{KapiError, kakao_json};
use crate::state::Sandbox;
use crate::world::{AppConfig, ScopeType};

fn respond(result: Result<Value, KapiError>) -> Response {
    match result {
        Ok(body) => kakao_json(StatusCode::OK, &body),
        Err(error) => error.into_response(),
    }
}

/// `GET`/`POST /v2/user/me`. `property_keys` and `secure_resource` are accepted and ignored.
pub(super) async fn me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let sandbox = state.shared.lock();
    respond(bearer(&sandbox, &headers).and_then(|grant| {
        let account = sandbox
            .directory
            .get(grant.user_id)
            .ok_or_else(KapiError::token_unknown)?;
        Ok(me_body(account))
    }))
}

fn me_body(account: &Account) -> Value {
    let nickname = account.has_agreed("profile_nickname");
    let image = account.has_agreed("profile_image");
    let mut properties = Map::new();
    let mut profile = Map::new();
    if nickname {
        properties.insert("nickname".into(), json!(account.nickname));
        profile.insert("nickname".into(), json!(account.nickname));
    }
    if image {
        properties.insert("profile_image".into(), json!(account.profile_image()));
        properties.insert("thumbnail_image".into(), json!(account.thumbnail()));
        profile.insert("thumbnail_image_url".into(), json!(account.thumbnail()));
        profile.insert("profile_image_url".into(), json!(account.profile_image()));
        profile.insert("is_default_image".into(), json!(account.has_default_image()));
    }
    let mut kakao_account = Map::new();
    kakao_account.insert("profile_nickname_needs_agreement".into(), json!(!nickname));
    kakao_account.insert("profile_image_needs_agreement".into(), json!(!image));
    if nickname || image {
        kakao_account.insert("profile".into(), Value::Object(profile));
    }
    let mut body = Map::new();
    body.insert("id".into(), json!(account.id));
    if let Some(connected_at) = account.connected_at {
        body.insert(
            "connected_at".into(),
            json!(connected_at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        );
    }
    if !properties.is_empty() {
        body.insert("properties".into(), Value::Object(properties));
    }
    body.insert("kakao_account".into(), Value::Object(kakao_account));
    Value::Object(body)
}

/// `GET /v1/user/access_token_info`: who the token belongs to and the seconds it has left.
pub(super) async fn access_token_info(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let sandbox = state.shared.lock();
    respond(bearer(&sandbox, &headers).map(|grant| {
        let expires_in = (grant.expires_at - sandbox.now()).num_seconds().max(0);
        json!({"id": grant.user_id, "expires_in": expires_in, "app_id": sandbox.app.app_id})
    }))
}

/// `GET /v2/user/scopes`, optionally only the scopes in `scopes=["a","b"]`.
pub(super) async fn scopes(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = query_params(query.as_deref());
    let sandbox = state.shared.lock();
    respond(bearer(&sandbox, &headers).and_then(|grant| {
        let filter = params
            .get("scopes")
            .map(|raw| parse_scope_list(raw))
            .transpose()?;
        let account = sandbox
            .directory
            .get(grant.user_id)
            .ok_or_else(KapiError::token_unknown)?;
        Ok(scopes_body(&sandbox.app, account, filter.as_deref()))
    }))
}

/// `POST /v2/user/revoke/scopes` with `scopes=["talk_message"]`: only revocable (optional,
/// agreed) items can be revoked. Answers with the remaining consent list.
pub(super) async fn revoke_scopes(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = form_params(&headers, &body);
    let mut sandbox = state.shared.lock();
    let result = bearer(&sandbox, &headers).and_then(|grant| {
        let raw = params
            .get("scopes")
            .ok_or_else(|| KapiError::invalid_param("scopes is required."))?;
        let scopes = parse_scope_list(raw)?;
        let account = sandbox
            .directory
            .get(grant.user_id)
            .ok_or_else(KapiError::token_unknown)?;
        for scope in &scopes {
            let revocable =
                account.has_agreed(scope) && sandbox.app.consent_item(scope).is_some_and(|c| !c.required);
            if !revocable {
                return Err(KapiError::invalid_param(format!(
                    "scope {scope:?} is not revocable."
                )));
            }
        }
        let app = sandbox.app.clone();
        let account = sandbox
            .directory
            .get_mut(grant.user_id)
            .ok_or_else(KapiError::token_unknown)?;
        for scope in &scopes {
            account.agreed.remove(scope);
        }
        Ok(scopes_body(&app, account, None))
    });
    respond(result)
}

fn parse_scope_list(raw: &str) -> Result<Vec<String>, KapiError> {
    serde_json::from_str::<Vec<String>>(raw).map_err(|_| {
        KapiError::invalid_param("scopes must be a JSON array of scope ids, e.g. [\"friends\"].")
    })
}

fn scopes_body(app: &AppConfig, account: &Account, filter: Option<&[String]>) -> Value {
    let configured = app.consent_items.iter().map(|item| {
        (
            item.id.clone(),
            item.display_name.clone(),
            item.kind,
            true,
            Some(item.required),
        )
    });
    // Items the user agreed to that the app no longer configures still show, with using=false.
    let leftovers = account
        .agreed
        .iter()
        .filter(|id| app.consent_item(id).is_none())
        .map(|id| (id.clone(), id.clone(), ScopeType::Privacy, false, None));
    let scopes: Vec<Value> = configured
        .chain(leftovers)
        .filter(|(id, ..)| filter.is_none_or(|f| f.contains(id)))
        .map(|(id, display_name, kind, using, required)| {
            let agreed = account.has_agreed(&id);
            let mut scope = json!({"id": id, "display_name": display_name, "type": kind, "using": using, "agreed": agreed});
            if agreed && let Value::Object(fields) = &mut scope {
                fields.insert("revocable".into(), json!(!required.unwrap_or(false)));
            }
            scope
        })
        .collect();
    json!({"id": account.id, "scopes": scopes})
}

/// `POST /v1/user/logout`: a Bearer token ends its own session; the admin key with a target
/// ends every session of that user.
pub(super) async fn logout(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = form_params(&headers, &body);
    let mut sandbox = state.shared.lock();
    let result = match credentials(&headers) {
        Credentials::AdminKey(key) => {
            admin_target(&sandbox, &key, &params).inspect(|&user_id| sandbox.tokens.end_all_sessions(user_id))
        }
        _ => bearer(&sandbox, &headers).map(|grant| {
            sandbox.tokens.end_session(grant.session);
            grant.user_id
        }),
    };
    respond(result.map(|id| json!({"id": id})))
}

/// `POST /v1/user/unlink`: the user leaves the app. Tokens die, consent is cleared, and no
/// webhook is sent (Kakao only calls it for unlinks that happen elsewhere).
pub(super) async fn unlink(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = form_params(&headers, &body);
    let mut sandbox = state.shared.lock();
    let result = match credentials(&headers) {
        Credentials::AdminKey(key) => admin_target(&sandbox, &key, &params),
        _ => bearer(&sandbox, &headers).map(|grant| grant.user_id),
    };
    respond(result.map(|user_id| {
        unlink_user(&mut sandbox, user_id);
        tracing::info!(user = user_id, "user unlinked through the API");
        json!({"id": user_id})
    }))
}

/// Unlinks a user: every token dies and every consent is gone.
pub(crate) fn unlink_user(sandbox: &mut Sandbox, user_id: i64) {
    sandbox.tokens.end_all_sessions(user_id);
    sandbox.directory.unlink(user_id);
}

/// The user an admin-key call targets (`target_id_type=user_id&target_id=N`), who must be linked.
fn admin_target(sandbox: &Sandbox, key: &str, params: &HashMap<String, String>) -> Result<i64, KapiError> {
    if key != sandbox.app.admin_key {
        return Err(KapiError::new(-401, "wrong admin key"));
    }
    match params.get("target_id_type").map(String::as_str) {
        Some("user_id") => {}
        Some(other) => {
            return Err(KapiError::invalid_param(format!(
                "target_id_type {other:?} is not supported."
            )));
        }
        None => return Err(KapiError::invalid_param("target_id_type is required.")),
    }
    let target = params
        .get("target_id")
        .ok_or_else(|| KapiError::invalid_param("target_id is required."))?;
    let user_id: i64 = target
        .parse()
        .map_err(|_| KapiError::invalid_param(format!("target_id {target:?} is not a user id.")))?;
    match sandbox.directory.get(user_id) {
        Some(account) if account.linked => Ok(user_id),
        _ => Err(KapiError::new(-101, "not registered user")),
    }
}
