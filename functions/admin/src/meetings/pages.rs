//! The meetings' HTML routes. Every one needs a session (the shared extractor sends visitors to
//! the start page) and reads only the session admin's meetings: another admin's meeting id is a
//! plain 404. Forms post back with the session's CSRF token (checked by the web layer).

use std::collections::BTreeSet;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use serde::Deserialize;
use store::StoreError;
use web::extract::{AdminSession, Here};
use web::{Lang, Session, WebState};

use super::form::{Submitted, from_form_pairs, from_stored};
use super::service::{self, MatchKeysInput, SaveError};
use super::views::{self, Viewer};

fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

fn broken(lang: Lang, here: &str, step: &'static str, error: &StoreError) -> Response {
    tracing::error!(step, error = %error, "meetings page failed");
    web::pages::unavailable(lang, here)
}

fn broken_save(lang: Lang, here: &str, step: &'static str, error: &SaveError) -> Response {
    tracing::error!(step, error = %error, "meetings page failed");
    web::pages::unavailable(lang, here)
}

async fn not_found(lang: Lang, uri: Uri) -> Response {
    web::pages::not_found(lang, uri).await
}

/// The admin's nickname for the page frame; `None` if the admin is gone (unlinked).
async fn nickname(state: &WebState, admin: KakaoUserId) -> Result<Option<String>, StoreError> {
    match state.services().store.get_admin(admin).await {
        Ok(profile) => Ok(Some(profile.nickname)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The session's admin no longer exists: end the session.
fn gone(state: &WebState) -> Response {
    let mut response = see_other("/".to_owned());
    state.sessions().removal().append_to(response.headers_mut());
    response
}

/// Renders with the frame's data, or answers for a gone admin or a failing store.
macro_rules! with_viewer {
    ($state:expr, $session:expr, $lang:expr, $here:expr, |$viewer:ident| $body:expr) => {
        match nickname(&$state, $session.admin).await {
            Ok(Some(name)) => {
                let $viewer = Viewer {
                    lang: $lang,
                    nickname: &name,
                    csrf: &$session.csrf,
                    here: &$here,
                };
                $body
            }
            Ok(None) => gone(&$state),
            Err(e) => broken($lang, &$here, "reading the admin", &e),
        }
    };
}

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
) -> Response {
    let listing = match service::list(&state, session.admin).await {
        Ok(listing) => listing,
        Err(e) => return broken(lang, &here, "listing meetings", &e),
    };
    with_viewer!(state, session, lang, here, |viewer| {
        views::list::page(&viewer, &listing, state.now(), query.cancelled.is_some()).into_response()
    })
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
) -> Response {
    let friends = match service::friends(state, session.admin).await {
        Ok(friends) => friends,
        Err(e) => return broken(lang, here, "listing friends", &e),
    };
    let opted_out: BTreeSet<FriendUuid> = match state.services().store.list_opt_outs(session.admin).await {
        Ok(list) => list.into_iter().map(|o| o.friend).collect(),
        Err(e) => return broken(lang, here, "listing opt-outs", &e),
    };
    let here = here.to_owned();
    with_viewer!(state, session, lang, here, |viewer| {
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
        (status, views::form::page(&viewer, &view)).into_response()
    })
}

/// `GET /meetings/new`.
pub async fn new_form(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Response {
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
) -> Response {
    let here = "/meetings/new";
    let submitted = from_form_pairs(&pairs);
    match service::create(&state, session.admin, &submitted).await {
        Ok(meeting) => see_other(format!("/meetings/{}?created=1", meeting.id)),
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
        Err(SaveError::Store(e)) if e.is_not_found() => gone(&state),
        Err(e) => broken_save(lang, here, "creating a meeting", &e),
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
    uri: Uri,
    Path(id): Path<String>,
    Query(query): Query<LiveQuery>,
) -> Response {
    let Some(id) = meeting_id(&id) else {
        return not_found(lang, uri).await;
    };
    let (meeting, _, status) = match service::live(&state, session.admin, id).await {
        Ok(found) => found,
        Err(e) if e.is_not_found() => return not_found(lang, uri).await,
        Err(e) => return broken(lang, &here, "loading a meeting", &e),
    };
    let notices = views::live::Notices {
        created: query.created.is_some(),
        saved: query.saved.is_some(),
    };
    with_viewer!(state, session, lang, here, |viewer| {
        views::live::page(&viewer, &meeting, &status, notices).into_response()
    })
}

/// `GET /meetings/{id}/edit`.
pub async fn edit_form(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    uri: Uri,
    Path(raw): Path<String>,
) -> Response {
    let Some(id) = meeting_id(&raw) else {
        return not_found(lang, uri).await;
    };
    let store = &state.services().store;
    let meeting = match store.get_meeting(session.admin, id).await {
        Ok(m) => m,
        Err(e) if e.is_not_found() => return not_found(lang, uri).await,
        Err(e) => return broken(lang, &here, "loading a meeting", &e),
    };
    if meeting.draft.status == store::model::MeetingStatus::Cancelled {
        return see_other(format!("/meetings/{id}"));
    }
    let invitees = match store.list_invitees(session.admin, id).await {
        Ok(list) => list,
        Err(e) => return broken(lang, &here, "listing invitees", &e),
    };
    let submitted = from_stored(&meeting, &invitees);
    let form = FormState {
        action: format!("/meetings/{id}"),
        editing: true,
        submitted: &submitted,
        problems: &[],
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
    uri: Uri,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let Some(id) = meeting_id(&raw) else {
        return not_found(lang, uri).await;
    };
    let here = format!("/meetings/{id}/edit");
    let mut submitted = from_form_pairs(&pairs);
    let (problems, bad, conflict, status) = match service::update(&state, session.admin, id, &submitted).await
    {
        Ok(_) => return see_other(format!("/meetings/{id}?saved=1")),
        Err(SaveError::NotFound) => return not_found(lang, uri).await,
        Err(SaveError::Cancelled) => return see_other(format!("/meetings/{id}")),
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
                return not_found(lang, uri).await;
            };
            submitted.version = Some(now_there.version.get());
            (Vec::new(), false, true, StatusCode::CONFLICT)
        }
        Err(SaveError::Store(e)) => return broken(lang, &here, "saving a meeting", &e),
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
    lang: Lang,
    uri: Uri,
    Path(raw): Path<String>,
) -> Response {
    let Some(id) = meeting_id(&raw) else {
        return not_found(lang, uri).await;
    };
    match service::cancel(&state, session.admin, id).await {
        Ok(_) => see_other("/meetings?cancelled=1".to_owned()),
        Err(SaveError::NotFound) => not_found(lang, uri).await,
        Err(e) => broken_save(lang, &format!("/meetings/{id}"), "cancelling a meeting", &e),
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
    lang: Lang,
    uri: Uri,
    Path(raw): Path<String>,
    Form(form): Form<PresentForm>,
) -> Response {
    let (Some(id), Ok(friend)) = (meeting_id(&raw), FriendUuid::parse(&form.friend)) else {
        return not_found(lang, uri).await;
    };
    match service::set_present(&state, session.admin, id, &friend, form.present == "1").await {
        Ok(()) => see_other(format!("/meetings/{id}")),
        Err(e) if e.is_not_found() => not_found(lang, uri).await,
        Err(e) => broken(lang, &format!("/meetings/{id}"), "marking present", &e),
    }
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
    uri: Uri,
    id: MeetingId,
    notice: MatchNotice,
) -> Response {
    let meeting = match service::meeting(state, session.admin, id).await {
        Ok(m) => m,
        Err(e) if e.is_not_found() => return not_found(lang, uri).await,
        Err(e) => return broken(lang, &here, "loading a meeting", &e),
    };
    let (invitees, unmatched, suggestions) = match service::suggestions(state, session.admin, id).await {
        Ok(found) => found,
        Err(e) => return broken(lang, &here, "loading suggestions", &e),
    };
    let MatchNotice { saved, error } = notice;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    with_viewer!(state, session, lang, here, |viewer| {
        let view = views::matching::MatchView {
            meeting: &meeting,
            invitees: &invitees,
            unmatched: &unmatched,
            suggestions: &suggestions,
            saved,
            error,
        };
        (status, views::matching::page(&viewer, &view)).into_response()
    })
}

/// `GET /meetings/{id}/match`.
pub async fn match_page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    uri: Uri,
    Path(raw): Path<String>,
    Query(query): Query<MatchQuery>,
) -> Response {
    let Some(id) = meeting_id(&raw) else {
        return not_found(lang, uri).await;
    };
    let notice = MatchNotice {
        saved: query.saved.is_some(),
        error: None,
    };
    render_match(&state, &session, lang, here, uri, id, notice).await
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
    uri: Uri,
    Path(raw): Path<String>,
    Form(form): Form<MatchForm>,
) -> Response {
    let (Some(id), Ok(friend)) = (meeting_id(&raw), FriendUuid::parse(&form.friend)) else {
        return not_found(lang, uri).await;
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
            return render_match(&state, &session, lang, here, uri, id, notice).await;
        }
    };
    match service::set_match_keys(&state, session.admin, id, &friend, keys).await {
        Ok(_) => see_other(format!("/meetings/{id}/match?saved=1#invitee-{friend}")),
        Err(e) if e.is_not_found() => not_found(lang, uri).await,
        Err(e) => broken(lang, &here, "saving match keys", &e),
    }
}
