//! `/send`: pick a friend, write or pick the text, preview it as KakaoTalk shows it, send.
//!
//! Ids: `#send-page`, `#friend-picker` (`#friend-select`, `#friend-picker-button`,
//! `#friend-search`, `#friend-options` with `#friend-option-{uuid}` items), `#message-text`,
//! `#char-count`, `#preview-text`, `#link`, `#send-button`, `#error-{field}`, `#sent-banner`,
//! `#problem-dialog` (`data-problem`, with `#invite-link` and `#copy-invite-link` when the invite
//! link is the fix), `#delivery-log` (rows `.log-entry` with `data-friend` and `data-state`),
//! `#sync-now`, `#last-sync`.

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use store::model::SyncReport;
use web::layout::{self, AdminBar, Chrome, Nav, banner, csrf_field};
use web::{CsrfToken, Lang};

use super::compose::{BUTTON_TITLE, FieldProblem, PRESETS, ReminderInput};
use super::problem::SendProblem;
use crate::desk::{FriendView, LogEntry};
use crate::views::{avatar, delivery_badge, last_sync, when};

/// A reminder that could not go, for the dialog.
#[derive(Debug, Clone)]
pub struct Dialog {
    pub problem: SendProblem,
    pub friend_name: String,
    pub invite_link: String,
}

/// Everything the page shows.
pub struct SendPage<'a> {
    pub admin_name: &'a str,
    pub friends: &'a [FriendView],
    pub last_sync: Option<&'a SyncReport>,
    pub input: &'a ReminderInput,
    pub field_problems: &'a [FieldProblem],
    pub dialog: Option<Dialog>,
    /// Set after a successful send: the friend's nickname.
    pub sent_to: Option<String>,
    pub syncing: bool,
    pub log: &'a [LogEntry],
    pub recent_links: &'a [String],
}

pub fn page(lang: Lang, here: &str, csrf: &CsrfToken, view: &SendPage<'_>, now: DateTime<Utc>) -> Markup {
    let chrome = Chrome {
        lang,
        title: lang.t("알림 보내기", "Send a reminder"),
        here,
        admin: Some(AdminBar {
            nickname: view.admin_name,
            csrf,
            current: Nav::Send,
        }),
    };
    let problem_for = |field: &str| view.field_problems.iter().find(|p| p.field() == field);
    layout::page(
        &chrome,
        html! {
            div #send-page {
                h1 { (lang.t("알림 한 통 보내기", "Send one reminder")) }
                @if let Some(name) = &view.sent_to {
                    (banner("success", "sent-banner", html! { p {
                        @match lang {
                            Lang::Ko => { strong { (name) } "님에게 카카오톡 알림을 보냈습니다. 아래 발송 기록에 남았습니다." }
                            Lang::En => { "Your KakaoTalk reminder to " strong { (name) } " was sent. It is in the delivery log below." }
                        }
                    } }))
                }
                @if view.syncing {
                    (banner("info", "syncing-banner", html! { p { (lang.t(
                        "친구 목록을 동기화하고 있습니다. 잠시 후 새로 고쳐 주세요.",
                        "Your friends are being synced. Reload in a moment."
                    )) } }))
                }
                div.grid {
                    section.card {
                        h2 { (lang.t("받을 친구와 내용", "Who and what")) }
                        form #send-form method="post" action="/send" novalidate {
                            (csrf_field(csrf))
                            (picker(lang, view.friends, &view.input.friend, problem_for("friend").copied()))
                            div.field {
                                label for="message-text" { (lang.t("메시지", "Message")) }
                                div.presets {
                                    @for (i, preset) in PRESETS.iter().enumerate() {
                                        button type="button" data-preset=(preset) id={ "preset-" (i) } { (preset_label(preset)) }
                                    }
                                }
                                textarea #message-text name="text" data-max-chars="200" rows="4"
                                    placeholder=(lang.t("보낼 내용을 쓰거나 위에서 고르세요", "Write the message, or pick one above"))
                                    aria-describedby="char-counter" { (view.input.text) }
                                div.field-help {
                                    span #char-counter.counter aria-live="polite" { span #char-count { (view.input.text.chars().count()) } " / 200" }
                                    span { (lang.t("카카오톡 메시지는 200자까지입니다.", "KakaoTalk allows 200 characters.")) }
                                }
                                (field_error(lang, problem_for("text").copied()))
                            }
                            div.field {
                                label for="link" { (lang.t("버튼 링크 (모임 참여 주소)", "Button link (where to join)")) }
                                input #link type="url" name="link" value=(view.input.link) inputmode="url"
                                    placeholder="https://zoom.us/j/…" list="recent-links" autocomplete="off";
                                datalist #recent-links { @for link in view.recent_links { option value=(link) {} } }
                                (field_error(lang, problem_for("link").copied()))
                            }
                            button.btn.btn-wide type="submit" #send-button { (lang.t("보내기", "Send")) }
                        }
                    }
                    section.card {
                        h2 { (lang.t("카카오톡 미리 보기", "Preview in KakaoTalk")) }
                        div.kakao-preview #preview {
                            div.from {
                                span.avatar aria-hidden="true" { (view.admin_name.chars().next().map(String::from).unwrap_or_default()) }
                                div {
                                    div.sender { (view.admin_name) }
                                    div.bubble {
                                        div.bubble-text #preview-text data-placeholder=(lang.t("여기에 메시지가 보입니다", "Your message shows here")) {
                                            @if view.input.text.trim().is_empty() {
                                                (lang.t("여기에 메시지가 보입니다", "Your message shows here"))
                                            } @else { (view.input.text) }
                                        }
                                        span.bubble-button #preview-button { (BUTTON_TITLE) }
                                    }
                                }
                                span.time { (lang.t("지금", "now")) }
                            }
                        }
                        p.small.muted { (lang.t(
                            "친구에게는 회원님 이름으로 보이며, 버튼을 누르면 위 링크가 열립니다.",
                            "Your friend sees it from you; the button opens the link above."
                        )) }
                    }
                }
                section.card #friends-card {
                    h2 { (lang.t("친구 목록", "Friends")) }
                    p { (last_sync(view.last_sync, now, lang)) " · " span #friend-total { (view.friends.len()) } (lang.t("명", " friends")) }
                    form.inline-form method="post" action="/sync" {
                        (csrf_field(csrf))
                        input type="hidden" name="back" value="/send";
                        button.btn.btn-secondary type="submit" #sync-now { (lang.t("지금 동기화", "Sync now")) }
                    }
                    p.small.muted { (lang.t(
                        "카카오는 똑똑에 동의한 친구만 보여 줍니다. 안 보이는 친구에게는 초대 링크를 보내 주세요.",
                        "Kakao lists only friends who agreed to ttokttok. Send your invite link to anyone missing."
                    )) " " a href="/invite" { (lang.t("초대 링크", "Invite link")) } }
                }
                (log_table(lang, view.log, now))
                @if let Some(dialog) = &view.dialog { (problem_dialog(lang, csrf, dialog, now)) }
            }
        },
    )
}

