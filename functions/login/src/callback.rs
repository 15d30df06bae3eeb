//! `GET /oauth/callback`: where Kakao sends the browser back, for every kind of login.
//!
//! In order: the `state` must be present, started in this browser, and consumable (once, within
//! 10 minutes); then Kakao's `error` (the person cancelled) or the `code`, which is exchanged for
//! tokens. The granted consent items are the token's `scope` confirmed by `/v2/user/scopes`.
//! What happens next depends on why the login started ([`OAuthPurpose`]):
//! - an admin with every needed item: stored (profile, sealed tokens), session started, friend
//!   sync requested, on to the dashboard;
//! - an admin missing an item: not logged in; the "one more step" page asks Kakao for exactly
//!   the missing items (a new state, purpose `AdditionalConsent`);
//! - a client: told they will get reminders (or what they will miss and how to try again).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::KakaoUserId;
use kakao::{AuthorizationCode, TokenSet};
use serde::Deserialize;
use store::model::{AdminLogin, AdminStatus, OAuthPurpose, OAuthState, ReturnPath, StateNonce};
use web::{Lang, Session, WebState, consent};

use crate::authorize::{plan_trip, scope_set};
use crate::error::LoginError;
use crate::pages;

/// Kakao's redirect parameters (`docs/kakao.md#kakao-login`).
#[derive(Debug, Default, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// How a callback ends, before it becomes a response.
enum Landing {
    /// The person cancelled on Kakao's consent screen.
    Cancelled {
        retry: String,
        client: bool,
    },
    /// An admin is in: start the session and go on.
    LoggedIn {
        admin: KakaoUserId,
        go_to: String,
    },
    /// An admin must agree to more; `grant_href` is the Kakao URL asking for exactly `missing`.
    AdminNeedsMore {
        missing: Vec<&'static str>,
        trip: crate::authorize::Trip,
    },
    ClientDone {
        admin_name: String,
    },
    ClientNeedsMore {
        admin_name: String,
        missing: Vec<&'static str>,
        retry: String,
    },
    ClientIsOrganiser,
    /// The inviting admin no longer exists (unlinked meanwhile).
    UnknownLink,
}

pub async fn callback(
    State(state): State<WebState>,
    lang: Lang,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    // The callback's query (code, state) is spent and must not travel on in links such as the
    // language switch, so the pages here say they are at the start page.
    let here = "/".to_owned();
    let now = state.now();
    let mut retry = "/login".to_owned();
    let landing = arrive(&state, &headers, query, now, &mut retry).await;
    let clear_login = state.logins().removal();
    let mut response = match landing {
        Err(error) => error.into_page(lang, &here, &retry),
        Ok(Landing::Cancelled { retry, client }) => {
            pages::cancelled(lang, &here, &retry, client).into_response()
        }
        Ok(Landing::LoggedIn { admin, go_to }) => {
            let session = Session::start(admin, now);
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, go_to)]).into_response();
            state
                .sessions()
                .cookie(&session)
                .append_to(response.headers_mut());
            response
        }
        Ok(Landing::AdminNeedsMore { missing, trip }) => {
            let page = pages::one_more_step(lang, &here, &missing, trip.authorize_url.as_str());
            let mut response = page.into_response();
            // The new state replaces the spent one in this browser.
            trip.cookie.append_to(response.headers_mut());
            return response;
        }
        Ok(Landing::ClientDone { admin_name }) => {
            pages::client_done(lang, &here, &admin_name).into_response()
        }
        Ok(Landing::ClientNeedsMore {
            admin_name,
            missing,
            retry,
        }) => pages::client_missing(lang, &here, &admin_name, &missing, &retry).into_response(),
        Ok(Landing::ClientIsOrganiser) => pages::client_is_organiser(lang, &here).into_response(),
        Ok(Landing::UnknownLink) => crate::join::unknown_link(lang, &here),
    };
    clear_login.append_to(response.headers_mut());
    response
}

