//! Kakao Login and the user endpoints, through the client, against the Kakao sandbox:
//! code exchange (and its reuse), refresh with and without rotation, token info, profile,
//! consent list, logout and unlink in both forms.

mod common;

use common::{ADMIN, ALL_SCOPES, DAY, FRIEND, NowUtc, TestKakao, friends_world, spawn_kakao, user_id};
use kakao::{AuthorizeOptions, KakaoError, ScopeType};

#[tokio::test]
async fn an_admin_logs_in_and_the_code_buys_a_complete_token_set() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &AuthorizeOptions::default()).await;

    let tokens = kakao
        .client
        .exchange_code(&code, &TestKakao::callback())
        .await
        .unwrap();

    let now = kakao.clock.now_utc();
    assert_eq!(tokens.access_expires_at, now + chrono::Duration::seconds(21_599));
    assert_eq!(
        tokens.refresh_expires_at,
        Some(now + chrono::Duration::seconds(5_183_999))
    );
    let me = kakao.client.me(&tokens.access_token).await.unwrap();
    assert_eq!(me.id, user_id(ADMIN));
    assert_eq!(me.nickname.as_deref(), Some("관리자"));
}

#[tokio::test]
async fn additional_consent_asks_for_the_missing_scopes_and_the_new_token_has_them() {
    let kakao = spawn_kakao(friends_world(1)).await;
    // The friend linked once with only the required nickname.
    kakao.tokens(FRIEND, &["profile_nickname"]).await;

    let code = kakao
        .login_code(
            FRIEND,
            &AuthorizeOptions::consent_to(&["friends", "talk_message"]),
        )
        .await;
    let tokens = kakao
        .client
        .exchange_code(&code, &TestKakao::callback())
        .await
        .unwrap();

    assert_eq!(tokens.has_scope("friends"), Some(true));
    assert_eq!(tokens.has_scope("talk_message"), Some(true));
    let scopes = kakao.client.scopes(&tokens.access_token).await.unwrap();
    assert!(scopes.not_agreed(&ALL_SCOPES).is_empty(), "{scopes:?}");
}

#[tokio::test]
async fn a_code_used_twice_is_refused_with_koe320() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &AuthorizeOptions::default()).await;
    kakao
        .client
        .exchange_code(&code, &TestKakao::callback())
        .await
        .unwrap();

    let err = kakao
        .client
        .exchange_code(&code, &TestKakao::callback())
        .await
        .unwrap_err();

    assert!(matches!(err, KakaoError::AuthorizationCodeInvalid(_)), "{err:?}");
    assert!(err.needs_login());
    assert!(!err.is_transient());
}

#[tokio::test]
async fn a_refresh_in_the_first_month_keeps_the_refresh_token() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let tokens = kakao.tokens(ADMIN, &ALL_SCOPES).await;
    kakao.advance(29 * DAY).await;

    let refreshed = kakao.client.refresh(&tokens).await.unwrap();

    assert_eq!(refreshed.refresh_token.expose(), tokens.refresh_token.expose());
    assert_eq!(refreshed.refresh_expires_at, tokens.refresh_expires_at);
    assert_ne!(refreshed.access_token.expose(), tokens.access_token.expose());
    assert_eq!(
        refreshed.access_expires_at,
        kakao.clock.now_utc() + chrono::Duration::seconds(21_599)
    );
    kakao.client.me(&refreshed.access_token).await.unwrap();
}

#[tokio::test]
async fn a_refresh_in_the_last_month_rotates_and_the_old_refresh_token_is_dead() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let tokens = kakao.tokens(ADMIN, &ALL_SCOPES).await;
    kakao.advance(31 * DAY).await;

    let raw = kakao.client.refresh_tokens(&tokens.refresh_token).await.unwrap();
    assert!(raw.rotated());
    let rotated = tokens.clone().refreshed_with(raw);

    assert_ne!(rotated.refresh_token.expose(), tokens.refresh_token.expose());
    assert_eq!(
        rotated.refresh_expires_at,
        Some(kakao.clock.now_utc() + chrono::Duration::seconds(5_183_999))
    );
    let err = kakao.client.refresh(&tokens).await.unwrap_err();
    assert!(matches!(err, KakaoError::RefreshTokenInvalid(_)), "{err:?}");
    assert!(err.needs_login());
    kakao.client.refresh(&rotated).await.unwrap();
}

#[tokio::test]
async fn a_refresh_token_two_months_old_means_logging_in_again() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let tokens = kakao.tokens(ADMIN, &ALL_SCOPES).await;
    kakao.advance(60 * DAY).await;

    let err = kakao.client.refresh(&tokens).await.unwrap_err();

    assert!(err.needs_login(), "{err:?}");
    assert_eq!(
        err.code(),
        Some(&kakao::ErrorCode::OAuth {
            error: "invalid_grant".into(),
            koe: Some("KOE322".into())
        })
    );
}

#[tokio::test]
async fn an_expired_access_token_needs_a_refresh_and_then_works() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let tokens = kakao.tokens(ADMIN, &ALL_SCOPES).await;
    kakao.advance(6 * 3600).await;

    let err = kakao.client.me(&tokens.access_token).await.unwrap_err();
    assert!(err.needs_refresh(), "{err:?}");
    assert!(!err.needs_login());
    assert!(tokens.access_expires_within(kakao.clock.now_utc(), chrono::Duration::zero()));

    let tokens = kakao.client.refresh(&tokens).await.unwrap();
    assert_eq!(
        kakao.client.me(&tokens.access_token).await.unwrap().id,
        user_id(ADMIN)
    );
}

