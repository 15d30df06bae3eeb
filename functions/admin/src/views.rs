//! Pieces the desk's and the send page's views share (avatars, times, the last sync, delivery
//! badges). Pages are rendered with maud (everything escaped; nicknames come from Kakao and are
//! user-controlled), each in its feature's folder; stable ids for tests and screenshots are
//! documented at the top of each page's file.

use chrono::{DateTime, Utc};
use domain::delivery::DeliveryState;
use maud::{Markup, html};
use store::model::{SyncOutcome, SyncReport};
use web::Lang;
use web::time::{iso, kst_minute, relative};

use crate::desk::FriendView;

/// A friend's picture, or their initial in a rounded square.
pub fn avatar(friend: &FriendView, large: bool) -> Markup {
    let class = if large { "avatar avatar-lg" } else { "avatar" };
    match &friend.thumbnail_url {
        Some(url) => {
            html! { img class=(class) src=(url) alt="" loading="lazy" referrerpolicy="no-referrer"; }
        }
        None => {
            let initial: String = friend
                .nickname
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default();
            html! { span class=(class) aria-hidden="true" { (initial) } }
        }
    }
}

/// `<time>` showing an instant in Korean time, with "in 3 hours" beside it.
pub fn when(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> Markup {
    html! {
        time datetime=(iso(at)) { (kst_minute(at)) }
        " " span.muted { "(" (relative(at, now, lang)) ")" }
    }
}

/// The last sync, in one line.
pub fn last_sync(report: Option<&SyncReport>, now: DateTime<Utc>, lang: Lang) -> Markup {
    match report {
        None => {
            html! { span #last-sync data-synced="never" { (lang.t("아직 동기화하지 않았습니다", "Not synced yet")) } }
        }
        Some(report) => html! {
            span #last-sync data-synced=(iso(report.at)) {
                (lang.t("마지막 동기화: ", "Last synced: ")) (when(report.at, now, lang))
                @if let SyncOutcome::Failed { reason } = &report.outcome {
                    " " span.badge.badge-bad { (lang.t("실패", "failed")) } " " span.small.muted { (reason) }
                }
            }
        },
    }
}

/// A delivery's state as a badge.
pub fn delivery_badge(state: &DeliveryState, lang: Lang) -> Markup {
    let (class, label) = match state {
        DeliveryState::Sent => ("badge badge-ok", lang.t("보냄", "sent").to_owned()),
        DeliveryState::Failed { code } => (
            "badge badge-bad",
            format!("{} ({code})", lang.t("실패", "failed")),
        ),
        DeliveryState::Unknown => ("badge badge-warn", lang.t("확인 안 됨", "unconfirmed").to_owned()),
        DeliveryState::Cancelled => ("badge", lang.t("보내지 않음", "not sent").to_owned()),
        DeliveryState::Reserved => ("badge", lang.t("확인 대기", "awaiting confirmation").to_owned()),
        DeliveryState::Sending => ("badge badge-warn", lang.t("보내는 중", "sending").to_owned()),
    };
    html! { span class=(class) data-state=(state.kind().as_str()) { (label) } }
}
