//! `/calendar/import`: choose or paste an `.ics` file, see each event as ttokttok would keep it
//! (its rule in words, or why it cannot be kept), map its attendees to friends or classes, and
//! create the chosen ones. Each is saved through the same checks as the forms; the ones that
//! fail stay on the page, ticked, with their problems, and the created ones are unticked so a
//! second submit does not make them twice.
//!
//! Ids: `#import-page`, `#import-form`, `#ics-file`, `#ics`, `#import-refused`;
//! `#import-preview`, `.import-event` with `data-index` and `data-kind`
//! (`series`, `meeting`, `unsupported`), `.import-unsupported`, `.import-result` with
//! `data-outcome` (`created`, `refused`), `#import-create`.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::FriendUuid;
use maud::{Markup, html};
use store::model::{ClassRecord, FriendRecord};
use web::extract::{AdminSession, Here};
use web::layout::{banner, csrf_field};
use web::{Lang, WebError, WebState};

use super::{Chosen, Imported, Preview, Refusal, Submission};
use crate::meetings::pages::nickname;
use crate::meetings::service::{self as meetings, SaveError};
use crate::meetings::views::{Viewer, frame};
use crate::meetings::words::{bad_invitees_words, problem_words};
use crate::plans::pages::page_error;
use crate::plans::service::{self, PlanError};
use crate::plans::words;
use app::plans::{Resolver, roll_admin};

const HERE: &str = "/calendar/import";

/// What became of one chosen event.
enum Outcome {
    Created { href: String },
    Refused(Vec<String>),
}

/// `GET /calendar/import`.
pub async fn page(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Here(here): Here,
) -> Result<Response, WebError> {
    let name = nickname(&state, session.admin).await?;
    let viewer = Viewer::new(lang, &name, &session, &here);
    Ok(frame(
        &viewer,
        lang.t(".ics 가져오기", "Import an .ics"),
        upload(&viewer, "", None),
    )
    .into_response())
}

fn upload(viewer: &Viewer<'_>, text: &str, refused: Option<Refusal>) -> Markup {
    let lang = viewer.lang;
    html! {
        div #import-page {
            h1 { (lang.t(".ics 가져오기", "Import an .ics")) }
            p { (lang.t(
                "Google 캘린더나 Zoom 에서 내보낸 .ics 파일의 일정을 반복 모임이나 모임으로 만듭니다. 먼저 미리 보고 고릅니다.",
                "Turns the events of an .ics file exported from Google Calendar or Zoom into series or meetings. You see a preview and choose first."
            )) }
            @if let Some(refusal) = refused {
                (banner("error", "import-refused", html! { p { (refusal.words(lang)) } }))
            }
            form.card #import-form method="post" action=(HERE) {
                (csrf_field(viewer.csrf))
                input type="hidden" name="step" value="preview";
                label for="ics-file" { (lang.t("파일 고르기", "Choose a file")) }
                input #ics-file type="file" accept=".ics,text/calendar" data-fills="#ics";
                label for="ics" { (lang.t("또는 내용을 붙여 넣기", "or paste its text")) }
                textarea #ics name="ics" rows="8" required placeholder="BEGIN:VCALENDAR" { (text) }
                button.btn type="submit" { (lang.t("미리 보기", "Preview")) }
            }
        }
    }
}