#[tokio::test]
async fn token_info_says_whose_token_it_is_and_when_it_expires() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao.full_token(ADMIN).await;
    kakao.advance(3600).await;

    let info = kakao.client.token_info(&token).await.unwrap();

    assert_eq!(info.user_id, user_id(ADMIN));
    assert_eq!(info.app_id, kakao.world.app.app_id);
    assert_eq!(
        info.expires_at,
        kakao.clock.now_utc() + chrono::Duration::seconds(21_599 - 3600)
    );
}

#[tokio::test]
async fn an_unknown_token_is_401_on_every_read() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let bogus = kakao::AccessToken::new("made-up-token");

    let errors = [
        kakao.client.token_info(&bogus).await.unwrap_err(),
        kakao.client.me(&bogus).await.unwrap_err(),
        kakao.client.scopes(&bogus).await.unwrap_err(),
        kakao.client.all_friends(&bogus).await.unwrap_err(),
        kakao.client.logout(&bogus).await.unwrap_err(),
    ];

    for err in errors {
        assert!(matches!(err, KakaoError::AccessTokenInvalid(_)), "{err:?}");
    }
}

#[tokio::test]
async fn the_consent_list_shows_what_was_agreed() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let token = kakao
        .access_token(ADMIN, &["profile_nickname", "talk_message"])
        .await;

    let scopes = kakao.client.scopes(&token).await.unwrap();

    assert_eq!(scopes.user_id, user_id(ADMIN));
    assert!(scopes.is_agreed("talk_message"));
    assert_eq!(scopes.not_agreed(&ALL_SCOPES), ["friends"]);
    let talk = scopes.scopes.iter().find(|s| s.id == "talk_message").unwrap();
    assert_eq!(
        (talk.kind.clone(), talk.revocable),
        (ScopeType::Service, Some(true))
    );
}

#[tokio::test]
async fn logout_with_the_users_token_ends_it() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let tokens = kakao.tokens(ADMIN, &ALL_SCOPES).await;

    assert_eq!(
        kakao.client.logout(&tokens.access_token).await.unwrap(),
        user_id(ADMIN)
    );

    assert!(
        kakao
            .client
            .me(&tokens.access_token)
            .await
            .unwrap_err()
            .needs_refresh()
    );
    assert!(kakao.client.refresh(&tokens).await.unwrap_err().needs_login());
}

#[tokio::test]
async fn logout_with_the_admin_key_ends_every_token_of_the_user() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let phone = kakao.full_token(ADMIN).await;
    let laptop = kakao.full_token(ADMIN).await;

    assert_eq!(
        kakao.client.logout_user(user_id(ADMIN)).await.unwrap(),
        user_id(ADMIN)
    );

    assert!(kakao.client.me(&phone).await.unwrap_err().needs_refresh());
    assert!(kakao.client.me(&laptop).await.unwrap_err().needs_refresh());
}

#[tokio::test]
async fn unlink_with_the_users_token_disconnects_the_app() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let tokens = kakao.tokens(FRIEND, &ALL_SCOPES).await;

    assert_eq!(
        kakao.client.unlink(&tokens.access_token).await.unwrap(),
        user_id(FRIEND)
    );

    assert!(kakao.client.refresh(&tokens).await.unwrap_err().needs_login());
}

#[tokio::test]
async fn unlink_with_the_admin_key_disconnects_the_user() {
    let kakao = spawn_kakao(friends_world(2)).await;
    let tokens = kakao.tokens(FRIEND, &ALL_SCOPES).await;

    assert_eq!(
        kakao.client.unlink_user(user_id(FRIEND)).await.unwrap(),
        user_id(FRIEND)
    );

    assert!(
        kakao
            .client
            .me(&tokens.access_token)
            .await
            .unwrap_err()
            .needs_refresh()
    );
    let admin = kakao.full_token(ADMIN).await;
    let friends = kakao.client.all_friends(&admin).await.unwrap();
    assert!(
        friends.iter().all(|f| f.id != Some(user_id(FRIEND))),
        "an unlinked friend is no longer listed"
    );
}

#[tokio::test]
async fn admin_key_calls_without_an_admin_key_are_refused_before_sending() {
    let kakao = common::spawn_kakao_with(friends_world(1), |mut config| {
        config.admin_key = None;
        config
    })
    .await;

    let err = kakao.client.unlink_user(user_id(FRIEND)).await.unwrap_err();

    assert!(matches!(err, KakaoError::AdminKeyMissing), "{err:?}");
}

#[tokio::test]
async fn an_oauth_error_without_its_own_case_keeps_its_koe_code() {
    let kakao = spawn_kakao(friends_world(1)).await;
    let code = kakao.login_code(ADMIN, &AuthorizeOptions::default()).await;
    let elsewhere = url::Url::parse("http://localhost:3000/oauth/callback").unwrap();

    let err = kakao.client.exchange_code(&code, &elsewhere).await.unwrap_err();

    let KakaoError::Other(answer) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(answer.status(), 400);
    assert!(
        matches!(answer.code(), kakao::ErrorCode::OAuth { koe: Some(koe), .. } if koe == "KOE303"),
        "{answer:?}"
    );
}

#[tokio::test]
async fn a_wrong_client_secret_is_refused_and_never_printed() {
    let kakao = common::spawn_kakao_with(friends_world(1), |mut config| {
        config.client_secret = Some(secrecy::SecretString::from("wrong-secret-value"));
        config
    })
    .await;
    let code = kakao.login_code(ADMIN, &AuthorizeOptions::default()).await;

    let err = kakao
        .client
        .exchange_code(&code, &TestKakao::callback())
        .await
        .unwrap_err();

    assert!(!err.needs_login() && !err.is_transient(), "{err:?}");
    let printed = format!("{err:?} {err} {:?}", kakao.client);
    assert!(!printed.contains("wrong-secret-value"), "{printed}");
}
