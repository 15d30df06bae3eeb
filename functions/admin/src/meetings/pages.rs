//! The meetings' HTML routes. Every one needs a session (the shared extractor sends visitors to
//! the start page) and reads only the session admin's meetings: another admin's meeting id is a
//! plain 404. Forms post back with the session's CSRF token (checked by the web layer).

use std::collections::BTreeSet;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use serde::Deserialize;
use web::extract::{AdminSession, Here};
use web::{Lang, Session, WebError, WebState};

use super::form::{Submitted, from_form_pairs, from_stored};
use super::service::{self, MatchKeysInput, SaveError};
use super::views::{self, Viewer};

pub fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The admin's nickname for the page frame; a gone admin (unlinked) ends the session.
pub async fn nickname(state: &WebState, admin: KakaoUserId) -> Result<String, WebError> {
    let profile = (state.services().store.get_admin(admin).await)
        .map_err(WebError::or_if_missing(WebError::AdminGone))?;
    Ok(profile.nickname)
}

const NOT_FOUND: WebError = WebError::NotFound { what: None };

fn meeting_id(raw: &str) -> Option<MeetingId> {
    MeetingId::parse(raw).ok()
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    cancelled: Option<String>,
}

/// `GET /meetings`.
pub async fn list(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let listing = service::list(&state, session.admin).await?;
    let name = nickname(&state, session.admin).await?;
    let viewer = Viewer::new(lang, &name, &session, &here);
    Ok(views::list::page(&viewer, &listing, state.now(), query.cancelled.is_some()).into_response())
}

struct FormState<'a> {
    action: String,
    editing: bool,
    submitted: &'a Submitted,
    problems: &'a [domain::meeting::MeetingProblem],
    bad_invitees: bool,
    conflict: bool,
}

async fn render_form(
    state: &WebState,
    session: &Session,
    lang: Lang,
    here: &str,
    status: StatusCode,
    form: FormState<'_>,
) -> Result<Response, WebError> {
    let retry = |error| WebError::unavailable(error).retry_at(here);
    let friends = service::friends(state, session.admin).await.map_err(retry)?;
    let opted_out: BTreeSet<FriendUuid> = (state.services().store.list_opt_outs(session.admin).await)
        .map_err(retry)?
        .into_iter()
        .map(|o| o.friend)
        .collect();
    let name = nickname(state, session.admin)
        .await
        .map_err(|error| error.retry_at(here))?;
    let view = views::form::FormView {
        action: form.action,
        editing: form.editing,
        submitted: form.submitted,
        problems: form.problems,
        bad_invitees: form.bad_invitees,
        friends: &friends,
        opted_out: &opted_out,
        conflict: form.conflict,
    };
    Ok((
        status,
        views::form::page(&Viewer::new(lang, &name, session, here), &view),
    )
        .into_response())
}