fn preset_label(preset: &str) -> String {
    let short: String = preset.chars().take(14).collect();
    if preset.chars().count() > 14 {
        format!("{short}…")
    } else {
        short
    }
}

fn field_error(lang: Lang, problem: Option<FieldProblem>) -> Markup {
    html! {
        @if let Some(problem) = problem {
            p.small #{ "error-" (problem.field()) } role="alert" { span.badge.badge-bad { "!" } " " (problem.message(lang)) }
        }
    }
}

/// The friend picker: a plain `<select>` (works without script), which the script turns into a
/// searchable list with thumbnails.
fn picker(lang: Lang, friends: &[FriendView], selected: &str, problem: Option<FieldProblem>) -> Markup {
    html! {
        div.field.picker #friend-picker {
            label for="friend-select" { (lang.t("친구", "Friend")) }
            select #friend-select name="friend" required {
                option value="" { (lang.t("친구를 고르세요", "Choose a friend")) }
                @for friend in friends {
                    option value=(friend.uuid.as_str()) selected[friend.uuid.as_str() == selected] { (friend.nickname) }
                }
            }
            div.picker-ui hidden {
                button.btn.picker-button #friend-picker-button type="button" aria-haspopup="listbox" aria-expanded="false" {
                    span #friend-picker-avatar {}
                    span #friend-picker-label { (lang.t("친구를 고르세요", "Choose a friend")) }
                    span.chevron aria-hidden="true" { "▾" }
                }
                div.picker-panel #friend-picker-panel hidden {
                    input #friend-search type="search" autocomplete="off" role="combobox" aria-controls="friend-options"
                        aria-label=(lang.t("닉네임으로 찾기", "Search by nickname"))
                        placeholder=(lang.t("닉네임으로 찾기", "Search by nickname"));
                    ul.picker-options #friend-options role="listbox" {
                        @for friend in friends {
                            li role="option" tabindex="-1" aria-selected="false" id={ "friend-option-" (friend.uuid.as_str()) }
                                data-uuid=(friend.uuid.as_str()) data-name=(friend.nickname) {
                                (avatar(friend, false))
                                span.name { (friend.nickname) }
                                @if friend.favorite { span.badge title=(lang.t("즐겨찾기", "favourite")) { "★" } }
                            }
                        }
                    }
                    p.small.muted #friend-options-empty hidden { (lang.t("맞는 친구가 없습니다", "No friend matches")) }
                }
            }
            @if friends.is_empty() {
                p.small.muted #no-friends { (lang.t(
                    "아직 친구가 없습니다. 동기화하거나 초대 링크를 보내 주세요.",
                    "No friends yet. Sync, or share your invite link."
                )) }
            }
            (field_error(lang, problem))
        }
    }
}

