//! Classes, series and the week as JSON. Without a session every route answers 401; writes
//! need the `X-CSRF-Token` header. Another admin's class or series is 404, as one that does
//! not exist. Errors are `{"error", "message"}`; invalid input adds `"problems"`.
//!
//! - `GET /api/classes`; `POST /api/classes` `{"name", "members": [uuid]}`: 201;
//!   `PUT /api/classes/{id}` `{"name", "members", "archived", "version"}`: 200, 409 `{"version"}`.
//! - `GET /api/series`; `GET /api/series/{id}` (with its next occurrences);
//!   `POST /api/series` `{"meeting": {a meeting}, "classes": [id], "repeat": {"kind", "every",
//!   "weekdays", "ends", "until", "count"}, "accept_quota"}`: 201 with `"foresight"`; 409
//!   `quota_warning` when the busiest day could pass a daily limit and `accept_quota` is not set;
//!   `"skip"` (original starts skipped from the start, an import's excluded dates);
//!   `PUT /api/series/{id}` (the same, with `"version"` and `"scope": "all"` or `"following"`
//!   with `"from"`, an occurrence's original start);
//!   `POST /api/series/{id}/cancel`; `PUT /api/series/{id}/occurrences/{original}`
//!   `{"skip": bool}`.
//! - `GET /api/week?from=YYYY-MM-DD`: the seven days from that date (this week's Monday by
//!   default), each occurrence with who is invited, who joined, reminders sent and skipped.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::series::{Foresight, RepeatForm};
use domain::{ClassId, SeriesId};
use serde::Deserialize;
use serde_json::{Value, json};
use store::model::{ClassRecord, SeriesRecord};
use web::extract::AdminSession;
use web::{Lang, WebError, WebState};

use super::service::{self, ClassSubmission, EditScope, PlanError, SeriesSubmission};
use super::week;
use super::words;
use crate::meetings::api::bad_json;
use crate::meetings::form::MeetingJson;

const NO_SUCH_CLASS: WebError = WebError::NotFound {
    what: Some(("그런 반이 없습니다.", "There is no such class.")),
};
const NO_SUCH_SERIES: WebError = WebError::NotFound {
    what: Some(("그런 반복 모임이 없습니다.", "There is no such series.")),
};

fn read<T: serde::de::DeserializeOwned>(lang: Lang, body: &[u8]) -> Result<T, WebError> {
    serde_json::from_slice(body).map_err(|e| bad_json(lang, &e))
}

pub fn class_json(class: &ClassRecord) -> Value {
    json!({
        "id": class.id,
        "name": class.draft.name.as_str(),
        "members": class.draft.members,
        "archived": class.draft.archived,
        "version": class.version.get(),
        "updated_at": class.updated_at,
    })
}

pub fn foresight_json(f: &Foresight) -> Value {
    json!({
        "busiest_day": f.busiest_day.map(|(day, n)| json!({ "day": day.to_string(), "reminders": n, "limit": f.sender_limit })),
        "busiest_pair": f.busiest_pair.as_ref().map(|(friend, day, n)| json!({ "friend": friend, "day": day.to_string(), "reminders": n, "limit": f.pair_limit })),
        "fits": f.fits(),
    })
}

pub fn series_json(record: &SeriesRecord, now: DateTime<Utc>) -> Value {
    let series = &record.draft.series;
    let p = &series.pattern;
    let next: Vec<Value> = series
        .occurrences(now, now + chrono::Duration::days(28))
        .iter()
        .map(|o| {
            json!({
                "original": o.original,
                "starts_at": o.starts_at,
                "title": o.title.as_str(),
                "skipped": o.skipped,
                "edited": o.edited,
                "meeting": domain::MeetingId::of_occurrence(record.id, o.original),
            })
        })
        .collect();
    json!({
        "id": record.id,
        "title": p.title.as_str(),
        "first_start": p.first_start.format("%Y-%m-%dT%H:%M").to_string(),
        "time_zone": p.time_zone,
        "duration_minutes": p.duration.minutes(),
        "join_url": p.join_link.as_str(),
        "classes": p.invitation.classes,
        "invitees": p.invitation.friends,
        "repeat": repeat_json(&RepeatForm::of(&p.rule)),
        "rrule": p.rule.to_rrule(p.zone()).to_string(),
        "cancelled": record.draft.cancelled,
        "next": next,
        "version": record.version.get(),
    })
}

