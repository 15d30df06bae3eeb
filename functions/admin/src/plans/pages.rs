//! The plans' pages: `/week` (the admin's week, with quick actions) and `/classes` (classes and
//! their members, each member's standing shown). The series' pages are in
//! [`super::series_pages`].
//!
//! Ids: `#week-page`, `.week-day` with `data-date`, `.week-entry` with `data-meeting` or
//! `data-original`, `.skip-occurrence`, `.unskip-occurrence`; `#classes-page`, `#new-class`,
//! `.class-card` with `data-class`.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use domain::SeriesId;
use maud::{Markup, html};
use serde::Deserialize;
use web::extract::{AdminSession, Here};
use web::layout::{banner, csrf_field};
use web::{Lang, WebError, WebState};

use super::service::{self, ClassSubmission, PlanError};
use super::week::{self, Day};
use super::words;
use crate::meetings::pages::{nickname, see_other};
use crate::meetings::views::{Viewer, frame, hhmm};

const KOREA: chrono_tz::Tz = chrono_tz::Asia::Seoul;

#[derive(Debug, Default, Deserialize)]
pub struct WeekQuery {
    from: Option<String>,
}

/// `GET /week`.
pub async fn week_page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
    Query(query): Query<WeekQuery>,
) -> Result<Response, WebError> {
    let Some(from) = week::start_of(query.from.as_deref(), state.now()) else {
        return Ok(see_other("/week".into()));
    };
    let days = week::load(&state, session.admin, from).await?;
    let name = nickname(&state, session.admin).await?;
    let viewer = Viewer::new(lang, &name, &session, &here);
    Ok(week_view(&viewer, from, &days, state.now()).into_response())
}

