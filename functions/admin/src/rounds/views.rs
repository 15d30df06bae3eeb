//! The confirm-first pages: the prepared batch with its one button, and what the approval did.

use app::sweep::{Approval, NotSent, PreparedBatch};
use domain::FriendUuid;
use domain::delivery::KakaoErrorCode;
use maud::{Markup, html};
use web::Lang;
use web::layout::{banner, csrf_field};

use crate::deliveries::words;
use crate::meetings::views::{Viewer, frame};

fn heading(lang: Lang, batch: &PreparedBatch) -> String {
    match lang {
        Lang::Ko => format!("'{}' {}차 알림 보내기", batch.meeting.draft.title, batch.round),
        Lang::En => format!("Send round {} of '{}'", batch.round, batch.meeting.draft.title),
    }
}

/// `GET /meetings/{id}/rounds/{n}/send`.
pub fn prepared(viewer: &Viewer<'_>, batch: &PreparedBatch) -> Markup {
    let lang = viewer.lang;
    let heading = heading(lang, batch);
    let going = batch
        .recipients
        .iter()
        .filter(|r| !r.joined && !r.opted_out)
        .count();
    frame(
        viewer,
        &heading,
        html! {
            h1 { (heading) }
            @if batch.expired {
                (banner("warning", "round-expired", html! {
                    (lang.t(
                        "모임이 끝나 이 알림은 보낼 수 없습니다. 승인하지 않은 알림은 보내지 않은 것으로 기록됩니다.",
                        "The meeting has ended, so these reminders can no longer go out. Reminders not approved are recorded as not sent.",
                    ))
                }))
            } @else if batch.recipients.is_empty() {
                p #nothing-to-send { (lang.t(
                    "보낼 알림이 없습니다. 이미 보냈거나 기한이 지났습니다.",
                    "Nothing is waiting: these reminders were already sent, or have expired.",
                )) }
            } @else {
                p { (lang.t(
                    "아직 들어오지 않은 분들입니다. 보내기를 누르면 이 목록 그대로 보냅니다 (그 사이 들어왔거나 알림을 거부한 분은 빼고).",
                    "They have not joined yet. Send goes to exactly this list (leaving out anyone who has joined or said stop since).",
                )) }
                ul #prepared {
                    @for r in &batch.recipients {
                        li id={ "prepared-" (r.friend.as_str()) } data-joined=(r.joined) data-opted-out=(r.opted_out) {
                            (r.name)
                            @if r.joined { " · " span.muted { (lang.t("그 사이 참여함: 보내지 않음", "joined since: not sent")) } }
                            @else if r.opted_out { " · " span.muted { (lang.t("알림 거부: 보내지 않음", "said stop: not sent")) } }
                        }
                    }
                }
                form method="post" {
                    (csrf_field(viewer.csrf))
                    button.btn.btn-primary #send-prepared type="submit" disabled[going == 0] {
                        (match lang { Lang::Ko => format!("{going}명에게 보내기"), Lang::En => format!("Send to {going}") })
                    }
                }
            }
            p { a #round-deliveries href={ "/meetings/" (batch.meeting.id) "/deliveries" } {
                (lang.t("알림 기록 보기", "See the reminder log"))
            } }
        },
    )
}

fn names<'a>(batch: &'a PreparedBatch, friend: &FriendUuid) -> &'a str {
    batch
        .recipients
        .iter()
        .find(|r| &r.friend == friend)
        .map(|r| r.name.as_str())
        .unwrap_or("")
}

/// What `POST /meetings/{id}/rounds/{n}/send` did.
pub fn approved(viewer: &Viewer<'_>, batch: &PreparedBatch, approval: &Approval) -> Markup {
    let lang = viewer.lang;
    let heading = heading(lang, batch);
    frame(
        viewer,
        &heading,
        html! {
            h1 { (heading) }
            @if approval.expired > 0 {
                (banner("warning", "round-expired", html! { (lang.t(
                    "모임이 끝나 보내지 않았습니다.",
                    "The meeting had ended: nothing was sent.",
                )) }))
            } @else if approval.nothing_happened() && approval.not_sent.is_empty() {
                p #nothing-to-send { (lang.t("보낼 알림이 없었습니다.", "Nothing was waiting to be sent.")) }
            }
            @if !approval.sent.is_empty() {
                (banner("success", "round-sent", html! {
                    (match lang {
                        Lang::Ko => format!("{}명에게 보냈습니다.", approval.sent.len()),
                        Lang::En => format!("Sent to {}.", approval.sent.len()),
                    })
                }))
            }
            ul #approval {
                @for friend in &approval.sent {
                    li data-outcome="sent" { (names(batch, friend)) " · " (lang.t("보냄", "sent")) }
                }
                @for (friend, code) in &approval.failed {
                    li data-outcome="failed" data-code=(code) {
                        (names(batch, friend)) " · "
                        @match KakaoErrorCode::new(*code) {
                            Ok(code) => (words::kakao_code(lang, code)),
                            Err(_) => (lang.t("보내지 못함", "not delivered")),
                        }
                    }
                }
                @for friend in &approval.unknown {
                    li data-outcome="unknown" { (names(batch, friend)) " · " (words::state(lang, domain::delivery::DeliveryState::Unknown)) }
                }
                @for (friend, why) in &approval.not_sent {
                    li data-outcome="not_sent" {
                        (names(batch, friend)) " · "
                        @match why {
                            NotSent::Skipped(reason) => (words::skip(lang, *reason)),
                            NotSent::NotReached => (lang.t("카카오에 닿지 못해 보내지 않았습니다", "Kakao could not be reached: not sent")),
                            NotSent::AlreadyHandled => (lang.t("이미 처리되었습니다", "already handled")),
                        }
                    }
                }
            }
            p { a #round-deliveries href={ "/meetings/" (batch.meeting.id) "/deliveries" } {
                (lang.t("알림 기록 보기", "See the reminder log"))
            } }
        },
    )
}