fn repeat_json(form: &RepeatForm) -> Value {
    json!({ "kind": form.kind, "every": form.every, "weekdays": form.weekdays, "ends": form.ends, "until": form.until, "count": form.count })
}

fn plan_error(lang: Lang, error: PlanError, missing: WebError) -> Result<Response, WebError> {
    Ok(match error {
        PlanError::NotFound => return Err(missing),
        PlanError::InvalidClass(problems) => {
            let list: Vec<Value> = problems
                .iter()
                .map(|p| json!({ "message": words::class_problem(p, lang), "detail": p.to_string() }))
                .collect();
            invalid(lang, list)
        }
        PlanError::InvalidSeries(problems) => invalid(lang, words::series_problems(&problems, lang)),
        PlanError::QuotaWarning(foresight) => (
            StatusCode::CONFLICT,
            Json(json!({
                "error": "quota_warning",
                "message": words::quota_warning(&foresight, lang),
                "foresight": foresight_json(&foresight),
            })),
        )
            .into_response(),
        PlanError::Conflict(version) => (
            StatusCode::CONFLICT,
            Json(json!({
                "error": "conflict",
                "message": lang.t("그 사이에 바뀌었습니다. 다시 읽고 고쳐 주세요.", "It changed meanwhile. Read it again and redo the edit."),
                "version": version.get(),
            })),
        )
            .into_response(),
        PlanError::VersionMissing => web::pages::api_problem(
            StatusCode::BAD_REQUEST,
            "version_missing",
            lang.t("고칠 때는 읽어 온 version 을 보내야 합니다.", "An edit must send the version it was made from."),
        ),
        PlanError::Store(e) if e.is_not_found() => return Err(WebError::AdminGone),
        PlanError::Store(e) => return Err(WebError::unavailable(e)),
    })
}

fn invalid(lang: Lang, problems: Vec<Value>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({
            "error": "invalid",
            "message": lang.t("고칠 곳이 있습니다.", "Some fields need fixing."),
            "problems": problems,
        })),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassJson {
    #[serde(default)]
    name: String,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    archived: bool,
    version: Option<u64>,
}

impl From<ClassJson> for ClassSubmission {
    fn from(j: ClassJson) -> Self {
        Self {
            name: j.name,
            members: j.members,
            archived: j.archived,
            version: j.version,
        }
    }
}

pub async fn list_classes(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
) -> Result<Response, WebError> {
    let classes = service::classes(&state, session.admin).await?;
    Ok(Json(json!({ "classes": classes.iter().map(class_json).collect::<Vec<_>>() })).into_response())
}

pub async fn create_class(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    body: Bytes,
) -> Result<Response, WebError> {
    let submitted: ClassSubmission = read::<ClassJson>(lang, &body)?.into();
    match service::save_class(&state, session.admin, None, &submitted).await {
        Ok(class) => Ok((StatusCode::CREATED, Json(class_json(&class))).into_response()),
        Err(e) => plan_error(lang, e, NO_SUCH_CLASS),
    }
}

