//! Request-level errors of `POST /v1/api/talk/friends/message/default/send`: `-2` for bad
//! receivers and templates, `-402` without `talk_message`, `-5` without the app's permission
//! (`docs/kakao.md#messages`, `docs/kakao.md#errors`).

mod common;

use common::{ADMIN, FRIEND, Kakao, friends_world, start, uuid_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SEND: &str = "/v1/api/talk/friends/message/default/send";

fn text_template() -> String {
    json!({"object_type": "text", "text": "수업 시작", "link": {"web_url": "http://127.0.0.1:3000"}})
        .to_string()
}

async fn send_raw(
    kakao: &Kakao,
    token: &str,
    receivers: Option<&str>,
    template: &str,
) -> (StatusCode, Value) {
    let mut form = vec![("template_object", template)];
    if let Some(receivers) = receivers {
        form.push(("receiver_uuids", receivers));
    }
    kakao.post_bearer(SEND, token, &form).await
}

fn minus_2_saying(result: &(StatusCode, Value), words: &str) -> bool {
    result.0 == StatusCode::BAD_REQUEST
        && result.1["code"] == -2
        && result.1["msg"].as_str().is_some_and(|m| m.contains(words))
}

#[tokio::test]
async fn bad_receiver_lists_are_minus_2_with_kakaos_messages() {
    let world = friends_world(7);
    let friend = uuid_of(&world, FRIEND);
    let six: Vec<String> = (1001..=1006).map(|id| uuid_of(&world, id)).collect();
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    let cases = [
        (None, "cannot be null"),
        (Some("null".to_owned()), "cannot be null"),
        (Some("[]".to_owned()), "cannot be empty"),
        (Some(serde_json::to_string(&six).unwrap_or_default()), "At most 5"),
        (Some(r#"["not a uuid!"]"#.to_owned()), "invalid format"),
        (Some(format!("{friend},{friend}x")), "invalid format"),
        (Some(r#"["AAAAAAAAAAAAAAAAAAAAAA"]"#.to_owned()), "invalid format"),
        (Some(format!(r#"["{friend}","{friend}"]"#)), "duplicated"),
    ];
    for (receivers, words) in cases {
        let result = send_raw(&kakao, &token, receivers.as_deref(), &text_template()).await;
        assert!(minus_2_saying(&result, words), "{receivers:?} -> {result:?}");
    }
    assert!(kakao.inbox(FRIEND).await.is_empty());
}

#[tokio::test]
async fn the_sender_cannot_be_a_receiver() {
    let world = friends_world(2);
    let (me, friend) = (uuid_of(&world, ADMIN), uuid_of(&world, FRIEND));
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    let result = kakao.send_text(&token, &[&friend, &me], "hi").await;

    assert!(minus_2_saying(&result, "identical to the sender"), "{result:?}");
}

#[tokio::test]
async fn bad_templates_are_minus_2_naming_the_problem() {
    let world = friends_world(1);
    let receivers = format!(r#"["{}"]"#, uuid_of(&world, FRIEND));
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    let link = json!({"web_url": "http://127.0.0.1:3000"});

    let cases = [
        (json!({"object_type": "text", "text": "가".repeat(201), "link": link}).to_string(), "1 to 200"),
        (json!({"object_type": "text", "text": "", "link": link}).to_string(), "1 to 200"),
        (json!({"object_type": "text", "text": "hi"}).to_string(), "link is required"),
        (
            json!({"object_type": "text", "text": "hi", "link": link,
                   "buttons": [{"title": "a", "link": link}, {"title": "b", "link": link}, {"title": "c", "link": link}]})
            .to_string(),
            "at most 2",
        ),
        (json!({"object_type": "text", "text": "hi", "link": link, "buttons": [{"link": link}]}).to_string(), "title"),
        (
            json!({"object_type": "list", "header_title": "h", "header_link": link,
                   "contents": [{"title": "only one", "link": link}]})
            .to_string(),
            "2 to 3",
        ),
        (json!({"object_type": "feed", "buttons": []}).to_string(), "content is required"),
        (json!({"object_type": "nope"}).to_string(), "not supported"),
        ("{not json".to_owned(), "not a valid JSON"),
    ];
    for (template, words) in cases {
        let result = send_raw(&kakao, &token, Some(&receivers), &template).await;
        assert!(minus_2_saying(&result, words), "{template} -> {result:?}");
    }
    let missing = kakao
        .post_bearer(SEND, &token, &[("receiver_uuids", &receivers)])
        .await;
    assert!(minus_2_saying(&missing, "template_object"), "{missing:?}");
}

#[tokio::test]
async fn feed_and_list_templates_are_accepted() {
    let world = friends_world(1);
    let receivers = format!(r#"["{}"]"#, uuid_of(&world, FRIEND));
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    let link = json!({"web_url": "http://127.0.0.1:3000"});
    let feed = json!({"object_type": "feed",
        "content": {"title": "예약 알림", "description": "내일 14:00", "image_url": "http://127.0.0.1:3000/a.jpg", "link": link},
        "buttons": [{"title": "확인", "link": link}]});
    let list = json!({"object_type": "list", "header_title": "이번 주", "header_link": link,
        "contents": [{"title": "월", "link": link}, {"title": "화", "link": link}]});

    for template in [feed, list] {
        let (status, body) = send_raw(&kakao, &token, Some(&receivers), &template.to_string()).await;
        assert_eq!(status, StatusCode::OK, "{template} -> {body}");
    }
    assert_eq!(kakao.inbox(FRIEND).await.len(), 2);
}

#[tokio::test]
async fn without_talk_message_consent_the_sender_gets_minus_402() {
    let world = friends_world(1);
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.token(ADMIN, &["profile_nickname", "friends"]).await;

    let (status, body) = kakao.send_text(&token, &[&friend], "hi").await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], -402);
    assert_eq!(body["required_scopes"], json!(["talk_message"]));
    assert_eq!(body["allowed_scopes"], json!(["friends", "profile_nickname"]));
    assert_eq!(body["api_type"], "TALK_MESSAGE_SEND");
}

#[tokio::test]
async fn without_the_message_permission_only_team_members_can_be_messaged() {
    let mut world = friends_world(2);
    world.app.message_permission = false;
    world.app.team_members = vec![ADMIN, FRIEND];
    let (member, outsider) = (uuid_of(&world, FRIEND), uuid_of(&world, 1002));
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    let (outsider_status, outsider_body) = kakao.send_text(&token, &[&outsider], "hi").await;
    let (member_status, _) = kakao.send_text(&token, &[&member], "hi").await;

    assert_eq!(outsider_status, StatusCode::FORBIDDEN);
    assert_eq!(outsider_body, json!({"msg": "permission denied", "code": -5}));
    assert_eq!(member_status, StatusCode::OK);
}

#[tokio::test]
async fn an_app_that_no_longer_configures_talk_message_gets_minus_3() {
    let world = friends_world(1);
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .sandbox
        .update_app(|app| app.consent_items.retain(|item| item.id != "talk_message"));

    let (status, body) = kakao.send_text(&token, &[&friend], "hi").await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], -3);
    assert_eq!(
        body["msg"],
        "[APP] App disabled [talk_message] scopes for [TALK_MESSAGE_SEND] API on developers.kakao.com. Enable it first."
    );
    assert!(kakao.inbox(FRIEND).await.is_empty());
}
