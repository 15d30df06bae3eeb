//! `/meetings/{id}`: the meeting and where every invitee stands. While the meeting is live the
//! script refreshes the statuses from `/api/meetings/{id}/status` (text only, never markup).
//!
//! Ids: `#meeting-live` (`data-phase`, `data-status-url`, `data-refresh-seconds`),
//! `#meeting-title`, `#joined-count`, `#total-count`, `#round-plan` (items `.round` with
//! `data-round`, `data-quiet`), `#invitee-status` (rows `.invitee-row` with `data-friend` and
//! `data-status`; cells `.status-text`, `.reminded-count`), per row `#present-{uuid}` or
//! `#unpresent-{uuid}`, `#edit-meeting`, `#cancel-meeting`, `#match-keys-link`, banners
//! `#saved-banner`, `#created-banner`.

use domain::meeting::schedule::Phase;
use maud::{Markup, html};
use store::model::{JoinSource, Meeting, MeetingStatus};
use web::layout::{banner, csrf_field};

use super::{Viewer, frame, hhmm, local_time, phase_badge};
use crate::meetings::status::LiveStatus;

/// How often the page refreshes itself while the meeting is live.
pub const REFRESH_SECONDS: u32 = 15;

#[derive(Debug, Clone, Copy, Default)]
pub struct Notices {
    pub created: bool,
    pub saved: bool,
}

