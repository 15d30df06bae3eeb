//! The unlink webhook: when a user disconnects the app outside the service, Kakao unlinks them
//! and then POSTs to the app's webhook with `Authorization: KakaoAK {admin key}` and form params
//! `app_id`, `user_id`, `referrer_type` (`docs/kakao.md#unlink-webhook`). Unlinks through the
//! API send nothing.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::{ADMIN, FRIEND, friends_world, start};
use serde_json::json;

/// One call the webhook receiver saw.
#[derive(Debug, Clone)]
struct WebhookCall {
    authorization: Option<String>,
    content_type: Option<String>,
    form: HashMap<String, String>,
}

type Calls = Arc<Mutex<Vec<WebhookCall>>>;

/// A tiny service on port 0 that records webhook calls and answers `status`.
async fn webhook_receiver(status: StatusCode) -> (String, Calls) {
    let calls: Calls = Arc::default();
    let app = Router::new()
        .route(
            "/kakao/unlink",
            post(
                move |State(calls): State<Calls>, headers: HeaderMap, body: String| async move {
                    let header =
                        |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
                    let form: HashMap<String, String> = serde_urlencoded::from_str(&body).unwrap_or_default();
                    let call = WebhookCall {
                        authorization: header("authorization"),
                        content_type: header("content-type"),
                        form,
                    };
                    calls.lock().unwrap_or_else(|e| e.into_inner()).push(call);
                    status
                },
            ),
        )
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "http://{}/kakao/unlink",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

fn recorded(calls: &Calls) -> Vec<WebhookCall> {
    calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

#[tokio::test]
async fn unlinking_elsewhere_calls_the_webhook_with_the_admin_key_and_form_params() {
    let world = friends_world(1);
    let app_id = world.app.app_id;
    let kakao = start(world).await;
    let (url, calls) = webhook_receiver(StatusCode::OK).await;
    kakao
        .sandbox
        .update_app(|app| app.unlink_webhook_url = Some(url.clone()));
    let token = kakao.full_token(FRIEND).await;

    let (status, body) = kakao
        .control(
            "/_sandbox/unlink",
            json!({"user_id": FRIEND, "referrer_type": "UNLINK_FROM_APPS"}),
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["webhook_status"], 200);
    let calls = recorded(&calls);
    assert_eq!(calls.len(), 1);
    let WebhookCall {
        authorization,
        content_type,
        form,
    } = &calls[0];
    assert_eq!(
        authorization.as_deref(),
        Some(format!("KakaoAK {}", kakao.admin_key).as_str())
    );
    assert!(
        content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    );
    assert_eq!(form.get("app_id"), Some(&app_id.to_string()));
    assert_eq!(form.get("user_id"), Some(&FRIEND.to_string()));
    assert_eq!(
        form.get("referrer_type").map(String::as_str),
        Some("UNLINK_FROM_APPS")
    );
    // Kakao unlinked before calling: the user's tokens are already dead.
    assert_eq!(
        kakao.get("/v2/user/me", Some(&token)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_control_api_answers_with_the_webhooks_status() {
    let kakao = start(friends_world(1)).await;
    let (url, _calls) = webhook_receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    kakao.sandbox.update_app(|app| app.unlink_webhook_url = Some(url));

    let (status, body) = kakao
        .control(
            "/_sandbox/unlink",
            json!({"user_id": FRIEND, "referrer_type": "ACCOUNT_DELETE"}),
        )
        .await;

    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["webhook_status"], 500);
}

#[tokio::test]
async fn unlinking_through_the_api_does_not_call_the_webhook() {
    let kakao = start(friends_world(1)).await;
    let (url, calls) = webhook_receiver(StatusCode::OK).await;
    kakao.sandbox.update_app(|app| app.unlink_webhook_url = Some(url));
    let token = kakao.full_token(FRIEND).await;

    assert_eq!(
        kakao.post_bearer("/v1/user/unlink", &token, &[]).await.0,
        StatusCode::OK
    );
    let admin_key = format!("KakaoAK {}", kakao.admin_key);
    kakao.full_token(ADMIN).await;
    let (status, _) = kakao
        .post_form(
            "/v1/user/unlink",
            Some(&admin_key),
            &[("target_id_type", "user_id"), ("target_id", "1000")],
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    assert!(recorded(&calls).is_empty());
}

#[tokio::test]
async fn an_unreachable_webhook_is_reported_as_a_bad_gateway_and_the_user_is_still_unlinked() {
    let kakao = start(friends_world(1)).await;
    kakao
        .sandbox
        .update_app(|app| app.unlink_webhook_url = Some("http://127.0.0.1:9/kakao/unlink".into()));

    let (status, body) = kakao
        .control("/_sandbox/unlink", json!({"user_id": FRIEND}))
        .await;

    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(body["error"].is_string());
    let (again, _) = kakao
        .control("/_sandbox/unlink", json!({"user_id": FRIEND}))
        .await;
    assert_eq!(again, StatusCode::CONFLICT, "already unlinked");
}
