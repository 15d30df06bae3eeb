//! kapi user endpoints: `/v2/user/me`, `/v2/user/scopes`, scope revocation, logout and unlink
//! (`docs/kakao.md#user-apis`).

mod common;

use common::{ADMIN, FRIEND, friends_world, start};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn me_returns_the_profile_shape_kakao_documents() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;

    let (get_status, me) = kakao.get("/v2/user/me", Some(&token)).await;
    let (post_status, posted) = kakao.post_bearer("/v2/user/me", &token, &[]).await;

    assert_eq!((get_status, post_status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(me, posted);
    assert_eq!(me["id"], ADMIN);
    assert_eq!(me["properties"]["nickname"], "관리자");
    assert_eq!(me["kakao_account"]["profile"]["nickname"], "관리자");
    assert_eq!(me["kakao_account"]["profile_nickname_needs_agreement"], false);
    assert_eq!(me["connected_at"], "2026-03-02T05:00:00Z");
}

#[tokio::test]
async fn me_hides_the_nickname_without_consent_to_it() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.token(ADMIN, &["friends"]).await;

    let (_, me) = kakao.get("/v2/user/me", Some(&token)).await;

    assert_eq!(me["kakao_account"]["profile_nickname_needs_agreement"], true);
    assert!(me["kakao_account"].get("profile").is_none());
    assert!(me.get("properties").is_none());
}

#[tokio::test]
async fn scopes_lists_every_configured_item_with_agreement_and_revocability() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.token(ADMIN, &["profile_nickname", "talk_message"]).await;

    let (status, body) = kakao.get("/v2/user/scopes", Some(&token)).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["id"], ADMIN);
    assert_eq!(
        body["scopes"],
        json!([
            {"id": "profile_nickname", "display_name": "닉네임", "type": "PRIVACY", "using": true, "agreed": true,
             "revocable": false},
            {"id": "friends", "display_name": "카카오 서비스 내 친구목록(프로필사진, 닉네임, 즐겨찾기 포함)",
             "type": "PRIVACY", "using": true, "agreed": false},
            {"id": "talk_message", "display_name": "카카오톡 메시지 전송", "type": "SERVICE", "using": true,
             "agreed": true, "revocable": true},
        ])
    );
}

#[tokio::test]
async fn scopes_can_be_filtered_with_a_json_array() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, body) = kakao
        .get("/v2/user/scopes?scopes=%5B%22friends%22%5D", Some(&token))
        .await;
    let (bad_status, bad) = kakao.get("/v2/user/scopes?scopes=friends", Some(&token)).await;

    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = body["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, ["friends"]);
    assert_eq!(
        (bad_status, bad["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-2))
    );
}

#[tokio::test]
async fn an_optional_scope_can_be_revoked_and_a_required_one_cannot() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, body) = kakao
        .post_bearer(
            "/v2/user/revoke/scopes",
            &token,
            &[("scopes", r#"["talk_message"]"#)],
        )
        .await;
    let (refused, refused_body) = kakao
        .post_bearer(
            "/v2/user/revoke/scopes",
            &token,
            &[("scopes", r#"["profile_nickname"]"#)],
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    let talk = body["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["id"] == "talk_message");
    assert_eq!(talk.map(|s| s["agreed"].clone()), Some(json!(false)));
    assert_eq!(
        (refused, refused_body["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-2))
    );
}

#[tokio::test]
async fn token_logout_ends_that_token_only() {
    let kakao = start(friends_world(1)).await;
    let phone = kakao.full_token(ADMIN).await;
    let laptop = kakao.full_token(ADMIN).await;

    let (status, body) = kakao.post_bearer("/v1/user/logout", &phone, &[]).await;

    assert_eq!((status, body), (StatusCode::OK, json!({"id": ADMIN})));
    assert_eq!(
        kakao.get("/v2/user/me", Some(&phone)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(kakao.get("/v2/user/me", Some(&laptop)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn admin_key_logout_ends_every_token_of_the_user() {
    let kakao = start(friends_world(1)).await;
    let phone = kakao.full_token(ADMIN).await;
    let laptop = kakao.full_token(ADMIN).await;
    let admin_key = format!("KakaoAK {}", kakao.admin_key);

    let (status, body) = kakao
        .post_form(
            "/v1/user/logout",
            Some(&admin_key),
            &[("target_id_type", "user_id"), ("target_id", &ADMIN.to_string())],
        )
        .await;

    assert_eq!((status, body), (StatusCode::OK, json!({"id": ADMIN})));
    assert_eq!(
        kakao.get("/v2/user/me", Some(&phone)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        kakao.get("/v2/user/me", Some(&laptop)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_wrong_admin_key_is_401_and_a_missing_target_is_minus_2() {
    let kakao = start(friends_world(1)).await;
    let (wrong, wrong_body) = kakao
        .post_form(
            "/v1/user/logout",
            Some("KakaoAK nope"),
            &[("target_id_type", "user_id"), ("target_id", "1000")],
        )
        .await;
    let (missing, missing_body) = kakao
        .post_form(
            "/v1/user/unlink",
            Some(&format!("KakaoAK {}", kakao.admin_key)),
            &[],
        )
        .await;

    assert_eq!(
        (wrong, wrong_body["code"].as_i64()),
        (StatusCode::UNAUTHORIZED, Some(-401))
    );
    assert_eq!(
        (missing, missing_body["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-2))
    );
}

#[tokio::test]
async fn unlink_revokes_tokens_clears_consent_and_hides_the_user_from_friends() {
    let kakao = start(friends_world(2)).await;
    let admin = kakao.full_token(ADMIN).await;
    let friend = kakao.full_token(FRIEND).await;
    let (_, before) = kakao.get("/v1/api/talk/friends", Some(&admin)).await;

    let (status, body) = kakao.post_bearer("/v1/user/unlink", &friend, &[]).await;

    assert_eq!((status, body), (StatusCode::OK, json!({"id": FRIEND})));
    assert_eq!(
        kakao.get("/v2/user/me", Some(&friend)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, after) = kakao.get("/v1/api/talk/friends", Some(&admin)).await;
    assert_eq!(
        (before["total_count"].as_i64(), after["total_count"].as_i64()),
        (Some(2), Some(1))
    );
    let (_, users) = kakao.get("/_sandbox/users", None).await;
    let unlinked = users.as_array().into_iter().flatten().find(|u| u["id"] == FRIEND);
    assert_eq!(
        unlinked.map(|u| (u["linked"].clone(), u["agreed"].clone())),
        Some((json!(false), json!([])))
    );
}

#[tokio::test]
async fn admin_key_unlink_targets_a_user_and_a_second_unlink_is_minus_101() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(FRIEND).await;
    let admin_key = format!("KakaoAK {}", kakao.admin_key);
    let target = [("target_id_type", "user_id"), ("target_id", "1001")];

    let (status, body) = kakao
        .post_form("/v1/user/unlink", Some(&admin_key), &target)
        .await;
    let (again, again_body) = kakao
        .post_form("/v1/user/unlink", Some(&admin_key), &target)
        .await;

    assert_eq!((status, body), (StatusCode::OK, json!({"id": FRIEND})));
    assert_eq!(
        kakao.get("/v2/user/me", Some(&token)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        (again, again_body["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-101))
    );
}
