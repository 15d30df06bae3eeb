//! Token care, shared by every function that calls Kakao for an admin.
//!
//! [`TokenKeeper::access_token`] hands out a working access token: the stored one, or a fresh
//! one when it has expired or expires within 5 minutes ([`convert::REFRESH_MARGIN`]).
//! [`TokenKeeper::call`] runs one Kakao call with "refresh once on -401, then give up".
//!
//! Refreshes never lose a rotated refresh token:
//! - in one process, refreshes of one admin are serialised, and the second finds the first's
//!   tokens already stored;
//! - across processes, the store's versioned update ([`store::api::store_refreshed_tokens`])
//!   keeps the first writer's tokens, and a refresh that Kakao refuses with KOE322 re-reads the
//!   store before concluding anything, since another process may have rotated the token first;
//! - the Kakao call and the store write run in a task of their own, so a caller that gives up
//!   (a timeout) cannot drop the future between Kakao rotating the token and the write.
//!
//! Kakao's answers become admin states: KOE322 (or -401 right after a refresh) marks the admin
//! `needs_login`; -402 marks it `needs_consent`, and the error carries the missing scopes.

pub mod convert;

/// A caller's memory of one admin's access token across several calls
/// ([`TokenKeeper::call_remembering`]); empty until the first call reads it.
pub type TokenSlot = tokio::sync::Mutex<Option<AccessToken>>;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use domain::{Clock, KakaoUserId};
use kakao::{AccessToken, KakaoClient, KakaoError};
use secrecy::ExposeSecret;
use store::model::{AdminStatus, StoredTokens};
use store::{Store, StoreError};