/// `GET /meetings/new`.
pub async fn new_form(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Result<Response, WebError> {
    let submitted = Submitted::default();
    let form = FormState {
        action: "/meetings".into(),
        editing: false,
        submitted: &submitted,
        problems: &[],
        bad_invitees: false,
        conflict: false,
    };
    render_form(&state, &session, lang, &here, StatusCode::OK, form).await
}

/// `POST /meetings`.
pub async fn create(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let here = "/meetings/new";
    let submitted = from_form_pairs(&pairs);
    match service::create(&state, session.admin, &submitted).await {
        Ok(meeting) => Ok(see_other(format!("/meetings/{}?created=1", meeting.id))),
        Err(SaveError::Invalid {
            problems,
            bad_invitees,
        }) => {
            let form = FormState {
                action: "/meetings".into(),
                editing: false,
                submitted: &submitted,
                problems: &problems,
                bad_invitees: !bad_invitees.is_empty(),
                conflict: false,
            };
            render_form(&state, &session, lang, here, StatusCode::BAD_REQUEST, form).await
        }
        Err(SaveError::Store(e)) if e.is_not_found() => Err(WebError::AdminGone),
        Err(e) => Err(WebError::unavailable(e).retry_at(here)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LiveQuery {
    created: Option<String>,
    saved: Option<String>,
}

/// `GET /meetings/{id}`: the live view.
pub async fn live(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Path(id): Path<String>,
    Query(query): Query<LiveQuery>,
) -> Result<Response, WebError> {
    let id = meeting_id(&id).ok_or(NOT_FOUND)?;
    let (meeting, _, status) =
        (service::live(&state, session.admin, id).await).map_err(WebError::or_if_missing(NOT_FOUND))?;
    let notices = views::live::Notices {
        created: query.created.is_some(),
        saved: query.saved.is_some(),
    };
    let name = nickname(&state, session.admin).await?;
    Ok(views::live::page(
        &Viewer::new(lang, &name, &session, &here),
        &meeting,
        &status,
        notices,
    )
    .into_response())
}

/// `GET /meetings/{id}/edit`.
pub async fn edit_form(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = meeting_id(&raw).ok_or(NOT_FOUND)?;
    let store = &state.services().store;
    let meeting = (store.get_meeting(session.admin, id).await).map_err(WebError::or_if_missing(NOT_FOUND))?;
    if meeting.draft.status == store::model::MeetingStatus::Cancelled {
        return Ok(see_other(format!("/meetings/{id}")));
    }
    let invitees = store.list_invitees(session.admin, id).await?;
    let submitted = from_stored(&meeting, &invitees);
    // A stored text that no longer parses is shown as written, with why it needs fixing.
    let problems: Vec<_> = meeting.draft.template().problem().cloned().into_iter().collect();
    let form = FormState {
        action: format!("/meetings/{id}"),
        editing: true,
        submitted: &submitted,
        problems: &problems,
        bad_invitees: false,
        conflict: false,
    };
    render_form(&state, &session, lang, &here, StatusCode::OK, form).await
}

/// `POST /meetings/{id}`: save an edit.
pub async fn update(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = meeting_id(&raw).ok_or(NOT_FOUND)?;
    let here = format!("/meetings/{id}/edit");
    let mut submitted = from_form_pairs(&pairs);
    let (problems, bad, conflict, status) = match service::update(&state, session.admin, id, &submitted).await
    {
        Ok(_) => return Ok(see_other(format!("/meetings/{id}?saved=1"))),
        Err(SaveError::NotFound) => return Err(NOT_FOUND),
        Err(SaveError::Cancelled) => return Ok(see_other(format!("/meetings/{id}"))),
        Err(SaveError::Invalid {
            problems,
            bad_invitees,
        }) => (problems, !bad_invitees.is_empty(), false, StatusCode::BAD_REQUEST),
        Err(SaveError::Conflict(now_there)) => {
            // Keep what the admin typed; the next save is made from the current version.
            submitted.version = Some(now_there.version.get());
            (Vec::new(), false, true, StatusCode::CONFLICT)
        }
        Err(SaveError::VersionMissing) => {
            let Ok(now_there) = state.services().store.get_meeting(session.admin, id).await else {
                return Err(NOT_FOUND);
            };
            submitted.version = Some(now_there.version.get());
            (Vec::new(), false, true, StatusCode::CONFLICT)
        }
        Err(SaveError::Store(e)) => return Err(WebError::unavailable(e).retry_at(here)),
    };
    let form = FormState {
        action: format!("/meetings/{id}"),
        editing: true,
        submitted: &submitted,
        problems: &problems,
        bad_invitees: bad,
        conflict,
    };
    render_form(&state, &session, lang, &here, status, form).await
}

/// `POST /meetings/{id}/cancel`.
pub async fn cancel(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = meeting_id(&raw).ok_or(NOT_FOUND)?;
    match service::cancel(&state, session.admin, id).await {
        Ok(_) => Ok(see_other("/meetings?cancelled=1".to_owned())),
        Err(SaveError::NotFound) => Err(NOT_FOUND),
        Err(e) => Err(WebError::unavailable(e).retry_at(format!("/meetings/{id}"))),
    }
}

#[derive(Debug, Deserialize)]
pub struct PresentForm {
    friend: String,
    present: String,
}

/// `POST /meetings/{id}/present`: the admin ticks (`present=1`) or unticks (`0`) "present".
pub async fn present(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path(raw): Path<String>,
    Form(form): Form<PresentForm>,
) -> Result<Response, WebError> {
    let (Some(id), Ok(friend)) = (meeting_id(&raw), FriendUuid::parse(&form.friend)) else {
        return Err(NOT_FOUND);
    };
    (service::set_present(&state, session.admin, id, &friend, form.present == "1").await)
        .map_err(|e| WebError::or_if_missing(NOT_FOUND)(e).retry_at(format!("/meetings/{id}")))?;
    Ok(see_other(format!("/meetings/{id}")))
}

#[derive(Debug, Default, Deserialize)]
pub struct MatchQuery {
    saved: Option<String>,
}

/// What the match page says on top: saved, or one invitee's keys refused and why.
#[derive(Debug, Default)]
struct MatchNotice {
    saved: bool,
    error: Option<(String, String)>,
}

async fn render_match(
    state: &WebState,
    session: &Session,
    lang: Lang,
    here: String,
    id: MeetingId,
    notice: MatchNotice,
) -> Result<Response, WebError> {
    let meeting = (service::meeting(state, session.admin, id).await)
        .map_err(|e| WebError::or_if_missing(NOT_FOUND)(e).retry_at(&here))?;
    let (invitees, unmatched, suggestions) = (service::suggestions(state, session.admin, id).await)
        .map_err(|e| WebError::unavailable(e).retry_at(&here))?;
    let MatchNotice { saved, error } = notice;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let name = nickname(state, session.admin)
        .await
        .map_err(|e| e.retry_at(&here))?;
    let view = views::matching::MatchView {
        meeting: &meeting,
        invitees: &invitees,
        unmatched: &unmatched,
        suggestions: &suggestions,
        saved,
        error,
    };
    Ok((
        status,
        views::matching::page(&Viewer::new(lang, &name, session, &here), &view),
    )
        .into_response())
}

/// `GET /meetings/{id}/match`.
pub async fn match_page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Path(raw): Path<String>,
    Query(query): Query<MatchQuery>,
) -> Result<Response, WebError> {
    let id = meeting_id(&raw).ok_or(NOT_FOUND)?;
    let notice = MatchNotice {
        saved: query.saved.is_some(),
        error: None,
    };
    render_match(&state, &session, lang, here, id, notice).await
}

#[derive(Debug, Deserialize)]
pub struct MatchForm {
    friend: String,
    #[serde(flatten)]
    keys: MatchKeysInput,
}

/// `POST /meetings/{id}/match`: saves one invitee's match keys.
pub async fn save_match(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
    Form(form): Form<MatchForm>,
) -> Result<Response, WebError> {
    let (Some(id), Ok(friend)) = (meeting_id(&raw), FriendUuid::parse(&form.friend)) else {
        return Err(NOT_FOUND);
    };
    let here = format!("/meetings/{id}/match");
    let keys = match form.keys.parse() {
        Ok(keys) => keys,
        Err(problem) => {
            let why = views::matching::error_words(lang, &problem);
            let notice = MatchNotice {
                saved: false,
                error: Some((friend.as_str().to_owned(), why)),
            };
            return render_match(&state, &session, lang, here, id, notice).await;
        }
    };
    (service::set_match_keys(&state, session.admin, id, &friend, keys).await)
        .map_err(|e| WebError::or_if_missing(NOT_FOUND)(e).retry_at(&here))?;
    Ok(see_other(format!(
        "/meetings/{id}/match?saved=1#invitee-{friend}"
    )))
}
