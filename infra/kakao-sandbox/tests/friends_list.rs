//! `GET /v1/api/talk/friends`: who is listed, paging with `after_url`, ordering, and `-402`
//! without the `friends` consent (`docs/kakao.md#friends`).

mod common;

use common::{ADMIN, friends_world, frozen_at, monday_afternoon, start};
use kakao_sandbox::World;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn without_friends_consent_the_answer_is_403_minus_402_naming_the_scope() {
    let kakao = start(friends_world(3)).await;
    let token = kakao.token(ADMIN, &["profile_nickname", "talk_message"]).await;

    let (status, body) = kakao.get("/v1/api/talk/friends", Some(&token)).await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], -402);
    assert_eq!(body["msg"], "insufficient scopes.");
    assert_eq!(body["required_scopes"], json!(["friends"]));
    assert_eq!(
        body["allowed_scopes"],
        json!(["profile_nickname", "talk_message"])
    );
    assert!(body["api_type"].is_string());
}

#[tokio::test]
async fn paging_through_250_friends_with_after_url_sees_each_once() {
    let kakao = start(friends_world(250)).await;
    let token = kakao.full_token(ADMIN).await;

    let mut next = Some(kakao.at("/v1/api/talk/friends?limit=100"));
    let mut seen = Vec::new();
    let mut pages = 0;
    while let Some(url) = next {
        let response = kakao.http.get(&url).bearer_auth(&token).send().await;
        let (status, page) = common::json_of(response).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(page["total_count"], 250);
        seen.extend(
            page["elements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| f["id"].as_i64()),
        );
        next = page["after_url"].as_str().map(str::to_owned);
        pages += 1;
    }

    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (250, 250));
}

#[tokio::test]
async fn page_urls_are_absolute_on_the_host_the_request_used_and_null_at_the_ends() {
    let kakao = start(friends_world(25)).await;
    let token = kakao.full_token(ADMIN).await;

    let (_, first) = kakao
        .get("/v1/api/talk/friends?limit=10&order=asc", Some(&token))
        .await;
    let (_, middle) = kakao
        .get("/v1/api/talk/friends?offset=10&limit=10", Some(&token))
        .await;
    let (_, last) = kakao
        .get("/v1/api/talk/friends?offset=20&limit=10", Some(&token))
        .await;

    assert_eq!(first["before_url"], Value::Null);
    let after = first["after_url"].as_str().unwrap_or_default();
    assert!(
        after.starts_with(&format!("{}/v1/api/talk/friends?", kakao.url)),
        "{after}"
    );
    assert!(
        after.contains("offset=10") && after.contains("limit=10"),
        "{after}"
    );
    assert!(
        middle["before_url"]
            .as_str()
            .is_some_and(|u| u.contains("offset=0"))
    );
    assert_eq!(last["after_url"], Value::Null);
    assert_eq!(last["elements"].as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn a_limit_over_100_is_minus_2() {
    let kakao = start(friends_world(3)).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, body) = kakao.get("/v1/api/talk/friends?limit=101", Some(&token)).await;

    assert_eq!(
        (status, body["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-2))
    );
}

#[tokio::test]
async fn without_a_limit_the_page_is_small_so_clients_must_page() {
    let kakao = start(friends_world(15)).await;
    let token = kakao.full_token(ADMIN).await;

    let (_, page) = kakao.get("/v1/api/talk/friends", Some(&token)).await;

    assert_eq!(page["elements"].as_array().map(Vec::len), Some(10));
    assert!(page["after_url"].is_string());
}

/// The default world's tutor: friends in every state.
const TUTOR: i64 = 4812345001;

#[tokio::test]
async fn only_friends_linked_to_the_app_who_agreed_to_friends_are_listed() {
    let kakao = start(frozen_at(World::default_world(), monday_afternoon())).await;
    let token = kakao.full_token(TUTOR).await;

    let (status, page) = kakao
        .get(
            "/v1/api/talk/friends?limit=100&friend_order=nickname",
            Some(&token),
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = page["elements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["profile_nickname"].as_str())
        .collect();
    // 윤지호 (only talk_message), 장예린 and 임현우 (never joined), 신유나 (declined both) are absent;
    // 조수아 (only friends) and 한소율 (refuses messages) are listed.
    assert_eq!(
        names,
        [
            "강도윤",
            "권태윤",
            "박민준",
            "서다인",
            "오준서",
            "이서연",
            "정하은",
            "조수아",
            "최지우",
            "한소율"
        ]
    );
    assert_eq!(page["total_count"], 10);
    assert_eq!(page["favorite_count"], 3);
}

#[tokio::test]
async fn each_element_has_kakaos_fields() {
    let kakao = start(frozen_at(World::default_world(), monday_afternoon())).await;
    let token = kakao.full_token(TUTOR).await;

    let (_, page) = kakao.get("/v1/api/talk/friends?limit=1", Some(&token)).await;
    let friend = &page["elements"][0];

    let mut keys: Vec<&String> = friend.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    keys.sort();
    assert_eq!(
        keys,
        [
            "allowed_msg",
            "favorite",
            "id",
            "profile_nickname",
            "profile_thumbnail_image",
            "uuid"
        ]
    );
    assert_eq!(friend["allowed_msg"], true);
    assert_eq!(friend["favorite"], true, "favourites come first by default");
}

#[tokio::test]
async fn nickname_order_descending_reverses_ascending() {
    let kakao = start(frozen_at(World::default_world(), monday_afternoon())).await;
    let token = kakao.full_token(TUTOR).await;
    let ids = |page: &Value| -> Vec<i64> {
        page["elements"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["id"].as_i64())
            .collect()
    };

    let (_, asc) = kakao
        .get(
            "/v1/api/talk/friends?limit=100&friend_order=nickname&order=asc",
            Some(&token),
        )
        .await;
    let (_, desc) = kakao
        .get(
            "/v1/api/talk/friends?limit=100&friend_order=nickname&order=desc",
            Some(&token),
        )
        .await;

    let mut reversed = ids(&desc);
    reversed.reverse();
    assert_eq!(ids(&asc), reversed);
    assert!(!reversed.is_empty());
}

#[tokio::test]
async fn before_the_app_has_permission_only_team_members_are_listed() {
    let mut world = frozen_at(World::default_world(), monday_afternoon());
    world.app.message_permission = false;
    let kakao = start(world).await;
    let token = kakao.full_token(TUTOR).await;

    let (_, page) = kakao.get("/v1/api/talk/friends?limit=100", Some(&token)).await;

    let names: Vec<&str> = page["elements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["profile_nickname"].as_str())
        .collect();
    assert_eq!(names, ["이서연"]);
}

#[tokio::test]
async fn an_app_that_no_longer_configures_friends_gets_minus_3() {
    let kakao = start(friends_world(3)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .sandbox
        .update_app(|app| app.consent_items.retain(|item| item.id != "friends"));

    let (status, body) = kakao.get("/v1/api/talk/friends", Some(&token)).await;

    assert_eq!((status, body["code"].as_i64()), (StatusCode::FORBIDDEN, Some(-3)));
}
