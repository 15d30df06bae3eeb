//! The desk's HTML routes: `/` (the dashboard, or the landing page for visitors), `/invite`
//! and `POST /sync` ("sync now", from the dashboard and the send page).

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::KakaoUserId;
use serde::Deserialize;
use web::extract::{AdminSession, Here, Visitor};
use web::routes::is_local_path;
use web::{Lang, WebError, WebState};

use super::{dashboard, invite as invite_view, landing};

#[derive(Debug, Default, Deserialize)]
pub struct StartQuery {
    next: Option<String>,
    expired: Option<String>,
    logged_out: Option<String>,
}

/// `GET /`: the dashboard, or the landing page for visitors.
pub async fn home(
    State(state): State<WebState>,
    visitor: Visitor,
    lang: Lang,
    Here(here): Here,
    Query(query): Query<StartQuery>,
) -> Result<Response, WebError> {
    let session = match visitor {
        Visitor::Admin(session) => session,
        visitor => {
            let login = match query.next.as_deref().filter(|n| is_local_path(n) && *n != "/") {
                Some(next) => {
                    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
                    format!("/login?next={next}")
                }
                None => "/login".to_owned(),
            };
            let notices = landing::Notices {
                expired: query.expired.is_some() || matches!(visitor, Visitor::SessionEnded),
                logged_out: query.logged_out.is_some(),
            };
            return Ok(landing::page(lang, &here, &login, notices).into_response());
        }
    };
    let desk = super::dashboard(&state, session.admin)
        .await
        .map_err(WebError::or_if_missing(WebError::AdminGone))?;
    Ok(dashboard::page(lang, &here, &session.csrf, &desk, state.now()).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct SyncForm {
    back: Option<String>,
}

/// `POST /sync`: "sync now".
pub async fn sync_now(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Form(form): Form<SyncForm>,
) -> Result<Response, WebError> {
    state
        .services()
        .sync
        .request_sync(session.admin, app::sync::SyncReason::OnDemand)
        .await
        .map_err(|error| WebError::unavailable(error).retry_at("/send"))?;
    let back = form
        .back
        .filter(|b| is_local_path(b))
        .unwrap_or_else(|| "/send".to_owned());
    let location = if back == "/send" {
        "/send?syncing=1".to_owned()
    } else {
        back
    };
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response())
}

/// `GET /invite`.
pub async fn invite(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Result<Response, WebError> {
    let profile = (state.services().store.get_admin(session.admin).await)
        .map_err(WebError::or_if_missing(WebError::AdminGone))?;
    let link = invite_link(&state, session.admin);
    Ok(invite_view::page(lang, &here, &session.csrf, &profile.nickname, &link).into_response())
}

/// The admin's client onboarding link, absolute.
pub fn invite_link(state: &WebState, admin: KakaoUserId) -> String {
    let code = state.onboarding().code_for(admin);
    state.site().url(&format!("/join/{code}")).to_string()
}
