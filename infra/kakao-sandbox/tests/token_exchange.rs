//! `POST /oauth/token` with `grant_type=authorization_code` (`docs/kakao.md#kakao-login`).

mod common;

use common::{ADMIN, CALLBACK, FRIEND, Kakao, friends_world, start};
use reqwest::StatusCode;
use serde_json::Value;

async fn exchange(kakao: &Kakao, code: &str, redirect_uri: &str) -> (StatusCode, Value) {
    kakao
        .oauth_token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ])
        .await
}

fn koe(body: &Value) -> &str {
    body["error_code"].as_str().unwrap_or("(none)")
}

#[tokio::test]
async fn a_code_buys_tokens_shaped_like_kakaos() {
    let kakao = start(friends_world(1)).await;
    let code = kakao.login_code(FRIEND, &["friends", "talk_message"]).await;

    let response = kakao
        .http
        .post(kakao.at("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", kakao.client_id.as_str()),
            (
                "client_secret",
                kakao.client_secret.as_deref().unwrap_or_default(),
            ),
            ("redirect_uri", CALLBACK),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json;charset=UTF-8")
    );
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 21599);
    assert_eq!(body["refresh_token_expires_in"], 5183999);
    assert!(body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["refresh_token"].as_str().is_some_and(|t| !t.is_empty()));
    let mut scopes: Vec<&str> = body["scope"].as_str().unwrap_or_default().split(' ').collect();
    scopes.sort();
    assert_eq!(scopes, ["friends", "profile_nickname", "talk_message"]);
}

#[tokio::test]
async fn a_code_used_twice_is_koe320() {
    let kakao = start(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &[]).await;

    let (first, _) = exchange(&kakao, &code, CALLBACK).await;
    let (second, body) = exchange(&kakao, &code, CALLBACK).await;

    assert_eq!(first, StatusCode::OK);
    assert_eq!(second, StatusCode::BAD_REQUEST);
    assert_eq!(koe(&body), "KOE320");
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("authorization code not found"))
    );
}

#[tokio::test]
async fn an_unknown_or_missing_code_is_koe320() {
    let kakao = start(friends_world(1)).await;
    let (status, body) = exchange(&kakao, "no-such-code", CALLBACK).await;
    assert_eq!((status, koe(&body)), (StatusCode::BAD_REQUEST, "KOE320"));

    let (status, body) = kakao
        .oauth_token(&[("grant_type", "authorization_code"), ("redirect_uri", CALLBACK)])
        .await;
    assert_eq!((status, koe(&body)), (StatusCode::BAD_REQUEST, "KOE320"));
}

#[tokio::test]
async fn a_code_older_than_ten_minutes_is_koe320() {
    let kakao = start(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &[]).await;
    kakao.advance(601).await;

    let (status, body) = exchange(&kakao, &code, CALLBACK).await;

    assert_eq!((status, koe(&body)), (StatusCode::BAD_REQUEST, "KOE320"));
}

#[tokio::test]
async fn a_code_just_under_ten_minutes_old_still_works() {
    let kakao = start(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &[]).await;
    kakao.advance(599).await;

    let (status, _) = exchange(&kakao, &code, CALLBACK).await;

    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_different_redirect_uri_than_at_authorize_is_koe303() {
    let kakao = start(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &[]).await;

    let (status, body) = exchange(&kakao, &code, "http://localhost:3000/oauth/callback").await;

    assert_eq!((status, koe(&body)), (StatusCode::BAD_REQUEST, "KOE303"));
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_missing_or_wrong_client_secret_is_koe010_with_401() {
    let kakao = start(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &[]).await;
    let base = [
        ("grant_type", "authorization_code"),
        ("client_id", kakao.client_id.as_str()),
        ("redirect_uri", CALLBACK),
        ("code", code.as_str()),
    ];

    let (missing, missing_body) = kakao.post_form("/oauth/token", None, &base).await;
    let mut wrong_form = base.to_vec();
    wrong_form.push(("client_secret", "not-the-secret"));
    let (wrong, wrong_body) = kakao.post_form("/oauth/token", None, &wrong_form).await;

    assert_eq!(
        (missing, koe(&missing_body)),
        (StatusCode::UNAUTHORIZED, "KOE010")
    );
    assert_eq!((wrong, koe(&wrong_body)), (StatusCode::UNAUTHORIZED, "KOE010"));
    assert_eq!(missing_body["error"], "invalid_client");
    // The code survived the refused attempts.
    assert_eq!(exchange(&kakao, &code, CALLBACK).await.0, StatusCode::OK);
}

#[tokio::test]
async fn without_a_client_secret_in_the_world_none_is_needed() {
    let mut world = friends_world(1);
    world.app.client_secret = None;
    let kakao = start(world).await;
    let code = kakao.login_code(ADMIN, &[]).await;

    let (status, body) = exchange(&kakao, &code, CALLBACK).await;

    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_wrong_client_id_is_koe101() {
    let kakao = start(friends_world(1)).await;
    let (status, body) = kakao
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", "nope"),
                ("code", "c"),
            ],
        )
        .await;
    assert_eq!((status, koe(&body)), (StatusCode::UNAUTHORIZED, "KOE101"));
}

/// Kakao answers an empty or missing client_id as an unknown one: 401 invalid_client, KOE101.
#[tokio::test]
async fn an_empty_or_missing_client_id_is_an_invalid_client() {
    let kakao = start(friends_world(1)).await;
    for form in [
        vec![
            ("grant_type", "authorization_code"),
            ("client_id", ""),
            ("code", "c"),
        ],
        vec![("grant_type", "authorization_code"), ("code", "c")],
    ] {
        let (status, body) = kakao.post_form("/oauth/token", None, &form).await;
        assert_eq!(
            (status, koe(&body)),
            (StatusCode::UNAUTHORIZED, "KOE101"),
            "{form:?}"
        );
        assert_eq!(body["error"], "invalid_client");
    }
}

#[tokio::test]
async fn parameters_sent_as_json_are_not_read_as_kakao_reads_only_forms() {
    let kakao = start(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &[]).await;
    let response = kakao
        .http
        .post(kakao.at("/oauth/token"))
        .json(&serde_json::json!({"grant_type": "authorization_code", "client_id": kakao.client_id,
                                  "client_secret": kakao.client_secret, "redirect_uri": CALLBACK, "code": code}))
        .send()
        .await;
    let (status, body) = common::json_of(response).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(koe(&body), "KOE001");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("grant_type"))
    );
}

#[tokio::test]
async fn an_unknown_grant_type_is_refused() {
    let kakao = start(friends_world(1)).await;
    let (status, body) = kakao.oauth_token(&[("grant_type", "password")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "unsupported_grant_type");
}
