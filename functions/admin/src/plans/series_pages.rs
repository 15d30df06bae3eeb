//! The series' pages: `/series` (every series, with its rule in words and its next class),
//! `/series/new` (a weekly or monthly class set up once), and `/series/{id}` (edit every
//! occurrence or this and the following ones, skip or bring back one, edit one on its meeting
//! page, cancel the series from now on).
//!
//! Ids: `#series-list`, `.series-row` with `data-series`; `#series-form`, `#series-problems`,
//! `#quota-warning`, `#conflict-banner`, `#series-scope`; `#series-occurrences`, `.occurrence`
//! with `data-original`, `.skip-occurrence`, `.unskip-occurrence`, `.edit-occurrence`;
//! `#cancel-series`, `#series-cancelled`.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use domain::{MeetingId, SeriesId};
use maud::{Markup, html};
use store::model::{ClassRecord, SeriesRecord};
use web::extract::{AdminSession, Here};
use web::layout::{banner, csrf_field};
use web::{Lang, WebError, WebState};

use super::pages::page_error;
use super::service::{self, EditScope, PlanError, SeriesSubmission};
use super::week;
use super::words;
use crate::meetings::form::from_form_pairs;
use crate::meetings::pages::{nickname, see_other};
use crate::meetings::views::{Viewer, frame, local_time};
use domain::series::repeat::weekday_name;

/// How far ahead the series page lists occurrences.
const LISTED: Duration = Duration::days(56);

fn not_found() -> WebError {
    WebError::NotFound { what: None }
}

fn series_id(raw: &str) -> Result<SeriesId, WebError> {
    SeriesId::parse(raw).map_err(|_| not_found())
}

/// The admin's series as stored now; 404 for another admin's.
async fn stored(
    state: &WebState,
    admin: domain::KakaoUserId,
    id: SeriesId,
) -> Result<SeriesRecord, WebError> {
    state
        .services()
        .store
        .get_series(admin, id)
        .await
        .map_err(WebError::or_if_missing(not_found()))
}

/// `GET /series`.
pub async fn list_page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Result<Response, WebError> {
    let now = state.now();
    let all = state.services().store.list_series(session.admin).await?;
    let classes = service::classes(&state, session.admin).await?;
    let name = nickname(&state, session.admin).await?;
    let viewer = Viewer::new(lang, &name, &session, &here);
    let body = html! {
        div #series-list {
            div.meetings-head {
                h1 { (lang.t("반복 모임", "Series")) }
                div {
                    a.btn.btn-quiet href="/calendar/import" { (lang.t(".ics 가져오기", "Import an .ics")) }
                    " "
                    a.btn #new-series href="/series/new" { (lang.t("반복 모임 만들기", "New series")) }
                }
            }
            @if all.is_empty() {
                p.muted.empty { (lang.t("아직 반복 모임이 없습니다.", "No series yet.")) }
            }
            @for record in &all {
                @let series = &record.draft.series;
                @let next = series.next_occurrence(now);
                section.card.series-row data-series=(record.id.to_string()) {
                    h2 {
                        a href={ "/series/" (record.id) } { (series.pattern.title.as_str()) }
                        @if record.draft.cancelled { " " span.badge.badge-bad { (lang.t("취소됨", "cancelled")) } }
                        @else if next.is_none() { " " span.badge { (lang.t("끝남", "ended")) } }
                    }
                    p { (words::repeat_words(&series.pattern.rule, lang)) " · " (series.pattern.time_zone) }
                    p.small.muted { (invited_words(&series.pattern.invitation, &classes, lang)) }
                    @if let Some(next) = &next {
                        p.small { (lang.t("다음 회차: ", "Next: ")) (local_time(next.starts_at, series.pattern.zone())) }
                    }
                }
            }
        }
    };
    Ok(frame(&viewer, lang.t("반복 모임", "Series"), body).into_response())
}