async fn arrive(
    state: &WebState,
    headers: &HeaderMap,
    query: CallbackQuery,
    now: DateTime<Utc>,
    retry: &mut String,
) -> Result<Landing, LoginError> {
    let raw_state = query.state.as_deref().filter(|s| !s.is_empty());
    // Kakao may bring a cancelled login back without its state: it is still a cancel, said
    // plainly, not a state error (nothing is logged in, so there is nothing to protect).
    if raw_state.is_none() && query.error.as_deref() == Some("access_denied") {
        tracing::info!("login cancelled on Kakao (no state came back)");
        return Ok(Landing::Cancelled {
            retry: retry.clone(),
            client: false,
        });
    }
    let raw_state = raw_state.ok_or(LoginError::StateMissing)?;
    let nonce = StateNonce::parse(raw_state).map_err(LoginError::StateMalformed)?;
    let Some(verifier) = state.logins().verifier(headers, nonce.as_str(), now) else {
        return Err(LoginError::StateForeign);
    };
    let verifier = verifier.and_then(|v| kakao::PkceVerifier::parse(&v).ok());
    let services = state.services();
    let pending = services
        .store
        .consume_state(&nonce, now)
        .await
        .map_err(LoginError::from_consume)?;
    *retry = retry_for(state, &pending);

    if let Some(error) = query.error {
        if error == "access_denied" {
            tracing::info!(
                purpose = purpose_name(&pending.purpose),
                "login cancelled on Kakao"
            );
            return Ok(Landing::Cancelled {
                retry: retry.clone(),
                client: matches!(pending.purpose, OAuthPurpose::ClientOnboarding { .. }),
            });
        }
        return Err(LoginError::KakaoRedirect {
            error,
            description: query.error_description.unwrap_or_default(),
        });
    }
    let code = query
        .code
        .filter(|c| !c.is_empty())
        .ok_or(LoginError::CodeMissing)?;
    let tokens = services
        .kakao
        .exchange_code_with_verifier(
            &AuthorizationCode::new(code),
            &state.site().redirect_uri(),
            verifier.as_ref(),
        )
        .await
        .map_err(LoginError::kakao("exchanging the code"))?;
    let consents = services
        .kakao
        .scopes(&tokens.access_token)
        .await
        .map_err(LoginError::kakao("reading the consent list"))?;
    let granted: Vec<String> = consents
        .scopes
        .iter()
        .filter(|s| s.agreed)
        .map(|s| s.id.clone())
        .collect();
    if let Some(token_scopes) = &tokens.scopes {
        let by_token = consent::missing(token_scopes);
        let by_api = consent::missing(&granted);
        if by_token != by_api {
            // The consent list is the authority; a difference is worth knowing about.
            tracing::warn!(?by_token, ?by_api, "token scope and consent list disagree");
        }
    }
    let user = consents.user_id;
    let missing = consent::missing(&granted);

    match pending.purpose {
        OAuthPurpose::AdminLogin => {
            admin_arrives(state, user, &tokens, &granted, missing, pending.return_to, now).await
        }
        OAuthPurpose::AdditionalConsent { admin, .. } => {
            if admin != user {
                return Err(LoginError::AccountMismatch);
            }
            admin_arrives(state, user, &tokens, &granted, missing, pending.return_to, now).await
        }
        OAuthPurpose::ClientOnboarding { admin } => {
            client_arrives(state, admin, user, &tokens, &granted, missing, now).await
        }
    }
}

/// Where "try again" goes for a login of this purpose.
fn retry_for(state: &WebState, pending: &OAuthState) -> String {
    match &pending.purpose {
        OAuthPurpose::ClientOnboarding { admin } => format!("/join/{}", state.onboarding().code_for(*admin)),
        _ => match &pending.return_to {
            Some(path) => {
                let next: String = url::form_urlencoded::byte_serialize(path.as_str().as_bytes()).collect();
                format!("/login?next={next}")
            }
            None => "/login".to_owned(),
        },
    }
}

fn purpose_name(purpose: &OAuthPurpose) -> &'static str {
    match purpose {
        OAuthPurpose::AdminLogin => "admin_login",
        OAuthPurpose::AdditionalConsent { .. } => "additional_consent",
        OAuthPurpose::ClientOnboarding { .. } => "client_onboarding",
    }
}

