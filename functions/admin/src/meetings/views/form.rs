//! `/meetings/new` and `/meetings/{id}/edit`: the meeting form.
//!
//! Ids: `#meeting-form`, fields `#title`, `#start`, `#time-zone`, `#duration`, `#join-url`,
//! `#zoom-meeting-id`, the invitee picker `#invitee-picker` (`#invitee-search`,
//! `#invitee-count`, `#invitee-select-shown`, `#invitee-clear`, options `.invitee-option` with
//! `data-nickname`, checkboxes `#invitee-{uuid}`), `#reminder-offsets`, `#quiet-from`,
//! `#quiet-until`, `#quiet-off`, `#mode-automatic`, `#mode-confirm-first`, `#template`,
//! `#template-count`, `#template-preview`, `#save-meeting`; errors `#error-{field}` (the
//! field's form name); `#conflict-banner` when the meeting changed meanwhile.

use std::collections::BTreeSet;

use domain::FriendUuid;
use domain::meeting::template::Variable;
use domain::meeting::{MeetingField, MeetingProblem, MessageTemplate};
use maud::{Markup, html};
use store::model::FriendRecord;
use web::Lang;
use web::layout::{banner, csrf_field};

use super::{Viewer, frame};
use crate::meetings::form::Submitted;
use crate::meetings::words::{bad_invitees_words, problem_words};

/// Zones offered first; any IANA name typed in the API works too.
const ZONES: &[&str] = &[
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
];

pub struct FormView<'a> {
    /// Where the form posts: `/meetings` or `/meetings/{id}`.
    pub action: String,
    pub editing: bool,
    pub submitted: &'a Submitted,
    pub problems: &'a [MeetingProblem],
    pub bad_invitees: bool,
    /// The admin's friends, gone ones included (shown only if already invited).
    pub friends: &'a [FriendRecord],
    pub opted_out: &'a BTreeSet<FriendUuid>,
    /// The meeting changed since the form was opened (a round went out): review and save again.
    pub conflict: bool,
}

fn field_error(lang: Lang, view: &FormView<'_>, field: MeetingField) -> Markup {
    let problems: Vec<&MeetingProblem> = view.problems.iter().filter(|p| p.field() == field).collect();
    let bad = field == MeetingField::Invitees && view.bad_invitees;
    html! {
        @if !problems.is_empty() || bad {
            div.field-error id={ "error-" (field.as_str()) } role="alert" {
                @for p in problems { p data-problem=(p.code()) { (problem_words(p, lang)) } }
                @if bad { p data-problem="unknown_invitee" { (bad_invitees_words(lang)) } }
            }
        }
    }
}

/// The message as the longest chosen name would get it, for the first paint (the script keeps
/// it current as the admin types).
fn preview(view: &FormView<'_>, chosen: &BTreeSet<&FriendUuid>) -> (String, usize) {
    let form = &view.submitted.form;
    let longest = view
        .friends
        .iter()
        .filter(|f| chosen.contains(&f.profile.uuid))
        .map(|f| f.profile.nickname.as_str())
        .max_by_key(|n| n.chars().count())
        .unwrap_or("홍길동");
    // A template that does not parse is shown as written.
    let text = form
        .preview(longest, "19:00")
        .unwrap_or_else(|| form.template.clone());
    let count = text.chars().count();
    (text, count)
}

