//! [`LoginError`]: everything that can stop a login, and the page each one ends in.
//!
//! People see what happened and what to do; the cause (Kakao's code, the store's error) goes to
//! the log only.

use axum::http::StatusCode;
use axum::response::Response;
use kakao::KakaoError;
use store::StoreError;
use web::Lang;
use web::pages::{Problem, problem_page};

/// Why a login, a consent or an onboarding could not go on.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("the callback came without a state")]
    StateMissing,
    #[error("the callback's state is malformed")]
    StateMalformed(#[source] StoreError),
    #[error("the login was not started in this browser (or its cookie expired)")]
    StateForeign,
    #[error("the state is unknown or was already used")]
    StateUnknown(#[source] StoreError),
    #[error("the state has expired")]
    StateExpired(#[source] StoreError),
    #[error("the callback came without a code")]
    CodeMissing,
    #[error("Kakao refused the authorization code (already used or expired)")]
    CodeRefused(#[source] KakaoError),
    #[error("Kakao redirected back with error {error}")]
    KakaoRedirect { error: String, description: String },
    #[error("Kakao failed while {step}")]
    Kakao {
        step: &'static str,
        #[source]
        source: KakaoError,
    },
    #[error("the store failed while {step}")]
    Store {
        step: &'static str,
        #[source]
        source: StoreError,
    },
    #[error("additional consent came back for another Kakao account")]
    AccountMismatch,
}

impl LoginError {
    pub fn kakao(step: &'static str) -> impl FnOnce(KakaoError) -> Self {
        move |source| match source {
            KakaoError::AuthorizationCodeInvalid(_) => LoginError::CodeRefused(source),
            source => LoginError::Kakao { step, source },
        }
    }

    pub fn store(step: &'static str) -> impl FnOnce(StoreError) -> Self {
        move |source| LoginError::Store { step, source }
    }

    /// A state the store would not give back, sorted by why.
    pub fn from_consume(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => LoginError::StateUnknown(error),
            StoreError::Expired { .. } => LoginError::StateExpired(error),
            StoreError::InvalidInput(_) => LoginError::StateMalformed(error),
            other => LoginError::Store {
                step: "consuming the login state",
                source: other,
            },
        }
    }

    /// The stable id of the page this error ends in.
    pub fn page_id(&self) -> &'static str {
        match self {
            LoginError::StateMissing | LoginError::StateMalformed(_) | LoginError::StateUnknown(_) => {
                "state-invalid"
            }
            LoginError::StateForeign => "state-foreign",
            LoginError::StateExpired(_) => "state-expired",
            LoginError::CodeMissing => "code-missing",
            LoginError::CodeRefused(_) => "code-used",
            LoginError::KakaoRedirect { .. } | LoginError::Kakao { .. } => "kakao-unavailable",
            LoginError::Store { .. } => "unavailable",
            LoginError::AccountMismatch => "account-mismatch",
        }
    }

    /// Logs the error with its cause and renders its page. `retry` is where "try again" goes.
    pub fn into_page(self, lang: Lang, here: &str, retry: &str) -> Response {
        let id = self.page_id();
        match &self {
            LoginError::Kakao { source, .. } | LoginError::CodeRefused(source) => tracing::warn!(
                page = id,
                code = source.code().map(ToString::to_string),
                transient = source.is_transient(),
                error = %self,
                cause = %source,
                "login stopped"
            ),
            LoginError::KakaoRedirect { error, description } => {
                tracing::warn!(page = id, kakao_error = %error, description = %description, "login stopped")
            }
            LoginError::Store { source, .. } => {
                tracing::error!(page = id, error = %self, cause = %source, "login stopped")
            }
            _ => tracing::info!(page = id, error = %self, "login refused"),
        }
        let again = lang.t("다시 시작하기", "Start again");
        let (status, title, message) = match &self {
            LoginError::StateMissing
            | LoginError::StateMalformed(_)
            | LoginError::StateUnknown(_)
            | LoginError::CodeMissing => (
                StatusCode::BAD_REQUEST,
                lang.t("로그인을 이어갈 수 없습니다", "This login cannot continue"),
                lang.t(
                    "이 로그인 주소는 올바르지 않거나 이미 사용되었습니다. 처음부터 다시 로그인해 주세요.",
                    "This login address is not valid or has already been used. Please start the login again.",
                ),
            ),
            LoginError::StateForeign => (
                StatusCode::BAD_REQUEST,
                lang.t("로그인을 이어갈 수 없습니다", "This login cannot continue"),
                lang.t(
                    "이 로그인은 다른 브라우저나 창에서 시작되었거나 너무 오래되었습니다. 이 창에서 다시 시작해 주세요.",
                    "This login was started in another browser or window, or too long ago. Please start again here.",
                ),
            ),
            LoginError::StateExpired(_) => (
                StatusCode::BAD_REQUEST,
                lang.t("로그인 시간이 지났습니다", "The login took too long"),
                lang.t(
                    "보안을 위해 로그인은 10분 안에 마쳐야 합니다. 다시 시작해 주세요.",
                    "For your safety a login must be finished within 10 minutes. Please start again.",
                ),
            ),
            LoginError::CodeRefused(_) => (
                StatusCode::BAD_REQUEST,
                lang.t("로그인을 이어갈 수 없습니다", "This login cannot continue"),
                lang.t(
                    "카카오 로그인 확인 값이 이미 사용되었거나 만료되었습니다. 다시 로그인해 주세요.",
                    "Kakao's login confirmation was already used or has expired. Please log in again.",
                ),
            ),
            LoginError::AccountMismatch => (
                StatusCode::BAD_REQUEST,
                lang.t("다른 카카오계정입니다", "That was another Kakao account"),
                lang.t(
                    "처음 로그인한 카카오계정으로 동의해 주세요. 다시 로그인하면 처음부터 진행됩니다.",
                    "Please agree with the Kakao account you logged in with. Logging in again starts over.",
                ),
            ),
            LoginError::KakaoRedirect { .. } | LoginError::Kakao { .. } => (
                StatusCode::BAD_GATEWAY,
                lang.t("카카오와 연결하지 못했습니다", "We could not reach Kakao"),
                lang.t(
                    "카카오 로그인이 잠시 응답하지 않습니다. 잠시 후 다시 시도해 주세요.",
                    "Kakao Login is not answering right now. Please try again in a moment.",
                ),
            ),
            LoginError::Store { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                lang.t("잠시 문제가 생겼습니다", "Something went wrong"),
                lang.t(
                    "잠시 후 다시 시도해 주세요. 문제가 계속되면 운영자에게 알려 주세요.",
                    "Please try again in a moment. If it keeps happening, let the operator know.",
                ),
            ),
        };
        problem_page(
            lang,
            here,
            Problem {
                status,
                id,
                title,
                message,
                action: Some((retry, again)),
            },
        )
    }
}
