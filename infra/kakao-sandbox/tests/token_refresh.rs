//! `POST /oauth/token` with `grant_type=refresh_token`: rotation only in the last month, KOE322
//! for dead tokens, KOE319 when none is sent (`docs/kakao.md#tokens`).

mod common;

use common::{ADMIN, Kakao, friends_world, start};
use reqwest::StatusCode;
use serde_json::Value;

const DAY: i64 = 24 * 3600;

async fn refresh(kakao: &Kakao, refresh_token: &str) -> (StatusCode, Value) {
    kakao
        .oauth_token(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
        .await
}

async fn first_refresh_token(kakao: &Kakao) -> String {
    let body = kakao
        .token_body(ADMIN, &["profile_nickname", "friends", "talk_message"])
        .await;
    body["refresh_token"]
        .as_str()
        .unwrap_or_else(|| panic!("refresh_token in {body}"))
        .to_owned()
}

#[tokio::test]
async fn a_refresh_early_in_its_life_returns_only_a_new_access_token() {
    let kakao = start(friends_world(1)).await;
    let refresh_token = first_refresh_token(&kakao).await;
    kakao.advance(29 * DAY).await;

    let (status, body) = refresh(&kakao, &refresh_token).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 21599);
    assert!(body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    let keys: Vec<&String> = body.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    assert_eq!(
        keys,
        ["access_token", "expires_in", "token_type"],
        "no refresh fields, no scope"
    );
    // The same refresh token keeps working.
    assert_eq!(refresh(&kakao, &refresh_token).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_refresh_in_the_last_month_rotates_and_the_old_token_dies() {
    let kakao = start(friends_world(1)).await;
    let old = first_refresh_token(&kakao).await;
    kakao.advance(31 * DAY).await;

    let (status, body) = refresh(&kakao, &old).await;
    let new = body["refresh_token"].as_str().unwrap_or_default().to_owned();

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["refresh_token_expires_in"], 5183999);
    assert!(!new.is_empty() && new != old);
    let (old_status, old_body) = refresh(&kakao, &old).await;
    assert_eq!(old_status, StatusCode::BAD_REQUEST);
    assert_eq!(old_body["error_code"], "KOE322");
    assert_eq!(refresh(&kakao, &new).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_refresh_token_dies_after_two_months() {
    let kakao = start(friends_world(1)).await;
    let refresh_token = first_refresh_token(&kakao).await;
    kakao.advance(60 * DAY).await;

    let (status, body) = refresh(&kakao, &refresh_token).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        serde_json::json!({"error": "invalid_grant", "error_description": "expired_or_invalid_refresh_token",
                           "error_code": "KOE322"})
    );
}

#[tokio::test]
async fn an_unknown_refresh_token_is_koe322_and_a_missing_one_koe319() {
    let kakao = start(friends_world(1)).await;

    let (unknown, unknown_body) = refresh(&kakao, "never-issued").await;
    let (missing, missing_body) = kakao.oauth_token(&[("grant_type", "refresh_token")]).await;

    assert_eq!(
        (unknown, unknown_body["error_code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("KOE322"))
    );
    assert_eq!(
        (missing, missing_body["error_code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("KOE319"))
    );
}

#[tokio::test]
async fn logout_and_unlink_kill_the_refresh_token() {
    let kakao = start(friends_world(2)).await;
    let body = kakao.token_body(ADMIN, &["profile_nickname"]).await;
    let access = body["access_token"].as_str().unwrap_or_default();
    let refresh_token = body["refresh_token"].as_str().unwrap_or_default();
    assert_eq!(
        kakao.post_bearer("/v1/user/logout", access, &[]).await.0,
        StatusCode::OK
    );
    assert_eq!(refresh(&kakao, refresh_token).await.1["error_code"], "KOE322");

    let body = kakao.token_body(common::FRIEND, &["profile_nickname"]).await;
    let access = body["access_token"].as_str().unwrap_or_default();
    let refresh_token = body["refresh_token"].as_str().unwrap_or_default();
    assert_eq!(
        kakao.post_bearer("/v1/user/unlink", access, &[]).await.0,
        StatusCode::OK
    );
    assert_eq!(refresh(&kakao, refresh_token).await.1["error_code"], "KOE322");
}

#[tokio::test]
async fn a_refresh_needs_the_client_secret_too() {
    let kakao = start(friends_world(1)).await;
    let refresh_token = first_refresh_token(&kakao).await;

    let (status, body) = kakao
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &kakao.client_id),
                ("refresh_token", &refresh_token),
            ],
        )
        .await;

    assert_eq!(
        (status, body["error_code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("KOE010"))
    );
}

#[tokio::test]
async fn the_21st_access_token_within_ten_minutes_is_koe237() {
    let kakao = start(friends_world(1)).await;
    let refresh_token = first_refresh_token(&kakao).await;
    for n in 1..=20 {
        assert_eq!(
            refresh(&kakao, &refresh_token).await.0,
            StatusCode::OK,
            "refresh {n}"
        );
    }

    let (status, body) = refresh(&kakao, &refresh_token).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("KOE237"))
    );

    kakao.advance(601).await;
    assert_eq!(refresh(&kakao, &refresh_token).await.0, StatusCode::OK);
}
