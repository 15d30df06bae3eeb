//! Injected faults: latency, HTTP 5xx, Kakao error codes, dropped connections, and `skip` /
//! `times` to aim them at one request in a sequence.

mod common;

use std::time::Duration;

use common::{ADMIN, FRIEND, friends_world, start, uuid_of};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn latency_holds_the_response_back_long_enough_to_trip_a_client_timeout() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    let (status, _) = kakao
        .control(
            "/_sandbox/faults",
            json!({"path": "/v2/user/me", "latency_ms": 5000, "times": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let slow = kakao
        .http
        .get(kakao.at("/v2/user/me"))
        .bearer_auth(&token)
        .timeout(Duration::from_millis(100))
        .send()
        .await;

    assert!(slow.is_err_and(|e| e.is_timeout()));
    assert_eq!(
        kakao.get("/v2/user/me", Some(&token)).await.0,
        StatusCode::OK,
        "used up after one request"
    );
}

#[tokio::test]
async fn a_status_fault_answers_5xx_with_a_plain_body() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .control(
            "/_sandbox/faults",
            json!({"path": "/v1/api/talk/friends", "status": 503}),
        )
        .await;

    let response = kakao
        .http
        .get(kakao.at("/v1/api/talk/friends"))
        .bearer_auth(&token)
        .send()
        .await;
    let response = response.unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert!(content_type.is_some_and(|c| c.starts_with("text/plain")));
    assert!(response.text().await.is_ok_and(|t| t.contains("503")));
}

#[tokio::test]
async fn kakao_code_faults_answer_kapi_bodies_with_the_right_status() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;

    for (code, status) in [(-603, 400), (-1, 400), (-7, 400), (-9798, 503)] {
        kakao
            .control(
                "/_sandbox/faults",
                json!({"path": "/v2/user/me", "kakao_code": code, "times": 1}),
            )
            .await;
        let (got_status, body) = kakao.get("/v2/user/me", Some(&token)).await;
        assert_eq!(got_status.as_u16(), status, "code {code}");
        assert_eq!(body["code"], code);
        assert!(body["msg"].is_string());
    }
}

#[tokio::test]
async fn a_dropped_connection_gives_the_client_an_error_and_no_response() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .control(
            "/_sandbox/faults",
            json!({"path": "/v2/user/me", "drop_connection": true, "times": 1}),
        )
        .await;

    let dropped = kakao
        .http
        .get(kakao.at("/v2/user/me"))
        .bearer_auth(&token)
        .send()
        .await;

    let error = dropped.err().unwrap_or_else(|| panic!("no response expected"));
    assert!(error.status().is_none());
    assert!(!error.is_timeout());
    assert_eq!(kakao.get("/v2/user/me", Some(&token)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_drop_after_processing_delivers_the_message_but_loses_the_answer() {
    let world = friends_world(1);
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    let send = "/v1/api/talk/friends/message/default/send";
    kakao
        .control(
            "/_sandbox/faults",
            json!({"path": send, "drop_connection": true, "after_processing": true}),
        )
        .await;

    let template = json!({"object_type": "text", "text": "hi", "link": {}}).to_string();
    let receivers = format!(r#"["{friend}"]"#);
    let sent = kakao
        .http
        .post(kakao.at(send))
        .bearer_auth(&token)
        .form(&[
            ("receiver_uuids", receivers.as_str()),
            ("template_object", template.as_str()),
        ])
        .send()
        .await;

    assert!(sent.is_err());
    assert_eq!(
        kakao.inbox(FRIEND).await.len(),
        1,
        "the message went out even though the answer was lost"
    );
}

#[tokio::test]
async fn skip_and_times_aim_a_fault_at_page_three_of_a_listing() {
    let kakao = start(friends_world(10)).await;
    let token = kakao.full_token(ADMIN).await;
    let (_, active) = kakao
        .control(
            "/_sandbox/faults",
            json!({"path": "/v1/api/talk/friends", "status": 500, "skip": 2, "times": 1}),
        )
        .await;
    assert_eq!(active[0]["skip_remaining"], 2);

    let mut statuses = Vec::new();
    for offset in [0, 3, 6, 6] {
        statuses.push(
            kakao
                .get(
                    &format!("/v1/api/talk/friends?limit=3&offset={offset}"),
                    Some(&token),
                )
                .await
                .0
                .as_u16(),
        );
    }

    assert_eq!(statuses, [200, 200, 500, 200]);
    assert_eq!(kakao.get("/_sandbox/faults", None).await.1, json!([]));
}

#[tokio::test]
async fn a_star_fault_hits_every_kakao_path_but_not_the_control_api_and_clear_ends_it() {
    let kakao = start(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .control("/_sandbox/faults", json!({"path": "*", "kakao_code": -603}))
        .await;

    assert_eq!(kakao.get("/v2/user/me", Some(&token)).await.1["code"], -603);
    assert_eq!(
        kakao.oauth_token(&[("grant_type", "refresh_token")]).await.1["code"],
        -603
    );
    let (control_status, active) = kakao.get("/_sandbox/faults", None).await;
    assert_eq!(
        (control_status, active.as_array().map(Vec::len)),
        (StatusCode::OK, Some(1))
    );

    let (_, cleared) = kakao.control("/_sandbox/faults", json!({"clear": true})).await;
    assert_eq!(cleared, json!([]));
    assert_eq!(kakao.get("/v2/user/me", Some(&token)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_fault_without_an_effect_is_refused() {
    let kakao = start(friends_world(1)).await;
    let (status, body) = kakao
        .control("/_sandbox/faults", json!({"path": "/v2/user/me"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].is_string());
}
