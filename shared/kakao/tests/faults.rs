//! What the client does when Kakao (the sandbox, with injected faults) fails: reads retry
//! transient failures; code exchange and refresh do not repeat a request that reached Kakao;
//! a send whose outcome is ambiguous is never retried and reports its receivers as unknown.

mod common;

use std::time::Duration;

use common::{ADMIN, ALL_SCOPES, FRIEND, TestKakao, friends_world, reminder, spawn_kakao, spawn_kakao_with};
use kakao::{AuthorizeOptions, FailureReason, KakaoError, ReceiverOutcome, Receivers};
use serde_json::json;

const SEND_PATH: &str = "/v1/api/talk/friends/message/default/send";

/// A client that gives up on a call after 300 ms.
async fn impatient(world: kakao_sandbox::World) -> TestKakao {
    spawn_kakao_with(world, |config| config.timeout(Duration::from_millis(300))).await
}

#[tokio::test]
async fn a_read_that_fails_once_is_retried_and_succeeds() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(json!({"path": "/v2/user/me", "status": 500, "times": 1}))
        .await;

    let me = kakao.client.me(&token).await.unwrap();

    assert_eq!(me.id.get(), ADMIN);
    assert!(kakao.faults().await.is_empty(), "the fault was hit once");
}

#[tokio::test]
async fn every_transient_kakao_code_on_a_read_is_retried() {
    let kakao = spawn_kakao(friends_world(3)).await;
    let token = kakao.full_token(ADMIN).await;
    for code in [-1, -7, -603, -9798] {
        kakao
            .fault(json!({"path": "/v1/api/talk/friends", "kakao_code": code, "times": 1}))
            .await;

        let friends = kakao.client.all_friends(&token).await;

        assert_eq!(friends.map(|f| f.len()).ok(), Some(3), "after a {code}");
        assert!(kakao.faults().await.is_empty());
    }
}

#[tokio::test]
async fn a_read_that_keeps_failing_gives_up_after_three_attempts() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(json!({"path": "/v2/user/scopes", "status": 503, "times": 5}))
        .await;

    let err = kakao.client.scopes(&token).await.unwrap_err();

    assert!(err.is_transient(), "{err:?}");
    assert!(matches!(err, KakaoError::Transient(_)));
    assert_eq!(
        kakao.faults().await[0]["times_remaining"],
        2,
        "exactly three attempts"
    );
}

#[tokio::test]
async fn a_read_that_times_out_once_is_retried() {
    let kakao = impatient(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(json!({"path": "/v1/user/access_token_info", "latency_ms": 1500, "times": 1}))
        .await;

    let info = kakao.client.token_info(&token).await.unwrap();

    assert_eq!(info.user_id.get(), ADMIN);
}

#[tokio::test]
async fn a_non_transient_read_error_is_not_retried() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.access_token(ADMIN, &["profile_nickname"]).await;
    kakao
        .fault(json!({"path": "/v1/api/talk/friends", "latency_ms": 1, "times": 3}))
        .await;

    let err = kakao.client.all_friends(&token).await.unwrap_err();

    assert!(err.needs_consent().is_some(), "{err:?}");
    assert_eq!(kakao.faults().await[0]["times_remaining"], 2, "one attempt only");
}

#[tokio::test]
async fn a_dropped_connection_after_kakao_sent_leaves_receivers_unknown() {
    let kakao = spawn_kakao(friends_world(2)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(json!({"path": SEND_PATH, "drop_connection": true, "after_processing": true}))
        .await;
    let to = Receivers::new([kakao.uuid(1001), kakao.uuid(1002)]).unwrap();

    let result = kakao
        .client
        .send_to_friends(&token, &to, &reminder("전달됐을까요?"))
        .await;

    assert!(
        result
            .receivers()
            .iter()
            .all(|r| r.outcome == ReceiverOutcome::Unknown),
        "{result:?}"
    );
    let err = result.error().unwrap();
    assert!(err.is_ambiguous(), "{err:?}");
    assert!(matches!(err, KakaoError::ConnectionLost { .. }));
    // Kakao did deliver, once: the client did not try again.
    assert_eq!(kakao.inbox(1001).await.len(), 1);
    assert_eq!(kakao.inbox(1002).await.len(), 1);
}

#[tokio::test]
async fn a_send_slower_than_the_timeout_leaves_receivers_unknown() {
    let kakao = impatient(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(json!({"path": SEND_PATH, "latency_ms": 1500, "times": 2}))
        .await;

    let result = kakao
        .client
        .send_to_friends(&token, &Receivers::one(kakao.uuid(FRIEND)), &reminder("느림"))
        .await;

    assert_eq!(
        result.outcome(&kakao.uuid(FRIEND)),
        Some(&ReceiverOutcome::Unknown),
        "{result:?}"
    );
    assert!(
        matches!(result.error(), Some(KakaoError::TimedOut { .. })),
        "{result:?}"
    );
    let faults = kakao.faults().await;
    assert_eq!(
        faults[0]["times_remaining"], 1,
        "the sandbox received the send exactly once"
    );
}

#[tokio::test]
async fn a_send_answered_with_a_server_error_is_not_retried() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(json!({"path": SEND_PATH, "status": 500, "times": 1}))
        .await;

    let result = kakao
        .client
        .send_to_friends(&token, &Receivers::one(kakao.uuid(FRIEND)), &reminder("오류"))
        .await;

    assert_eq!(
        result.outcome(&kakao.uuid(FRIEND)),
        Some(&ReceiverOutcome::Unknown)
    );
    assert!(result.error().is_some_and(KakaoError::is_transient));
    assert!(
        kakao.inbox(FRIEND).await.is_empty(),
        "a retry would have delivered it"
    );
}

#[tokio::test]
async fn a_memo_whose_connection_drops_is_ambiguous_and_was_delivered() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(json!({"path": "/v2/api/talk/memo/default/send", "drop_connection": true, "after_processing": true}))
        .await;

    let err = kakao
        .client
        .send_to_me(&token, &reminder("메모"))
        .await
        .unwrap_err();

    assert!(err.is_ambiguous(), "{err:?}");
    assert_eq!(kakao.inbox(ADMIN).await.len(), 1);
}

