//! The layer in front of every route: reads the session cookie, checks the CSRF token of every
//! state-changing request, keeps the session cookie fresh, and forgets a dead one.
//!
//! Handlers learn about the session through the extractors in [`crate::extract`], which read
//! what this layer left in the request's extensions.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::cookies;
use crate::csrf;
use crate::lang::Lang;
use crate::pages::{Problem, api_problem, is_api, problem_page};
use crate::session::{Session, SessionRejected};
use crate::state::WebState;

/// Paths that authenticate state-changing requests by other means (Kakao's webhook carries the
/// admin key) and are therefore not asked for a CSRF token.
pub const CSRF_EXEMPT: &[&str] = &["/kakao/unlink"];

/// The largest form or JSON body read to find a CSRF token.
const MAX_BODY: usize = 64 * 1024;

/// What the request's session cookie turned out to be.
#[derive(Debug, Clone)]
pub enum SessionStatus {
    /// A valid session.
    Active(Session),
    /// A session cookie that is expired, or not ours: the browser is told to drop it.
    Ended(SessionRejected),
    /// No session cookie.
    Absent,
}

/// A sealed session is only as good as its admin: one whose admin is gone (unlinked, data
/// deleted) or who logged out after it began is over, in every browser. One store read per
/// request with a session. When the store cannot answer, the session stands: the handler's own
/// reads fail the same way and say so.
async fn still_current(state: &WebState, session: Session) -> SessionStatus {
    match state.services().store.get_admin(session.admin).await {
        Ok(profile) if profile.accepts_session_from(session.started_at) => SessionStatus::Active(session),
        Ok(_) => {
            tracing::info!(admin = %session.admin, "session began before the admin logged out");
            SessionStatus::Ended(SessionRejected::Revoked)
        }
        Err(error) if error.is_not_found() => {
            tracing::info!(admin = %session.admin, "session of an admin who is gone");
            SessionStatus::Ended(SessionRejected::Revoked)
        }
        Err(error) => {
            tracing::warn!(admin = %session.admin, %error, "could not check the session's admin");
            SessionStatus::Active(session)
        }
    }
}

/// Reads the session, checks CSRF, renews or removes the cookie.
pub async fn session_layer(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let now = state.now();
    let sessions = state.sessions();
    let status = match cookies::read(request.headers(), sessions.name()).as_deref() {
        None | Some("") => SessionStatus::Absent,
        Some(value) => match sessions.open(value, now) {
            Ok(session) => still_current(&state, session).await,
            Err(rejected) => {
                tracing::info!(reason = %rejected, "session cookie refused");
                SessionStatus::Ended(rejected)
            }
        },
    };

    let (parts, body) = request.into_parts();
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let exempt = CSRF_EXEMPT.contains(&parts.uri.path());
    let body = match (&status, unsafe_method && !exempt) {
        (SessionStatus::Active(session), true) => {
            let bytes = match to_bytes(body, MAX_BODY).await {
                Ok(bytes) => bytes,
                Err(_) => return too_large(&parts.headers, parts.uri.path()),
            };
            let presented = presented_token(&parts.headers, &bytes);
            if !presented.as_deref().is_some_and(|t| session.csrf.matches(t)) {
                tracing::warn!(
                    admin = %session.admin,
                    path = parts.uri.path(),
                    token_sent = presented.is_some(),
                    "state-changing request without a valid CSRF token"
                );
                return csrf_refused(&parts.headers, parts.uri.path());
            }
            Body::from(bytes)
        }
        _ => body,
    };
    let mut request = Request::from_parts(parts, body);
    request.extensions_mut().insert(status.clone());
    let mut response = next.run(request).await;

    let name = sessions.name();
    let handler_set_session = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|line| line.starts_with(&format!("{name}=")));
    if !handler_set_session {
        match status {
            SessionStatus::Active(session) if session.due_for_renewal(now) => {
                sessions
                    .cookie(&session.renewed(now))
                    .append_to(response.headers_mut());
            }
            SessionStatus::Ended(_) => sessions.removal().append_to(response.headers_mut()),
            _ => {}
        }
    }
    response
}

/// The token from the `X-CSRF-Token` header, or from a form body's `csrf` field.
fn presented_token(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(value) = headers.get(csrf::HEADER).and_then(|v| v.to_str().ok()) {
        return Some(value.to_owned());
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == csrf::FORM_FIELD)
        .map(|(_, value)| value)
}

fn csrf_refused(headers: &HeaderMap, path: &str) -> Response {
    let lang = Lang::for_request(headers);
    let message = lang.t(
        "보안 확인이 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
        "This form's security check has expired or is missing. Reload the page and try again.",
    );
    if is_api(path) {
        return api_problem(StatusCode::FORBIDDEN, "csrf", message);
    }
    problem_page(
        lang,
        path,
        Problem {
            status: StatusCode::FORBIDDEN,
            id: "csrf",
            title: lang.t("다시 시도해 주세요", "Please try again"),
            message,
            action: Some(("/", lang.t("처음으로", "Back to the start"))),
        },
    )
}

fn too_large(headers: &HeaderMap, path: &str) -> Response {
    let lang = Lang::for_request(headers);
    let message = lang.t("보낸 내용이 너무 깁니다.", "What was sent is too large.");
    if is_api(path) {
        return api_problem(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message);
    }
    problem_page(
        lang,
        path,
        Problem {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            id: "too-large",
            title: message,
            message,
            action: None,
        },
    )
}