/// Why no working access token (or no answer from a call made with one) could be had.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The refresh token is dead (KOE322), Kakao refused a just-refreshed token (-401), or there
    /// are no tokens at all. The admin is marked `needs_login`.
    #[error("the admin must log in with Kakao again")]
    NeedsLogin,
    /// Kakao answered -402. The admin is marked `needs_consent`; `missing` are Kakao's
    /// `required_scopes`, what an additional-consent authorize must ask for.
    #[error("the admin has not agreed to {missing:?}")]
    NeedsConsent { missing: Vec<String> },
    /// Any other Kakao failure (transient ones included); nothing about the admin changed.
    #[error("Kakao failed")]
    Kakao(#[from] KakaoError),
    #[error("the token store failed")]
    Store(#[from] StoreError),
    /// The task refreshing the token ended without an answer (it panicked or the runtime is
    /// shutting down). Whether Kakao rotated the token is unknown; the next call re-reads it.
    #[error("the token refresh stopped before it finished")]
    RefreshInterrupted(#[source] tokio::task::JoinError),
}

impl TokenError {
    /// A failure that may pass if tried again later (Kakao or storage hiccups).
    pub fn is_transient(&self) -> bool {
        match self {
            TokenError::Kakao(e) => e.is_transient(),
            TokenError::Store(StoreError::Backend { .. }) => true,
            TokenError::RefreshInterrupted(_) => true,
            _ => false,
        }
    }
}

/// How patient the keeper is when Kakao says KOE322 but another process may have just rotated
/// the refresh token (its store write can land a moment after Kakao's answer to us).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RaceRereads {
    pub attempts: u32,
    pub delay: Duration,
}

impl Default for RaceRereads {
    fn default() -> Self {
        Self {
            attempts: 4,
            delay: Duration::from_millis(250),
        }
    }
}

/// Keeps admins' Kakao tokens working. Cheap to share (`Arc<TokenKeeper>`).
#[derive(Debug)]
pub struct TokenKeeper {
    refresher: Refresher,
    /// One lock per admin being refreshed in this process (weak, so idle admins cost nothing).
    locks: Mutex<HashMap<KakaoUserId, Weak<tokio::sync::Mutex<()>>>>,
}

/// The parts a refresh needs, owned, so it can run in a task of its own.
#[derive(Clone)]
struct Refresher {
    store: Arc<dyn Store>,
    kakao: Arc<KakaoClient>,
    clock: Arc<dyn Clock>,
    rereads: RaceRereads,
}

/// Which token a refresh replaces.
#[derive(Debug, Clone, Copy)]
enum Reason<'a> {
    /// The stored token expires within the margin.
    Expiring,
    /// Kakao refused this token (-401); refresh unless the stored one is already another.
    Rejected(&'a AccessToken),
}

impl TokenKeeper {
    pub fn new(store: Arc<dyn Store>, kakao: Arc<KakaoClient>, clock: Arc<dyn Clock>) -> Self {
        Self::with_rereads(store, kakao, clock, RaceRereads::default())
    }

    pub fn with_rereads(
        store: Arc<dyn Store>,
        kakao: Arc<KakaoClient>,
        clock: Arc<dyn Clock>,
        rereads: RaceRereads,
    ) -> Self {
        Self {
            refresher: Refresher {
                store,
                kakao,
                clock,
                rereads,
            },
            locks: Mutex::new(HashMap::new()),
        }
    }

    /// A working access token for `admin`, refreshed first if it has expired or expires within
    /// 5 minutes.
    ///
    /// Errors: `NeedsLogin` (no tokens, KOE322; the admin is marked); `Kakao` (the refresh
    /// failed otherwise, e.g. transiently); `Store`.
    pub async fn access_token(&self, admin: KakaoUserId) -> Result<AccessToken, TokenError> {
        let stored = self.refresher.read(admin).await?;
        if !convert::needs_refresh(stored.tokens.access_expires_at, self.refresher.clock.now()) {
            return Ok(convert::access_token(&stored.tokens));
        }
        self.refresh(admin, Reason::Expiring).await
    }

    /// The access token of tokens read elsewhere (the sweep reads them with the admin's other
    /// records), if it does not need refreshing now; `None`: ask [`Self::access_token`].
    pub fn usable(&self, stored: &StoredTokens) -> Option<AccessToken> {
        (!convert::needs_refresh(stored.tokens.access_expires_at, self.refresher.clock.now()))
            .then(|| convert::access_token(&stored.tokens))
    }

    /// A fresh access token after Kakao refused `rejected` with -401: the stored token if
    /// another caller already replaced `rejected`, else a refreshed one.
    pub async fn refresh_after_rejection(
        &self,
        admin: KakaoUserId,
        rejected: &AccessToken,
    ) -> Result<AccessToken, TokenError> {
        self.refresh(admin, Reason::Rejected(rejected)).await
    }

    /// Runs one Kakao call for `admin` with "refresh once on -401, then give up": the call gets a
    /// working token; if Kakao answers -401 the token is refreshed and the call made once more;
    /// a second -401 marks the admin `needs_login`. A -402 marks it `needs_consent`.
    ///
    /// ```no_run
    /// # async fn demo(keeper: &app::tokens::TokenKeeper, kakao: &kakao::KakaoClient,
    /// #               admin: domain::KakaoUserId) -> Result<(), app::tokens::TokenError> {
    /// let profile = keeper.call(admin, |token| async move { kakao.me(&token).await }).await?;
    /// # let _ = profile; Ok(()) }
    /// ```
    pub async fn call<T, F, Fut>(&self, admin: KakaoUserId, call: F) -> Result<T, TokenError>
    where
        F: FnMut(AccessToken) -> Fut,
        Fut: Future<Output = Result<T, KakaoError>>,
    {
        self.call_remembering(admin, &TokenSlot::default(), call).await
    }

    /// [`Self::call`], with the access token kept in `slot` between calls: a sweep keeps one
    /// slot per admin, so the token is read once per sweep rather than once per call (a sweep
    /// lasts seconds; tokens live hours, and one expiring within five minutes is refreshed
    /// before it is handed out). A token refreshed after a -401 replaces the remembered one.
    pub async fn call_remembering<T, F, Fut>(
        &self,
        admin: KakaoUserId,
        slot: &TokenSlot,
        mut call: F,
    ) -> Result<T, TokenError>
    where
        F: FnMut(AccessToken) -> Fut,
        Fut: Future<Output = Result<T, KakaoError>>,
    {
        let token = {
            let mut remembered = slot.lock().await;
            match remembered.as_ref() {
                Some(token) => token.clone(),
                None => {
                    let token = self.access_token(admin).await?;
                    *remembered = Some(token.clone());
                    token
                }
            }
        };
        match call(token.clone()).await {
            Ok(answer) => Ok(answer),
            Err(error) if error.needs_refresh() => {
                tracing::info!(admin = %admin, "Kakao refused the access token (-401); refreshing once");
                let fresh = self.refresh_after_rejection(admin, &token).await?;
                *slot.lock().await = Some(fresh.clone());
                match call(fresh).await {
                    Ok(answer) => Ok(answer),
                    Err(error) => Err(self.refresher.judge(admin, error, true).await),
                }
            }
            Err(error) => Err(self.refresher.judge(admin, error, false).await),
        }
    }

    /// Marks the admin `needs_login` (best effort: a failure to write is logged, not returned).
    pub async fn mark_needs_login(&self, admin: KakaoUserId) {
        self.refresher.mark(admin, AdminStatus::NeedsLogin, &[]).await
    }

    /// Marks the admin `needs_consent` for `missing` (best effort).
    pub async fn mark_needs_consent(&self, admin: KakaoUserId, missing: &[String]) {
        self.refresher
            .mark(admin, AdminStatus::NeedsConsent, missing)
            .await
    }

    async fn refresh(&self, admin: KakaoUserId, reason: Reason<'_>) -> Result<AccessToken, TokenError> {
        let lock = self.lock_for(admin);
        let _one_refresh_at_a_time = lock.lock().await;
        // Read again under the lock: a refresh that held it may have stored fresh tokens.
        let stored = self.refresher.read(admin).await?;
        let now = self.refresher.clock.now();
        let expiring = convert::needs_refresh(stored.tokens.access_expires_at, now);
        let replaced = match reason {
            Reason::Expiring => false,
            Reason::Rejected(rejected) => stored.tokens.access_token.expose_secret() != rejected.expose(),
        };
        let still_good = match reason {
            Reason::Expiring => !expiring,
            Reason::Rejected(_) => replaced && !expiring,
        };
        if still_good {
            return Ok(convert::access_token(&stored.tokens));
        }
        let refresher = self.refresher.clone();
        tokio::spawn(async move { refresher.refresh_and_store(admin, stored).await })
            .await
            .map_err(TokenError::RefreshInterrupted)?
    }

    fn lock_for(&self, admin: KakaoUserId) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(lock) = locks.get(&admin).and_then(Weak::upgrade) {
            return lock;
        }
        locks.retain(|_, weak| weak.strong_count() > 0);
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        locks.insert(admin, Arc::downgrade(&lock));
        lock
    }
}

