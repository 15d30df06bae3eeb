//! `GET|POST /kakao/unlink`: Kakao's unlink webhook (`docs/kakao.md#unlink-webhook`). A person disconnected
//! ttokttok outside our service; Kakao has already unlinked them and now tells us.
//!
//! The call must carry `Authorization: KakaoAK {admin key}`, and an `app_id` if any must be ours,
//! or it is refused with 401. Every other request signed with the key is answered 200, even one
//! without `app_id` or with a `user_id` that is not a number (Kakao's console test sends such):
//! Kakao pauses a webhook that answers errors, and would stop telling us about real unlinks.
//! Then the person's data goes ([`app::unlink::forget`]): the deletion is noted, they become
//! unreachable for every admin as a client, and as an admin their tokens go first, then friends,
//! meetings and their personal fields. Kakao wants 200 within 3 seconds, so the work gets 2.5
//! seconds and the answer is 200 even when it could not finish: the noted deletion is finished
//! later by ttokttok itself (the friend-sync function's pass every 10 minutes, alarmed on while
//! one stays unfinished). Only a store that cannot even take the note leaves nothing to retry;
//! that is the `UnlinkNotNoted` metric and its alarm.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::KakaoUserId;
use secrecy::ExposeSecret as _;
use subtle::ConstantTimeEq as _;
use web::WebState;

/// Kakao allows 3 seconds; leave room for the network.
const WORK_BUDGET: Duration = Duration::from_millis(2500);

/// The webhook's parameters: the query string (GET) and a form body (POST), body winning.
fn parameters(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> HashMap<String, String> {
    let mut params: HashMap<String, String> = query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
        .into_iter()
        .collect();
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form && let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) {
        params.extend(pairs);
    }
    params
}

/// Whether the request carries our admin key (compared in constant time).
fn has_admin_key(headers: &HeaderMap, admin_key: &str) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    match value.trim().split_once(' ') {
        Some(("KakaoAK", key)) => {
            let key = key.trim();
            !key.is_empty() && bool::from(key.as_bytes().ct_eq(admin_key.as_bytes()))
        }
        _ => false,
    }
}

pub async fn webhook(
    State(state): State<WebState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let kakao = &state.services().settings.kakao;
    let Some(admin_key) = kakao.admin_key.as_ref() else {
        tracing::error!("the unlink webhook was called but KAKAO_ADMIN_KEY is not set for this function");
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    if !has_admin_key(&headers, admin_key.expose_secret()) {
        tracing::warn!("unlink webhook refused: missing or wrong admin key");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let params = parameters(query.as_deref(), &headers, &body);
    // The admin key proves the caller; an app id, when sent, must still be ours.
    let app_id_wrong = params
        .get("app_id")
        .is_some_and(|id| id.trim() != kakao.app_id.get().to_string());
    if app_id_wrong {
        tracing::warn!(app_id = ?params.get("app_id"), "unlink webhook refused: wrong app_id");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Some(user) = params
        .get("user_id")
        .and_then(|id| KakaoUserId::parse(id.trim()).ok())
    else {
        tracing::info!(
            app_id_sent = params.contains_key("app_id"),
            "unlink webhook without a usable user_id (Kakao's console test sends such); nothing to delete"
        );
        return StatusCode::OK.into_response();
    };
    let referrer = params.get("referrer_type").map(String::as_str).unwrap_or("");
    tracing::info!(user = %user, referrer_type = referrer, "Kakao unlink received");
    let store = state.services().store.clone();
    match tokio::time::timeout(WORK_BUDGET, app::unlink::forget(&*store, user, state.now())).await {
        Ok(Ok(())) => tracing::info!(user = %user, "unlinked user's data deleted"),
        Ok(Err(error @ app::unlink::ForgetError::NotNoted(_))) => {
            tracing::error!(user = %user, error = %error, source = ?std::error::Error::source(&error), "an unlinked user's deletion could not even be noted; answering 200 as Kakao asks");
            crate::metrics::count(state.now(), "UnlinkNotNoted");
        }
        Ok(Err(error)) => {
            tracing::error!(user = %user, error = %error, source = ?std::error::Error::source(&error), "deleting an unlinked user's data failed part-way; it is noted and finished later; answering 200 as Kakao asks")
        }
        Err(_) => {
            tracing::error!(user = %user, "deleting an unlinked user's data took too long; it is noted and finished later; answering 200 as Kakao asks")
        }
    }
    StatusCode::OK.into_response()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn only_our_admin_key_in_kakaos_form_is_accepted() {
        let mut headers = HeaderMap::new();
        assert!(!has_admin_key(&headers, "key"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("KakaoAK key"));
        assert!(has_admin_key(&headers, "key"));
        assert!(!has_admin_key(&headers, "other"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer key"));
        assert!(!has_admin_key(&headers, "key"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("KakaoAK "));
        assert!(!has_admin_key(&headers, ""));
    }

    #[test]
    fn parameters_come_from_the_query_and_a_form_body() {
        let mut headers = HeaderMap::new();
        let params = parameters(Some("app_id=1&user_id=2"), &headers, b"");
        assert_eq!(params["user_id"], "2");
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let params = parameters(
            None,
            &headers,
            b"app_id=1&user_id=3&referrer_type=UNLINK_FROM_APPS",
        );
        assert_eq!(
            (params["app_id"].as_str(), params["user_id"].as_str()),
            ("1", "3")
        );
    }
}
