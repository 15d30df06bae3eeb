//! `GET /logout` and `POST /logout`: end the session and the admin's Kakao login.
//!
//! Only a POST from a form carrying the session's CSRF token logs out (the header's logout
//! button is such a form; the session layer checks the token). `GET /logout`, a link any site
//! could plant, only shows a confirmation form: a CSRF token never travels in a URL. Kakao's
//! logout expires the admin's tokens, so they are deleted here too and the admin is marked
//! `needs_login`: automatic reminders pause until the next login. Every session of the admin
//! that began before the logout ends, in every browser (the store's `end_sessions`, checked by
//! the session layer on each request).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use store::model::AdminStatus;
use web::extract::{Here, MaybeSession};
use web::{Lang, Session, WebState};

use crate::pages;

pub async fn by_link(
    State(state): State<WebState>,
    MaybeSession(session): MaybeSession,
    lang: Lang,
    Here(here): Here,
) -> Response {
    match session {
        Some(session) => pages::logout_confirm(lang, &here, &session.csrf).into_response(),
        None => to_start(&state, false),
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
