//! Kakao Login: the authorize URL, the code exchange and the refresh (`docs/kakao.md#kakao-login`,
//! `docs/kakao.md#tokens`).

use reqwest::Method;
use secrecy::ExposeSecret;
use serde::Serialize;
use url::Url;

use crate::client::{Credential, KakaoClient, decode, unexpected};
use crate::endpoint::Endpoint;
use crate::error::KakaoError;
use crate::pkce::PkceVerifier;
use crate::secrets::{AuthorizationCode, RefreshToken};
use crate::tokens::{RefreshedTokens, TokenResponseWire, TokenSet};

/// Values of the authorize `prompt` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// Ask the user to authenticate again even with a live Kakao session.
    Login,
    /// No interactive UI; fails with `consent_required` if consent is needed.
    None,
    /// Offer to create a Kakao Account first.
    Create,
    /// Show the Kakao Account picker.
    SelectAccount,
}

impl Prompt {
    pub fn as_str(self) -> &'static str {
        match self {
            Prompt::Login => "login",
            Prompt::None => "none",
            Prompt::Create => "create",
            Prompt::SelectAccount => "select_account",
        }
    }
}

/// The optional parts of an authorize URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeOptions {
    /// Scope IDs to ask consent for (additional consent, e.g. `friends`, `talk_message`).
    /// Empty means "whatever the app's consent settings ask on first login".
    pub scopes: Vec<String>,
    pub prompt: Vec<Prompt>,
    /// PKCE: the S256 challenge of the verifier the login keeps ([`PkceVerifier::challenge`]).
    pub pkce_challenge: Option<String>,
}

impl AuthorizeOptions {
    /// Additional consent for exactly these scopes (what a `-402`'s `required_scopes` names).
    pub fn consent_to<S: AsRef<str>>(scopes: &[S]) -> Self {
        Self {
            scopes: scopes.iter().map(|s| s.as_ref().to_owned()).collect(),
            prompt: Vec::new(),
            pkce_challenge: None,
        }
    }

    /// The same, with the S256 challenge of `verifier` (PKCE).
    pub fn with_pkce(mut self, verifier: &PkceVerifier) -> Self {
        self.pkce_challenge = Some(verifier.challenge());
        self
    }
}

#[derive(Serialize)]
struct CodeExchangeForm<'a> {
    grant_type: &'static str,
    client_id: &'a str,
    redirect_uri: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_verifier: Option<&'a str>,
}

#[derive(Serialize)]
struct RefreshForm<'a> {
    grant_type: &'static str,
    client_id: &'a str,
    refresh_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
}