impl Refresher {
    /// The stored tokens; none at all means the admin must log in.
    async fn read(&self, admin: KakaoUserId) -> Result<StoredTokens, TokenError> {
        match self.store.get_tokens(admin).await {
            Ok(stored) => Ok(stored),
            Err(StoreError::NotFound { .. }) => {
                tracing::warn!(admin = %admin, "no Kakao tokens stored for the admin");
                self.mark(admin, AdminStatus::NeedsLogin, &[]).await;
                Err(TokenError::NeedsLogin)
            }
            Err(e) => Err(TokenError::Store(e)),
        }
    }

    /// Refreshes `stored` with Kakao and stores the result with the versioned update.
    async fn refresh_and_store(
        &self,
        admin: KakaoUserId,
        stored: StoredTokens,
    ) -> Result<AccessToken, TokenError> {
        let answer = self
            .kakao
            .refresh_tokens(&convert::refresh_token(&stored.tokens))
            .await;
        match answer {
            Ok(refreshed) => {
                let rotated = refreshed.rotated();
                let tokens = convert::merge_refresh(&stored.tokens, refreshed);
                let now = self.clock.now();
                match store::api::store_refreshed_tokens(
                    self.store.as_ref(),
                    admin,
                    stored.version,
                    &tokens,
                    now,
                )
                .await
                {
                    Ok(outcome) => {
                        let current = outcome.current();
                        tracing::info!(
                            admin = %admin,
                            rotated,
                            version = %current.version,
                            lost_race = matches!(outcome, store::model::RefreshedTokens::LostRace(_)),
                            "Kakao access token refreshed"
                        );
                        Ok(convert::access_token(&current.tokens))
                    }
                    Err(error) => {
                        if rotated {
                            // Kakao has already retired the old refresh token: unless a retry of
                            // this write succeeds elsewhere, the admin will have to log in again.
                            tracing::error!(admin = %admin, %error, "a rotated refresh token could not be stored");
                        }
                        Err(TokenError::Store(error))
                    }
                }
            }
            Err(error) if error.needs_login() => self.after_refresh_refused(admin, &stored, error).await,
            Err(error) => Err(TokenError::Kakao(error)),
        }
    }

