//! The delivery log pages: per meeting, per friend, and the unknown-deliveries panel; plus the
//! "reminders are paused" banner. Everything interpolated is escaped by maud.

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use web::Lang;
use web::layout::banner as page_banner;
use web::time::{iso, kst_minute};

use super::log::{Attempt, Paused, ReminderBanner};
use super::words;
use crate::meetings::views::{Viewer, frame};

/// The banner shown while reminders are paused.
pub fn banner(lang: Lang, banner: &ReminderBanner) -> Markup {
    let (title, body, action) = match banner.paused {
        Paused::NeedsLogin => (
            lang.t("알림이 멈췄습니다: 카카오 로그인이 필요합니다", "Reminders are paused: log in with Kakao again"),
            lang.t(
                "카카오 로그인이 끝나 알림을 보낼 수 없습니다. 그동안 보낼 알림은 '로그인 필요'로 건너뜁니다.",
                "Your Kakao login has ended, so no reminder can go out. Until you log in, reminders are skipped as 'needs login'.",
            ),
            lang.t("카카오로 다시 로그인", "Log in with Kakao again"),
        ),
        Paused::NeedsConsent => (
            lang.t("알림이 멈췄습니다: 카카오 동의가 필요합니다", "Reminders are paused: a Kakao consent is missing"),
            lang.t(
                "친구 목록이나 메시지 보내기 동의가 빠져 알림을 보낼 수 없습니다. 그동안 보낼 알림은 '동의 필요'로 건너뜁니다.",
                "The friends list or messaging consent is missing, so no reminder can go out. Until you agree, reminders are skipped as 'needs consent'.",
            ),
            lang.t("동의하러 가기", "Give the consent"),
        ),
    };
    page_banner(
        "warning",
        "reminders-paused",
        html! {
            strong { (title) }
            p { (body) }
            @if banner.meetings_affected > 0 {
                p #paused-meetings data-count=(banner.meetings_affected) {
                    (match lang {
                        Lang::Ko => format!("알림이 남은 모임 {}개가 영향을 받습니다.", banner.meetings_affected),
                        Lang::En => format!("{} meeting(s) with reminders still to send are affected.", banner.meetings_affected),
                    })
                }
            }
            a.btn #fix-reminders href=(banner.fix_href) { (action) }
        },
    )
}

fn when(at: DateTime<Utc>) -> Markup {
    html! { time datetime=(iso(at)) { (kst_minute(at)) } }
}

/// The table of attempts; `show_meeting` / `show_friend` pick the columns that vary.
fn table(lang: Lang, attempts: &[Attempt], show_meeting: bool, show_friend: bool) -> Markup {
    html! {
        @if attempts.is_empty() {
            p.muted #no-deliveries { (lang.t("아직 보낸 알림이 없습니다.", "No reminders yet.")) }
        } @else {
            table.log #deliveries {
                thead { tr {
                    th { (lang.t("시각", "Time")) }
                    @if show_meeting { th { (lang.t("모임", "Meeting")) } }
                    th { (lang.t("차수", "Round")) }
                    @if show_friend { th { (lang.t("받는 사람", "To")) } }
                    th { (lang.t("결과", "Outcome")) }
                } }
                tbody {
                    @for a in attempts {
                        @let (head, detail) = words::outcome(lang, a.state);
                        tr id={ "delivery-" (a.friend.as_str()) "-" (a.round) } data-state=(a.state.kind().as_str())
                            data-code=[a.state.failure_code().map(|c| c.get())] {
                            td { (when(a.at)) }
                            @if show_meeting {
                                td { a href={ "/meetings/" (a.meeting) "/deliveries" } { (a.meeting_title) } }
                            }
                            td { (match lang { Lang::Ko => format!("{}차", a.round), Lang::En => format!("#{}", a.round) }) }
                            @if show_friend {
                                td { a href={ "/friends/" (a.friend.as_str()) "/deliveries" } {
                                    (a.friend_name.as_deref().unwrap_or(lang.t("(알 수 없는 친구)", "(unknown friend)")))
                                } }
                            }
                            td {
                                span.outcome { (head) }
                                @if let Some(detail) = detail { br; span.small.muted.outcome-detail { (detail) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/meetings/{id}/deliveries`.
pub fn meeting_page(
    viewer: &Viewer<'_>,
    title: &str,
    meeting_href: &str,
    attempts: &[Attempt],
    banner_: Option<&ReminderBanner>,
) -> Markup {
    let lang = viewer.lang;
    let heading = match lang {
        Lang::Ko => format!("'{title}' 알림 기록"),
        Lang::En => format!("Reminders of '{title}'"),
    };
    frame(
        viewer,
        &heading,
        html! {
            @if let Some(b) = banner_ { (banner(lang, b)) }
            h1 { (heading) }
            p { a #back-to-meeting href=(meeting_href) { (lang.t("모임으로 돌아가기", "Back to the meeting")) } }
            (table(lang, attempts, false, true))
        },
    )
}

/// `/friends/{uuid}/deliveries`.
pub fn friend_page(
    viewer: &Viewer<'_>,
    name: &str,
    attempts: &[Attempt],
    banner_: Option<&ReminderBanner>,
) -> Markup {
    let lang = viewer.lang;
    let heading = match lang {
        Lang::Ko => format!("{name}님에게 보낸 알림"),
        Lang::En => format!("Reminders to {name}"),
    };
    frame(
        viewer,
        &heading,
        html! {
            @if let Some(b) = banner_ { (banner(lang, b)) }
            h1 { (heading) }
            (table(lang, attempts, true, false))
        },
    )
}

/// `/deliveries/unknown`: what may or may not have arrived.
pub fn unknown_page(viewer: &Viewer<'_>, attempts: &[Attempt], banner_: Option<&ReminderBanner>) -> Markup {
    let lang = viewer.lang;
    let heading = lang.t("전달 여부를 모르는 알림", "Reminders with an unknown outcome");
    frame(
        viewer,
        heading,
        html! {
            @if let Some(b) = banner_ { (banner(lang, b)) }
            h1 { (heading) }
            p #unknown-explained { (lang.t(
                "카카오에 보냈지만 답을 받지 못한 알림입니다 (연결이 끊기거나 처리 중 멈춤). 도착했을 수도 있어, 두 번 받지 않도록 다시 보내지 않습니다. 필요하면 직접 확인해 주세요.",
                "These reminders went to Kakao but its answer was lost (a dropped connection, or a stop mid-send). They may have arrived, so they are not sent again: no one gets a reminder twice. Check with the person if it matters.",
            )) }
            p #unknown-count data-count=(attempts.len()) {
                (match lang { Lang::Ko => format!("{}건", attempts.len()), Lang::En => format!("{} in all", attempts.len()) })
            }
            (table(lang, attempts, true, true))
        },
    )
}
