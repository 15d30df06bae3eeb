//! The admin's HTML routes: `/`, `/send` (GET and POST), `/sync` (POST), `/invite`.
//! Without a session, `/` shows the landing page and the others send the browser to it.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::KakaoUserId;
use serde::Deserialize;
use store::StoreError;
use web::extract::{AdminSession, Here, Visitor};
use web::routes::is_local_path;
use web::{Lang, Session, WebError, WebState};

use crate::compose::{FieldProblem, ReminderInput};
use crate::desk::{self, FriendView};
use crate::reminders::{self, SendFailure};
use crate::views;

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
            let notices = views::landing::Notices {
                expired: query.expired.is_some() || matches!(visitor, Visitor::SessionEnded),
                logged_out: query.logged_out.is_some(),
            };
            return Ok(views::landing::page(lang, &here, &login, notices).into_response());
        }
    };
    let desk = desk::dashboard(&state, session.admin)
        .await
        .map_err(WebError::or_if_missing(WebError::AdminGone))?;
    Ok(views::dashboard::page(lang, &here, &session.csrf, &desk, state.now()).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct SendQuery {
    sent: Option<String>,
    syncing: Option<String>,
}

/// What a send page needs besides the form.
struct Desk {
    admin_name: String,
    friends: Vec<FriendView>,
    last_sync: Option<store::model::SyncReport>,
    log: Vec<desk::LogEntry>,
    recent_links: Vec<String>,
}

async fn load_desk(state: &WebState, admin: KakaoUserId) -> Result<Desk, StoreError> {
    let store = &state.services().store;
    let profile = store.get_admin(admin).await?;
    let friends = desk::friends(state, admin).await?;
    Ok(Desk {
        admin_name: profile.nickname,
        friends: friends.iter().map(FriendView::from).collect(),
        last_sync: store.last_sync(admin).await?,
        log: desk::delivery_log(state, admin, 20).await?,
        recent_links: desk::recent_links(state, admin).await?,
    })
}

struct Outcome {
    status: StatusCode,
    input: ReminderInput,
    field_problems: Vec<FieldProblem>,
    dialog: Option<views::send::Dialog>,
    sent_to: Option<String>,
    syncing: bool,
}

async fn render_send(
    state: &WebState,
    session: &Session,
    lang: Lang,
    here: &str,
    outcome: Outcome,
) -> Result<Response, WebError> {
    let desk = load_desk(state, session.admin)
        .await
        .map_err(WebError::or_if_missing(WebError::AdminGone))?;
    let view = views::send::SendPage {
        admin_name: &desk.admin_name,
        friends: &desk.friends,
        last_sync: desk.last_sync.as_ref(),
        input: &outcome.input,
        field_problems: &outcome.field_problems,
        dialog: outcome.dialog,
        sent_to: outcome.sent_to,
        syncing: outcome.syncing,
        log: &desk.log,
        recent_links: &desk.recent_links,
    };
    Ok((
        outcome.status,
        views::send::page(lang, here, &session.csrf, &view, state.now()),
    )
        .into_response())
}

/// `GET /send`.
pub async fn send_page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Query(query): Query<SendQuery>,
) -> Result<Response, WebError> {
    let sent_to = match query
        .sent
        .as_deref()
        .and_then(|u| domain::FriendUuid::parse(u).ok())
    {
        Some(uuid) => match state.services().store.get_friend(session.admin, &uuid).await {
            Ok(friend) => Some(friend.profile.nickname),
            Err(_) => None,
        },
        None => None,
    };
    let mut input = ReminderInput::default();
    if let Ok(links) = desk::recent_links(&state, session.admin).await {
        input.link = links.into_iter().next().unwrap_or_default();
    }
    let outcome = Outcome {
        status: StatusCode::OK,
        input,
        field_problems: Vec::new(),
        dialog: None,
        sent_to,
        syncing: query.syncing.is_some(),
    };
    render_send(&state, &session, lang, &here, outcome).await
}

/// `POST /send` (a form; the session layer checked its CSRF token).
pub async fn send_form(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Form(input): Form<ReminderInput>,
) -> Result<Response, WebError> {
    let here = "/send";
    let reminder = match input.parse() {
        Ok(reminder) => reminder,
        Err(field_problems) => {
            let outcome = Outcome {
                status: StatusCode::BAD_REQUEST,
                input,
                field_problems,
                dialog: None,
                sent_to: None,
                syncing: false,
            };
            return render_send(&state, &session, lang, here, outcome).await;
        }
    };
    match reminders::send(&state, session.admin, &reminder).await {
        Ok(sent) => {
            let location = format!("/send?sent={}", sent.friend.profile.uuid.as_str());
            Ok((StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response())
        }
        Err(SendFailure::UnknownFriend) => Err(WebError::NotFound { what: None }),
        Err(SendFailure::Problem(problem, friend)) => {
            let dialog = views::send::Dialog {
                problem,
                friend_name: friend.profile.nickname.clone(),
                invite_link: invite_link(&state, session.admin),
            };
            let outcome = Outcome {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                input,
                field_problems: Vec::new(),
                dialog: Some(dialog),
                sent_to: None,
                syncing: false,
            };
            render_send(&state, &session, lang, here, outcome).await
        }
        Err(error @ SendFailure::Store { .. }) => Err(WebError::unavailable(error)),
    }
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
    Ok(views::invite::page(lang, &here, &session.csrf, &profile.nickname, &link).into_response())
}

/// The admin's client onboarding link, absolute.
pub fn invite_link(state: &WebState, admin: KakaoUserId) -> String {
    let code = state.onboarding().code_for(admin);
    state.site().url(&format!("/join/{code}")).to_string()
}