    /// Kakao said KOE322. Another process may have rotated this refresh token a moment ago: if
    /// the stored tokens move on within a short wait, use theirs; otherwise the admin must log in.
    async fn after_refresh_refused(
        &self,
        admin: KakaoUserId,
        read: &StoredTokens,
        error: KakaoError,
    ) -> Result<AccessToken, TokenError> {
        for attempt in 0..self.rereads.attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.rereads.delay).await;
            }
            let current = self.read(admin).await?;
            if current.version != read.version {
                tracing::info!(admin = %admin, "refresh token was rotated by another caller; using its tokens");
                return Ok(convert::access_token(&current.tokens));
            }
        }
        tracing::warn!(admin = %admin, error = %error, "Kakao refused the refresh token; the admin must log in");
        self.mark(admin, AdminStatus::NeedsLogin, &[]).await;
        Err(TokenError::NeedsLogin)
    }

    /// Gives a Kakao failure its meaning for the admin (and records it).
    async fn judge(&self, admin: KakaoUserId, error: KakaoError, after_refresh: bool) -> TokenError {
        if let Some(missing) = error.needs_consent() {
            let missing = missing.to_vec();
            self.mark(admin, AdminStatus::NeedsConsent, &missing).await;
            return TokenError::NeedsConsent { missing };
        }
        if error.needs_login() || (after_refresh && error.needs_refresh()) {
            tracing::warn!(admin = %admin, error = %error, "Kakao refused a freshly refreshed token");
            self.mark(admin, AdminStatus::NeedsLogin, &[]).await;
            return TokenError::NeedsLogin;
        }
        TokenError::Kakao(error)
    }

    async fn mark(&self, admin: KakaoUserId, status: AdminStatus, missing: &[String]) {
        match self.store.set_admin_status(admin, status, self.clock.now()).await {
            Ok(_) => {
                tracing::warn!(admin = %admin, status = %status, missing = ?missing, "admin status changed")
            }
            Err(StoreError::NotFound { .. }) => {}
            Err(error) => {
                tracing::error!(admin = %admin, status = %status, %error, "could not record the admin's status")
            }
        }
    }
}

impl std::fmt::Debug for Refresher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The store has no Debug of its own; it is named, not shown.
        f.debug_struct("Refresher")
            .field("kakao", &self.kakao)
            .field("clock", &self.clock)
            .field("rereads", &self.rereads)
            .finish_non_exhaustive()
    }
}