fn log_table(lang: Lang, log: &[LogEntry], now: DateTime<Utc>) -> Markup {
    html! {
        section.card #delivery-log {
            h2 { (lang.t("발송 기록", "Delivery log")) }
            @if log.is_empty() {
                p.muted #delivery-log-empty { (lang.t("아직 보낸 알림이 없습니다.", "No reminders sent yet.")) }
            } @else {
                div.table-wrap { table {
                    thead { tr {
                        th { (lang.t("때", "When")) } th { (lang.t("친구", "Friend")) }
                        th { (lang.t("상태", "State")) } th { (lang.t("내용", "Message")) }
                    } }
                    tbody {
                        @for entry in log {
                            tr.log-entry data-friend=(entry.friend.as_str()) data-state=(entry.state.kind().as_str()) {
                                td { (when(entry.at, now, lang)) }
                                td { (entry.friend_name.as_deref().unwrap_or(entry.friend.as_str())) }
                                td { (delivery_badge(&entry.state, lang)) }
                                td.small { (entry.text.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

fn problem_dialog(lang: Lang, csrf: &CsrfToken, dialog: &Dialog, now: DateTime<Utc>) -> Markup {
    let (title, message) = dialog.problem.words(lang, &dialog.friend_name, now);
    html! {
        dialog #problem-dialog data-open="true" data-problem=(dialog.problem.id()) open aria-labelledby="problem-title" {
            div.dialog-body {
                h2 #problem-title { (title) }
                p #problem-message { (message) }
                @if dialog.problem.offers_invite_link() {
                    label for="invite-link" { (lang.t("초대 링크", "Invite link")) }
                    div.copy-row {
                        input #invite-link type="text" readonly value=(dialog.invite_link);
                        button.btn.btn-secondary type="button" #copy-invite-link data-copy-target="#invite-link"
                            data-copied-label=(lang.t("복사됨", "Copied")) { (lang.t("복사", "Copy")) }
                    }
                    p.small.muted { (lang.t(
                        "이 링크를 카카오톡으로 보내면, 친구가 한 번 동의한 뒤부터 알림을 받을 수 있습니다.",
                        "Send this link over KakaoTalk; once your friend agrees, they can get reminders."
                    )) }
                }
                div.actions {
                    @match &dialog.problem {
                        SendProblem::AdminNeedsConsent { missing } => {
                            a.btn.btn-kakao #dialog-consent href={ "/consent?scopes=" (missing.join(",")) } { (lang.t("카카오에서 동의하기", "Agree on Kakao")) }
                        }
                        SendProblem::AdminNeedsLogin => {
                            a.btn.btn-kakao #dialog-login href="/login?next=%2Fsend" { (lang.t("다시 로그인", "Log in again")) }
                        }
                        SendProblem::NotFriends => {
                            form.inline-form method="post" action="/sync" {
                                (csrf_field(csrf))
                                input type="hidden" name="back" value="/send";
                                button.btn.btn-secondary type="submit" #dialog-sync { (lang.t("친구 목록 새로 고치기", "Sync friends")) }
                            }
                        }
                        SendProblem::OutcomeUnknown => {
                            a.btn.btn-secondary href="#delivery-log" data-close-dialog { (lang.t("발송 기록 보기", "See the delivery log")) }
                        }
                        _ => {}
                    }
                    button.btn #choose-another type="button" data-close-dialog {
                        @if matches!(dialog.problem, SendProblem::NotAgreed | SendProblem::Disconnected | SendProblem::RefusesMessages | SendProblem::NotFriends) {
                            (lang.t("다른 친구 고르기", "Choose another friend"))
                        } @else {
                            (lang.t("닫기", "Close"))
                        }
                    }
                }
            }
        }
    }
}
