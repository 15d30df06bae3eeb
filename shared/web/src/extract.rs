//! Extractors for handlers: the logged-in admin's session (required or optional), who opened
//! the start page, and the current page's address for the language switch.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::lang::Lang;
use crate::middleware::SessionStatus;
use crate::pages::{api_problem, is_api};
use crate::session::{Session, SessionRejected};

/// A logged-in admin. Without one, pages send the browser to the start page (which offers the
/// Kakao login, and says so when a session just expired) and `/api/` answers 401.
#[derive(Debug, Clone)]
pub struct AdminSession(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for AdminSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<SessionStatus>() {
            Some(SessionStatus::Active(session)) => Ok(AdminSession(session.clone())),
            Some(SessionStatus::Ended(_)) => Err(must_log_in(parts, true)),
            _ => Err(must_log_in(parts, false)),
        }
    }
}

/// Who opened the start page: an admin, someone whose session just ended (the page says so), or
/// a visitor. A session whose admin logged out or is gone is not shown the start page under
/// it: the browser goes back to a clean start (the session layer drops the cookie), as a
/// session of a deleted admin always was.
#[derive(Debug, Clone)]
pub enum Visitor {
    Admin(Session),
    SessionEnded,
    Anonymous,
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<SessionStatus>() {
            Some(SessionStatus::Active(session)) => Ok(Visitor::Admin(session.clone())),
            Some(SessionStatus::Ended(SessionRejected::Revoked)) => {
                Err((StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response())
            }
            Some(SessionStatus::Ended(_)) => Ok(Visitor::SessionEnded),
            _ => Ok(Visitor::Anonymous),
        }
    }
}

/// The session, if there is a valid one.
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<Session>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeSession(match parts.extensions.get::<SessionStatus>() {
            Some(SessionStatus::Active(session)) => Some(session.clone()),
            _ => None,
        }))
    }
}

/// This request's path and query: where the language switch and the login come back to.
#[derive(Debug, Clone)]
pub struct Here(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Here {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Here(here(parts)))
    }
}

fn here(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned())
}

fn must_log_in(parts: &Parts, expired: bool) -> Response {
    let lang = Lang::for_request(&parts.headers);
    if is_api(parts.uri.path()) {
        let message = if expired {
            lang.t(
                "로그인이 만료되었습니다. 다시 로그인해 주세요.",
                "Your session has expired. Please log in again.",
            )
        } else {
            lang.t("먼저 로그인해 주세요.", "Please log in first.")
        };
        return api_problem(StatusCode::UNAUTHORIZED, "unauthenticated", message);
    }
    // Only GET pages come back after login; a form post returns to its page instead.
    let next = if parts.method == axum::http::Method::GET {
        here(parts)
    } else {
        parts.uri.path().to_owned()
    };
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    let location = format!("/?next={next}{}", if expired { "&expired=1" } else { "" });
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}