async fn admin_arrives(
    state: &WebState,
    admin: KakaoUserId,
    tokens: &TokenSet,
    granted: &[String],
    missing: Vec<&'static str>,
    return_to: Option<ReturnPath>,
    now: DateTime<Utc>,
) -> Result<Landing, LoginError> {
    let services = state.services();
    // An earlier unlink whose deletion did not finish is finished before this login writes
    // anything, so it cannot delete what this login writes.
    app::unlink::finish_before_login(&*services.store, admin, now)
        .await
        .map_err(LoginError::store("finishing the deletion of earlier data"))?;
    if !missing.is_empty() {
        tracing::info!(admin = %admin, ?missing, "admin login without every needed consent item");
        // An admin already known keeps its data but cannot act until it consents.
        match services
            .store
            .set_admin_status(admin, AdminStatus::NeedsConsent, now)
            .await
        {
            Ok(_) => {}
            Err(error) if error.is_not_found() => {}
            Err(error) => return Err(LoginError::store("marking the admin as needing consent")(error)),
        }
        let purpose = OAuthPurpose::AdditionalConsent {
            admin,
            scopes: scope_set(&missing),
        };
        let trip = plan_trip(state, purpose, return_to, &missing).await?;
        return Ok(Landing::AdminNeedsMore { missing, trip });
    }

    let profile = services
        .kakao
        .me(&tokens.access_token)
        .await
        .map_err(LoginError::kakao("reading the profile"))?;
    let nickname = profile.nickname.unwrap_or_else(|| format!("Kakao {admin}"));
    let login = AdminLogin {
        id: admin,
        nickname,
        scopes: app::tokens::convert::scope_ids(granted),
        status: AdminStatus::Active,
    };
    services
        .store
        .upsert_admin(&login, now)
        .await
        .map_err(LoginError::store("storing the admin"))?;
    let mut sealed = app::tokens::convert::tokens_from_login(tokens, now);
    sealed.scopes = login.scopes.clone();
    services
        .store
        .save_tokens(admin, &sealed, now)
        .await
        .map_err(LoginError::store("storing the tokens"))?;
    if let Err(error) = services
        .sync
        .request_sync(admin, app::sync::SyncReason::AfterLogin)
        .await
    {
        // The dashboard offers "sync now", and the daily run comes anyway.
        tracing::error!(admin = %admin, error = %error, "could not request the friend sync after login");
    }
    tracing::info!(admin = %admin, "admin logged in");
    Ok(Landing::LoggedIn {
        admin,
        go_to: return_to
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned()),
    })
}

async fn client_arrives(
    state: &WebState,
    admin: KakaoUserId,
    client: KakaoUserId,
    tokens: &TokenSet,
    granted: &[String],
    missing: Vec<&'static str>,
    now: DateTime<Utc>,
) -> Result<Landing, LoginError> {
    let services = state.services();
    if admin == client {
        return Ok(Landing::ClientIsOrganiser);
    }
    let admin_name = match services.store.get_admin(admin).await {
        Ok(profile) => profile.nickname,
        Err(error) if error.is_not_found() => return Ok(Landing::UnknownLink),
        Err(error) => return Err(LoginError::store("reading the inviting admin")(error)),
    };
    let landing = if missing.is_empty() {
        record_client(state, admin, client, granted, now).await?;
        tracing::info!(admin = %admin, client = %client, "client onboarded");
        Landing::ClientDone { admin_name }
    } else {
        tracing::info!(admin = %admin, client = %client, ?missing, "client declined consent items");
        let code = state.onboarding().code_for(admin);
        Landing::ClientNeedsMore {
            admin_name,
            retry: format!("/join/{code}/start?scopes={}", missing.join(",")),
            missing,
        }
    };
    // ttokttok never acts with a client's token: end it at Kakao (consent stays as given).
    if let Err(error) = services.kakao.logout(&tokens.access_token).await {
        tracing::info!(client = %client, error = %error, "could not end the client's Kakao token");
    }
    Ok(landing)
}

async fn record_client(
    state: &WebState,
    admin: KakaoUserId,
    client: KakaoUserId,
    granted: &[String],
    now: DateTime<Utc>,
) -> Result<(), LoginError> {
    state
        .services()
        .store
        .record_client(client, admin, &app::tokens::convert::scope_ids(granted), now)
        .await
        .map_err(LoginError::store("recording the client"))?;
    Ok(())
}