/// `POST /calendar/import`: `step=preview` shows the file's events; `step=create` creates the
/// ticked ones (`pick`), each inviting its `e{n}.invitees` and `e{n}.classes`.
pub async fn submit(
    State(state): State<WebState>,
    AdminSession(session): AdminSession,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let value = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let text = value("ics").unwrap_or_default();
    let store = &state.services().store;
    let friends = store.list_friends(session.admin, false).await?;
    let name = nickname(&state, session.admin).await?;
    let viewer = Viewer::new(lang, &name, &session, HERE);
    let title = lang.t(".ics 가져오기", "Import an .ics");
    let previews = match super::read(text.as_bytes(), &friends, lang) {
        Ok(previews) => previews,
        Err(refusal) => {
            let body = upload(&viewer, text, Some(refusal));
            return Ok((StatusCode::BAD_REQUEST, frame(&viewer, title, body)).into_response());
        }
    };
    let classes = service::classes(&state, session.admin).await?;
    let choice = Choice::of(&pairs, previews.len());
    let outcomes = if value("step") == Some("create") {
        create(&state, &session, lang, &previews, &choice).await?
    } else {
        BTreeMap::new()
    };
    let view = PreviewView {
        text,
        previews: &previews,
        friends: &friends,
        classes: &classes,
        choice: &choice,
        outcomes: &outcomes,
    };
    Ok(frame(&viewer, title, preview_markup(&viewer, &view)).into_response())
}

/// What the admin ticked: which events, and for each its invitees, classes and join link.
struct Choice {
    /// `None` before the admin has chosen (the preview's first showing).
    picked: Option<Vec<usize>>,
    events: BTreeMap<usize, Chosen>,
    accept_quota: bool,
}

impl Choice {
    fn of(pairs: &[(String, String)], events: usize) -> Self {
        let chosen = pairs.iter().any(|(n, v)| n == "step" && v == "create");
        let mut out = Choice {
            picked: chosen.then(Vec::new),
            events: BTreeMap::new(),
            accept_quota: false,
        };
        let index = |raw: &str| raw.parse::<usize>().ok().filter(|i| *i < events);
        for (name, value) in pairs {
            if name == "pick" {
                if let (Some(picked), Some(i)) = (out.picked.as_mut(), index(value)) {
                    picked.push(i);
                }
                continue;
            }
            if name == "accept_quota" {
                out.accept_quota = !value.is_empty();
                continue;
            }
            let Some((i, field)) = name
                .strip_prefix('e')
                .and_then(|rest| rest.split_once('.'))
                .and_then(|(i, field)| Some((index(i)?, field)))
            else {
                continue;
            };
            let event = out.events.entry(i).or_default();
            match field {
                // Ids that do not read are refused by the usual checks.
                "invitees" => match FriendUuid::parse(value.trim()) {
                    Ok(uuid) if !event.invitees.contains(&uuid) => event.invitees.push(uuid),
                    Ok(_) => {}
                    Err(_) => event.bad_invitees.push(value.clone()),
                },
                "classes" => event.classes.push(value.clone()),
                "join_url" => event.join_url = Some(value.clone()),
                _ => {}
            }
        }
        out
    }

    fn is_picked(&self, i: usize, preview: &Preview) -> bool {
        match &self.picked {
            Some(picked) => picked.contains(&i),
            None => !matches!(preview.imported, Imported::Unsupported { .. }),
        }
    }

    /// The admin's choice for event `i`; before the first submit, the file's: its attendees
    /// who are friends.
    fn chosen(&self, i: usize, preview: &Preview) -> Chosen {
        match &self.picked {
            Some(_) => self.events.get(&i).cloned().unwrap_or_default(),
            None => Chosen {
                invitees: preview
                    .attendees
                    .iter()
                    .filter_map(|a| a.friend.clone())
                    .collect(),
                ..Chosen::default()
            },
        }
    }
}