pub fn page(viewer: &Viewer<'_>, meeting: &Meeting, status: &LiveStatus, notices: Notices) -> Markup {
    let lang = viewer.lang;
    let d = &meeting.draft;
    let zone = d.time_zone;
    let schedule = d.schedule();
    let cancelled = d.status == MeetingStatus::Cancelled;
    let id = meeting.id.to_string();
    let body = html! {
        div #meeting-live data-phase=(if cancelled { "cancelled" } else { status.phase.as_str() })
            data-status-url={ "/api/meetings/" (id) "/status" } data-refresh-seconds=(REFRESH_SECONDS) {
            @if notices.created {
                (banner("success", "created-banner", html! { p { (lang.t("모임을 만들었습니다. 시작하면 아직 안 들어온 분께 알림이 갑니다.", "Meeting created. Once it starts, anyone not in yet gets a reminder.")) } }))
            }
            @if notices.saved {
                (banner("success", "saved-banner", html! { p { (lang.t("저장했습니다.", "Saved.")) } }))
            }
            div.meetings-head {
                h1 #meeting-title { (d.title) }
                (phase_badge(status.phase, cancelled, lang))
            }
            section.card.meeting-summary {
                p { (local_time(d.starts_at, zone)) " – " (hhmm(d.ends_at, zone)) }
                p { (lang.t("참여 링크: ", "Join link: ")) a #join-link href=(d.join_url.as_str()) rel="noreferrer" { (d.join_url.as_str()) } }
                @if let Some(zoom) = &d.zoom_meeting_id { p #zoom-id { "Zoom: " (zoom.as_str()) } }
                p #send-mode { (match d.settings.mode {
                    domain::meeting::SendMode::Automatic => lang.t("알림: 자동으로 보냄", "Reminders: sent automatically"),
                    domain::meeting::SendMode::ConfirmFirst => lang.t("알림: 매번 확인 후 보냄", "Reminders: you confirm each round"),
                }) }
                ul #round-plan {
                    @for (planned, quiet) in d.settings.plan.rounds(&schedule) {
                        @let minutes = d.settings.plan.offsets.offset_of(planned.round).unwrap_or(0);
                        li.round data-round=(planned.round.get()) data-quiet=(quiet) {
                            "+" (minutes) (lang.t("분", " min")) " (" (hhmm(planned.due_at, zone)) ")"
                            @if quiet { " " span.badge { (lang.t("방해 금지 시간이라 건너뜀", "skipped: quiet hours")) } }
                            @if d.next_round.is_some_and(|n| n.round == planned.round) { " " span.badge.badge-ok { (lang.t("다음 알림", "next")) } }
                        }
                    }
                    @if d.settings.plan.offsets.is_empty() { li.muted { (lang.t("자동 알림 없음", "No automatic reminders")) } }
                }
                div.actions {
                    @if !cancelled {
                        a.btn.btn-secondary #edit-meeting href={ "/meetings/" (id) "/edit" } { (lang.t("고치기", "Edit")) }
                    }
                    a.btn.btn-secondary #match-keys-link href={ "/meetings/" (id) "/match" } { (lang.t("참여자 연결", "Match participants")) }
                    @if !cancelled && status.phase != Phase::Past {
                        form.inline-form method="post" action={ "/meetings/" (id) "/cancel" } {
                            (csrf_field(viewer.csrf))
                            button.btn.btn-secondary #cancel-meeting type="submit" data-confirm=(lang.t("모임을 취소할까요? 알림이 더 나가지 않습니다.", "Cancel this meeting? No more reminders will go out.")) {
                                (lang.t("모임 취소", "Cancel meeting"))
                            }
                        }
                    }
                }
            }
            section.card {
                h2 {
                    (lang.t("참여 현황", "Who is in")) " "
                    span.muted { span #joined-count { (status.joined) } " / " span #total-count { (status.total) } }
                }
                @if status.invitees.is_empty() {
                    p.muted { (lang.t("초대한 친구가 없습니다.", "No invitees.")) }
                } @else {
                    div.table-wrap { table #invitee-status {
                        thead { tr {
                            th { (lang.t("이름", "Name")) }
                            th { (lang.t("상태", "Status")) }
                            th { (lang.t("보낸 알림", "Reminders")) }
                            th { span.visually-hidden { (lang.t("표시", "Mark")) } }
                        } }
                        tbody {
                            @for row in &status.invitees {
                                @let uuid = row.friend.as_str();
                                tr.invitee-row data-friend=(uuid) data-status=(row.headline.id()) {
                                    td {
                                        @if let Some(url) = &row.thumbnail_url {
                                            img.avatar src=(url) alt="" loading="lazy" referrerpolicy="no-referrer";
                                        } @else {
                                            span.avatar aria-hidden="true" { (row.name.chars().next().map(String::from).unwrap_or_default()) }
                                        }
                                        " " (row.name)
                                    }
                                    td.status-text { (row.headline.words(lang, zone)) }
                                    td.reminded-count { (row.reminded) @if row.unconfirmed > 0 { " " span.badge.badge-warn title=(lang.t("결과를 모르는 발송", "sends with unknown outcome")) { "?" (row.unconfirmed) } } }
                                    td {
                                        @if row.joined.is_none() {
                                            form.inline-form method="post" action={ "/meetings/" (id) "/present" } {
                                                (csrf_field(viewer.csrf))
                                                input type="hidden" name="friend" value=(uuid);
                                                input type="hidden" name="present" value="1";
                                                button.btn.btn-secondary type="submit" id={ "present-" (uuid) } { (lang.t("참석 표시", "Mark present")) }
                                            }
                                        } @else if row.joined.is_some_and(|a| a.source == JoinSource::Manual) {
                                            form.inline-form method="post" action={ "/meetings/" (id) "/present" } {
                                                (csrf_field(viewer.csrf))
                                                input type="hidden" name="friend" value=(uuid);
                                                input type="hidden" name="present" value="0";
                                                button.btn.btn-secondary type="submit" id={ "unpresent-" (uuid) } { (lang.t("표시 취소", "Undo")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    } }
                    @if status.phase == Phase::Live && !cancelled {
                        p.small.muted #refresh-note { (lang.t("진행 중에는 이 화면이 저절로 새로 고쳐집니다.", "While the meeting is live this page refreshes itself.")) }
                    }
                }
            }
            p { a href="/meetings" { (lang.t("← 모임 목록", "← All meetings")) } }
        }
    };
    frame(viewer, &d.title, body)
}
