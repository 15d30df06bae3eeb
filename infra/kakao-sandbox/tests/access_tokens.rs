//! Bearer tokens on kapi: token info with remaining seconds, and `-401` for missing, unknown and
//! expired tokens (`docs/kakao.md#user-apis`, `docs/kakao.md#errors`).

mod common;

use common::{ADMIN, friends_world, start};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn token_info_tells_the_owner_the_app_and_the_seconds_left() {
    let world = friends_world(1);
    let app_id = world.app.app_id;
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, fresh) = kakao.get("/v1/user/access_token_info", Some(&token)).await;
    kakao.advance(3600).await;
    let (_, later) = kakao.get("/v1/user/access_token_info", Some(&token)).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(fresh, json!({"id": ADMIN, "expires_in": 21599, "app_id": app_id}));
    assert_eq!(later["expires_in"], 21599 - 3600);
}

#[tokio::test]
async fn an_access_token_expires_after_six_hours() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao.advance(21598).await;
    assert_eq!(kakao.get("/v2/user/me", Some(&token)).await.0, StatusCode::OK);

    kakao.advance(2).await;
    let (status, body) = kakao.get("/v2/user/me", Some(&token)).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"msg": "this access token is already expired", "code": -401})
    );
}

#[tokio::test]
async fn a_missing_or_unknown_token_is_401_does_not_exist() {
    let kakao = start(friends_world(1)).await;
    let expected = json!({"msg": "this access token does not exist", "code": -401});

    for path in [
        "/v2/user/me",
        "/v1/user/access_token_info",
        "/v2/user/scopes",
        "/v1/api/talk/friends",
    ] {
        let missing = kakao.get(path, None).await;
        let unknown = kakao.get(path, Some("made-up-token")).await;
        assert_eq!(
            missing,
            (StatusCode::UNAUTHORIZED, expected.clone()),
            "{path} without a token"
        );
        assert_eq!(
            unknown,
            (StatusCode::UNAUTHORIZED, expected.clone()),
            "{path} with a made-up token"
        );
    }
    let (status, body) = kakao.post_form("/v2/api/talk/memo/default/send", None, &[]).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, expected));
}

#[tokio::test]
async fn a_refreshed_access_token_works_and_the_earlier_one_lives_on_until_it_expires() {
    let kakao = start(friends_world(1)).await;
    let body = kakao.token_body(ADMIN, &["profile_nickname"]).await;
    let first = body["access_token"].as_str().unwrap_or_default().to_owned();
    let refresh_token = body["refresh_token"].as_str().unwrap_or_default();
    kakao.advance(3600).await;

    let (_, refreshed) = kakao
        .oauth_token(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
        .await;
    let second = refreshed["access_token"].as_str().unwrap_or_default();

    assert_eq!(kakao.get("/v2/user/me", Some(second)).await.0, StatusCode::OK);
    assert_eq!(kakao.get("/v2/user/me", Some(&first)).await.0, StatusCode::OK);
    kakao.advance(21599 - 3600).await;
    assert_eq!(
        kakao.get("/v2/user/me", Some(&first)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(kakao.get("/v2/user/me", Some(second)).await.0, StatusCode::OK);
}
