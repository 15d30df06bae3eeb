//! Token care against the Kakao sandbox, on SQLite and DynamoDB: refresh before expiry, with and
//! without rotation, concurrent refreshes in one process and in two, "refresh once on -401",
//! and Kakao's refusals turned into admin states.

use std::sync::Arc;

use app::testing::{Backend, Scenario};
use app::{TokenError, TokenKeeper};
use chrono::Duration;
use kakao::KakaoError;
use kakao_sandbox::World;
use secrecy::ExposeSecret;
use serde_json::json;
use store::model::AdminStatus;

async fn scenario(backend: Backend) -> Option<Scenario> {
    let scenario = Scenario::start(World::with_friends(3), backend).await?;
    scenario.login_admin(Scenario::ADMIN).await;
    Some(scenario)
}

async fn status(scenario: &Scenario) -> AdminStatus {
    scenario
        .store
        .store
        .get_admin(Scenario::admin())
        .await
        .unwrap()
        .status
}

async fn a_fresh_token_is_used_without_asking_kakao(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    let stored = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    let before = s.kakao_requests().await;
    s.advance(Duration::hours(5)); // 6 hours minus a second: not yet within 5 minutes
    let token = s.services.tokens.access_token(Scenario::admin()).await.unwrap();
    assert_eq!(token.expose(), stored.tokens.access_token.expose_secret());
    assert_eq!(s.kakao_requests().await, before);
}

async fn a_token_expiring_within_five_minutes_is_refreshed_without_rotation(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    let old = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    s.advance(Duration::hours(6) - Duration::minutes(4));
    let before = s.kakao_requests().await;
    let token = s.services.tokens.access_token(Scenario::admin()).await.unwrap();
    assert_eq!(s.kakao_requests().await, before + 1, "one refresh call");
    let new = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    assert_ne!(token.expose(), old.tokens.access_token.expose_secret());
    assert_eq!(token.expose(), new.tokens.access_token.expose_secret());
    assert_eq!(new.version, old.version.next());
    assert_eq!(
        new.tokens.refresh_token.expose_secret(),
        old.tokens.refresh_token.expose_secret(),
        "Kakao did not rotate, so the refresh token is kept"
    );
    assert!(new.tokens.access_expires_at > s.clock_now() + Duration::hours(5));
    s.services.kakao.me(&token).await.expect("the new token works");
}

async fn a_rotated_refresh_token_is_stored_and_the_old_one_is_dead(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    // Kakao rotates when less than this is left: make every refresh rotate.
    s.sandbox
        .update_app(|app| app.tokens.refresh_rotation_threshold_seconds = 100 * 24 * 3600);
    let old = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    s.advance(Duration::hours(7));
    s.services.tokens.access_token(Scenario::admin()).await.unwrap();
    let new = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    assert_ne!(
        new.tokens.refresh_token.expose_secret(),
        old.tokens.refresh_token.expose_secret()
    );
    let old_refresh = kakao::RefreshToken::new(old.tokens.refresh_token.expose_secret());
    let refused = s.services.kakao.refresh_tokens(&old_refresh).await.unwrap_err();
    assert!(
        matches!(refused, KakaoError::RefreshTokenInvalid(_)),
        "{refused:?}"
    );
    let new_refresh = kakao::RefreshToken::new(new.tokens.refresh_token.expose_secret());
    s.services
        .kakao
        .refresh_tokens(&new_refresh)
        .await
        .expect("the stored refresh token is the live one");
}

async fn concurrent_callers_in_one_process_share_one_refresh(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    s.advance(Duration::hours(7));
    let before = s.kakao_requests().await;
    let calls = (0..8).map(|_| s.services.tokens.access_token(Scenario::admin()));
    let tokens = futures::future::join_all(calls).await;
    let first = tokens[0].as_ref().unwrap().expose().to_owned();
    assert!(tokens.iter().all(|t| t.as_ref().unwrap().expose() == first));
    assert_eq!(s.kakao_requests().await, before + 1);
}

