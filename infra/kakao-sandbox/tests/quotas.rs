//! Kakao's daily message quotas, counted on Kakao days that start at 00:00 KST: app `-10`,
//! sender `-532`, recipient `-533`, pair `-536` (`docs/kakao.md#quotas`). Limits are lowered in the
//! world so the tests stay cheap, except one that uses Kakao's real 20 per pair.

mod common;

use common::{ADMIN, FRIEND, Kakao, at, friends_world, frozen_at, start, uuid_of};
use kakao_sandbox::{QuotaLimits, World};
use reqwest::StatusCode;
use serde_json::Value;

const SECOND_SENDER: i64 = 1002;

/// The admin and a second sender, both friends of everyone, under `limits`.
fn world_with(limits: QuotaLimits) -> World {
    let mut world = friends_world(5);
    world.app.quotas = limits;
    for other in [1001, 1003, 1004, 1005] {
        world.friendships.push(kakao_sandbox::Friendship {
            between: [SECOND_SENDER, other],
            favorite_of: vec![],
        });
    }
    world
}

fn code_of(result: &(StatusCode, Value)) -> Option<i64> {
    (result.0 == StatusCode::BAD_REQUEST)
        .then(|| result.1["code"].as_i64())
        .flatten()
}

async fn send_n(kakao: &Kakao, token: &str, uuid: &str, n: usize) {
    for i in 0..n {
        let (status, body) = kakao.send_text(token, &[uuid], &format!("message {i}")).await;
        assert_eq!(status, StatusCode::OK, "message {i}: {body}");
    }
}

#[tokio::test]
async fn the_pair_limit_is_minus_536_and_other_pairs_are_unaffected() {
    let limits = QuotaLimits {
        pair_daily: 2,
        ..QuotaLimits::default()
    };
    let world = world_with(limits);
    let [friend, other] = [FRIEND, 1003].map(|id| uuid_of(&world, id));
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    send_n(&kakao, &token, &friend, 2).await;

    assert_eq!(
        code_of(&kakao.send_text(&token, &[&friend], "third").await),
        Some(-536)
    );
    assert_eq!(kakao.send_text(&token, &[&other], "fine").await.0, StatusCode::OK);
    assert_eq!(
        kakao.inbox(FRIEND).await.len(),
        2,
        "the refused message was not delivered"
    );
}

#[tokio::test]
async fn the_sender_limit_is_minus_532() {
    let world = world_with(QuotaLimits {
        sender_daily: 3,
        ..QuotaLimits::default()
    });
    let uuids: Vec<String> = [1001, 1003, 1004, 1005]
        .iter()
        .map(|id| uuid_of(&world, *id))
        .collect();
    let kakao = start(world).await;
    let admin = kakao.full_token(ADMIN).await;
    let second = kakao.full_token(SECOND_SENDER).await;
    for uuid in &uuids[..3] {
        send_n(&kakao, &admin, uuid, 1).await;
    }

    assert_eq!(
        code_of(&kakao.send_text(&admin, &[&uuids[3]], "over").await),
        Some(-532)
    );
    assert_eq!(
        kakao
            .send_text(&second, &[&uuids[3]], "another sender is fine")
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_recipient_limit_is_minus_533_across_senders() {
    let world = world_with(QuotaLimits {
        recipient_daily: 2,
        ..QuotaLimits::default()
    });
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let admin = kakao.full_token(ADMIN).await;
    let second = kakao.full_token(SECOND_SENDER).await;
    send_n(&kakao, &admin, &friend, 1).await;
    send_n(&kakao, &second, &friend, 1).await;

    assert_eq!(
        code_of(&kakao.send_text(&admin, &[&friend], "over").await),
        Some(-533)
    );
}

#[tokio::test]
async fn the_app_limit_is_minus_10() {
    let world = world_with(QuotaLimits {
        app_daily: 2,
        ..QuotaLimits::default()
    });
    let [a, b] = [1003, 1004].map(|id| uuid_of(&world, id));
    let kakao = start(world).await;
    let admin = kakao.full_token(ADMIN).await;
    let second = kakao.full_token(SECOND_SENDER).await;
    send_n(&kakao, &admin, &a, 1).await;
    send_n(&kakao, &second, &b, 1).await;

    let refused = kakao.send_text(&admin, &[&b], "over").await;
    assert_eq!(code_of(&refused), Some(-10));
    assert_eq!(refused.1["msg"], "API limit has been exceeded.");
}

#[tokio::test]
async fn in_a_multicast_the_quota_runs_out_midway_and_failures_are_not_counted() {
    let world = world_with(QuotaLimits {
        sender_daily: 2,
        ..QuotaLimits::default()
    });
    let uuids: Vec<String> = [1001, 1003, 1004].iter().map(|id| uuid_of(&world, *id)).collect();
    let refs: Vec<&str> = uuids.iter().map(String::as_str).collect();
    let kakao = start(world).await;
    let admin = kakao.full_token(ADMIN).await;

    let (status, body) = kakao.send_text(&admin, &refs, "hi").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["successful_receiver_uuids"],
        serde_json::json!([uuids[0], uuids[1]])
    );
    assert_eq!(body["failure_info"][0]["code"], -532);
    assert_eq!(
        body["failure_info"][0]["receiver_uuids"],
        serde_json::json!([uuids[2]])
    );
}

#[tokio::test]
async fn kakaos_real_pair_limit_is_20_a_day() {
    let world = friends_world(1);
    assert_eq!(
        world.app.quotas,
        QuotaLimits {
            app_daily: 30_000,
            sender_daily: 100,
            recipient_daily: 100,
            pair_daily: 20
        }
    );
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    send_n(&kakao, &token, &friend, 20).await;

    assert_eq!(
        code_of(&kakao.send_text(&token, &[&friend], "21st").await),
        Some(-536)
    );
    assert_eq!(kakao.inbox(FRIEND).await.len(), 20);
}

#[tokio::test]
async fn the_kakao_day_rolls_over_at_midnight_kst_not_utc() {
    // 23:59:00 KST on Monday 2026-03-02 is 14:59:00 UTC.
    let mut world = frozen_at(
        world_with(QuotaLimits {
            pair_daily: 1,
            ..QuotaLimits::default()
        }),
        at("2026-03-02T14:59:00Z"),
    );
    world.app.tokens.access_token_seconds = 24 * 3600;
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    send_n(&kakao, &token, &friend, 1).await;

    kakao.advance(59).await; // 23:59:59 KST: still Monday
    assert_eq!(
        code_of(&kakao.send_text(&token, &[&friend], "same day").await),
        Some(-536)
    );

    let now = kakao.advance(1).await; // 00:00:00 KST Tuesday
    assert_eq!(now["now"], "2026-03-02T15:00:00Z");
    assert_eq!(
        kakao.send_text(&token, &[&friend], "new day").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn lowering_a_limit_at_runtime_applies_to_the_next_send() {
    let world = world_with(QuotaLimits::default());
    let friend = uuid_of(&world, FRIEND);
    let kakao = start(world).await;
    let token = kakao.full_token(ADMIN).await;
    send_n(&kakao, &token, &friend, 1).await;

    kakao.sandbox.update_app(|app| app.quotas.pair_daily = 1);

    assert_eq!(
        code_of(&kakao.send_text(&token, &[&friend], "over").await),
        Some(-536)
    );
}
