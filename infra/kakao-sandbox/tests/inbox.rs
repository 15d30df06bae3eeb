//! Inboxes: the control API's JSON list and the KakaoTalk-like chat page, plus the index page.

mod common;

use common::{ADMIN, FRIEND, friends_world, start, uuid_of};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_inbox_json_lists_messages_in_order_with_rfc3339_times() {
    let world = friends_world(1);
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    kakao.send_text(&token, &[&friend], "first").await;
    kakao.advance(90).await;
    kakao.send_text(&token, &[&friend], "second").await;

    let inbox = kakao.inbox(FRIEND).await;

    assert_eq!(inbox.len(), 2);
    assert_eq!(inbox[0]["template_object"]["text"], "first");
    assert_eq!(inbox[0]["sent_at"], "2026-03-02T05:00:00Z");
    assert_eq!(inbox[1]["template_object"]["text"], "second");
    assert_eq!(inbox[1]["sent_at"], "2026-03-02T05:01:30Z");
    let mut keys: Vec<&String> = inbox[0]
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    keys.sort();
    assert_eq!(keys, ["kind", "sender_id", "sent_at", "template_object"]);
}

#[tokio::test]
async fn the_inbox_of_an_unknown_user_is_404() {
    let kakao = start(friends_world(1)).await;
    assert_eq!(
        kakao.get("/_sandbox/inbox/999999", None).await.0,
        StatusCode::NOT_FOUND
    );
    let page = kakao
        .http
        .get(kakao.at("/inbox/999999"))
        .send()
        .await
        .map(|r| r.status());
    assert_eq!(page.ok(), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn the_chat_page_shows_sender_text_buttons_and_kst_time_newest_last() {
    let world = friends_world(1);
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    kakao.send_text(&token, &[&friend], "첫 번째 알림").await;
    let template = json!({"object_type": "text", "text": "두 번째 알림",
        "link": {"web_url": "http://127.0.0.1:3000/"},
        "buttons": [{"title": "수업 입장", "link": {"web_url": "http://127.0.0.1:3000/j/tok"}},
                    {"title": "낯선 링크", "link": {"web_url": "https://elsewhere.example/x"}}]});
    kakao
        .post_bearer(
            "/v1/api/talk/friends/message/default/send",
            &token,
            &[
                ("receiver_uuids", &format!(r#"["{friend}"]"#)),
                ("template_object", &template.to_string()),
            ],
        )
        .await;

    let page = kakao.page(&format!("/inbox/{FRIEND}"), &[]).await;

    assert!(page.contains("관리자"), "the sender's nickname");
    let first = page.find("첫 번째 알림").unwrap_or(usize::MAX);
    let second = page.find("두 번째 알림").unwrap_or(0);
    assert!(first < second, "newest at the bottom");
    assert!(page.contains("2026-03-02 14:00 KST"), "time in KST");
    assert!(
        page.contains(r#"href="http://127.0.0.1:3000/j/tok""#),
        "a registered button link opens"
    );
    assert!(page.contains("입장하기"), "the default button uses button_title");
    assert!(
        !page.contains(r#"href="https://elsewhere.example/x""#),
        "unregistered domains do not open"
    );
    assert!(page.contains("낯선 링크"));
}

#[tokio::test]
async fn the_chat_page_escapes_what_senders_write() {
    let world = friends_world(1);
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;

    kakao
        .send_text(&token, &[&friend], "<script>alert(1)</script> & <b>")
        .await;
    let page = kakao.page(&format!("/inbox/{FRIEND}"), &[]).await;

    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"));
}

#[tokio::test]
async fn the_index_lists_users_with_links_to_inboxes_and_settings() {
    let kakao = start(friends_world(2)).await;

    let index = kakao.page("/", &[]).await;
    let settings = kakao.page("/settings", &[]).await;

    assert!(index.contains(r#"href="/inbox/1000""#) && index.contains(r#"href="/inbox/1002""#));
    assert!(index.contains(r#"href="/settings""#));
    assert!(settings.contains(&kakao.client_id));
    assert!(settings.contains("http://127.0.0.1:3000/oauth/callback"));
}