pub fn page(viewer: &Viewer<'_>, view: &FormView<'_>) -> Markup {
    let lang = viewer.lang;
    let form = &view.submitted.form;
    let chosen: BTreeSet<&FriendUuid> = form.invitees.iter().collect();
    let title = if view.editing {
        lang.t("모임 고치기", "Edit meeting")
    } else {
        lang.t("새 모임", "New meeting")
    };
    let zone = if form.time_zone.trim().is_empty() {
        "Asia/Seoul"
    } else {
        form.time_zone.trim()
    };
    let (quiet_from, quiet_until, quiet_off) = match &form.quiet_hours {
        None => ("22:00".to_owned(), "08:00".to_owned(), false),
        Some((f, u)) if f.is_empty() && u.is_empty() => ("22:00".to_owned(), "08:00".to_owned(), true),
        Some((f, u)) => (f.clone(), u.clone(), false),
    };
    let offsets = form
        .reminder_offsets
        .clone()
        .unwrap_or_else(|| "5, 15".to_owned());
    let mode = if form.send_mode.is_empty() {
        "automatic"
    } else {
        form.send_mode.as_str()
    };
    let template = if form.template.trim().is_empty() {
        MessageTemplate::DEFAULT_KO
    } else {
        form.template.as_str()
    };
    let (preview_text, preview_count) = preview(view, &chosen);
    let mut friends: Vec<&FriendRecord> = view
        .friends
        .iter()
        .filter(|f| f.gone_at.is_none() || chosen.contains(&f.profile.uuid))
        .collect();
    friends.sort_by(|a, b| {
        b.profile
            .favorite
            .cmp(&a.profile.favorite)
            .then(a.profile.nickname.cmp(&b.profile.nickname))
    });
    let body = html! {
        div #meeting-form-page {
            h1 { (title) }
            @if view.conflict {
                (banner("warning", "conflict-banner", html! { p { (lang.t(
                    "그 사이에 모임이 바뀌었습니다 (알림이 나갔을 수 있습니다). 내용을 확인하고 다시 저장해 주세요.",
                    "The meeting changed meanwhile (a reminder may have gone out). Check the form and save again."
                )) } }))
            }
            @if !view.problems.is_empty() || view.bad_invitees {
                (banner("error", "form-problems", html! { p { (lang.t("고칠 곳이 있습니다. 아래 표시를 확인해 주세요.", "Some fields need fixing; see below.")) } }))
            }
            form #meeting-form method="post" action=(view.action) novalidate {
                (csrf_field(viewer.csrf))
                @if let Some(version) = view.submitted.version { input type="hidden" name="version" value=(version); }
                div.grid {
                    section.card {
                        h2 { (lang.t("언제, 어디서", "When and where")) }
                        div.field {
                            label for="title" { (lang.t("모임 이름", "Title")) }
                            input #title type="text" name="title" value=(form.title) maxlength="100" required;
                            (field_error(lang, view, MeetingField::Title))
                        }
                        div.field {
                            label for="start" { (lang.t("시작", "Starts")) }
                            input #start type="datetime-local" name="start" value=(form.start) required;
                            (field_error(lang, view, MeetingField::Start))
                        }
                        div.field {
                            label for="time-zone" { (lang.t("시간대", "Time zone")) }
                            select #time-zone name="time_zone" {
                                @if !ZONES.contains(&zone) { option value=(zone) selected { (zone) } }
                                @for z in ZONES { option value=(z) selected[*z == zone] { (z) } }
                            }
                            (field_error(lang, view, MeetingField::TimeZone))
                        }
                        div.field {
                            label for="duration" { (lang.t("길이 (분)", "Length (minutes)")) }
                            input #duration type="number" name="duration_minutes" min="1" max="1440"
                                value=(if form.duration_minutes.is_empty() { "60" } else { form.duration_minutes.as_str() });
                            (field_error(lang, view, MeetingField::Duration))
                        }
                        div.field {
                            label for="join-url" { (lang.t("참여 링크 (https)", "Join link (https)")) }
                            input #join-url type="url" name="join_url" value=(form.join_url) inputmode="url" placeholder="https://zoom.us/j/…" required;
                            (field_error(lang, view, MeetingField::JoinUrl))
                            // A host that is not a known meeting service is sent only once the
                            // admin has named it (the reminder's button then says where it goes).
                            @if let Some(host) = unknown_join_host(&form.join_url) {
                                label #confirm-join-host-label for="confirm-join-host" {
                                    input #confirm-join-host type="checkbox" name="confirm_join_host" value="1" checked[form.confirm_join_host];
                                    " "
                                    (lang.t("이 링크의 주소가 맞습니다: ", "This is my meeting's address: "))
                                    strong #confirm-join-host-name { (host) }
                                }
                            }
                        }
                        div.field {
                            label for="zoom-meeting-id" { (lang.t("Zoom 회의 ID (선택)", "Zoom meeting ID (optional)")) }
                            input #zoom-meeting-id type="text" name="zoom_meeting_id" value=(form.zoom_meeting_id) inputmode="numeric" placeholder="850 1234 5678";
                            div.field-help { span { (lang.t("넣으면 Zoom이 알려 주는 입장을 자동으로 기록합니다.", "With it, joins Zoom reports are recorded automatically.")) } }
                            (field_error(lang, view, MeetingField::ZoomMeetingId))
                        }
                    }
                    section.card #invitee-picker {
                        h2 { (lang.t("초대할 친구", "Invitees")) " " span.muted { "(" span #invitee-count { (chosen.len()) } " / 200)" } }
                        div.field {
                            label for="invitee-search" { (lang.t("이름으로 찾기", "Search by name")) }
                            input #invitee-search type="search" autocomplete="off" placeholder=(lang.t("이름", "Name"));
                        }
                        div.picker-actions {
                            button.btn.btn-secondary type="button" #invitee-select-shown { (lang.t("보이는 친구 모두 고르기", "Select all shown")) }
                            button.btn.btn-secondary type="button" #invitee-clear { (lang.t("모두 빼기", "Clear")) }
                        }
                        (field_error(lang, view, MeetingField::Invitees))
                        @if friends.is_empty() {
                            p.muted #no-friends { (lang.t("아직 친구가 없습니다. 대시보드에서 동기화하거나 초대 링크를 보내 주세요.", "No friends yet. Sync on the dashboard, or send your invite link.")) }
                        }
                        ul.invitee-list {
                            @for f in &friends {
                                @let uuid = f.profile.uuid.as_str();
                                li.invitee-option data-nickname=(f.profile.nickname) {
                                    label for={ "invitee-" (uuid) } {
                                        input type="checkbox" name="invitees" value=(uuid) id={ "invitee-" (uuid) }
                                            checked[chosen.contains(&f.profile.uuid)];
                                        " " span.nickname { (f.profile.nickname) }
                                        @if view.opted_out.contains(&f.profile.uuid) {
                                            " " span.badge.badge-warn data-opted-out="true" { (lang.t("알림 거부", "opted out")) }
                                        }
                                        @if f.gone_at.is_some() {
                                            " " span.badge.badge-bad { (lang.t("친구 목록에 없음", "no longer a friend")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                section.card {
                    h2 { (lang.t("알림", "Reminders")) }
                    div.field {
                        label for="reminder-offsets" { (lang.t("시작 후 몇 분에 보낼까요 (최대 5번)", "Minutes after the start (up to 5)")) }
                        input #reminder-offsets type="text" name="reminder_offsets" value=(offsets) placeholder="5, 15";
                        div.field-help { span { (lang.t("비워 두면 자동 알림을 보내지 않습니다. 모임이 끝난 뒤에는 보내지 않습니다.", "Leave empty for no automatic reminders. None go after the meeting ends.")) } }
                        (field_error(lang, view, MeetingField::Reminders))
                    }
                    div.field {
                        span.label { (lang.t("방해 금지 시간 (모임 시간대 기준)", "Quiet hours (in the meeting's time zone)")) }
                        div.quiet-row {
                            input #quiet-from type="time" name="quiet_from" value=(quiet_from) aria-label=(lang.t("시작", "from"));
                            " – "
                            input #quiet-until type="time" name="quiet_until" value=(quiet_until) aria-label=(lang.t("끝", "until"));
                            label for="quiet-off" { input #quiet-off type="checkbox" name="quiet_off" value="on" checked[quiet_off]; " " (lang.t("사용 안 함", "none")) }
                        }
                        (field_error(lang, view, MeetingField::QuietHours))
                    }
                    fieldset.field {
                        legend { (lang.t("보내는 방식", "How reminders go out")) }
                        label for="mode-automatic" {
                            input #mode-automatic type="radio" name="send_mode" value="automatic" checked[mode == "automatic"];
                            " " (lang.t("자동으로 보내기", "Automatically"))
                        }
                        label for="mode-confirm-first" {
                            input #mode-confirm-first type="radio" name="send_mode" value="confirm_first" checked[mode == "confirm_first"];
                            " " (lang.t("매번 제가 확인한 뒤 보내기 (카카오톡으로 확인 요청)", "Ask me first each round (a KakaoTalk message to me)"))
                        }
                        (field_error(lang, view, MeetingField::SendMode))
                    }
                }
                div.grid {
                    section.card {
                        h2 { (lang.t("메시지", "Message")) }
                        div.field {
                            label for="template" { (lang.t("알림 내용", "Reminder text")) }
                            textarea #template name="template" rows="5" data-max-chars="200" { (template) }
                            div.field-help {
                                span #template-counter.counter aria-live="polite" { span #template-count { (preview_count) } " / 200" }
                                span { (lang.t("가장 긴 이름과 가장 늦은 시각을 넣어 셉니다.", "Counted with the longest name and latest time filled in.")) }
                            }
                            p.small.muted.variables {
                                (lang.t("넣을 수 있는 항목: ", "You can use: "))
                                @for v in Variable::ALL {
                                    @let (ko, en) = v.names();
                                    code { "{" (ko) "}" } " / " code { "{" (en) "}" } " "
                                }
                            }
                            (field_error(lang, view, MeetingField::Template))
                        }
                    }
                    section.card {
                        h2 { (lang.t("미리 보기", "Preview")) }
                        div.kakao-preview {
                            div.bubble {
                                div.bubble-text #template-preview { (preview_text) }
                                // The buttons are sent in Korean, as the sweep writes them.
                                span.bubble-button #preview-join-button { (app::sweep::message::JOIN_BUTTON) }
                                span.bubble-button #preview-stop-button { (app::sweep::message::STOP_BUTTON) }
                            }
                        }
                    }
                }
                div.actions {
                    button.btn.btn-wide type="submit" #save-meeting { (if view.editing { lang.t("저장", "Save") } else { lang.t("모임 만들기", "Create meeting") }) }
                }
            }
        }
    };
    frame(viewer, title, body)
}

/// The join link's host when it is a usable link on a host that is not a known meeting service.
fn unknown_join_host(join_url: &str) -> Option<String> {
    domain::meeting::JoinLink::parse(join_url)
        .ok()
        .filter(|link| !link.is_known_meeting_host())
        .map(|link| link.host().to_owned())
}
