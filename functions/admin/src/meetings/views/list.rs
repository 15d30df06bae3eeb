//! `/meetings`: upcoming, live and past meetings.
//!
//! Ids: `#meetings-page`, `#new-meeting`, sections `#live-meetings`, `#upcoming-meetings`,
//! `#past-meetings`, rows `.meeting-row` with `data-meeting` (the id), `#created-banner`.

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use store::model::{Meeting, MeetingStatus};
use web::Lang;

use super::{Viewer, frame, local_time, phase_badge};
use crate::meetings::service::{Listing, phase_of};

pub fn page(viewer: &Viewer<'_>, listing: &Listing, now: DateTime<Utc>, cancelled_banner: bool) -> Markup {
    let lang = viewer.lang;
    let body = html! {
        div #meetings-page {
            div.meetings-head {
                h1 { (lang.t("모임", "Meetings")) }
                a.btn #new-meeting href="/meetings/new" { (lang.t("새 모임 만들기", "New meeting")) }
            }
            @if cancelled_banner {
                (web::layout::banner("info", "cancelled-banner", html! { p { (lang.t("모임을 취소했습니다. 더 이상 알림이 가지 않습니다.", "The meeting is cancelled. No more reminders will go out.")) } }))
            }
            (section(lang, "live-meetings", lang.t("진행 중", "Live now"), &listing.live, now))
            (section(lang, "upcoming-meetings", lang.t("예정된 모임", "Upcoming"), &listing.upcoming, now))
            (section(lang, "past-meetings", lang.t("지난 모임", "Past"), &listing.past, now))
        }
    };
    frame(viewer, lang.t("모임", "Meetings"), body)
}

fn section(lang: Lang, id: &str, title: &str, meetings: &[Meeting], now: DateTime<Utc>) -> Markup {
    html! {
        section.card id=(id) {
            h2 { (title) " " span.muted { "(" (meetings.len()) ")" } }
            @if meetings.is_empty() {
                p.muted.empty { (lang.t("없음", "None")) }
            } @else {
                div.table-wrap { table {
                    thead { tr {
                        th { (lang.t("모임", "Meeting")) }
                        th { (lang.t("시작", "Starts")) }
                        th { (lang.t("상태", "Status")) }
                    } }
                    tbody {
                        @for m in meetings {
                            tr.meeting-row data-meeting=(m.id.to_string()) {
                                td { a href={ "/meetings/" (m.id) } { (m.draft.title) } }
                                td { (local_time(m.draft.starts_at, m.draft.time_zone)) }
                                td { (phase_badge(phase_of(m, now), m.draft.status == MeetingStatus::Cancelled, lang)) }
                            }
                        }
                    }
                } }
            }
        }
    }
}