impl KakaoClient {
    /// Where to send the browser to log in (or to agree to more scopes). `state` is the
    /// caller's single-use CSRF value; Kakao hands it back unchanged on the redirect.
    pub fn authorize_url(&self, redirect_uri: &Url, state: &str, options: &AuthorizeOptions) -> Url {
        let mut url = self.url(Endpoint::Authorize);
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("client_id", &self.config().rest_api_key)
                .append_pair("redirect_uri", redirect_uri.as_str())
                .append_pair("response_type", "code")
                .append_pair("state", state);
            if !options.scopes.is_empty() {
                query.append_pair("scope", &options.scopes.join(","));
            }
            if let Some(challenge) = &options.pkce_challenge {
                query
                    .append_pair("code_challenge", challenge)
                    .append_pair("code_challenge_method", "S256");
            }
            if !options.prompt.is_empty() {
                let prompt: Vec<&str> = options.prompt.iter().map(|p| p.as_str()).collect();
                query.append_pair("prompt", &prompt.join(","));
            }
        }
        url
    }

    /// Trades the redirect's `code` for tokens. Codes are single use, so this is retried only
    /// when the request never left; a reused code fails with
    /// [`KakaoError::AuthorizationCodeInvalid`] (KOE320).
    pub async fn exchange_code(
        &self,
        code: &AuthorizationCode,
        redirect_uri: &Url,
    ) -> Result<TokenSet, KakaoError> {
        self.exchange_code_with_verifier(code, redirect_uri, None).await
    }

    /// [`Self::exchange_code`] for a login that sent a PKCE challenge: `verifier` is its
    /// verifier, which Kakao checks against the challenge.
    pub async fn exchange_code_with_verifier(
        &self,
        code: &AuthorizationCode,
        redirect_uri: &Url,
        verifier: Option<&PkceVerifier>,
    ) -> Result<TokenSet, KakaoError> {
        let endpoint = Endpoint::TokenFromCode;
        let form = CodeExchangeForm {
            grant_type: "authorization_code",
            client_id: &self.config().rest_api_key,
            redirect_uri: redirect_uri.as_str(),
            code: code.expose(),
            client_secret: self.config().client_secret.as_ref().map(|s| s.expose_secret()),
            code_verifier: verifier.map(PkceVerifier::as_str),
        };
        let request = Self::form(self.request(Method::POST, endpoint, Credential::None)?, &form);
        let success = self.call(endpoint, request).await?;
        let wire: TokenResponseWire = decode(endpoint, &success)?;
        wire.into_token_set(self.clock().now())
            .map_err(|e| unexpected(endpoint, success.status, e))
    }

    /// Refreshes `current` and returns the complete new set: the new access token, and the
    /// rotated refresh token when Kakao sent one, else the one `current` had.
    /// Store the result before using it: after a rotation the old refresh token is dead.
    pub async fn refresh(&self, current: &TokenSet) -> Result<TokenSet, KakaoError> {
        let refreshed = self.refresh_tokens(&current.refresh_token).await?;
        Ok(current.clone().refreshed_with(refreshed))
    }

    /// The raw refresh call, for callers that track rotation themselves. A refresh may rotate,
    /// so it is retried only when the request never left. A dead refresh token fails with
    /// [`KakaoError::RefreshTokenInvalid`] (KOE322): the user must log in again.
    pub async fn refresh_tokens(&self, refresh_token: &RefreshToken) -> Result<RefreshedTokens, KakaoError> {
        let endpoint = Endpoint::TokenRefresh;
        let form = RefreshForm {
            grant_type: "refresh_token",
            client_id: &self.config().rest_api_key,
            refresh_token: refresh_token.expose(),
            client_secret: self.config().client_secret.as_ref().map(|s| s.expose_secret()),
        };
        let request = Self::form(self.request(Method::POST, endpoint, Credential::None)?, &form);
        let success = self.call(endpoint, request).await?;
        let wire: TokenResponseWire = decode(endpoint, &success)?;
        wire.into_refreshed(self.clock().now())
            .map_err(|e| unexpected(endpoint, success.status, e))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use domain::SystemClock;

    use super::*;
    use crate::config::KakaoConfig;

    fn client() -> KakaoClient {
        KakaoClient::new(
            KakaoConfig::real("REST_API_KEY", None, None),
            Arc::new(SystemClock),
        )
        .unwrap()
    }

    fn query(url: &Url) -> HashMap<String, String> {
        url.query_pairs().into_owned().collect()
    }

    #[test]
    fn a_plain_login_url_names_the_app_the_redirect_and_the_state() {
        let redirect = Url::parse("https://admin.example.com/auth/kakao/callback").unwrap();
        let url = client().authorize_url(&redirect, "9f8a", &AuthorizeOptions::default());
        assert_eq!(url.origin().ascii_serialization(), "https://kauth.kakao.com");
        assert_eq!(url.path(), "/oauth/authorize");
        let q = query(&url);
        assert_eq!(q["client_id"], "REST_API_KEY");
        assert_eq!(q["redirect_uri"], "https://admin.example.com/auth/kakao/callback");
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["state"], "9f8a");
        assert!(!q.contains_key("scope") && !q.contains_key("prompt"));
    }

    #[test]
    fn additional_consent_asks_for_comma_separated_scopes() {
        let redirect = Url::parse("https://admin.example.com/cb").unwrap();
        let options = AuthorizeOptions {
            prompt: vec![Prompt::Login, Prompt::SelectAccount],
            ..AuthorizeOptions::consent_to(&["friends", "talk_message"])
        };
        let url = client().authorize_url(&redirect, "s", &options);
        let q = query(&url);
        assert_eq!(q["scope"], "friends,talk_message");
        assert_eq!(q["prompt"], "login,select_account");
        assert!(url.as_str().contains("scope=friends%2Ctalk_message"), "{url}");
    }

    #[test]
    fn token_forms_carry_the_client_secret_only_when_configured() {
        let with = serde_urlencoded_like(&RefreshForm {
            grant_type: "refresh_token",
            client_id: "k",
            refresh_token: "r",
            client_secret: Some("s"),
        });
        assert!(with.contains("client_secret=s"), "{with}");
        let without = serde_urlencoded_like(&RefreshForm {
            grant_type: "refresh_token",
            client_id: "k",
            refresh_token: "r",
            client_secret: None,
        });
        assert!(!without.contains("client_secret"), "{without}");
    }

    /// Encodes a form the way reqwest will, through the same serde path.
    fn serde_urlencoded_like<T: Serialize>(form: &T) -> String {
        let request = reqwest::Client::new()
            .post("http://127.0.0.1:9/")
            .form(form)
            .build()
            .unwrap();
        String::from_utf8(request.body().and_then(|b| b.as_bytes()).unwrap().to_vec()).unwrap()
    }
}