#[tokio::test]
async fn a_code_exchange_that_reached_kakao_is_not_repeated() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &AuthorizeOptions::default()).await;
    kakao
        .fault(json!({"path": "/oauth/token", "status": 502, "times": 1}))
        .await;

    let err = kakao
        .client
        .exchange_code(&code, &TestKakao::callback())
        .await
        .unwrap_err();

    assert!(err.is_transient(), "{err:?}");
    // The 502 came before the code was used, so the caller may try again by hand.
    let tokens = kakao
        .client
        .exchange_code(&code, &TestKakao::callback())
        .await
        .unwrap();
    assert_eq!(
        kakao.client.me(&tokens.access_token).await.unwrap().id.get(),
        ADMIN
    );
}

#[tokio::test]
async fn a_refresh_whose_answer_is_lost_is_not_repeated() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let tokens = kakao.tokens(ADMIN, &ALL_SCOPES).await;
    kakao
        .fault(json!({"path": "/oauth/token", "drop_connection": true, "times": 2}))
        .await;

    let err = kakao.client.refresh(&tokens).await.unwrap_err();

    assert!(err.is_ambiguous(), "{err:?}");
    assert_eq!(kakao.faults().await[0]["times_remaining"], 1, "one attempt only");
}

/// A base URL where nothing listens: connections are refused before anything is written.
async fn nowhere() -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    url::Url::parse(&format!("http://{addr}")).unwrap()
}

#[tokio::test]
async fn a_refused_connection_means_nothing_was_sent() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let tokens = kakao.tokens(ADMIN, &ALL_SCOPES).await;
    let config = common::config_for(&kakao.world, nowhere().await);
    let offline = kakao::KakaoClient::new(config, std::sync::Arc::new(kakao.clock.clone())).unwrap();

    let read = offline.me(&tokens.access_token).await.unwrap_err();
    let refresh = offline.refresh(&tokens).await.unwrap_err();
    let send = offline
        .send_to_friends(
            &tokens.access_token,
            &Receivers::one(kakao.uuid(FRIEND)),
            &reminder("x"),
        )
        .await;

    assert!(matches!(read, KakaoError::NotSent { .. }), "{read:?}");
    assert!(read.is_transient() && !read.is_ambiguous());
    assert!(matches!(refresh, KakaoError::NotSent { .. }), "{refresh:?}");
    assert_eq!(
        send.outcome(&kakao.uuid(FRIEND)),
        Some(&ReceiverOutcome::Failed(FailureReason::NotSent))
    );
    assert!(matches!(send.error(), Some(KakaoError::NotSent { .. })));
}

#[tokio::test]
async fn a_code_this_client_has_no_case_for_is_kept_with_its_code_and_status() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(json!({"path": "/v2/user/me", "kakao_code": -4, "times": 1}))
        .await;
    kakao
        .fault(json!({"path": SEND_PATH, "kakao_code": -4, "times": 1}))
        .await;

    let read = kakao.client.me(&token).await.unwrap_err();
    let send = kakao
        .client
        .send_to_friends(&token, &Receivers::one(kakao.uuid(FRIEND)), &reminder("x"))
        .await;

    let KakaoError::Other(answer) = &read else {
        panic!("{read:?}")
    };
    assert_eq!(
        (answer.code(), answer.status()),
        (&kakao::ErrorCode::Api(-4), 403)
    );
    assert!(!read.is_transient(), "not retried: {:?}", kakao.faults().await);
    let Some(ReceiverOutcome::Failed(reason)) = send.outcome(&kakao.uuid(FRIEND)) else {
        panic!("{send:?}")
    };
    assert_eq!(reason.kakao_code(), Some(-4));
    assert!(
        reason.counts_against_quota(),
        "an unexplained refusal is counted, to be safe"
    );
}