async fn two_processes_refreshing_a_rotating_token_at_once_both_succeed(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    s.sandbox
        .update_app(|app| app.tokens.refresh_rotation_threshold_seconds = 100 * 24 * 3600);
    let other = s.another_process().await;
    s.advance(Duration::hours(7));
    let (a, b) = tokio::join!(
        s.services.tokens.access_token(Scenario::admin()),
        other.tokens.access_token(Scenario::admin())
    );
    // One of them refreshed; the other either lost the store race or was refused by Kakao
    // (the refresh token had just rotated) and found the winner's tokens in the store.
    let (a, b) = (a.unwrap(), b.unwrap());
    let stored = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    assert_eq!(a.expose(), stored.tokens.access_token.expose_secret());
    assert_eq!(b.expose(), stored.tokens.access_token.expose_secret());
    assert_eq!(status(&s).await, AdminStatus::Active);
    let refresh = kakao::RefreshToken::new(stored.tokens.refresh_token.expose_secret());
    s.services
        .kakao
        .refresh_tokens(&refresh)
        .await
        .expect("the rotated refresh token was not lost");
}

async fn a_refresh_refused_because_another_process_just_rotated_uses_its_tokens(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    s.sandbox
        .update_app(|app| app.tokens.refresh_rotation_threshold_seconds = 100 * 24 * 3600);
    let v1 = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    s.advance(Duration::hours(7));
    // Another process rotates the refresh token at Kakao and has not stored the result yet.
    let rt1 = kakao::RefreshToken::new(v1.tokens.refresh_token.expose_secret());
    let rotated = s.services.kakao.refresh(&to_token_set(&v1)).await.unwrap();
    assert_ne!(rotated.refresh_token.expose(), rt1.expose());
    let before = s.kakao_requests().await;
    // This process reads v1 and refreshes with the now-dead token: Kakao says KOE322.
    let keeper = TokenKeeper::with_rereads(
        s.store.store.clone(),
        Arc::clone(&s.services.kakao),
        Arc::new(s.clock.clone()),
        app::tokens::RaceRereads {
            attempts: 500,
            delay: std::time::Duration::from_millis(10),
        },
    );
    let refreshing = tokio::spawn(async move { keeper.access_token(Scenario::admin()).await });
    let mut polls = 0;
    while s.kakao_requests().await == before {
        polls += 1;
        assert!(polls < 10_000, "the refresh never reached Kakao");
        tokio::task::yield_now().await;
    }
    // Now the other process's write lands.
    let v2 = app::tokens::convert::tokens_from_login(&rotated, s.clock_now());
    s.store
        .store
        .replace_tokens(Scenario::admin(), v1.version, &v2, s.clock_now())
        .await
        .unwrap();
    let token = refreshing
        .await
        .unwrap()
        .expect("the winner's tokens, not needs_login");
    assert_eq!(token.expose(), rotated.access_token.expose());
    assert_eq!(
        s.kakao_requests().await,
        before + 1,
        "one refused refresh, no second try"
    );
    assert_eq!(status(&s).await, AdminStatus::Active);
}

fn to_token_set(stored: &store::model::StoredTokens) -> kakao::TokenSet {
    kakao::TokenSet {
        access_token: kakao::AccessToken::new(stored.tokens.access_token.expose_secret()),
        access_expires_at: stored.tokens.access_expires_at,
        refresh_token: kakao::RefreshToken::new(stored.tokens.refresh_token.expose_secret()),
        refresh_expires_at: Some(stored.tokens.refresh_expires_at),
        scopes: None,
        id_token: None,
    }
}

async fn a_dead_refresh_token_marks_the_admin_needs_login(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    s.unlink_at_kakao(Scenario::ADMIN).await;
    s.advance(Duration::hours(7));
    let error = s
        .services
        .tokens
        .access_token(Scenario::admin())
        .await
        .unwrap_err();
    assert!(matches!(error, TokenError::NeedsLogin), "{error:?}");
    assert_eq!(status(&s).await, AdminStatus::NeedsLogin);
}

