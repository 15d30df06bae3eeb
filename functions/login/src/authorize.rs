//! Starting a trip to Kakao: `GET /login` (admins), `GET /consent` (a logged-in admin granting
//! missing items) and `GET /join/{code}/start` (clients).
//!
//! Each creates a one-time `state` in the store (10 minutes, consumed once by the callback),
//! binds it to this browser with the pending-login cookie, and redirects to Kakao's authorize
//! URL. Additional consent asks Kakao for exactly the missing items with `scope=`.

use std::collections::BTreeSet;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kakao::AuthorizeOptions;
use serde::Deserialize;
use store::model::{OAuthPurpose, OAuthState, ReturnPath, ScopeId};
use url::Url;
use web::extract::{AdminSession, Here};
use web::{Lang, WebState, consent};

use crate::error::LoginError;
use crate::join::unknown_link;

/// A state stored and bound to this browser, and the Kakao URL that carries it.
pub struct Trip {
    pub authorize_url: Url,
    pub cookie: web::cookies::SetCookie,
}

impl Trip {
    /// The redirect that sends the browser to Kakao.
    pub fn redirect(self) -> Response {
        (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, self.authorize_url.to_string())],
            [(header::SET_COOKIE, self.cookie.to_header_value())],
        )
            .into_response()
    }
}

/// Stores a new state for `purpose` and builds the authorize URL asking for `scopes` (none: the
/// app's normal consent screen).
pub async fn plan_trip(
    state: &WebState,
    purpose: OAuthPurpose,
    return_to: Option<ReturnPath>,
    scopes: &[&str],
) -> Result<Trip, LoginError> {
    let now = state.now();
    let oauth = OAuthState::new(purpose, return_to, now);
    let services = state.services();
    services
        .store
        .create_state(&oauth)
        .await
        .map_err(LoginError::store("storing the login state"))?;
    // PKCE: Kakao gets the challenge, this browser's login cookie keeps the verifier.
    let verifier = kakao::PkceVerifier::generate();
    let authorize_url = services.kakao.authorize_url(
        &state.site().redirect_uri(),
        oauth.nonce.as_str(),
        &AuthorizeOptions::consent_to(scopes).with_pkce(&verifier),
    );
    Ok(Trip {
        authorize_url,
        cookie: state
            .logins()
            .cookie(oauth.nonce.as_str(), verifier.as_str(), now),
    })
}

/// Only the items ttokttok needs may be asked for; anything else in a query is ignored.
pub fn requested_scopes(raw: Option<&str>) -> Vec<&'static str> {
    let asked: Vec<&str> = raw.unwrap_or("").split(',').map(str::trim).collect();
    let picked: Vec<&'static str> = consent::REQUIRED_SCOPES
        .into_iter()
        .filter(|s| asked.contains(s))
        .collect();
    if picked.is_empty() {
        consent::REQUIRED_SCOPES.to_vec()
    } else {
        picked
    }
}

pub fn scope_set(scopes: &[&str]) -> BTreeSet<ScopeId> {
    scopes.iter().filter_map(|s| ScopeId::parse(s).ok()).collect()
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /login?next=/path`: an admin logs in.
pub async fn admin_login(
    State(state): State<WebState>,
    lang: Lang,
    Here(here): Here,
    Query(query): Query<LoginQuery>,
) -> Response {
    let return_to = query.next.and_then(|n| ReturnPath::parse(&n).ok());
    match plan_trip(&state, OAuthPurpose::AdminLogin, return_to, &[]).await {
        Ok(trip) => trip.redirect(),
        Err(error) => error.into_page(lang, &here, "/login"),
    }
}

#[derive(Debug, Deserialize)]
pub struct ScopesQuery {
    scopes: Option<String>,
}

/// `GET /consent`: a logged-in admin whose consent is incomplete (Kakao said -402 during a sync
/// or a send) agrees to the missing items.
pub async fn additional_consent(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Query(query): Query<ScopesQuery>,
) -> Response {
    let granted = match state.services().store.get_admin(session.admin).await {
        Ok(profile) => profile
            .scopes
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect::<Vec<_>>(),
        Err(error) => {
            return LoginError::store("reading the admin")(error).into_page(lang, &here, "/");
        }
    };
    let mut missing = consent::missing(&granted);
    if missing.is_empty() {
        // The store says all is granted, yet Kakao said otherwise: ask for what Kakao named.
        missing = requested_scopes(query.scopes.as_deref());
    }
    let purpose = OAuthPurpose::AdditionalConsent {
        admin: session.admin,
        scopes: scope_set(&missing),
    };
    let return_to = ReturnPath::parse("/").ok();
    match plan_trip(&state, purpose, return_to, &missing).await {
        Ok(trip) => trip.redirect(),
        Err(error) => error.into_page(lang, &here, "/"),
    }
}

/// `GET /join/{code}/start?scopes=...`: a client logs in through an admin's link, asked for
/// `friends` and `talk_message` (or, on a retry, the ones still missing).
pub async fn client_login(
    State(state): State<WebState>,
    lang: Lang,
    Here(here): Here,
    Path(code): Path<String>,
    Query(query): Query<ScopesQuery>,
) -> Response {
    let Some(admin) = state.onboarding().admin_for(&code) else {
        return unknown_link(lang, &here);
    };
    let scopes = requested_scopes(query.scopes.as_deref());
    let return_to = ReturnPath::parse(&format!("/join/{code}")).ok();
    match plan_trip(
        &state,
        OAuthPurpose::ClientOnboarding { admin },
        return_to,
        &scopes,
    )
    .await
    {
        Ok(trip) => trip.redirect(),
        Err(error) => error.into_page(lang, &here, &format!("/join/{code}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_needed_scopes_are_ever_requested() {
        assert_eq!(requested_scopes(Some("talk_message")), ["talk_message"]);
        assert_eq!(requested_scopes(Some("friends,account_email")), ["friends"]);
        assert_eq!(
            requested_scopes(Some("account_email")),
            ["friends", "talk_message"]
        );
        assert_eq!(requested_scopes(None), ["friends", "talk_message"]);
    }
}