fn invited_words(invitation: &domain::class::Invitation, classes: &[ClassRecord], lang: Lang) -> String {
    let names: Vec<&str> = invitation
        .classes
        .iter()
        .filter_map(|id| classes.iter().find(|c| c.id == *id))
        .map(|c| c.draft.name.as_str())
        .collect();
    let mut parts = Vec::new();
    if !names.is_empty() {
        parts.push(names.join(", "));
    }
    if !invitation.friends.is_empty() {
        parts.push(format!(
            "{} {}",
            lang.t("친구", "friends:"),
            invitation.friends.len()
        ));
    }
    if parts.is_empty() {
        lang.t("초대한 사람 없음", "nobody invited").to_owned()
    } else {
        parts.join(" + ")
    }
}

/// `GET /series/new`.
pub async fn new_page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Result<Response, WebError> {
    let pairs = vec![("repeat".to_owned(), "weekly".to_owned())];
    let view = FormView {
        editing: None,
        pairs: &pairs,
        problems: &[],
        quota: None,
        conflict: false,
    };
    render_form(&state, &session, lang, &here, StatusCode::OK, &view).await
}

/// `GET /series/{id}`.
pub async fn edit_page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let record = stored(&state, session.admin, series_id(&raw)?).await?;
    let pairs = pairs_of(&record);
    let view = FormView {
        editing: Some(&record),
        pairs: &pairs,
        problems: &[],
        quota: None,
        conflict: false,
    };
    render_form(&state, &session, lang, &here, StatusCode::OK, &view).await
}

/// A stored series as its form's fields, so that saving it unchanged changes nothing.
fn pairs_of(record: &SeriesRecord) -> Vec<(String, String)> {
    let p = &record.draft.series.pattern;
    let form = domain::series::RepeatForm::of(&p.rule);
    let mut pairs: Vec<(String, String)> = vec![
        ("title".into(), p.title.as_str().to_owned()),
        ("start".into(), p.first_start.format("%Y-%m-%dT%H:%M").to_string()),
        ("time_zone".into(), p.time_zone.clone()),
        ("duration_minutes".into(), p.duration.minutes().to_string()),
        ("join_url".into(), p.join_link.as_str().to_owned()),
        // Saved once, so its host was confirmed once.
        ("confirm_join_host".into(), "1".into()),
        (
            "zoom_meeting_id".into(),
            p.zoom_meeting_id
                .as_ref()
                .map(|z| z.as_str().to_owned())
                .unwrap_or_default(),
        ),
        ("reminder_offsets".into(), p.plan.offsets.to_string()),
        ("send_mode".into(), p.mode.as_str().to_owned()),
        (
            "template".into(),
            p.template
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
        ),
        ("repeat".into(), form.kind),
        ("every".into(), form.every),
        ("ends".into(), form.ends),
        ("until".into(), form.until),
        ("count".into(), form.count),
        ("version".into(), record.version.get().to_string()),
    ];
    match p.plan.quiet_hours.bounds_hhmm() {
        Some((from, until)) => {
            pairs.push(("quiet_from".into(), from));
            pairs.push(("quiet_until".into(), until));
        }
        None => pairs.push(("quiet_off".into(), "1".into())),
    }
    pairs.extend(form.weekdays.into_iter().map(|d| ("weekdays".to_owned(), d)));
    pairs.extend(
        p.invitation
            .classes
            .iter()
            .map(|c| ("classes".to_owned(), c.to_string())),
    );
    pairs.extend(
        p.invitation
            .friends
            .iter()
            .map(|f| ("invitees".to_owned(), f.as_str().to_owned())),
    );
    pairs
}

struct FormView<'a> {
    /// The series being edited; `None` for a new one.
    editing: Option<&'a SeriesRecord>,
    pairs: &'a [(String, String)],
    problems: &'a [String],
    quota: Option<String>,
    /// The series changed since the form was opened.
    conflict: bool,
}

async fn render_form(
    state: &WebState,
    session: &web::Session,
    lang: Lang,
    here: &str,
    status: StatusCode,
    view: &FormView<'_>,
) -> Result<Response, WebError> {
    let classes = service::classes(state, session.admin).await?;
    let friends = state.services().store.list_friends(session.admin, false).await?;
    let name = nickname(state, session.admin).await?;
    let viewer = Viewer::new(lang, &name, session, here);
    let body = form_markup(&viewer, view, &classes, &friends, state.now());
    let title = match view.editing {
        Some(record) => record.draft.series.pattern.title.as_str().to_owned(),
        None => lang.t("반복 모임 만들기", "New series").to_owned(),
    };
    Ok((status, frame(&viewer, &title, body)).into_response())
}

