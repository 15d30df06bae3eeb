//! Kakao calls for one admin within one sweep, with the access token read once per sweep
//! instead of once per call (a sweep lasts seconds; tokens live hours, and the keeper refreshes
//! any that expires within five minutes). Kakao's answers mean what they mean to
//! [`TokenKeeper::call`](crate::TokenKeeper::call): refresh once on -401, a second -401 marks
//! the admin `needs_login`, -402 marks it `needs_consent`.

use std::future::Future;

use domain::KakaoUserId;
use kakao::{AccessToken, KakaoError};

use super::admins::AdminContext;
use crate::TokenError;
use crate::services::Services;

/// Runs `call` with the admin's access token (see the module docs).
pub(crate) async fn call<T, F, Fut>(
    services: &Services,
    cx: &AdminContext,
    admin: KakaoUserId,
    mut call: F,
) -> Result<T, TokenError>
where
    F: FnMut(AccessToken) -> Fut,
    Fut: Future<Output = Result<T, KakaoError>>,
{
    let keeper = &services.tokens;
    let token = {
        let mut cached = cx.token.lock().await;
        match cached.as_ref() {
            Some(token) => token.clone(),
            None => {
                let token = keeper.access_token(admin).await?;
                *cached = Some(token.clone());
                token
            }
        }
    };
    match call(token.clone()).await {
        Ok(answer) => Ok(answer),
        Err(error) if error.needs_refresh() => {
            tracing::info!(admin = %admin, "Kakao refused the access token (-401); refreshing once");
            let fresh = keeper.refresh_after_rejection(admin, &token).await?;
            *cx.token.lock().await = Some(fresh.clone());
            match call(fresh).await {
                Ok(answer) => Ok(answer),
                Err(error) => Err(judge(services, admin, error, true).await),
            }
        }
        Err(error) => Err(judge(services, admin, error, false).await),
    }
}

async fn judge(
    services: &Services,
    admin: KakaoUserId,
    error: KakaoError,
    after_refresh: bool,
) -> TokenError {
    if let Some(missing) = error.needs_consent() {
        let missing = missing.to_vec();
        services.tokens.mark_needs_consent(admin, &missing).await;
        return TokenError::NeedsConsent { missing };
    }
    if error.needs_login() || (after_refresh && error.needs_refresh()) {
        tracing::warn!(admin = %admin, error = %error, "Kakao refused a freshly refreshed token");
        services.tokens.mark_needs_login(admin).await;
        return TokenError::NeedsLogin;
    }
    TokenError::Kakao(error)
}
