//! Per-receiver outcomes of a friends message send: `-502` and `-530`, and the two response
//! shapes: an error body for one receiver, HTTP 200 with `failure_info` for several
//! (`docs/kakao.md#messages`).

mod common;

use common::{ADMIN, FRIEND, friends_world, start, uuid_of};
use kakao_sandbox::World;
use reqwest::StatusCode;
use serde_json::json;

const UNLINKED: i64 = 1002;
const NO_TALK: i64 = 1003;
const REFUSES: i64 = 1004;
const STRANGER: i64 = 1005;

/// The admin's friends in every unreachable state, plus a stranger who is no friend at all.
fn mixed_world() -> World {
    let mut world = friends_world(5);
    if let Some(u) = world.user_mut(UNLINKED) {
        u.linked = false;
        u.agreed.clear();
    }
    if let Some(u) = world.user_mut(NO_TALK) {
        u.agreed = vec!["profile_nickname".into(), "friends".into()];
    }
    if let Some(u) = world.user_mut(REFUSES) {
        u.refuses_messages = true;
    }
    world.friendships.retain(|f| !f.between.contains(&STRANGER));
    world
}

#[tokio::test]
async fn a_message_to_a_friend_lands_in_their_inbox() {
    let world = mixed_world();
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, body) = kakao.send_text(&token, &[&friend], "수업이 시작했어요").await;

    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"successful_receiver_uuids": [friend]}))
    );
    let inbox = kakao.inbox(FRIEND).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["sender_id"], ADMIN);
    assert_eq!(inbox[0]["kind"], "friend");
    assert_eq!(inbox[0]["template_object"]["text"], "수업이 시작했어요");
}

#[tokio::test]
async fn one_receiver_who_is_not_a_friend_is_a_400_minus_502_error_body() {
    let world = mixed_world();
    let stranger = uuid_of(&world, STRANGER);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, body) = kakao.send_text(&token, &[&stranger], "hi").await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], -502);
    assert!(body.get("failure_info").is_none());
    assert!(kakao.inbox(STRANGER).await.is_empty());
}

#[tokio::test]
async fn unlinked_unconsenting_and_refusing_friends_are_each_minus_530() {
    let world = mixed_world();
    let kakao_world = world.clone();
    let kakao = start(kakao_world).await;
    let token = kakao.full_token(ADMIN).await;

    for user in [UNLINKED, NO_TALK, REFUSES] {
        let (status, body) = kakao.send_text(&token, &[&uuid_of(&world, user)], "hi").await;
        assert_eq!(
            (status, body["code"].as_i64()),
            (StatusCode::BAD_REQUEST, Some(-530)),
            "user {user}"
        );
        assert!(kakao.inbox(user).await.is_empty());
    }
}

#[tokio::test]
async fn several_receivers_get_200_with_successes_and_grouped_failure_info() {
    let world = mixed_world();
    let [ok, stranger, unlinked, refuses] =
        [FRIEND, STRANGER, UNLINKED, REFUSES].map(|id| uuid_of(&world, id));
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, body) = kakao
        .send_text(&token, &[&ok, &stranger, &unlinked, &refuses], "hi")
        .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["successful_receiver_uuids"], json!([ok]));
    let failures = body["failure_info"].as_array().cloned().unwrap_or_default();
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0]["code"], -502);
    assert_eq!(failures[0]["receiver_uuids"], json!([stranger]));
    assert_eq!(failures[1]["code"], -530);
    assert_eq!(failures[1]["receiver_uuids"], json!([unlinked, refuses]));
    assert!(failures.iter().all(|f| f["msg"].is_string()));
    assert_eq!(kakao.inbox(FRIEND).await.len(), 1);
}

#[tokio::test]
async fn several_receivers_who_all_fail_the_same_way_still_get_200_with_failure_info() {
    let world = mixed_world();
    let [unlinked, refuses] = [UNLINKED, REFUSES].map(|id| uuid_of(&world, id));
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, body) = kakao.send_text(&token, &[&unlinked, &refuses], "hi").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"failure_info": [{"code": -530, "msg": body["failure_info"][0]["msg"],
                                              "receiver_uuids": [unlinked, refuses]}]})
    );
}

#[tokio::test]
async fn five_receivers_in_one_call_all_get_the_message() {
    let world = friends_world(5);
    let uuids: Vec<String> = (1001..=1005).map(|id| uuid_of(&world, id)).collect();
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    let refs: Vec<&str> = uuids.iter().map(String::as_str).collect();

    let (status, body) = kakao.send_text(&token, &refs, "hi").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["successful_receiver_uuids"], json!(uuids));
    for id in 1001..=1005 {
        assert_eq!(kakao.inbox(id).await.len(), 1, "user {id}");
    }
}
