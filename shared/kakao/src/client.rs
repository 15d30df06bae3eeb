//! The client itself: one `reqwest::Client`, the configuration, the clock, and the single path
//! every call takes (credentials, timeout, retries, logging, error mapping).
//!
//! The endpoint methods live beside the types they return (`auth`, `user`, `friends`,
//! `message`); they all end in [`KakaoClient::call`].

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use domain::Clock;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, RequestBuilder};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::config::KakaoConfig;
use crate::endpoint::{Endpoint, Host, RetryKind};
use crate::error::{KakaoAnswer, KakaoError, RawFailure, classify};
use crate::secrets::AccessToken;

/// Kakao asks for this exact content type on every POST (`docs/kakao.md#hosts-and-requests`).
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=utf-8";

/// A typed client for Kakao's kauth and kapi hosts. Build it once and share it (it is cheap
/// to clone: the connection pool and clock are shared).
#[derive(Clone)]
pub struct KakaoClient {
    http: reqwest::Client,
    config: Arc<KakaoConfig>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for KakaoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // KakaoConfig's Debug already redacts its secrets.
        f.debug_struct("KakaoClient")
            .field("config", &self.config)
            .field("clock", &self.clock)
            .finish()
    }
}

/// Who a call is made as.
#[derive(Clone, Copy)]
pub(crate) enum Credential<'a> {
    /// `Authorization: Bearer {access token}`.
    User(&'a AccessToken),
    /// `Authorization: KakaoAK {admin key}`.
    Admin,
    /// No `Authorization` header (the token endpoint authenticates by form fields).
    None,
}

/// A 2xx answer, body read in full.
pub(crate) struct Success {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl KakaoClient {
    /// Builds the HTTP client (rustls, the configured timeout on every call).
    pub fn new(config: KakaoConfig, clock: Arc<dyn Clock>) -> Result<Self, KakaoError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // Kakao does not redirect API calls; following one could leak a bearer token.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ttokttok-kakao/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(KakaoError::Client)?;
        Ok(Self {
            http,
            config: Arc::new(config),
            clock,
        })
    }