fn form_markup(
    viewer: &Viewer<'_>,
    view: &FormView<'_>,
    classes: &[ClassRecord],
    friends: &[store::model::FriendRecord],
    now: DateTime<Utc>,
) -> Markup {
    let lang = viewer.lang;
    let pairs = view.pairs;
    let value = |n: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let or = |n: &str, default: &str| {
        let v = value(n);
        if v.is_empty() { default.to_owned() } else { v }
    };
    let has = |n: &str, v: &str| pairs.iter().any(|(k, x)| k == n && x == v);
    let kinds = [
        ("weekly", lang.t("매주 (요일 선택)", "Weekly, on chosen days")),
        ("weekdays", lang.t("평일마다", "Every weekday")),
        ("daily", lang.t("매일", "Daily")),
        (
            "monthly_date",
            lang.t("매달 같은 날짜", "Monthly on the same date"),
        ),
        (
            "monthly_weekday",
            lang.t("매달 같은 주의 같은 요일", "Monthly on the same nth weekday"),
        ),
        (
            "monthly_last_weekday",
            lang.t("매달 마지막 그 요일", "Monthly on the last such weekday"),
        ),
    ];
    let (action, heading) = match view.editing {
        Some(record) => (
            format!("/series/{}", record.id),
            lang.t("반복 모임 고치기", "Edit series"),
        ),
        None => ("/series".to_owned(), lang.t("반복 모임 만들기", "New series")),
    };
    // Which occurrences an edit may start from: those that have not started.
    let upcoming = view
        .editing
        .map(|r| r.draft.series.occurrences(now, now + LISTED))
        .unwrap_or_default();
    let quiet_off = !value("quiet_off").is_empty();
    html! {
        div #series-page {
            h1 { (heading) }
            @if let Some(record) = view.editing {
                p { (words::repeat_words(&record.draft.series.pattern.rule, lang)) " · " a href="/series" { (lang.t("모든 반복 모임", "All series")) } }
                @if record.draft.cancelled {
                    (banner("warning", "series-cancelled", html! { p { (lang.t("이 반복 모임은 취소되었습니다. 지난 회차의 기록은 남아 있습니다.", "This series is cancelled. Its past classes keep their records.")) } }))
                }
            }
            @if view.conflict {
                (banner("warning", "conflict-banner", html! { p { (lang.t(
                    "그 사이에 반복 모임이 바뀌었습니다. 지금 내용을 보여 드립니다. 확인하고 다시 저장해 주세요.",
                    "The series changed meanwhile; this is how it is now. Check it and save again."
                )) } }))
            }
            @if !view.problems.is_empty() {
                (banner("error", "series-problems", html! { ul { @for p in view.problems { li { (p) } } } }))
            }
            @if let Some(warning) = &view.quota {
                (banner("warn", "quota-warning", html! { p { (warning) } }))
            }
            form.card #series-form method="post" action=(action) {
                (csrf_field(viewer.csrf))
                @if view.editing.is_some() { input type="hidden" name="version" value=(value("version")); }
                label { (lang.t("제목", "Title")) " " input type="text" name="title" required maxlength="100" value=(value("title")); }
                label { (lang.t("첫 수업", "First class")) " " input type="datetime-local" name="start" required value=(value("start")); }
                label { (lang.t("길이(분)", "Length (minutes)")) " " input type="number" name="duration_minutes" min="1" max="1440" value=(or("duration_minutes", "60")); }
                label { (lang.t("시간대", "Time zone")) " " input type="text" name="time_zone" placeholder="Asia/Seoul" value=(value("time_zone")); }
                label { (lang.t("참가 링크", "Join link")) " " input type="url" name="join_url" required value=(value("join_url")); }
                label { input type="checkbox" name="confirm_join_host" value="1" checked[!value("confirm_join_host").is_empty()]; " " (lang.t("알려진 회의 서비스가 아니어도 제 링크가 맞습니다", "This link is mine even if the service is not a known one")) }
                label { (lang.t("Zoom 회의 번호 (반복 회의 하나로 모든 회차)", "Zoom meeting number (one recurring meeting serves every occurrence)")) " " input type="text" name="zoom_meeting_id" value=(value("zoom_meeting_id")); }
                fieldset {
                    legend { (lang.t("반복", "Repeats")) }
                    select name="repeat" {
                        @for (v, label) in kinds { option value=(v) selected[has("repeat", v)] { (label) } }
                    }
                    label { (lang.t("간격 (몇 주/일/달마다)", "Every (weeks, days or months)")) " " input type="number" name="every" min="1" max="99" value=(or("every", "1")); }
                    div.picker {
                        @for day in words::WEEK {
                            @let v = weekday_name::name(day);
                            label.pick { input type="checkbox" name="weekdays" value=(v) checked[has("weekdays", v)]; " " (words::weekday(day, lang)) }
                        }
                    }
                    select name="ends" {
                        option value="never" selected[has("ends", "never")] { (lang.t("끝나는 날 없음", "Never ends")) }
                        option value="on" selected[has("ends", "on")] { (lang.t("날짜에 끝남", "Ends on a date")) }
                        option value="after" selected[has("ends", "after")] { (lang.t("횟수 뒤 끝남", "Ends after a number of times")) }
                    }
                    input type="date" name="until" value=(value("until"));
                    input type="number" name="count" min="1" max="730" value=(value("count"));
                }
                fieldset {
                    legend { (lang.t("초대", "Invite")) }
                    @for class in classes.iter().filter(|c| !c.draft.archived || has("classes", &c.id.to_string())) {
                        label.pick { input type="checkbox" name="classes" value=(class.id.to_string()) checked[has("classes", &class.id.to_string())]; " " (class.draft.name) " (" (class.draft.members.len()) ")" }
                    }
                    div.picker {
                        @for f in friends.iter().filter(|f| f.gone_at.is_none() || has("invitees", f.profile.uuid.as_str())) {
                            label.pick { input type="checkbox" name="invitees" value=(f.profile.uuid.as_str()) checked[has("invitees", f.profile.uuid.as_str())]; " " (f.profile.nickname) }
                        }
                    }
                }
                fieldset {
                    legend { (lang.t("알림", "Reminders")) }
                    label { (lang.t("시작 후 몇 분에 (쉼표로)", "Minutes after the start (comma-separated)")) " " input type="text" name="reminder_offsets" value=(or("reminder_offsets", "5, 15")); }
                    label { (lang.t("조용한 시간", "Quiet hours")) " " input type="time" name="quiet_from" value=(or("quiet_from", "22:00")); " – " input type="time" name="quiet_until" value=(or("quiet_until", "08:00")); }
                    label { input type="checkbox" name="quiet_off" value="1" checked[quiet_off]; " " (lang.t("조용한 시간 없음", "No quiet hours")) }
                    select name="send_mode" {
                        option value="automatic" selected[!has("send_mode", "confirm_first")] { (lang.t("자동으로 보내기", "Send automatically")) }
                        option value="confirm_first" selected[has("send_mode", "confirm_first")] { (lang.t("보내기 전에 확인", "Confirm before sending")) }
                    }
                    label { (lang.t("메시지 (비우면 기본 문구)", "Message (empty for the default)")) textarea name="template" rows="3" maxlength="400" { (value("template")) } }
                }
                @if let Some(record) = view.editing {
                    label #series-scope-label {
                        (lang.t("바꿀 회차", "Change which classes")) " "
                        select #series-scope name="scope" {
                            option value="all" selected[!value("scope").starts_with("from:")] { (lang.t("시작하지 않은 모든 회차", "Every class that has not started")) }
                            @for o in &upcoming {
                                @let v = format!("from:{}", o.original.to_rfc3339());
                                option value=(v) selected[has("scope", &v)] {
                                    (lang.t("이 회차와 그 뒤: ", "This one and the following: "))
                                    (local_time(o.starts_at, record.draft.series.pattern.zone()))
                                }
                            }
                        }
                    }
                }
                @if view.quota.is_some() {
                    label { input type="checkbox" name="accept_quota" value="1"; " " (lang.t("알고 있습니다. 그래도 저장합니다", "I understand; save anyway")) }
                }
                button.btn type="submit" {
                    @if view.editing.is_some() { (lang.t("저장", "Save")) }
                    @else { (lang.t("저장하고 다가오는 회차 만들기", "Save and set up the coming classes")) }
                }
            }
            @if let Some(record) = view.editing {
                (occurrences_markup(viewer, record, &upcoming, now))
                @if !record.draft.cancelled {
                    details.card #cancel-series {
                        summary { (lang.t("반복 모임 취소", "Cancel the series")) }
                        p { (lang.t(
                            "시작하지 않은 회차는 모두 취소되고 알림도 나가지 않습니다. 지난 회차와 진행 중인 회차는 그대로 남습니다.",
                            "Every class that has not started is cancelled and gets no reminders. Past and running classes stay as they are."
                        )) }
                        form method="post" action={ "/series/" (record.id) "/cancel" } {
                            (csrf_field(viewer.csrf))
                            button.btn.btn-danger type="submit" data-confirm=(lang.t("앞으로의 회차를 모두 취소할까요?", "Cancel every coming class?")) { (lang.t("앞으로의 회차 모두 취소", "Cancel every coming class")) }
                        }
                    }
                }
            }
        }
    }
}

