//! Kakao's two error shapes: kapi's `{"msg","code"}` (negative codes) and kauth's
//! `{"error","error_description","error_code"}` (KOE codes), with the HTTP statuses Kakao's
//! documentation gives for each code (`docs/kakao.md#errors`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Kakao answers JSON with this exact content type.
pub(crate) const KAKAO_JSON: &str = "application/json;charset=UTF-8";

/// A JSON response with Kakao's content type.
pub(crate) fn kakao_json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(KAKAO_JSON));
    response
}

/// The HTTP status Kakao sends with a kapi error code (`docs/kakao.md#errors`).
pub(crate) fn http_status_for(code: i64) -> StatusCode {
    match code {
        -401 | -406 => StatusCode::UNAUTHORIZED,
        -3 | -4 | -5 | -6 | -12 | -402 => StatusCode::FORBIDDEN,
        -9798 => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A kapi error: `{"msg": ..., "code": ...}` plus any extra keys (`-402` adds scopes).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KapiError {
    pub code: i64,
    pub msg: String,
    pub extra: Map<String, Value>,
}

impl KapiError {
    pub fn new(code: i64, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
            extra: Map::new(),
        }
    }

    /// `-2`: a missing or invalid parameter.
    pub fn invalid_param(msg: impl Into<String>) -> Self {
        Self::new(-2, msg)
    }

    pub fn token_unknown() -> Self {
        Self::new(-401, "this access token does not exist")
    }

    pub fn token_expired() -> Self {
        Self::new(-401, "this access token is already expired")
    }

    /// `-402` with what the caller must ask for and what the user already granted.
    pub fn insufficient_scopes(api_type: &str, required: &[&str], allowed: Vec<String>) -> Self {
        let mut extra = Map::new();
        extra.insert("api_type".into(), json!(api_type));
        extra.insert("required_scopes".into(), json!(required));
        extra.insert("allowed_scopes".into(), json!(allowed));
        Self {
            code: -402,
            msg: "insufficient scopes.".into(),
            extra,
        }
    }

    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("msg".into(), json!(self.msg));
        body.insert("code".into(), json!(self.code));
        body.extend(self.extra.clone());
        Value::Object(body)
    }
}

impl IntoResponse for KapiError {
    fn into_response(self) -> Response {
        kakao_json(http_status_for(self.code), &self.body())
    }
}

/// A kauth (OAuth) error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KauthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    pub koe: &'static str,
}

impl KauthError {
    fn new(
        status: StatusCode,
        error: &'static str,
        koe: &'static str,
        description: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            koe,
        }
    }

    pub fn missing(param: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "KOE001",
            format!("{param} is missing."),
        )
    }

    pub fn unsupported_grant_type(grant_type: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "KOE001",
            format!("grant_type {grant_type:?} is not supported."),
        )
    }

    /// KOE101: a wrong REST API key. 401 as OAuth's `invalid_client` is (HTTP status UNCONFIRMED).
    pub fn unknown_client() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "KOE101",
            "Not exist client_id.",
        )
    }

    pub fn bad_client_secret() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "KOE010",
            "Bad client credentials",
        )
    }

    /// A reading (`docs/kakao.md#readings`): Kakao documents PKCE but not this answer's code;
    /// a failed verification is
    /// an unusable code, so it answers as one (`invalid_grant`, KOE320).
    pub fn pkce_mismatch() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "KOE320",
            "PKCE verification failed: code_verifier does not match code_challenge",
        )
    }

    pub fn code_not_found(code: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "KOE320",
            format!("authorization code not found for code={code}"),
        )
    }

    pub fn redirect_mismatch() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "KOE303",
            "Redirect URI mismatch.",
        )
    }

    pub fn refresh_token_missing() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "KOE319",
            "refresh_token is missing.",
        )
    }

    pub fn refresh_token_invalid() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "KOE322",
            "expired_or_invalid_refresh_token",
        )
    }

    /// KOE237 (code from third-party clients; HTTP status UNCONFIRMED, 400 like the other KOEs).
    pub fn rate_limited() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "KOE237",
            "token request rate limit exceeded",
        )
    }
}

impl IntoResponse for KauthError {
    fn into_response(self) -> Response {
        let body =
            json!({"error": self.error, "error_description": self.description, "error_code": self.koe});
        kakao_json(self.status, &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kakao_codes_carry_the_documented_http_statuses() {
        assert_eq!(http_status_for(-401), StatusCode::UNAUTHORIZED);
        assert_eq!(http_status_for(-402), StatusCode::FORBIDDEN);
        assert_eq!(http_status_for(-5), StatusCode::FORBIDDEN);
        assert_eq!(http_status_for(-9798), StatusCode::SERVICE_UNAVAILABLE);
        for code in [-1, -2, -7, -10, -502, -530, -532, -533, -536, -603] {
            assert_eq!(http_status_for(code), StatusCode::BAD_REQUEST, "code {code}");
        }
    }

    #[test]
    fn a_scope_error_lists_required_and_allowed_scopes() {
        let error =
            KapiError::insufficient_scopes("TALK_MESSAGE_SEND", &["talk_message"], vec!["friends".into()]);
        assert_eq!(
            error.body(),
            json!({"msg":"insufficient scopes.","code":-402,"api_type":"TALK_MESSAGE_SEND",
                   "required_scopes":["talk_message"],"allowed_scopes":["friends"]})
        );
    }
}