pub async fn update_class(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id = ClassId::parse(&raw).map_err(|_| NO_SUCH_CLASS)?;
    let submitted: ClassSubmission = read::<ClassJson>(lang, &body)?.into();
    match service::save_class(&state, session.admin, Some(id), &submitted).await {
        Ok(class) => Ok(Json(class_json(&class)).into_response()),
        Err(e) => plan_error(lang, e, NO_SUCH_CLASS),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RepeatJson {
    #[serde(default)]
    kind: String,
    every: Option<u32>,
    #[serde(default)]
    weekdays: Vec<String>,
    #[serde(default)]
    ends: String,
    #[serde(default)]
    until: String,
    count: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeriesJson {
    meeting: MeetingJson,
    #[serde(default)]
    classes: Vec<String>,
    #[serde(default)]
    repeat: RepeatJson,
    #[serde(default)]
    accept_quota: bool,
    /// Occurrences (original starts) skipped from the start: an import's excluded dates.
    #[serde(default)]
    skip: Vec<DateTime<Utc>>,
    version: Option<u64>,
    #[serde(default)]
    scope: String,
    from: Option<DateTime<Utc>>,
}

impl SeriesJson {
    fn submission(self) -> (SeriesSubmission, Option<u64>, String, Option<DateTime<Utc>>) {
        let r = self.repeat;
        let submission = SeriesSubmission {
            meeting: self.meeting.into_submitted(),
            classes: self.classes,
            repeat: RepeatForm {
                kind: r.kind,
                every: r.every.map(|n| n.to_string()).unwrap_or_default(),
                weekdays: r.weekdays,
                ends: r.ends,
                until: r.until,
                count: r.count.map(|n| n.to_string()).unwrap_or_default(),
            },
            accept_quota: self.accept_quota,
            skip: self.skip,
        };
        (submission, self.version, self.scope, self.from)
    }
}

fn series_id(raw: &str) -> Result<SeriesId, WebError> {
    SeriesId::parse(raw).map_err(|_| NO_SUCH_SERIES)
}

pub async fn list_series(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
) -> Result<Response, WebError> {
    let now = state.now();
    let all = state.services().store.list_series(session.admin).await?;
    Ok(
        Json(json!({ "series": all.iter().map(|s| series_json(s, now)).collect::<Vec<_>>() }))
            .into_response(),
    )
}

pub async fn get_series(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = series_id(&raw)?;
    let record = state
        .services()
        .store
        .get_series(session.admin, id)
        .await
        .map_err(WebError::or_if_missing(NO_SUCH_SERIES))?;
    Ok(Json(series_json(&record, state.now())).into_response())
}

pub async fn create_series(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    body: Bytes,
) -> Result<Response, WebError> {
    let (submission, ..) = read::<SeriesJson>(lang, &body)?.submission();
    match service::create_series(&state, session.admin, &submission).await {
        Ok(saved) => {
            let mut out = series_json(&saved.record, state.now());
            out["foresight"] = foresight_json(&saved.foresight);
            out["meetings_created"] = json!(saved.rolled.created);
            Ok((StatusCode::CREATED, Json(out)).into_response())
        }
        Err(e) => plan_error(lang, e, NO_SUCH_SERIES),
    }
}

pub async fn update_series(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id = series_id(&raw)?;
    let (submission, version, scope, from) = read::<SeriesJson>(lang, &body)?.submission();
    let scope = match (scope.as_str(), from) {
        ("" | "all", _) => EditScope::All,
        ("following", Some(from)) => EditScope::Following(from),
        _ => {
            return Ok(web::pages::api_problem(
                StatusCode::BAD_REQUEST,
                "scope",
                lang.t(
                    "scope 는 all 이거나, from (나눌 회차의 원래 시작) 과 함께 following 입니다.",
                    "scope is all, or following with from (the original start of the occurrence to split at).",
                ),
            ));
        }
    };
    match service::update_series(&state, session.admin, id, version, scope, &submission).await {
        Ok(saved) => {
            let mut out = series_json(&saved.record, state.now());
            out["foresight"] = foresight_json(&saved.foresight);
            Ok(Json(out).into_response())
        }
        Err(e) => plan_error(lang, e, NO_SUCH_SERIES),
    }
}

pub async fn cancel_series(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = series_id(&raw)?;
    match service::cancel_series(&state, session.admin, id).await {
        Ok(record) => Ok(Json(series_json(&record, state.now())).into_response()),
        Err(e) => plan_error(lang, e, NO_SUCH_SERIES),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OccurrenceJson {
    skip: bool,
}

pub async fn set_occurrence(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path((raw, original)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let id = series_id(&raw)?;
    let original = DateTime::parse_from_rfc3339(&original)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| NO_SUCH_SERIES)?;
    let change: OccurrenceJson = read(lang, &body)?;
    match service::skip_occurrence(&state, session.admin, id, original, change.skip).await {
        Ok(record) => Ok(Json(series_json(&record, state.now())).into_response()),
        Err(e) => plan_error(lang, e, NO_SUCH_SERIES),
    }
}

#[derive(Debug, Deserialize)]
pub struct WeekQuery {
    from: Option<String>,
}

pub async fn week(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Query(query): Query<WeekQuery>,
) -> Result<Response, WebError> {
    let Some(from) = week::start_of(query.from.as_deref(), state.now()) else {
        return Ok(web::pages::api_problem(
            StatusCode::BAD_REQUEST,
            "from",
            lang.t(
                "from 은 2027-01-04 같은 날짜입니다.",
                "from is a date such as 2027-01-04.",
            ),
        ));
    };
    let days = week::load(&state, session.admin, from).await?;
    Ok(Json(week::json(&days)).into_response())
}
