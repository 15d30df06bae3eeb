//! The manual send's page: `GET /send` (the form, the friends, the recent log) and `POST /send`
//! (a form; a refusal re-renders the page with the dialog that says why).

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::KakaoUserId;
use serde::Deserialize;
use store::StoreError;
use web::extract::{AdminSession, Here};
use web::{Lang, Session, WebError, WebState};

use super::compose::{FieldProblem, ReminderInput};
use super::reminders::{self, SendFailure};
use super::view;
use crate::desk::pages::invite_link;
use crate::desk::{self, FriendView};

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
    dialog: Option<view::Dialog>,
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
    let view = view::SendPage {
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
        view::page(lang, here, &session.csrf, &view, state.now()),
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
            let dialog = view::Dialog {
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