fn week_view(viewer: &Viewer<'_>, from: chrono::NaiveDate, days: &[Day], now: DateTime<Utc>) -> Markup {
    let lang = viewer.lang;
    let body = html! {
        div #week-page {
            div.meetings-head {
                h1 { (lang.t("이번 주", "This week")) " " span.muted { (from.format("%Y-%m-%d")) } }
                div {
                    a.btn.btn-quiet href={ "/week?from=" ((from - Duration::days(7)).format("%Y-%m-%d")) } { (lang.t("지난주", "Previous week")) }
                    " "
                    a.btn.btn-quiet href={ "/week?from=" ((from + Duration::days(7)).format("%Y-%m-%d")) } { (lang.t("다음 주", "Next week")) }
                    " "
                    a.btn #new-series href="/series/new" { (lang.t("반복 모임 만들기", "New series")) }
                }
            }
            @for day in days {
                section.card.week-day data-date=(day.date.format("%Y-%m-%d").to_string()) {
                    h2 { (words::weekday(chrono::Datelike::weekday(&day.date), lang)) " " span.muted { (day.date.format("%m-%d")) } }
                    @if day.entries.is_empty() {
                        p.muted.empty { (lang.t("모임 없음", "No meetings")) }
                    }
                    @for e in &day.entries {
                        div.week-entry data-meeting=[e.meeting.map(|m| m.to_string())] data-original=[e.series.map(|(_, o)| o.to_rfc3339())] {
                            strong { (hhmm(e.starts_at, KOREA)) " " }
                            @if e.skipped || e.cancelled { s { (e.title) } } @else { (e.title) }
                            " "
                            @if e.skipped { span.badge { (lang.t("건너뜀", "skipped")) } }
                            @else if e.cancelled { span.badge.badge-bad { (lang.t("취소됨", "cancelled")) } }
                            @else if e.meeting.is_some() {
                                span.small.muted {
                                    (lang.t("초대 ", "invited ")) (e.invited) " · "
                                    (lang.t("참석 ", "joined ")) (e.joined) " · "
                                    (lang.t("알림 보냄 ", "reminders sent ")) (e.sent)
                                    @if e.not_sent > 0 { " · " (lang.t("못 보냄 ", "not sent ")) (e.not_sent) }
                                }
                            }
                            div.actions {
                                @if let Some(meeting) = e.meeting && !e.cancelled && !e.skipped {
                                    a.btn.btn-quiet href={ "/meetings/" (meeting) } { (lang.t("출석 보기", "Live view")) }
                                }
                                @if let Some((series, original)) = e.series && e.starts_at > now && !e.cancelled {
                                    form method="post" action={ "/series/" (series) "/occurrences/" (original.to_rfc3339()) } {
                                        (csrf_field(viewer.csrf))
                                        input type="hidden" name="return_to" value={ "/week?from=" (from.format("%Y-%m-%d")) };
                                        @if e.skipped {
                                            button.btn.btn-quiet.unskip-occurrence type="submit" name="skip" value="false" { (lang.t("다시 열기", "Bring back")) }
                                        } @else {
                                            button.btn.btn-quiet.skip-occurrence type="submit" name="skip" value="true" { (lang.t("이번만 건너뛰기", "Skip this one")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    frame(viewer, lang.t("이번 주", "This week"), body)
}

/// `POST /series/{id}/occurrences/{original}`: skip or bring back one occurrence.
pub async fn set_occurrence(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    Path((raw, original)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let not_found = WebError::NotFound { what: None };
    let id = SeriesId::parse(&raw).map_err(|_| not_found)?;
    let original = DateTime::parse_from_rfc3339(&original)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| WebError::NotFound { what: None })?;
    let value = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let skip = value("skip") != Some("false");
    // Back to the week or the series page it was sent from, never elsewhere.
    let back = value("return_to")
        .filter(|r| r.starts_with("/week") || r.starts_with("/series/"))
        .unwrap_or("/week")
        .to_owned();
    match service::skip_occurrence(&state, session.admin, id, original, skip).await {
        Ok(_) => Ok(see_other(back)),
        Err(e) => Err(page_error(e, &back)),
    }
}

/// A plan's save that failed for a reason the page does not show on its form: 404 for a class
/// or series that is not this admin's, the start for a gone admin, else "try again" at `retry`.
pub(super) fn page_error(error: PlanError, retry: &str) -> WebError {
    match error {
        PlanError::NotFound => WebError::NotFound { what: None },
        PlanError::Store(e) if e.is_not_found() => WebError::AdminGone,
        e => WebError::unavailable(e).retry_at(retry),
    }
}

/// `GET /classes`.
pub async fn classes_page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Result<Response, WebError> {
    render_classes(&state, &session, lang, &here, StatusCode::OK, &[]).await
}

async fn render_classes(
    state: &WebState,
    session: &web::Session,
    lang: Lang,
    here: &str,
    status: StatusCode,
    problems: &[String],
) -> Result<Response, WebError> {
    let store = &state.services().store;
    let classes = service::classes(state, session.admin).await?;
    let friends = store.list_friends(session.admin, true).await?;
    let opted_out = store.list_opt_outs(session.admin).await?;
    let name = nickname(state, session.admin).await?;
    let viewer = Viewer::new(lang, &name, session, here);
    let standing = |uuid: &domain::FriendUuid| -> (String, Option<&'static str>) {
        match friends.iter().find(|f| f.profile.uuid == *uuid) {
            None => (
                uuid.to_string(),
                Some(lang.t("친구 목록에 없음", "not a friend any more")),
            ),
            Some(f) if f.gone_at.is_some() => (
                f.profile.nickname.clone(),
                Some(lang.t(
                    "친구 목록에서 사라짐: 알림을 보내지 않습니다",
                    "gone from your friends: never messaged",
                )),
            ),
            Some(f) if opted_out.iter().any(|o| o.friend == *uuid) => (
                f.profile.nickname.clone(),
                Some(lang.t("알림 그만 받기를 골랐습니다", "asked for no more reminders")),
            ),
            Some(f) => (f.profile.nickname.clone(), None),
        }
    };
    let current: Vec<_> = friends.iter().filter(|f| f.gone_at.is_none()).collect();
    let picker = |checked: &dyn Fn(&domain::FriendUuid) -> bool| {
        html! {
            div.picker {
                @for f in &current {
                    label.pick { input type="checkbox" name="members" value=(f.profile.uuid.as_str()) checked[checked(&f.profile.uuid)]; " " (f.profile.nickname) }
                }
            }
        }
    };
    let body = html! {
        div #classes-page {
            h1 { (lang.t("반", "Classes")) }
            @if !problems.is_empty() {
                (banner("error", "class-problems", html! { ul { @for p in problems { li { (p) } } } }))
            }
            @for class in classes.iter().filter(|c| !c.draft.archived) {
                section.card.class-card data-class=(class.id.to_string()) {
                    h2 { (class.draft.name) " " span.muted { "(" (class.draft.members.len()) ")" } }
                    ul {
                        @for member in &class.draft.members {
                            @let (label, note) = standing(member);
                            li { (label) @if let Some(note) = note { " " span.badge.badge-warn { (note) } } }
                        }
                    }
                    details {
                        summary { (lang.t("이름과 구성원 고치기", "Rename or change members")) }
                        form method="post" action={ "/classes/" (class.id) } {
                            (csrf_field(viewer.csrf))
                            input type="hidden" name="version" value=(class.version.get());
                            label { (lang.t("이름", "Name")) " " input type="text" name="name" value=(class.draft.name) required maxlength="40"; }
                            (picker(&|u| class.draft.members.contains(u)))
                            label { input type="checkbox" name="archived" value="1"; " " (lang.t("보관하기 (더는 고를 수 없습니다)", "Archive (no longer offered)")) }
                            button.btn type="submit" { (lang.t("저장", "Save")) }
                        }
                    }
                }
            }
            section.card #new-class {
                h2 { (lang.t("새 반", "New class")) }
                form method="post" action="/classes" {
                    (csrf_field(viewer.csrf))
                    label { (lang.t("이름", "Name")) " " input type="text" name="name" required maxlength="40" placeholder="2학년 수학반"; }
                    (picker(&|_| false))
                    button.btn type="submit" { (lang.t("반 만들기", "Create class")) }
                }
            }
        }
    };
    Ok((status, frame(&viewer, lang.t("반", "Classes"), body)).into_response())
}

fn class_submission(pairs: &[(String, String)]) -> ClassSubmission {
    let mut out = ClassSubmission::default();
    for (name, value) in pairs {
        match name.as_str() {
            "name" => out.name = value.clone(),
            "members" => out.members.push(value.clone()),
            "archived" => out.archived = !value.is_empty(),
            "version" => out.version = value.trim().parse().ok(),
            _ => {}
        }
    }
    out
}

/// `POST /classes` and `POST /classes/{id}`.
pub async fn save_class(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    id: Option<Path<String>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = match id {
        Some(Path(raw)) => Some(domain::ClassId::parse(&raw).map_err(|_| WebError::NotFound { what: None })?),
        None => None,
    };
    let submitted = class_submission(&pairs);
    match service::save_class(&state, session.admin, id, &submitted).await {
        Ok(_) => Ok(see_other("/classes".into())),
        Err(PlanError::InvalidClass(problems)) => {
            let words: Vec<String> = problems.iter().map(|p| words::class_problem(p, lang)).collect();
            render_classes(
                &state,
                &session,
                lang,
                "/classes",
                StatusCode::BAD_REQUEST,
                &words,
            )
            .await
        }
        Err(PlanError::Conflict(_) | PlanError::VersionMissing) => {
            let words = [lang
                .t(
                    "그 사이에 반이 바뀌었습니다. 다시 고쳐 주세요.",
                    "The class changed meanwhile. Redo the edit.",
                )
                .to_owned()];
            render_classes(&state, &session, lang, "/classes", StatusCode::CONFLICT, &words).await
        }
        Err(e) => Err(page_error(e, "/classes")),
    }
}
