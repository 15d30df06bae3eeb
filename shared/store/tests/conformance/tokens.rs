//! Tokens: encrypted at rest, versioned, refreshed without losing a rotated refresh token.

use secrecy::ExposeSecret;
use store::StoreError;
use store::api::store_refreshed_tokens;
use store::crypto::StaticKeyProvider;
use store::model::{RefreshedTokens, Version};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn tokens_saved_at_login_come_back_with_version_one(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let saved = s
        .save_tokens(admin(1), &tokens("login", t0()), t0())
        .await
        .unwrap();
    assert_eq!(saved.version, Version::INITIAL);
    let read = s.get_tokens(admin(1)).await.unwrap();
    assert_eq!(read.version, Version::INITIAL);
    assert_eq!(read.tokens.access_token.expose_secret(), "access-login");
    assert_eq!(read.tokens.refresh_token.expose_secret(), "refresh-login");
    assert_eq!(read.tokens.access_expires_at, t0() + chrono::Duration::hours(6));
    assert_eq!(read.tokens.refresh_expires_at, t0() + chrono::Duration::days(60));
    assert_eq!(read.tokens.scopes, scopes("friends talk_message"));
    assert_eq!(read.updated_at, t0());
    assert!(
        !format!("{read:?}").contains("access-login"),
        "Debug never shows a token"
    );
}

async fn a_new_login_replaces_tokens_and_bumps_the_version(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    s.save_tokens(admin(1), &tokens("first", t0()), t0())
        .await
        .unwrap();
    let again = s
        .save_tokens(admin(1), &tokens("second", t0()), t0() + minutes(1))
        .await
        .unwrap();
    assert_eq!(again.version.get(), 2);
    let read = s.get_tokens(admin(1)).await.unwrap();
    assert_eq!(read.tokens.refresh_token.expose_secret(), "refresh-second");
    assert_eq!(read.version.get(), 2);
}

async fn tokens_of_an_unknown_admin_are_not_found(h: Harness) {
    let s = &*h.store;
    assert!(matches!(
        s.save_tokens(admin(404), &tokens("x", t0()), t0()).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.get_tokens(admin(404)).await,
        Err(StoreError::NotFound { .. })
    ));
    login(s, admin(1)).await;
    assert!(matches!(
        s.replace_tokens(admin(1), Version::INITIAL, &tokens("x", t0()), t0())
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn a_refresh_carrying_a_stale_version_conflicts_and_changes_nothing(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let v1 = s
        .save_tokens(admin(1), &tokens("login", t0()), t0())
        .await
        .unwrap()
        .version;
    let v2 = s
        .replace_tokens(admin(1), v1, &tokens("refreshed", t0()), t0())
        .await
        .unwrap()
        .version;
    assert_eq!(v2, v1.next());
    let stale = s.replace_tokens(admin(1), v1, &tokens("stale", t0()), t0()).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    let read = s.get_tokens(admin(1)).await.unwrap();
    assert_eq!(read.tokens.refresh_token.expose_secret(), "refresh-refreshed");
    assert_eq!(read.version, v2);
}

async fn a_refresh_that_loses_the_race_uses_the_winners_tokens(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let read = s
        .save_tokens(admin(1), &tokens("login", t0()), t0())
        .await
        .unwrap();
    // Two sweeps read version 1 and refreshed; the first to store wins.
    let winner = store_refreshed_tokens(s, admin(1), read.version, &tokens("winner", t0()), t0())
        .await
        .unwrap();
    assert!(matches!(winner, RefreshedTokens::Stored(_)));
    let loser = store_refreshed_tokens(s, admin(1), read.version, &tokens("loser", t0()), t0())
        .await
        .unwrap();
    let RefreshedTokens::LostRace(current) = loser else {
        panic!("the second refresh must lose")
    };
    assert_eq!(current.tokens.refresh_token.expose_secret(), "refresh-winner");
    assert_eq!(current.version, winner.current().version);
}

async fn logout_deletes_tokens_and_is_idempotent(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    s.save_tokens(admin(1), &tokens("login", t0()), t0())
        .await
        .unwrap();
    s.delete_tokens(admin(1)).await.unwrap();
    assert!(s.get_tokens(admin(1)).await.unwrap_err().is_not_found());
    s.delete_tokens(admin(1)).await.unwrap();
    assert!(s.get_admin(admin(1)).await.is_ok(), "the profile stays");
}

async fn tokens_do_not_open_with_another_key(h: Harness) {
    login(&*h.store, admin(1)).await;
    h.store
        .save_tokens(admin(1), &tokens("login", t0()), t0())
        .await
        .unwrap();
    let other = h
        .reopen_with_keys(std::sync::Arc::new(StaticKeyProvider::new([0x11; 32])))
        .await;
    assert!(matches!(
        other.get_tokens(admin(1)).await,
        Err(StoreError::Crypto(_))
    ));
}

conformance!(
    tokens_saved_at_login_come_back_with_version_one,
    a_new_login_replaces_tokens_and_bumps_the_version,
    tokens_of_an_unknown_admin_are_not_found,
    a_refresh_carrying_a_stale_version_conflicts_and_changes_nothing,
    a_refresh_that_loses_the_race_uses_the_winners_tokens,
    logout_deletes_tokens_and_is_idempotent,
    tokens_do_not_open_with_another_key,
);