    pub fn config(&self) -> &KakaoConfig {
        &self.config
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn url(&self, endpoint: Endpoint) -> Url {
        let base = match endpoint.host() {
            Host::Kauth => &self.config.kauth_base,
            Host::Kapi => &self.config.kapi_base,
        };
        join(base, endpoint.path())
    }

    /// A request to `endpoint` as `credential`, not yet sent.
    pub(crate) fn request(
        &self,
        method: Method,
        endpoint: Endpoint,
        credential: Credential<'_>,
    ) -> Result<RequestBuilder, KakaoError> {
        let builder = self.http.request(method, self.url(endpoint));
        let header = match credential {
            Credential::User(token) => Some(format!("Bearer {}", token.expose())),
            Credential::Admin => {
                let key = self
                    .config
                    .admin_key
                    .as_ref()
                    .ok_or(KakaoError::AdminKeyMissing)?;
                Some(format!("KakaoAK {}", key.expose_secret()))
            }
            Credential::None => None,
        };
        Ok(match header {
            Some(value) => match HeaderValue::from_str(&value) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    builder.header(AUTHORIZATION, value)
                }
                // A credential with a line break in it: send nothing, and do not echo it.
                Err(_) => return Err(KakaoError::InvalidCredential),
            },
            None => builder,
        })
    }

    /// A form-encoded POST (Kakao's only POST body form).
    pub(crate) fn form<T: Serialize + ?Sized>(builder: RequestBuilder, form: &T) -> RequestBuilder {
        // The header goes first: `form` keeps a Content-Type that is already set.
        builder.header(CONTENT_TYPE, FORM_CONTENT_TYPE).form(form)
    }

    /// Sends a request, retrying as the endpoint allows, and returns a 2xx body or the error.
    pub(crate) async fn call(
        &self,
        endpoint: Endpoint,
        request: RequestBuilder,
    ) -> Result<Success, KakaoError> {
        let retry = endpoint.retry_kind();
        let policy = self.config.read_retry;
        let attempts = match retry {
            RetryKind::Never => 1,
            RetryKind::Read | RetryKind::OnlyIfNotSent => policy.attempts(),
        };
        let mut request = request;
        let mut attempt = 1;
        loop {
            let spare = if attempt < attempts {
                request.try_clone()
            } else {
                None
            };
            let result = self.attempt(endpoint, request, attempt).await;
            let err = match result {
                Ok(success) => return Ok(success),
                Err(err) => err,
            };
            let retryable = match retry {
                RetryKind::Read => err.is_transient(),
                RetryKind::OnlyIfNotSent => matches!(err, KakaoError::NotSent { .. }),
                RetryKind::Never => false,
            };
            match spare {
                Some(next) if retryable => {
                    let delay = policy.delay_after(attempt, rand::random::<f64>());
                    tracing::info!(
                        endpoint = endpoint.name(),
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        "kakao call failed transiently; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    request = next;
                    attempt += 1;
                }
                _ => return Err(err),
            }
        }
    }

    async fn attempt(
        &self,
        endpoint: Endpoint,
        request: RequestBuilder,
        attempt: u32,
    ) -> Result<Success, KakaoError> {
        let started = Instant::now();
        let result = self.exchange(endpoint, request).await;
        let latency_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(success) => tracing::info!(
                endpoint = endpoint.name(),
                status = success.status,
                latency_ms,
                attempt,
                "kakao call succeeded"
            ),
            Err(err) => {
                let status = err.kakao_answer().map(KakaoAnswer::status);
                let code = err.code().map(ToString::to_string);
                tracing::warn!(
                    endpoint = endpoint.name(),
                    status,
                    code,
                    latency_ms,
                    attempt,
                    error = %err,
                    "kakao call failed"
                );
            }
        }
        result
    }

    async fn exchange(&self, endpoint: Endpoint, request: RequestBuilder) -> Result<Success, KakaoError> {
        let response = request.send().await.map_err(|e| transport_error(endpoint, e))?;
        let status = response.status();
        let body: Vec<u8> = response
            .bytes()
            .await
            .map_err(|e| transport_error(endpoint, e))?
            .into();
        if status.is_success() {
            Ok(Success {
                status: status.as_u16(),
                body,
            })
        } else {
            Err(classify(endpoint, RawFailure::from_body(status.as_u16(), &body)))
        }
    }
}

/// Reads a 2xx body as `T`.
pub(crate) fn decode<T: DeserializeOwned>(endpoint: Endpoint, success: &Success) -> Result<T, KakaoError> {
    serde_json::from_slice(&success.body).map_err(|e| unexpected(endpoint, success.status, e))
}

pub(crate) fn unexpected(
    endpoint: Endpoint,
    status: u16,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> KakaoError {
    KakaoError::UnexpectedResponse {
        endpoint: endpoint.name(),
        status,
        source: source.into(),
    }
}

/// Sorts a transport failure by what it says about the request: never left, or may have arrived.
fn transport_error(endpoint: Endpoint, source: reqwest::Error) -> KakaoError {
    let endpoint = endpoint.name();
    // `is_connect` (including a connect timeout) means no byte of the request was written.
    if source.is_connect() || source.is_builder() {
        KakaoError::NotSent { endpoint, source }
    } else if source.is_timeout() {
        KakaoError::TimedOut { endpoint, source }
    } else {
        KakaoError::ConnectionLost { endpoint, source }
    }
}

/// `base` with `path` appended to whatever path it already has (so a base like
/// `http://127.0.0.1:9/kakao` works as well as a bare host).
fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{prefix}{path}"));
    url.set_query(None);
    url.set_fragment(None);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_paths_join_onto_bare_and_prefixed_bases() {
        let bare = Url::parse("https://kapi.kakao.com").unwrap();
        assert_eq!(
            join(&bare, "/v2/user/me").as_str(),
            "https://kapi.kakao.com/v2/user/me"
        );
        let prefixed = Url::parse("http://127.0.0.1:9/kakao/").unwrap();
        assert_eq!(
            join(&prefixed, "/oauth/token").as_str(),
            "http://127.0.0.1:9/kakao/oauth/token"
        );
    }
}