/// Creates the ticked events. Classes and friends are read once for all the series, and the
/// window is rolled once at the end, not once per event.
async fn create(
    state: &WebState,
    session: &web::Session,
    lang: Lang,
    previews: &[Preview],
    choice: &Choice,
) -> Result<BTreeMap<usize, Outcome>, WebError> {
    let store = &state.services().store;
    let mut resolver = None;
    let mut outcomes = BTreeMap::new();
    for i in choice.picked.iter().flatten().copied() {
        let Some(preview) = previews.get(i) else { continue };
        let outcome = match preview.submission(choice.chosen(i, preview), choice.accept_quota) {
            None => continue,
            Some(Submission::Series(submission)) => {
                let resolver = match &mut resolver {
                    Some(resolver) => resolver,
                    None => resolver.insert(Resolver::load(&**store, session.admin).await?),
                };
                match service::add_series(state, session.admin, &submission, resolver).await {
                    Ok((record, _)) => Outcome::Created {
                        href: format!("/series/{}", record.id),
                    },
                    Err(PlanError::InvalidSeries(problems)) => {
                        Outcome::Refused(words::series_problem_lines(&problems, lang))
                    }
                    Err(PlanError::QuotaWarning(foresight)) => {
                        Outcome::Refused(vec![words::quota_warning(&foresight, lang)])
                    }
                    Err(e) => return Err(page_error(e, HERE)),
                }
            }
            Some(Submission::Meeting(submitted)) => {
                match meetings::create(state, session.admin, &submitted).await {
                    Ok(meeting) => Outcome::Created {
                        href: format!("/meetings/{}", meeting.id),
                    },
                    Err(SaveError::Invalid {
                        problems,
                        bad_invitees,
                    }) => {
                        let mut list: Vec<String> = problems.iter().map(|p| problem_words(p, lang)).collect();
                        if !bad_invitees.is_empty() {
                            list.push(bad_invitees_words(lang).to_owned());
                        }
                        Outcome::Refused(list)
                    }
                    Err(SaveError::Store(e)) if e.is_not_found() => return Err(WebError::AdminGone),
                    Err(e) => return Err(WebError::unavailable(e).retry_at(HERE)),
                }
            }
        };
        if let Outcome::Created { href } = &outcome {
            tracing::info!(admin = %session.admin, event = i, created = %href, "imported");
        }
        outcomes.insert(i, outcome);
    }
    // The series are saved either way; opening the week or the daily run rolls a window
    // this could not.
    if resolver.is_some()
        && let Err(error) = roll_admin(&**store, session.admin, state.now()).await
    {
        tracing::warn!(admin = %session.admin, %error, "window not rolled after an import");
    }
    Ok(outcomes)
}

struct PreviewView<'a> {
    text: &'a str,
    previews: &'a [Preview],
    friends: &'a [FriendRecord],
    classes: &'a [ClassRecord],
    choice: &'a Choice,
    outcomes: &'a BTreeMap<usize, Outcome>,
}

