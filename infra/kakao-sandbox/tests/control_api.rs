//! The `/_sandbox` control API's shapes, which other crates' tests rely on.

mod common;

use common::{ADMIN, FRIEND, friends_world, start};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn app_shows_the_keys_a_service_needs() {
    let world = friends_world(1);
    let expected = json!({"app_id": world.app.app_id, "rest_api_key": world.app.rest_api_key,
                          "client_secret": world.app.client_secret, "admin_key": world.app.admin_key,
                          "standing": "active"});
    let kakao = start(world).await;

    assert_eq!(kakao.get("/_sandbox/app", None).await, (StatusCode::OK, expected));

    kakao.sandbox.update_app(|app| app.client_secret = None);
    assert_eq!(
        kakao.get("/_sandbox/app", None).await.1["client_secret"],
        json!(null)
    );
}

/// Kakao blocks (-12) or suspends (-13, long disuse) the whole app: every kapi call answers
/// that code until the app is active again; login (kauth) is left alone.
#[tokio::test]
async fn a_blocked_or_suspended_app_is_refused_on_every_api() {
    let kakao = start(friends_world(1)).await;
    for (standing, code, status) in [("blocked", -12, 403), ("suspended", -13, 400)] {
        let (answer, body) = kakao
            .control("/_sandbox/app", json!({"standing": standing}))
            .await;
        assert_eq!(
            (answer, body["standing"].clone()),
            (StatusCode::OK, json!(standing))
        );
        for path in [
            "/v2/user/me",
            "/v1/api/talk/friends",
            "/v1/user/access_token_info",
        ] {
            let (answer, body) = kakao.get(path, Some("any-token")).await;
            assert_eq!(answer.as_u16(), status, "{standing} {path}");
            assert_eq!(body["code"], code, "{standing} {path}: {body}");
        }
    }
    kakao
        .control("/_sandbox/app", json!({"standing": "active"}))
        .await;
    let (answer, body) = kakao.get("/v2/user/me", Some("any-token")).await;
    assert_eq!(
        (answer.as_u16(), body["code"].clone()),
        (401, json!(-401)),
        "served again"
    );
}

#[tokio::test]
async fn users_lists_everyone_with_friends_consent_and_refusal() {
    let kakao = start(friends_world(2)).await;

    let (status, users) = kakao.get("/_sandbox/users", None).await;

    assert_eq!(status, StatusCode::OK);
    let admin = users
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["id"] == ADMIN)
        .cloned()
        .unwrap_or_default();
    assert_eq!(admin["nickname"], "관리자");
    assert_eq!(admin["friends"], json!([1001, 1002]));
    assert_eq!(
        admin["agreed"],
        json!(["friends", "profile_nickname", "talk_message"])
    );
    assert_eq!(admin["refuses_messages"], false);
    assert_eq!(admin["linked"], true);
    assert!(admin["uuid"].is_string());
}

#[tokio::test]
async fn tokens_link_the_user_with_exactly_the_given_scopes() {
    let mut world = friends_world(1);
    if let Some(u) = world.user_mut(FRIEND) {
        u.linked = false;
        u.agreed.clear();
    }
    let kakao = start(world).await;

    let body = kakao.token_body(FRIEND, &["friends"]).await;

    assert_eq!(body["scope"], "friends");
    assert_eq!(body["token_type"], "bearer");
    assert!(body["refresh_token"].is_string());
    let (_, scopes) = kakao.get("/v2/user/scopes", body["access_token"].as_str()).await;
    let agreed: Vec<&str> = scopes["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["agreed"] == true)
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(agreed, ["friends"]);
}

#[tokio::test]
async fn tokens_for_unknown_users_or_scopes_are_refused() {
    let kakao = start(friends_world(1)).await;
    let (unknown_user, _) = kakao
        .control("/_sandbox/tokens", json!({"user_id": 4242, "scopes": []}))
        .await;
    let (unknown_scope, body) = kakao
        .control("/_sandbox/tokens", json!({"user_id": ADMIN, "scopes": ["email"]}))
        .await;
    assert_eq!(unknown_user, StatusCode::NOT_FOUND);
    assert_eq!(unknown_scope, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().is_some_and(|e| e.contains("email")));
}

#[tokio::test]
async fn the_clock_can_be_read_and_advanced_but_not_turned_back() {
    let kakao = start(friends_world(1)).await;

    let (_, now) = kakao.get("/_sandbox/clock", None).await;
    let later = kakao.advance(86_400).await;
    let (back, _) = kakao
        .control("/_sandbox/clock", json!({"advance_seconds": -1}))
        .await;

    assert_eq!(now, json!({"now": "2026-03-02T05:00:00Z"}));
    assert_eq!(later, json!({"now": "2026-03-03T05:00:00Z"}));
    assert_eq!(back, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_unfrozen_clock_starts_near_the_real_time() {
    let kakao = start(kakao_sandbox::World::with_friends(1)).await;
    let (_, now) = kakao.get("/_sandbox/clock", None).await;
    let now = common::at(now["now"].as_str().unwrap_or_default());
    assert!((chrono::Utc::now() - now).num_minutes().abs() < 5);
}

#[tokio::test]
async fn faults_are_listed_as_set() {
    let kakao = start(friends_world(1)).await;

    let (status, active) = kakao
        .control(
            "/_sandbox/faults",
            json!({"path": "/v1/api/talk/friends", "status": 502, "skip": 1, "times": 2}),
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(active[0]["path"], "/v1/api/talk/friends");
    assert_eq!(active[0]["status"], 502);
    assert_eq!(active[0]["skip_remaining"], 1);
    assert_eq!(active[0]["times_remaining"], 2);
    assert_eq!(kakao.get("/_sandbox/faults", None).await.1, active);
}

#[tokio::test]
async fn requests_counts_kakao_calls_per_path_but_not_control_calls_or_pages() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao.get("/v2/user/me", Some(&token)).await;
    kakao.get("/v2/user/me", Some("unknown")).await;
    kakao.get("/v1/api/talk/friends", Some(&token)).await;
    kakao.page("/", &[]).await;

    let (status, counts) = kakao.get("/_sandbox/requests", None).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        counts,
        json!({"total": 3, "by_path": {"/v2/user/me": 2, "/v1/api/talk/friends": 1}})
    );
}

#[tokio::test]
async fn a_handle_shuts_the_server_down() {
    let kakao = start(friends_world(1)).await;
    let url = kakao.url.clone();
    kakao.sandbox.shutdown().await;

    let after = reqwest::Client::new()
        .get(format!("{url}/_sandbox/clock"))
        .send()
        .await;

    assert!(after.is_err());
}
