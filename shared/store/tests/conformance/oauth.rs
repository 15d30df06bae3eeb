//! OAuth state: made once, used once, refused after ten minutes.

use store::StoreError;
use store::model::{OAuthPurpose, OAuthState, ReturnPath, StateNonce};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn a_state_is_consumed_once_and_carries_what_the_callback_needs(h: Harness) {
    let s = &*h.store;
    let state = OAuthState::new(
        OAuthPurpose::AdditionalConsent {
            admin: admin(1),
            scopes: scopes("friends talk_message"),
        },
        Some(ReturnPath::parse("/meetings?new=1").unwrap()),
        t0(),
    );
    s.create_state(&state).await.unwrap();
    let consumed = s.consume_state(&state.nonce, t0() + minutes(2)).await.unwrap();
    assert_eq!(consumed, state);
    let again = s.consume_state(&state.nonce, t0() + minutes(2)).await;
    assert!(matches!(again, Err(StoreError::NotFound { .. })), "{again:?}");
}

async fn an_expired_state_is_refused_even_before_ttl_removes_it(h: Harness) {
    let s = &*h.store;
    let state = OAuthState::new(OAuthPurpose::ClientOnboarding { admin: admin(1) }, None, t0());
    s.create_state(&state).await.unwrap();
    let late = s.consume_state(&state.nonce, t0() + minutes(10)).await;
    assert!(matches!(late, Err(StoreError::Expired { .. })), "{late:?}");
    // Refusing it used it up too.
    assert!(
        s.consume_state(&state.nonce, t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
}

async fn a_state_nobody_made_is_not_found(h: Harness) {
    let s = &*h.store;
    assert!(
        s.consume_state(&StateNonce::generate(), t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
}

async fn the_same_nonce_cannot_be_created_twice(h: Harness) {
    let s = &*h.store;
    let state = OAuthState::new(OAuthPurpose::AdminLogin, None, t0());
    s.create_state(&state).await.unwrap();
    assert!(matches!(
        s.create_state(&state).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        s.consume_state(&state.nonce, t0()).await.unwrap(),
        state,
        "the first one is intact"
    );
}

conformance!(
    a_state_is_consumed_once_and_carries_what_the_callback_needs,
    an_expired_state_is_refused_even_before_ttl_removes_it,
    a_state_nobody_made_is_not_found,
    the_same_nonce_cannot_be_created_twice,
);
