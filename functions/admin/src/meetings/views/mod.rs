//! The meeting pages, rendered with maud (everything escaped: titles and nicknames are
//! user-controlled). Scripts and styles come from files served by [`super::assets`]; no page
//! has inline script or style.
//!
//! - [`list`]: `/meetings`, upcoming, live and past;
//! - [`form`]: the new and edit form;
//! - [`live`]: one meeting and where every invitee stands;
//! - [`matching`]: the keys Zoom participants are matched on, with suggestions.

pub mod form;
pub mod list;
pub mod live;
pub mod matching;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::meeting::schedule::Phase;
use maud::{Markup, html};
use web::layout::{self, AdminBar, Chrome, Nav};
use web::{CsrfToken, Lang};

use super::assets;

/// Who is looking, for the page frame.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub lang: Lang,
    pub nickname: &'a str,
    pub csrf: &'a CsrfToken,
    pub here: &'a str,
}

impl<'a> Viewer<'a> {
    /// The signed-in admin looking at `here`.
    pub fn new(lang: Lang, nickname: &'a str, session: &'a web::Session, here: &'a str) -> Self {
        Self {
            lang,
            nickname,
            csrf: &session.csrf,
            here,
        }
    }
}

/// A meetings page in the admin frame, with the meetings' own stylesheet and script and a
/// small section menu (the site's main menu belongs to the shared layout).
pub fn frame(viewer: &Viewer<'_>, title: &str, body: Markup) -> Markup {
    let lang = viewer.lang;
    let chrome = Chrome {
        lang,
        title,
        here: viewer.here,
        admin: Some(AdminBar {
            nickname: viewer.nickname,
            csrf: viewer.csrf,
            current: Nav::Meetings,
        }),
    };
    layout::page(
        &chrome,
        html! {
            link rel="stylesheet" href=(assets::url("meetings.css"));
            script src=(assets::url("meetings.js")) defer {}
            nav.meetings-nav aria-label=(lang.t("모임 메뉴", "Meetings menu")) {
                a #nav-meetings href="/meetings" { (lang.t("모임", "Meetings")) }
                a #nav-new-meeting href="/meetings/new" { (lang.t("새 모임", "New meeting")) }
                a #nav-week href="/week" { (lang.t("이번 주", "This week")) }
                a #nav-classes href="/classes" { (lang.t("반", "Classes")) }
                a #nav-series href="/series" { (lang.t("반복 모임", "Series")) }
                a #nav-calendar href="/calendar" { (lang.t("캘린더", "Calendar")) }
            }
            (body)
        },
    )
}

/// `2026-11-21 19:00` in the meeting's zone, with the zone named unless it is Seoul.
pub fn local_time(at: DateTime<Utc>, zone: Tz) -> Markup {
    let text = at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
    html! {
        time datetime=(web::time::iso(at)) { (text) }
        @if zone != chrono_tz::Asia::Seoul { " " span.muted { "(" (zone.name()) ")" } }
    }
}

/// `HH:MM` in the meeting's zone.
pub fn hhmm(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M").to_string()
}

pub fn phase_badge(phase: Phase, cancelled: bool, lang: Lang) -> Markup {
    let (class, label) = match (phase, cancelled) {
        (_, true) => ("badge badge-bad", lang.t("취소됨", "cancelled")),
        (Phase::Upcoming, _) => ("badge", lang.t("예정", "upcoming")),
        (Phase::Live, _) => ("badge badge-ok", lang.t("진행 중", "live")),
        (Phase::Past, _) => ("badge", lang.t("끝남", "over")),
    };
    html! { span class=(class) data-phase=(if cancelled { "cancelled" } else { phase.as_str() }) { (label) } }
}
