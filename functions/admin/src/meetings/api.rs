//! The meetings' JSON API, for the same actions as the pages. Without a session every route
//! answers 401; state-changing routes need the `X-CSRF-Token` header (the web layer checks it).
//! Another admin's meeting, like one that does not exist, is 404. Errors are
//! `{"error": "<id>", "message": "..."}`; invalid meetings add `"problems": [{"field", "code",
//! "message"}]`.
//!
//! - `GET /api/meetings`: `{"live", "upcoming", "past"}`, each a list of meetings.
//! - `POST /api/meetings` (a meeting, see `form::MeetingJson`): 201 the meeting; 400 problems.
//! - `POST /api/meetings/preview` (a meeting): the message filled in for the longest name,
//!   its length and the template's problems.
//! - `GET /api/meetings/{id}`: the meeting and its invitees.
//! - `PUT /api/meetings/{id}` (a meeting with `version`): 200; 400; 409 `{"version"}` now.
//! - `POST /api/meetings/{id}/cancel`: 200 the cancelled meeting.
//! - `GET /api/meetings/{id}/status`: the live view's data (what the page refreshes from).
//! - `PUT /api/meetings/{id}/attendance/{uuid}` `{"present": bool}`: 204.
//! - `PUT /api/meetings/{id}/invitees/{uuid}/match-keys` `{"email", "display_name",
//!   "zoom_registrant_id"}`: 200 the invitee.
//! - `GET /api/meetings/{id}/suggestions`: unmatched participants and name suggestions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::meeting::{FriendChoice, MeetingContext, MeetingField, MeetingProblem};
use domain::{FriendUuid, MeetingId};
use serde::Deserialize;
use serde_json::{Value, json};
use store::model::{Invitee, Meeting, MeetingStatus};
use web::extract::AdminSession;
use web::pages::api_problem;
use web::{Lang, WebError, WebState};

use super::form::{MeetingJson, Submitted};
use super::service::{self, MatchKeysInput, SaveError, phase_of};
use super::status::LiveStatus;
use super::words::{bad_invitees_words, problem_words};

const NO_SUCH_MEETING: WebError = WebError::NotFound {
    what: Some(("그런 모임이 없습니다.", "There is no such meeting.")),
};

/// 400 for a body that is not the JSON a route reads (shared by the plans' API).
pub(crate) fn bad_json(lang: Lang, error: &serde_json::Error) -> WebError {
    let body = json!({
        "error": "invalid_json",
        "message": lang.t("JSON 본문을 읽을 수 없습니다.", "The JSON body cannot be read."),
        "detail": error.to_string(),
    });
    WebError::answer((StatusCode::BAD_REQUEST, Json(body)))
}

