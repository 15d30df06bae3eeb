//! Sending through the client against the Kakao sandbox: one result per receiver, every
//! refusal Kakao can give, quotas on Kakao days, and memo to oneself.

mod common;

use common::{ADMIN, ALL_SCOPES, FRIEND, TestKakao, friends_world, reminder, spawn_kakao};
use domain::FriendUuid;
use kakao::{ExceededQuota, FailureReason, KakaoError, ReceiverOutcome, Receivers};
use kakao_sandbox::{Friendship, UserSpec, World};

/// Someone with an account in the app who is not the admin's KakaoTalk friend.
const STRANGER: i64 = 5000;

fn receivers(kakao: &TestKakao, users: &[i64]) -> Receivers {
    Receivers::new(users.iter().map(|u| kakao.uuid(*u))).unwrap()
}

async fn send_one(kakao: &TestKakao, token: &kakao::AccessToken, to: i64) -> kakao::SendResult {
    kakao
        .client
        .send_to_friends(
            token,
            &Receivers::one(kakao.uuid(to)),
            &reminder("곧 수업이 시작됩니다"),
        )
        .await
}

fn outcome_of(result: &kakao::SendResult, uuid: &FriendUuid) -> ReceiverOutcome {
    result
        .outcome(uuid)
        .cloned()
        .unwrap_or_else(|| panic!("{uuid} missing from {result:?}"))
}

fn failed(reason: FailureReason) -> ReceiverOutcome {
    ReceiverOutcome::Failed(reason)
}

#[tokio::test]
async fn a_reminder_reaches_every_friend_it_names() {
    let kakao = spawn_kakao(friends_world(3)).await;
    let token = kakao.full_token(ADMIN).await;
    let to = receivers(&kakao, &[1001, 1002, 1003]);

    let result = kakao
        .client
        .send_to_friends(&token, &to, &reminder("수업이 시작됐어요"))
        .await;

    assert!(result.all_sent(), "{result:?}");
    assert!(result.error().is_none());
    for friend in [1001, 1002, 1003] {
        let inbox = kakao.inbox(friend).await;
        assert_eq!(inbox.len(), 1, "friend {friend}");
        assert_eq!(inbox[0]["sender_id"], ADMIN);
        assert_eq!(inbox[0]["template_object"]["text"], "수업이 시작됐어요");
        assert_eq!(
            inbox[0]["template_object"]["link"]["web_url"],
            "https://meet.example.com/j/abc"
        );
        assert_eq!(inbox[0]["template_object"]["button_title"], "입장하기");
    }
}

#[tokio::test]
async fn a_mixed_send_reports_each_receiver_on_its_own() {
    let mut world = friends_world(4);
    world.user_mut(1002).unwrap().refuses_messages = true;
    world.users.push(stranger(&world));
    world.app.quotas.pair_daily = 1;
    let kakao = spawn_kakao(world).await;
    let token = kakao.full_token(ADMIN).await;
    assert!(
        send_one(&kakao, &token, 1003).await.all_sent(),
        "uses up the pair quota with 1003"
    );

    let to = receivers(&kakao, &[1001, 1002, STRANGER, 1003, 1004]);
    let result = kakao
        .client
        .send_to_friends(&token, &to, &reminder("혼합 발송"))
        .await;

    assert!(result.error().is_none(), "Kakao answered 200: {result:?}");
    assert_eq!(outcome_of(&result, &kakao.uuid(1001)), ReceiverOutcome::Sent);
    assert_eq!(
        outcome_of(&result, &kakao.uuid(1002)),
        failed(FailureReason::RefusesMessages)
    );
    assert_eq!(
        outcome_of(&result, &kakao.uuid(STRANGER)),
        failed(FailureReason::NotAFriend)
    );
    assert_eq!(
        outcome_of(&result, &kakao.uuid(1003)),
        failed(FailureReason::QuotaExceeded(ExceededQuota::PairDaily))
    );
    assert_eq!(outcome_of(&result, &kakao.uuid(1004)), ReceiverOutcome::Sent);
    let order: Vec<_> = result.receivers().iter().map(|r| r.uuid.clone()).collect();
    assert_eq!(order, to.as_slice(), "results come back in the order given");
    assert!(result.failed().all(|(_, reason)| !reason.counts_against_quota()));
    assert_eq!(kakao.inbox(1002).await.len(), 0);
    assert_eq!(kakao.inbox(1004).await.len(), 1);
}

