//! Typed async client for Kakao's OAuth (kauth) and API (kapi) hosts.
//!
//! Everything in ttokttok that talks to Kakao goes through [`KakaoClient`]; its types and
//! [`KakaoError`] are what the rest of the product acts on. Facts about Kakao, each with its
//! public source, are in `docs/kakao.md`, which the Kakao sandbox also follows.
//!
//! - [`config`]: hosts, app credentials, timeout and the read retry policy.
//! - [`secrets`]: access/refresh tokens and codes, typed so they never reach a log.
//! - [`tokens`]: token sets with expiry instants; a refresh that keeps the old refresh token.
//! - [`error`]: the one error enum and the one mapping from Kakao's two error shapes.
//! - [`auth`]: the authorize URL, code exchange, refresh; [`pkce`]: the login's PKCE verifier.
//! - [`user`]: token info, profile, consent list, logout, unlink.
//! - [`friends`]: one page of friends, or all of them.
//! - [`message`]: receivers, templates, sends with a per-receiver result, memo.
//! - `client`: [`KakaoClient`], the one HTTP client all of the above share; `endpoint`: the
//!   endpoints it calls and what kind of call each is (which decides retries and error mapping).
//!
//! Retries: reads retry transient failures with capped, jittered backoff; code exchange,
//! refresh, logout and unlink retry only when the request never left; sends never retry.
//!
//! ```no_run
//! # async fn demo(token: kakao::AccessToken) -> Result<(), kakao::KakaoError> {
//! use std::sync::Arc;
//! let config = kakao::KakaoConfig::real("REST_API_KEY", None, None);
//! let client = kakao::KakaoClient::new(config, Arc::new(domain::SystemClock))?;
//! let friends = client.all_friends(&token).await?;
//! # let _ = friends; Ok(()) }
//! ```

pub mod auth;
mod client;
pub mod config;
mod endpoint;
pub mod error;
pub mod friends;
pub mod message;
pub mod pkce;
pub mod secrets;
pub mod tokens;
pub mod user;

pub use auth::{AuthorizeOptions, Prompt};
pub use client::KakaoClient;
pub use config::{KakaoConfig, RetryPolicy};
pub use error::{ErrorCode, ExceededQuota, KakaoAnswer, KakaoError};
pub use friends::{
    Friend, FriendOrder, FriendsPage, FriendsPageRequest, InvalidPageLimit, PageLimit, SortOrder,
};
pub use message::receivers::{Receivers, ReceiversError};
pub use message::send::{FailureReason, ReceiverOutcome, ReceiverResult, SendResult};
pub use message::template::{
    Button, Buttons, FeedContent, FeedTemplate, Link, Template, TemplateError, TextTemplate, WebLink,
};
pub use pkce::{InvalidPkceVerifier, PkceVerifier};
pub use secrets::{AccessToken, AuthorizationCode, IdToken, RefreshToken};
pub use tokens::{RefreshedTokens, RotatedRefreshToken, TokenSet};
pub use user::{ScopeInfo, ScopeList, ScopeType, TokenInfo, UserProfile};