async fn an_admin_without_tokens_needs_login(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    s.store.store.delete_tokens(Scenario::admin()).await.unwrap();
    let error = s
        .services
        .tokens
        .access_token(Scenario::admin())
        .await
        .unwrap_err();
    assert!(matches!(error, TokenError::NeedsLogin), "{error:?}");
    assert_eq!(status(&s).await, AdminStatus::NeedsLogin);
}

async fn a_rejected_token_is_refreshed_once_and_the_call_repeated(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    // Kakao's clock passes the token's expiry while ours still thinks it fresh.
    s.advance_kakao_clock(Duration::hours(6)).await;
    let before = s.kakao_requests().await;
    let kakao = s.services.kakao.clone();
    let profile = s
        .services
        .tokens
        .call(Scenario::admin(), |token| {
            let kakao = kakao.clone();
            async move { kakao.me(&token).await }
        })
        .await
        .unwrap();
    assert_eq!(profile.id, Scenario::admin());
    assert_eq!(s.kakao_requests().await, before + 3, "me (-401), refresh, me");
    assert_eq!(status(&s).await, AdminStatus::Active);
}

async fn a_second_rejection_after_a_refresh_means_login_again(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    s.fault(json!({"path": "/v2/user/me", "kakao_code": -401})).await;
    let kakao = s.services.kakao.clone();
    let before = s.kakao_requests().await;
    let error = s
        .services
        .tokens
        .call(Scenario::admin(), |token| {
            let kakao = kakao.clone();
            async move { kakao.me(&token).await }
        })
        .await
        .unwrap_err();
    assert!(matches!(error, TokenError::NeedsLogin), "{error:?}");
    assert_eq!(
        s.kakao_requests().await,
        before + 3,
        "me, refresh, me: then give up"
    );
    assert_eq!(status(&s).await, AdminStatus::NeedsLogin);
}

async fn missing_consent_marks_the_admin_needs_consent_with_the_scopes(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    s.set_consent(Scenario::ADMIN, &["profile_nickname", "talk_message"])
        .await;
    let kakao = s.services.kakao.clone();
    let error = s
        .services
        .tokens
        .call(Scenario::admin(), |token| {
            let kakao = kakao.clone();
            async move { kakao.all_friends(&token).await }
        })
        .await
        .unwrap_err();
    match error {
        TokenError::NeedsConsent { missing } => assert_eq!(missing, ["friends"]),
        other => panic!("expected NeedsConsent, got {other:?}"),
    }
    assert_eq!(status(&s).await, AdminStatus::NeedsConsent);
}

async fn a_transient_refresh_failure_changes_nothing(backend: Backend) {
    let Some(s) = scenario(backend).await else { return };
    s.fault(json!({"path": "/oauth/token", "status": 503})).await;
    let old = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    s.advance(Duration::hours(7));
    let keeper = TokenKeeper::new(
        s.store.store.clone(),
        Arc::clone(&s.services.kakao),
        Arc::new(s.clock.clone()),
    );
    let error = keeper.access_token(Scenario::admin()).await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    assert_eq!(status(&s).await, AdminStatus::Active);
    let after = s.store.store.get_tokens(Scenario::admin()).await.unwrap();
    assert_eq!(after.version, old.version);
}

trait ClockNow {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl ClockNow for Scenario {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        domain::Clock::now(&self.clock)
    }
}

app::on_both_backends!(
    a_fresh_token_is_used_without_asking_kakao,
    a_token_expiring_within_five_minutes_is_refreshed_without_rotation,
    a_rotated_refresh_token_is_stored_and_the_old_one_is_dead,
    concurrent_callers_in_one_process_share_one_refresh,
    two_processes_refreshing_a_rotating_token_at_once_both_succeed,
    a_refresh_refused_because_another_process_just_rotated_uses_its_tokens,
    a_dead_refresh_token_marks_the_admin_needs_login,
    an_admin_without_tokens_needs_login,
    a_rejected_token_is_refreshed_once_and_the_call_repeated,
    a_second_rejection_after_a_refresh_means_login_again,
    missing_consent_marks_the_admin_needs_consent_with_the_scopes,
    a_transient_refresh_failure_changes_nothing,
);