fn stranger(world: &World) -> UserSpec {
    let mut stranger = world.user(1001).unwrap().clone();
    stranger.id = STRANGER;
    stranger.nickname = "모르는사람".into();
    stranger.uuid = "stranger-uuid-0001".into();
    stranger
}

#[tokio::test]
async fn one_receiver_refusing_comes_back_as_an_error_for_that_receiver() {
    let mut world = friends_world(1);
    world.user_mut(FRIEND).unwrap().refuses_messages = true;
    let kakao = spawn_kakao(world).await;
    let token = kakao.full_token(ADMIN).await;

    let result = send_one(&kakao, &token, FRIEND).await;

    assert_eq!(
        outcome_of(&result, &kakao.uuid(FRIEND)),
        failed(FailureReason::RefusesMessages)
    );
    assert!(
        matches!(result.error(), Some(KakaoError::RecipientRefusesMessages(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn one_receiver_who_is_not_a_friend_is_minus_502() {
    let mut world = friends_world(1);
    world.users.push(stranger(&world));
    let kakao = spawn_kakao(world).await;
    let token = kakao.full_token(ADMIN).await;

    let result = send_one(&kakao, &token, STRANGER).await;

    assert_eq!(
        outcome_of(&result, &kakao.uuid(STRANGER)),
        failed(FailureReason::NotAFriend)
    );
    assert!(
        matches!(result.error(), Some(KakaoError::NotAFriend(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_uuid_kakao_does_not_know_is_minus_2_invalid_receivers() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    let unknown = FriendUuid::parse("not-a-uuid-of-this-app").unwrap();
    let to = Receivers::new([kakao.uuid(FRIEND), unknown.clone()]).unwrap();

    let result = kakao
        .client
        .send_to_friends(&token, &to, &reminder("안녕하세요"))
        .await;

    assert!(
        matches!(result.error(), Some(KakaoError::InvalidReceivers(_))),
        "{result:?}"
    );
    assert_eq!(
        outcome_of(&result, &unknown),
        failed(FailureReason::InvalidReceivers)
    );
    assert_eq!(
        outcome_of(&result, &kakao.uuid(FRIEND)),
        failed(FailureReason::InvalidReceivers)
    );
    assert!(kakao.inbox(FRIEND).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn an_expired_token_fails_everyone_and_asks_for_a_refresh() {
    let kakao = spawn_kakao(friends_world(2)).await;
    let tokens = kakao.tokens(ADMIN, &ALL_SCOPES).await;
    kakao.advance(6 * 3600).await;
    let to = receivers(&kakao, &[1001, 1002]);

    let result = kakao
        .client
        .send_to_friends(&tokens.access_token, &to, &reminder("다시 보내기"))
        .await;
    assert!(
        result
            .failed()
            .all(|(_, r)| *r == FailureReason::AccessTokenInvalid),
        "{result:?}"
    );
    assert!(result.error().is_some_and(KakaoError::needs_refresh));

    let tokens = kakao.client.refresh(&tokens).await.unwrap();
    let again = kakao
        .client
        .send_to_friends(&tokens.access_token, &to, &reminder("다시 보내기"))
        .await;
    assert!(again.all_sent(), "{again:?}");
}

#[tokio::test]
async fn without_message_consent_the_sender_is_sent_to_additional_consent() {
    let kakao = spawn_kakao(friends_world(2)).await;
    let token = kakao.access_token(ADMIN, &["profile_nickname", "friends"]).await;
    let to = receivers(&kakao, &[1001, 1002]);

    let result = kakao
        .client
        .send_to_friends(&token, &to, &reminder("동의 필요"))
        .await;

    let required = vec!["talk_message".to_string()];
    assert_eq!(
        result.error().and_then(KakaoError::needs_consent),
        Some(&required[..])
    );
    let expected = failed(FailureReason::InsufficientScope {
        required_scopes: required.clone(),
    });
    assert!(
        result.receivers().iter().all(|r| r.outcome == expected),
        "{result:?}"
    );
}

#[tokio::test]
async fn without_the_message_permission_only_team_members_can_be_messaged() {
    let mut world = friends_world(1);
    world.app.message_permission = false;
    let kakao = spawn_kakao(world).await;
    let token = kakao.full_token(ADMIN).await;

    let result = send_one(&kakao, &token, FRIEND).await;

    assert!(
        matches!(result.error(), Some(KakaoError::PermissionDenied(_))),
        "{result:?}"
    );
    assert_eq!(
        outcome_of(&result, &kakao.uuid(FRIEND)),
        failed(FailureReason::PermissionDenied)
    );
}

#[tokio::test]
async fn a_consent_item_disabled_in_the_app_is_minus_3() {
    // The sandbox does not model an app switching a consent item off, so Kakao's answer is
    // injected: what is under test is that the client reads it.
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(serde_json::json!({"path": "/v1/api/talk/friends/message/default/send", "kakao_code": -3}))
        .await;

    let result = send_one(&kakao, &token, FRIEND).await;

    assert!(
        matches!(result.error(), Some(KakaoError::ConsentItemDisabled(_))),
        "{result:?}"
    );
    assert_eq!(
        outcome_of(&result, &kakao.uuid(FRIEND)),
        failed(FailureReason::ConsentItemDisabled)
    );
}

#[tokio::test]
async fn the_sender_monthly_quota_is_its_own_case() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .fault(serde_json::json!({"path": "/v1/api/talk/friends/message/default/send", "kakao_code": -531}))
        .await;

    let result = send_one(&kakao, &token, FRIEND).await;

    assert_eq!(
        result.error().and_then(KakaoError::exceeded_quota),
        Some(ExceededQuota::SenderMonthly)
    );
    assert_eq!(
        outcome_of(&result, &kakao.uuid(FRIEND)),
        failed(FailureReason::QuotaExceeded(ExceededQuota::SenderMonthly))
    );
}

#[tokio::test]
async fn the_senders_daily_quota_is_minus_532() {
    let mut world = friends_world(3);
    world.app.quotas.sender_daily = 2;
    let kakao = spawn_kakao(world).await;
    let token = kakao.full_token(ADMIN).await;
    let to = receivers(&kakao, &[1001, 1002, 1003]);

    let result = kakao
        .client
        .send_to_friends(&token, &to, &reminder("세 명에게"))
        .await;

    assert_eq!(result.sent().count(), 2, "{result:?}");
    let (_, reason) = result.failed().next().unwrap();
    assert_eq!(*reason, FailureReason::QuotaExceeded(ExceededQuota::SenderDaily));
    assert_eq!(reason.kakao_code(), Some(-532));
}

#[tokio::test]
async fn the_recipients_daily_quota_is_minus_533() {
    let mut world = friends_world(2);
    world.app.quotas.recipient_daily = 1;
    world.friendships.push(Friendship {
        between: [1001, 1002],
        favorite_of: Vec::new(),
    });
    let kakao = spawn_kakao(world).await;
    let admin = kakao.full_token(ADMIN).await;
    let other_sender = kakao.full_token(1001).await;
    assert!(send_one(&kakao, &admin, 1002).await.all_sent());

    let result = send_one(&kakao, &other_sender, 1002).await;

    assert_eq!(
        result.error().and_then(KakaoError::exceeded_quota),
        Some(ExceededQuota::RecipientDaily)
    );
    assert_eq!(
        outcome_of(&result, &kakao.uuid(1002)),
        failed(FailureReason::QuotaExceeded(ExceededQuota::RecipientDaily))
    );
}

#[tokio::test]
async fn the_apps_daily_quota_is_minus_10() {
    let mut world = friends_world(2);
    world.app.quotas.app_daily = 1;
    let kakao = spawn_kakao(world).await;
    let token = kakao.full_token(ADMIN).await;
    assert!(send_one(&kakao, &token, 1001).await.all_sent());

    let result = send_one(&kakao, &token, 1002).await;

    assert!(
        matches!(result.error(), Some(KakaoError::AppQuotaExceeded(_))),
        "{result:?}"
    );
    assert_eq!(
        result
            .error()
            .and_then(KakaoError::exceeded_quota)
            .and_then(ExceededQuota::daily_kind),
        Some(domain::QuotaKind::App)
    );
}

#[tokio::test]
async fn kakaos_real_pair_quota_allows_twenty_a_day() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;

    for n in 1..=20 {
        assert!(send_one(&kakao, &token, FRIEND).await.all_sent(), "message {n}");
    }
    let twenty_first = send_one(&kakao, &token, FRIEND).await;

    assert_eq!(
        outcome_of(&twenty_first, &kakao.uuid(FRIEND)),
        failed(FailureReason::QuotaExceeded(ExceededQuota::PairDaily))
    );
    assert!(matches!(
        twenty_first.error(),
        Some(KakaoError::PairDailyQuotaExceeded(_))
    ));
    assert_eq!(kakao.inbox(FRIEND).await.len(), 20);
}

#[tokio::test]
async fn quotas_reset_at_midnight_seoul_time() {
    let mut world = friends_world(1);
    world.app.quotas.pair_daily = 1;
    let kakao = spawn_kakao(world).await;
    let token = kakao.full_token(ADMIN).await;
    assert!(
        send_one(&kakao, &token, FRIEND).await.all_sent(),
        "Monday 14:00 KST"
    );

    // 23:59:59 KST is still Monday. (Access tokens live 6 hours, so each step takes a new one.)
    kakao.advance(10 * 3600 - 1).await;
    let token = kakao.full_token(ADMIN).await;
    let late = send_one(&kakao, &token, FRIEND).await;
    assert!(
        late.error().and_then(KakaoError::exceeded_quota).is_some(),
        "{late:?}"
    );

    // 00:00:00 KST Tuesday (15:00 UTC Monday) is a new Kakao day.
    kakao.advance(1).await;
    let token = kakao.full_token(ADMIN).await;
    assert_eq!(
        domain::KstDay::containing(domain::Clock::now(&kakao.clock)).to_string(),
        "2026-03-03"
    );
    let next_day = send_one(&kakao, &token, FRIEND).await;
    assert!(next_day.all_sent(), "{next_day:?}");
    assert_eq!(kakao.inbox(FRIEND).await.len(), 2);
}

#[tokio::test]
async fn a_memo_lands_in_the_senders_own_inbox() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;

    kakao
        .client
        .send_to_me(&token, &reminder("결석자 3명: 확인 후 발송하세요"))
        .await
        .unwrap();

    let inbox = kakao.inbox(ADMIN).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["kind"], "memo");
    assert_eq!(inbox[0]["sender_id"], ADMIN);
    assert_eq!(
        inbox[0]["template_object"]["text"],
        "결석자 3명: 확인 후 발송하세요"
    );
    assert!(kakao.inbox(FRIEND).await.is_empty());
}

#[tokio::test]
async fn a_memo_without_message_consent_asks_for_it() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.access_token(ADMIN, &["profile_nickname"]).await;

    let err = kakao
        .client
        .send_to_me(&token, &reminder("메모"))
        .await
        .unwrap_err();

    assert_eq!(
        err.needs_consent(),
        Some(&["talk_message".to_string()][..]),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_app_that_disabled_message_consent_gets_minus_3_from_kakao_itself() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao
        .sandbox
        .update_app(|app| app.consent_items.retain(|item| item.id != "talk_message"));

    let result = send_one(&kakao, &token, FRIEND).await;

    assert!(
        matches!(result.error(), Some(KakaoError::ConsentItemDisabled(_))),
        "{result:?}"
    );
    assert_eq!(
        outcome_of(&result, &kakao.uuid(FRIEND)),
        failed(FailureReason::ConsentItemDisabled)
    );
}
