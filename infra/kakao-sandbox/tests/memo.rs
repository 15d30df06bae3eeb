//! `POST /v2/api/talk/memo/default/send`: "send to me" (`docs/kakao.md#messages`).

mod common;

use common::{ADMIN, FRIEND, friends_world, start, uuid_of};
use kakao_sandbox::QuotaLimits;
use reqwest::StatusCode;
use serde_json::json;

const MEMO: &str = "/v2/api/talk/memo/default/send";

fn template(text: &str) -> String {
    json!({"object_type": "text", "text": text, "link": {"web_url": "http://127.0.0.1:3000/send/abc"},
           "button_title": "보내기"})
    .to_string()
}

#[tokio::test]
async fn a_memo_lands_in_the_senders_own_inbox_with_result_code_0() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, body) = kakao
        .post_bearer(MEMO, &token, &[("template_object", &template("결석: 2명"))])
        .await;

    assert_eq!((status, body), (StatusCode::OK, json!({"result_code": 0})));
    let inbox = kakao.inbox(ADMIN).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["kind"], "memo");
    assert_eq!(inbox[0]["sender_id"], ADMIN);
    assert_eq!(inbox[0]["template_object"]["text"], "결석: 2명");
}

#[tokio::test]
async fn a_memo_needs_talk_message() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.token(ADMIN, &["profile_nickname", "friends"]).await;

    let (status, body) = kakao
        .post_bearer(MEMO, &token, &[("template_object", &template("hi"))])
        .await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        (body["code"].as_i64(), body["required_scopes"].clone()),
        (Some(-402), json!(["talk_message"]))
    );
    assert!(kakao.inbox(ADMIN).await.is_empty());
}

#[tokio::test]
async fn a_memo_with_a_bad_template_is_minus_2() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;

    let (status, body) = kakao
        .post_bearer(MEMO, &token, &[("template_object", r#"{"object_type":"text"}"#)])
        .await;

    assert_eq!(
        (status, body["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-2))
    );
}

#[tokio::test]
async fn memos_do_not_use_up_the_friend_message_quotas() {
    let mut world = friends_world(1);
    world.app.quotas = QuotaLimits {
        app_daily: 1,
        sender_daily: 1,
        ..QuotaLimits::default()
    };
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    for n in 0..3 {
        let (status, _) = kakao
            .post_bearer(
                MEMO,
                &token,
                &[("template_object", &template(&format!("memo {n}")))],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }

    assert_eq!(
        kakao.send_text(&token, &[&friend], "still allowed").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn memos_can_be_made_to_count_when_the_world_says_so() {
    let mut world = friends_world(1);
    world.app.quotas = QuotaLimits {
        sender_daily: 1,
        ..QuotaLimits::default()
    };
    world.app.memo_counts_toward_quota = true;
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    let (first, _) = kakao
        .post_bearer(MEMO, &token, &[("template_object", &template("one"))])
        .await;
    let (second, body) = kakao
        .post_bearer(MEMO, &token, &[("template_object", &template("two"))])
        .await;

    assert_eq!(first, StatusCode::OK);
    assert_eq!(
        (second, body["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(-532))
    );
}