fn preview_markup(viewer: &Viewer<'_>, view: &PreviewView<'_>) -> Markup {
    let lang = viewer.lang;
    let current: Vec<&FriendRecord> = view.friends.iter().filter(|f| f.gone_at.is_none()).collect();
    let nickname_of = |uuid: &FriendUuid| {
        view.friends
            .iter()
            .find(|f| f.profile.uuid == *uuid)
            .map(|f| f.profile.nickname.clone())
            .unwrap_or_else(|| uuid.to_string())
    };
    let created = view
        .outcomes
        .values()
        .filter(|o| matches!(o, Outcome::Created { .. }))
        .count();
    html! {
        div #import-page {
            h1 { (lang.t(".ics 가져오기", "Import an .ics")) }
            @if !view.outcomes.is_empty() {
                (banner(if created == view.outcomes.len() { "success" } else { "warning" }, "import-summary", html! {
                    p { (created) " / " (view.outcomes.len()) " " (lang.t("개를 만들었습니다.", "created.")) }
                }))
            }
            @if view.previews.is_empty() {
                p.muted.empty { (lang.t("파일에 일정이 없습니다.", "The file has no events.")) }
            }
            form #import-preview method="post" action=(HERE) {
                (csrf_field(viewer.csrf))
                input type="hidden" name="step" value="create";
                input type="hidden" name="ics" value=(view.text);
                @for (i, p) in view.previews.iter().enumerate() {
                    @let outcome = view.outcomes.get(&i);
                    @let done = matches!(outcome, Some(Outcome::Created { .. }));
                    @let kind = match &p.imported { Imported::Series { .. } => "series", Imported::Meeting(_) => "meeting", Imported::Unsupported { .. } => "unsupported" };
                    section.card.import-event data-index=(i) data-kind=(kind) {
                        h2 { (if p.title.is_empty() { lang.t("(제목 없음)", "(no title)") } else { p.title.as_str() }) }
                        @match &p.imported {
                            Imported::Series { meeting, rule, skip } => {
                                p {
                                    (meeting.start.replace('T', " ")) " " span.muted { (meeting.time_zone) } " · "
                                    (words::repeat_words(rule, lang))
                                    @if !skip.is_empty() { " · " (lang.t("건너뛰는 날 ", "skipped dates: ")) (skip.len()) }
                                }
                            }
                            Imported::Meeting(meeting) => {
                                p { (meeting.start.replace('T', " ")) " " span.muted { (meeting.time_zone) } " · " (lang.t("한 번", "once")) }
                            }
                            Imported::Unsupported { why, rrule } => {
                                p.import-unsupported {
                                    span.badge.badge-bad { (lang.t("가져올 수 없음", "cannot be imported")) } " " (why)
                                    @if let Some(rule) = rrule { br; code { (rule) } }
                                }
                            }
                        }
                        @if let Some(note) = &p.note { p.small.muted { (note) } }
                        @match outcome {
                            Some(Outcome::Created { href }) => {
                                p.import-result data-outcome="created" { span.badge { (lang.t("만들었습니다", "created")) } " " a href=(href) { (lang.t("열기", "Open")) } }
                            }
                            Some(Outcome::Refused(problems)) => {
                                div.import-result.field-error data-outcome="refused" role="alert" { ul { @for problem in problems { li { (problem) } } } }
                            }
                            None => {}
                        }
                        @if !matches!(p.imported, Imported::Unsupported { .. }) && !done {
                            @let chosen = view.choice.chosen(i, p);
                            @let picked_friends = &chosen.invitees;
                            @let picked_classes = &chosen.classes;
                            @let join = chosen.join_url.clone().unwrap_or_else(|| p.join_url().to_owned());
                            label { input type="checkbox" name="pick" value=(i) checked[view.choice.is_picked(i, p) && !done]; " " (lang.t("이 일정 가져오기", "Import this event")) }
                            label { (lang.t("참가 링크", "Join link")) " " input type="url" name={ "e" (i) ".join_url" } value=(join); }
                            @if !p.attendees.is_empty() {
                                ul.small {
                                    @for a in &p.attendees {
                                        li {
                                            (a.name.clone().unwrap_or_else(|| a.email.clone()))
                                            @match &a.friend {
                                                Some(uuid) => { " → " (nickname_of(uuid)) }
                                                None => { " " span.muted { (lang.t("(같은 이름의 친구 없음)", "(no friend of that name)")) } }
                                            }
                                        }
                                    }
                                }
                            }
                            details {
                                summary { (lang.t("초대할 반과 친구", "Classes and friends to invite")) " (" (picked_friends.len() + picked_classes.len()) ")" }
                                @for class in view.classes.iter().filter(|c| !c.draft.archived) {
                                    @let id = class.id.to_string();
                                    label.pick { input type="checkbox" name={ "e" (i) ".classes" } value=(id) checked[picked_classes.contains(&id)]; " " (class.draft.name) }
                                }
                                div.picker {
                                    @for f in &current {
                                        label.pick { input type="checkbox" name={ "e" (i) ".invitees" } value=(f.profile.uuid.as_str()) checked[picked_friends.contains(&f.profile.uuid)]; " " (f.profile.nickname) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if view.previews.iter().any(|p| !matches!(p.imported, Imported::Unsupported { .. })) {
                    label { input type="checkbox" name="accept_quota" value="1" checked[view.choice.accept_quota]; " " (lang.t(
                        "하루 한도를 넘길 수 있는 반복 모임도 저장합니다",
                        "Save series even if a busy day may pass a daily limit"
                    )) }
                    button.btn #import-create type="submit" { (lang.t("고른 일정 만들기", "Create the chosen events")) }
                }
            }
            p { a href=(HERE) { (lang.t("다른 파일 가져오기", "Import another file")) } }
        }
    }
}
