//! Memos to the admin's own KakaoTalk ("send to me"): the confirm-first question with its one-tap
//! link, and the optional round summary. A memo is a courtesy: when it cannot be sent (no https
//! site to link to, no working token, Kakao down) the round goes on and the dashboard shows
//! the same.

use domain::FriendUuid;
use domain::delivery::Round;
use domain::sweep::{RoundSummary, confirm_memo_text, summary_memo_text};
use kakao::Template;

use super::batch::MeetingCx;
use super::context::Ctx;
use super::message::{CONFIRM_BUTTON, SUMMARY_BUTTON, memo};

/// The page that sends a prepared batch: `/meetings/{id}/rounds/{n}/send`.
pub fn confirm_path(meeting: domain::MeetingId, round: Round) -> String {
    format!("/meetings/{meeting}/rounds/{round}/send")
}

/// The meeting's page.
pub fn meeting_path(meeting: domain::MeetingId) -> String {
    format!("/meetings/{meeting}")
}

/// Asks the admin to approve the prepared batch. Returns whether the memo went.
pub(crate) async fn confirm(
    ctx: &Ctx<'_>,
    cx: &MeetingCx<'_>,
    round: Round,
    prepared: &[FriendUuid],
) -> bool {
    let names: Vec<&str> = prepared.iter().map(|f| cx.name_of(f)).collect();
    let text = confirm_memo_text(&cx.meeting.draft.title, round, &names);
    let Some(link) = ctx.settings.admin_link(&confirm_path(cx.meeting.id, round)) else {
        tracing::warn!(meeting = %cx.meeting.id, "no https site to link to: the confirm-first memo is not sent; approve on the dashboard");
        return false;
    };
    match memo(text, &link, CONFIRM_BUTTON) {
        Some(template) => send(ctx, cx, &template, "confirm").await,
        None => false,
    }
}

/// Tells the admin how the round went. Returns whether the memo went.
pub(crate) async fn summary(ctx: &Ctx<'_>, cx: &MeetingCx<'_>, summary: &RoundSummary) -> bool {
    let text = summary_memo_text(&cx.meeting.draft.title, summary);
    let link = ctx
        .settings
        .admin_link(&meeting_path(cx.meeting.id))
        .unwrap_or_else(|| cx.meeting.draft.join_url.as_str().to_owned());
    match memo(text, &link, SUMMARY_BUTTON) {
        Some(template) => send(ctx, cx, &template, "summary").await,
        None => {
            tracing::warn!(meeting = %cx.meeting.id, "no https link for the round summary; not sent");
            false
        }
    }
}

async fn send(ctx: &Ctx<'_>, cx: &MeetingCx<'_>, template: &Template, kind: &'static str) -> bool {
    let kakao = ctx.services.kakao.clone();
    let answer = ctx
        .services
        .tokens
        .call_remembering(cx.admin_id(), &cx.admin.token, |token| {
            let kakao = kakao.clone();
            async move { kakao.send_to_me(&token, template).await }
        })
        .await;
    match answer {
        Ok(()) => {
            tracing::info!(admin = %cx.admin_id(), meeting = %cx.meeting.id, memo = kind, "memo sent to the admin");
            true
        }
        Err(error) => {
            tracing::warn!(admin = %cx.admin_id(), meeting = %cx.meeting.id, memo = kind, %error, "memo not sent");
            false
        }
    }
}