fn occurrences_markup(
    viewer: &Viewer<'_>,
    record: &SeriesRecord,
    upcoming: &[domain::series::Occurrence],
    now: DateTime<Utc>,
) -> Markup {
    let lang = viewer.lang;
    let zone = record.draft.series.pattern.zone();
    let back = format!("/series/{}", record.id);
    html! {
        section.card #series-occurrences {
            h2 { (lang.t("다가오는 회차", "Coming classes")) }
            @if upcoming.is_empty() { p.muted.empty { (lang.t("다가오는 회차가 없습니다.", "No coming classes.")) } }
            ul {
                @for o in upcoming {
                    li.occurrence data-original=(o.original.to_rfc3339()) {
                        @if o.skipped { s { (local_time(o.starts_at, zone)) } " " span.badge { (lang.t("건너뜀", "skipped")) } }
                        @else { (local_time(o.starts_at, zone)) }
                        @if o.edited { " " span.badge { (lang.t("따로 고침", "changed")) } }
                        " " span.muted { (o.title.as_str()) }
                        @if !record.draft.cancelled {
                            form.inline method="post" action={ "/series/" (record.id) "/occurrences/" (o.original.to_rfc3339()) } {
                                (csrf_field(viewer.csrf))
                                input type="hidden" name="return_to" value=(back);
                                @if o.skipped {
                                    button.btn.btn-quiet.unskip-occurrence type="submit" name="skip" value="false" { (lang.t("다시 열기", "Bring back")) }
                                } @else {
                                    button.btn.btn-quiet.skip-occurrence type="submit" name="skip" value="true" { (lang.t("이번만 건너뛰기", "Skip this one")) }
                                }
                            }
                            // Its meeting exists once the window has reached it; editing it there
                            // becomes this occurrence's own change.
                            @if !o.skipped && o.starts_at <= now + app::plans::roll::HORIZON {
                                " " a.btn.btn-quiet.edit-occurrence href={ "/meetings/" (MeetingId::of_occurrence(record.id, o.original)) "/edit" } { (lang.t("이 회차만 고치기", "Edit this one")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn series_submission(pairs: &[(String, String)]) -> SeriesSubmission {
    let mut out = SeriesSubmission {
        meeting: from_form_pairs(pairs),
        ..SeriesSubmission::default()
    };
    for (name, value) in pairs {
        match name.as_str() {
            "classes" => out.classes.push(value.clone()),
            "repeat" => out.repeat.kind = value.clone(),
            "every" => out.repeat.every = value.clone(),
            "weekdays" => out.repeat.weekdays.push(value.clone()),
            "ends" => out.repeat.ends = value.clone(),
            "until" => out.repeat.until = value.clone(),
            "count" => out.repeat.count = value.clone(),
            "accept_quota" => out.accept_quota = !value.is_empty(),
            _ => {}
        }
    }
    out
}

/// Where a saved series is seen: the week of its next class.
fn week_of_next(record: &SeriesRecord, now: DateTime<Utc>) -> String {
    match record.draft.series.next_occurrence(now) {
        Some(next) => format!(
            "/week?from={}",
            week::monday_of(next.starts_at).format("%Y-%m-%d")
        ),
        None => "/week".into(),
    }
}

/// A refused save shown again on its form: problems (400) or the quota warning (409).
async fn refused(
    state: &WebState,
    session: &web::Session,
    lang: Lang,
    here: &str,
    editing: Option<&SeriesRecord>,
    pairs: &[(String, String)],
    error: PlanError,
) -> Result<Response, WebError> {
    let (status, problems, quota) = match error {
        PlanError::InvalidSeries(problems) => (
            StatusCode::BAD_REQUEST,
            words::series_problem_lines(&problems, lang),
            None,
        ),
        PlanError::QuotaWarning(foresight) => (
            StatusCode::CONFLICT,
            Vec::new(),
            Some(words::quota_warning(&foresight, lang)),
        ),
        e => return Err(page_error(e, here)),
    };
    let view = FormView {
        editing,
        pairs,
        problems: &problems,
        quota,
        conflict: false,
    };
    render_form(state, session, lang, here, status, &view).await
}

/// `POST /series`.
pub async fn create(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let submission = series_submission(&pairs);
    match service::create_series(&state, session.admin, &submission).await {
        Ok(saved) => Ok(see_other(week_of_next(&saved.record, state.now()))),
        Err(e) => refused(&state, &session, lang, "/series/new", None, &pairs, e).await,
    }
}

/// `POST /series/{id}`: an edit of every occurrence that has not started (`scope=all`), or of
/// one occurrence and the ones after it (`scope=from:{original start}`), which splits the
/// series there.
pub async fn update(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = series_id(&raw)?;
    let here = format!("/series/{id}");
    // The series is read here only to show its form again: the service reads what it saves.
    let value = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let scope = match value("scope").unwrap_or("all") {
        "all" => EditScope::All,
        other => match other
            .strip_prefix("from:")
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        {
            Some(at) => EditScope::Following(at.with_timezone(&Utc)),
            None => {
                let problems = [lang
                    .t(
                        "바꿀 회차를 다시 골라 주세요.",
                        "Choose again which classes to change.",
                    )
                    .to_owned()];
                let before = stored(&state, session.admin, id).await?;
                let view = FormView {
                    editing: Some(&before),
                    pairs: &pairs,
                    problems: &problems,
                    quota: None,
                    conflict: false,
                };
                return render_form(&state, &session, lang, &here, StatusCode::BAD_REQUEST, &view).await;
            }
        },
    };
    let submission = series_submission(&pairs);
    let version = submission.meeting.version;
    match service::update_series(&state, session.admin, id, version, scope, &submission).await {
        Ok(saved) => Ok(see_other(format!("/series/{}", saved.record.id))),
        Err(PlanError::Conflict(_) | PlanError::VersionMissing) => {
            let now_there = stored(&state, session.admin, id).await?;
            let current = pairs_of(&now_there);
            let view = FormView {
                editing: Some(&now_there),
                pairs: &current,
                problems: &[],
                quota: None,
                conflict: true,
            };
            render_form(&state, &session, lang, &here, StatusCode::CONFLICT, &view).await
        }
        Err(PlanError::NotFound) => Err(not_found()),
        Err(e) => {
            let before = stored(&state, session.admin, id).await?;
            refused(&state, &session, lang, &here, Some(&before), &pairs, e).await
        }
    }
}

/// `POST /series/{id}/cancel`: every occurrence that has not started is cancelled.
pub async fn cancel(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let id = series_id(&raw)?;
    match service::cancel_series(&state, session.admin, id).await {
        Ok(record) => Ok(see_other(format!("/series/{}", record.id))),
        Err(e) => Err(page_error(e, &format!("/series/{id}"))),
    }
}
