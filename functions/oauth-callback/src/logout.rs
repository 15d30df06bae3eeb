//! `GET /logout` and `POST /logout`: end the session and the admin's Kakao login.
//!
//! A link alone could be planted on another site, so `GET /logout` logs out only when the link
//! carries the session's CSRF token (the header's logout link does); otherwise it shows a
//! confirmation form. Kakao's logout expires the admin's tokens, so they are deleted here too
//! and the admin is marked `needs_login`: automatic reminders pause until the next login. Every
//! session of the admin that began before the logout ends, in every browser (the store's
//! `end_sessions`, checked by the session layer on each request).

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use store::model::AdminStatus;
use web::extract::{Here, MaybeSession};
use web::{Lang, Session, WebState};

use crate::pages;

#[derive(Debug, Deserialize)]
pub struct LogoutQuery {
    csrf: Option<String>,
}

pub async fn by_link(
    State(state): State<WebState>,
    MaybeSession(session): MaybeSession,
    lang: Lang,
    Here(here): Here,
    Query(query): Query<LogoutQuery>,
) -> Response {
    let Some(session) = session else {
        return to_start(&state, false);
    };
    if query.csrf.as_deref().is_some_and(|t| session.csrf.matches(t)) {
        log_out(&state, &session).await
    } else {
        pages::logout_confirm(lang, &here, &session.csrf).into_response()
    }
}

/// The session layer has already checked the form's CSRF token.
pub async fn by_form(State(state): State<WebState>, MaybeSession(session): MaybeSession) -> Response {
    match session {
        Some(session) => log_out(&state, &session).await,
        None => to_start(&state, false),
    }
}

async fn log_out(state: &WebState, session: &Session) -> Response {
    let services = state.services();
    let admin = session.admin;
    match services.tokens.access_token(admin).await {
        Ok(token) => {
            if let Err(error) = services.kakao.logout(&token).await {
                tracing::warn!(admin = %admin, error = %error, "Kakao logout failed; deleting our tokens anyway");
            }
        }
        Err(error) => tracing::info!(admin = %admin, error = %error, "no working token to log out at Kakao"),
    }
    if let Err(error) = services.store.delete_tokens(admin).await {
        tracing::error!(admin = %admin, error = %error, "could not delete the admin's tokens at logout");
    }
    // Every browser's session of this admin ends here, not only this one's cookie.
    match services.store.end_sessions(admin, state.now()).await {
        Ok(()) => {}
        Err(error) if error.is_not_found() => {}
        Err(error) => {
            tracing::error!(admin = %admin, error = %error, "could not end the admin's sessions at logout")
        }
    }
    match services
        .store
        .set_admin_status(admin, AdminStatus::NeedsLogin, state.now())
        .await
    {
        Ok(_) => {}
        Err(error) if error.is_not_found() => {}
        Err(error) => tracing::error!(admin = %admin, error = %error, "could not mark the admin logged out"),
    }
    tracing::info!(admin = %admin, "admin logged out");
    to_start(state, true)
}

fn to_start(state: &WebState, logged_out: bool) -> Response {
    let location = if logged_out { "/?logged_out=1" } else { "/" };
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    state.sessions().removal().append_to(response.headers_mut());
    response
}