fn invalid(lang: Lang, problems: &[MeetingProblem], bad_invitees: &[String]) -> Response {
    let mut list: Vec<Value> = problems
        .iter()
        .map(|p| json!({ "field": p.field().as_str(), "code": p.code(), "message": problem_words(p, lang), "detail": p.to_string() }))
        .collect();
    if !bad_invitees.is_empty() {
        list.push(json!({ "field": "invitees", "code": "unknown_invitee", "message": bad_invitees_words(lang), "invitees": bad_invitees }));
    }
    let body = json!({
        "error": "invalid",
        "message": lang.t("고칠 곳이 있습니다.", "Some fields need fixing."),
        "problems": list,
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// A meeting as the API shows it.
pub fn meeting_json(meeting: &Meeting, now: chrono::DateTime<chrono::Utc>) -> Value {
    let d = &meeting.draft;
    let schedule = d.schedule();
    let quiet = d
        .settings
        .plan
        .quiet_hours
        .bounds_hhmm()
        .map(|(from, until)| json!({ "from": from, "until": until }));
    json!({
        "id": meeting.id,
        "title": d.title,
        "starts_at": d.starts_at,
        "ends_at": d.ends_at,
        "start_local": schedule.start_local_input(),
        "time_zone": d.time_zone.name(),
        "duration_minutes": schedule.duration().minutes(),
        "join_url": d.join_url.as_str(),
        "zoom_meeting_id": d.zoom_meeting_id.as_ref().map(|z| z.as_str()),
        "status": d.status.as_str(),
        "phase": if d.status == MeetingStatus::Cancelled { "cancelled" } else { phase_of(meeting, now).as_str() },
        "send_mode": d.settings.mode.as_str(),
        "reminder_offsets": d.settings.plan.offsets.minutes(),
        "quiet_hours": quiet,
        "template": d.template().as_written(),
        "next_round": d.next_round.map(|n| json!({ "round": n.round.get(), "due_at": n.due_at })),
        "version": meeting.version.get(),
        "created_at": meeting.created_at,
        "updated_at": meeting.updated_at,
    })
}

fn invitee_json(invitee: &Invitee) -> Value {
    let keys = &invitee.match_keys;
    json!({
        "friend": invitee.friend,
        "name": invitee.display_name,
        "opted_out": invitee.opted_out,
        "match_keys": {
            "email": keys.email.as_ref().map(|e| e.as_str()),
            "display_name": keys.display_name,
            "zoom_registrant_id": keys.zoom_registrant_id,
        },
    })
}

fn read_meeting_json(lang: Lang, body: &[u8]) -> Result<Submitted, WebError> {
    serde_json::from_slice::<MeetingJson>(body)
        .map(MeetingJson::into_submitted)
        .map_err(|e| bad_json(lang, &e))
}

fn meeting_id(raw: &str) -> Result<MeetingId, WebError> {
    MeetingId::parse(raw).map_err(|_| NO_SUCH_MEETING)
}

pub async fn list(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
) -> Result<Response, WebError> {
    let now = state.now();
    let listing = service::list(&state, session.admin).await?;
    let out = |ms: &[Meeting]| ms.iter().map(|m| meeting_json(m, now)).collect::<Vec<_>>();
    Ok(Json(
        json!({ "live": out(&listing.live), "upcoming": out(&listing.upcoming), "past": out(&listing.past) }),
    )
    .into_response())
}

pub async fn create(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    body: Bytes,
) -> Result<Response, WebError> {
    let submitted = read_meeting_json(lang, &body)?;
    match service::create(&state, session.admin, &submitted).await {
        Ok(meeting) => Ok((StatusCode::CREATED, Json(meeting_json(&meeting, state.now()))).into_response()),
        Err(SaveError::Invalid {
            problems,
            bad_invitees,
        }) => Ok(invalid(lang, &problems, &bad_invitees)),
        Err(e) => Err(WebError::unavailable(e)),
    }
}

pub async fn get(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = meeting_id(&raw)?;
    let store = &state.services().store;
    let meeting =
        (store.get_meeting(session.admin, id).await).map_err(WebError::or_if_missing(NO_SUCH_MEETING))?;
    let invitees = store.list_invitees(session.admin, id).await?;
    let mut out = meeting_json(&meeting, state.now());
    out["invitees"] = invitees.iter().map(invitee_json).collect();
    Ok(Json(out).into_response())
}

pub async fn update(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id = meeting_id(&raw)?;
    let submitted = read_meeting_json(lang, &body)?;
    Ok(
        match service::update(&state, session.admin, id, &submitted).await {
            Ok(meeting) => Json(meeting_json(&meeting, state.now())).into_response(),
            Err(SaveError::NotFound) => return Err(NO_SUCH_MEETING),
            Err(SaveError::Invalid {
                problems,
                bad_invitees,
            }) => invalid(lang, &problems, &bad_invitees),
            Err(SaveError::Conflict(now_there)) => {
                let body = json!({
                    "error": "conflict",
                    "message": lang.t("그 사이에 모임이 바뀌었습니다. 다시 읽고 고쳐 주세요.", "The meeting changed meanwhile. Read it again and redo the edit."),
                    "version": now_there.version.get(),
                });
                (StatusCode::CONFLICT, Json(body)).into_response()
            }
            Err(SaveError::VersionMissing) => api_problem(
                StatusCode::BAD_REQUEST,
                "version_missing",
                lang.t(
                    "고칠 때는 읽어 온 version 을 보내야 합니다.",
                    "An edit must send the version it was made from.",
                ),
            ),
            Err(SaveError::Cancelled) => api_problem(
                StatusCode::CONFLICT,
                "cancelled",
                lang.t(
                    "취소된 모임은 고칠 수 없습니다.",
                    "A cancelled meeting cannot be edited.",
                ),
            ),
            Err(SaveError::Store(e)) => return Err(e.into()),
        },
    )
}

pub async fn cancel(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = meeting_id(&raw)?;
    match service::cancel(&state, session.admin, id).await {
        Ok(meeting) => Ok(Json(meeting_json(&meeting, state.now())).into_response()),
        Err(SaveError::NotFound) => Err(NO_SUCH_MEETING),
        Err(e) => Err(WebError::unavailable(e)),
    }
}

/// The live view's data, each row's line already in the admin's language.
pub fn status_json(meeting: &Meeting, status: &LiveStatus, lang: Lang) -> Value {
    let zone = meeting.draft.time_zone;
    let rows: Vec<Value> = status
        .invitees
        .iter()
        .map(|row| {
            json!({
                "friend": row.friend,
                "name": row.name,
                "status": row.headline.id(),
                "status_text": row.headline.words(lang, zone),
                "headline": row.headline,
                "joined": row.joined,
                "reminded": row.reminded,
                "unconfirmed": row.unconfirmed,
                "last_failure": row.last_failure,
                "unreachable": row.unreachable,
                "has_match_keys": row.has_match_keys,
            })
        })
        .collect();
    let phase = if meeting.draft.status == MeetingStatus::Cancelled {
        "cancelled"
    } else {
        status.phase.as_str()
    };
    json!({ "meeting": meeting.id, "phase": phase, "joined": status.joined, "total": status.total, "invitees": rows })
}

pub async fn status(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = meeting_id(&raw)?;
    let (meeting, _, status) =
        (service::live(&state, session.admin, id).await).map_err(WebError::or_if_missing(NO_SUCH_MEETING))?;
    Ok(Json(status_json(&meeting, &status, lang)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct PresentJson {
    present: bool,
}

pub async fn set_present(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path((raw, friend)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let (Ok(id), Ok(friend)) = (meeting_id(&raw), FriendUuid::parse(&friend)) else {
        return Err(NO_SUCH_MEETING);
    };
    let present = (serde_json::from_slice::<PresentJson>(&body))
        .map_err(|e| bad_json(lang, &e))?
        .present;
    (service::set_present(&state, session.admin, id, &friend, present).await)
        .map_err(WebError::or_if_missing(NO_SUCH_MEETING))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn set_match_keys(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path((raw, friend)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let (Ok(id), Ok(friend)) = (meeting_id(&raw), FriendUuid::parse(&friend)) else {
        return Err(NO_SUCH_MEETING);
    };
    let input = serde_json::from_slice::<MatchKeysInput>(&body).map_err(|e| bad_json(lang, &e))?;
    let keys = input.parse().map_err(|problem| {
        let words = super::views::matching::error_words(lang, &problem);
        WebError::answer(api_problem(StatusCode::BAD_REQUEST, "invalid", &words))
    })?;
    let invitee = (service::set_match_keys(&state, session.admin, id, &friend, keys).await)
        .map_err(WebError::or_if_missing(NO_SUCH_MEETING))?;
    Ok(Json(invitee_json(&invitee)).into_response())
}

pub async fn suggestions(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = meeting_id(&raw)?;
    let (_, unmatched, suggestions) = (service::suggestions(&state, session.admin, id).await)
        .map_err(WebError::or_if_missing(NO_SUCH_MEETING))?;
    Ok(Json(json!({ "unmatched": unmatched, "suggestions": suggestions })).into_response())
}

/// The message for the longest chosen name, as the live preview shows it, with the template's
/// problems (the 200-character check after filling in among them).
pub async fn preview(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    body: Bytes,
) -> Result<Response, WebError> {
    let submitted = read_meeting_json(lang, &body)?;
    let friends = service::friends(&state, session.admin)
        .await
        .map_err(WebError::unavailable)?;
    let choices: Vec<FriendChoice> = service::choices(&friends);
    let form = &submitted.form;
    let problems: Vec<MeetingProblem> = match form.validate(&MeetingContext {
        now: state.now(),
        friends: &choices,
        existing: None,
    }) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.for_field(MeetingField::Template).cloned().collect(),
    };
    let longest = choices
        .iter()
        .filter(|c| form.invitees.contains(&c.profile.uuid))
        .map(|c| c.profile.nickname.as_str())
        .max_by_key(|n| n.chars().count())
        .unwrap_or("");
    let text = form.preview(longest, "");
    let chars = text.as_ref().map(|t| t.chars().count());
    let list: Vec<Value> = problems
        .iter()
        .map(|p| json!({ "field": "template", "code": p.code(), "message": problem_words(p, lang) }))
        .collect();
    Ok(Json(json!({
        "text": text,
        "chars": chars,
        "max_chars": domain::TemplateText::MAX_CHARS,
        "longest_name": longest,
        "fits": problems.is_empty() && chars.is_some_and(|c| c <= domain::TemplateText::MAX_CHARS),
        "problems": list,
    }))
    .into_response())
}
