//! `GET /j/{token}`: a reminder's join button. Records "joined via link" (the first time is
//! kept) and sends the browser on to the meeting: at once (302) for a known meeting service,
//! through a page naming the destination for any other host (which the admin had to confirm). A token that is unknown, expired, or
//! whose meeting is gone, cancelled or long over gets the same plain 404.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use store::StoreError;
use store::model::{JoinSource, LinkButton, LinkTarget, Meeting, MeetingStatus, PresentedLink};
use web::Lang;

use crate::metrics::Count;
use crate::pages;
use crate::state::AttendanceState;

/// What a token leads to, or why it leads nowhere.
pub(crate) enum Resolved {
    Found(LinkTarget, Box<Meeting>),
    /// Unknown, expired, or the meeting is gone: all look alike from outside.
    Refused,
    Failed(StoreError),
}

/// Resolves a link from a URL for one of its buttons and loads its meeting (keyed by the
/// token's admin). The join and stop buttons carry different secrets: either one opens only its
/// own button, and a wrong secret looks exactly like an unknown token.
pub(crate) async fn resolve(state: &AttendanceState, presented: &str, button: LinkButton) -> Resolved {
    let Ok(presented) = PresentedLink::parse(presented) else {
        return Resolved::Refused;
    };
    let now = state.now();
    let target = match state.store().resolve_link_token(&presented.token, now).await {
        Ok(target) if target.admits(button, &presented) => target,
        Ok(_) | Err(StoreError::NotFound { .. } | StoreError::Expired { .. }) => return Resolved::Refused,
        Err(e) => return Resolved::Failed(e),
    };
    match state.store().get_meeting(target.admin, target.meeting).await {
        Ok(meeting) => Resolved::Found(target, Box::new(meeting)),
        Err(StoreError::NotFound { .. }) => Resolved::Refused,
        Err(e) => Resolved::Failed(e),
    }
}

/// Whether a request for a join link comes from a link-preview fetcher rather than a person:
/// chat apps and social sites fetch links to draw previews (KakaoTalk's scraper among them),
/// and such a fetch must not count as the invitee joining.
pub(crate) fn is_link_preview(user_agent: &str) -> bool {
    const FETCHERS: [&str; 16] = [
        "kakaotalk-scrap",
        "facebookexternalhit",
        "facebot",
        "twitterbot",
        "slackbot",
        "slack-imgproxy",
        "discordbot",
        "telegrambot",
        "whatsapp",
        "linkedinbot",
        "skypeuripreview",
        "googlebot",
        "bingbot",
        "yeti",
        "daumoa",
        "applebot",
    ];
    let ua = user_agent.to_ascii_lowercase();
    FETCHERS.iter().any(|f| ua.contains(f))
}

pub async fn join_link(
    State(state): State<AttendanceState>,
    lang: Lang,
    method: Method,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let now = state.now();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if method == Method::HEAD || is_link_preview(user_agent) {
        // Probes and previews neither count as a join nor learn where the link leads.
        tracing::info!(
            head = method == Method::HEAD,
            "a join link was fetched by a preview or a probe"
        );
        return pages::join_link_preview(lang);
    }
    let (target, meeting) = match resolve(&state, &token, LinkButton::Join).await {
        Resolved::Found(target, meeting) => (target, meeting),
        Resolved::Refused => {
            state.metrics().count(Count::LinkRefused, now);
            return pages::link_not_found(lang);
        }
        Resolved::Failed(e) => {
            tracing::error!(error = %e, "could not resolve a join link");
            return pages::unavailable(lang);
        }
    };
    let over = now > meeting.draft.ends_at + state.settings().join_link_grace;
    if meeting.draft.status == MeetingStatus::Cancelled || over {
        state.metrics().count(Count::LinkRefused, now);
        return pages::link_not_found(lang);
    }
    // Getting the person into the meeting matters more than our record of it: a failed write is
    // logged, and the redirect happens anyway.
    match state
        .store()
        .record_join(
            target.admin,
            target.meeting,
            &target.friend,
            now,
            JoinSource::Link,
        )
        .await
    {
        Ok(recorded) => tracing::info!(
            admin = %target.admin, meeting = %target.meeting, first = recorded.changed, "joined via link"
        ),
        Err(e) => {
            tracing::error!(error = %e, admin = %target.admin, meeting = %target.meeting, "could not record a link join")
        }
    }
    state.metrics().count(Count::LinkOpened, now);
    // The security headers layer adds `Cache-Control: no-store`: the link may carry a passcode.
    let destination = meeting.draft.join_url.as_str();
    match domain::meeting::JoinLink::parse(destination) {
        Ok(link) if link.is_known_meeting_host() => {
            (StatusCode::FOUND, [(header::LOCATION, destination.to_owned())]).into_response()
        }
        // A host the admin confirmed by hand (or a link older than these rules): the person
        // sees where it leads before going.
        Ok(link) => pages::leaving_for(lang, &meeting.draft.title, link.host(), link.as_str()),
        Err(_) => {
            let host = url::Url::parse(destination)
                .ok()
                .and_then(|url| url.host_str().map(str::to_owned))
                .unwrap_or_else(|| destination.to_owned());
            pages::leaving_for(lang, &meeting.draft.title, &host, destination)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_link_preview;

    #[test]
    fn chat_and_social_previews_are_told_apart_from_browsers() {
        for fetcher in [
            "facebookexternalhit/1.1;kakaotalk-scrap/1.0;+https://devtalk.kakao.com/",
            "facebookexternalhit/1.1 Facebot Twitterbot/1.0",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "TelegramBot (like TwitterBot)",
            "WhatsApp/2.23.20.0",
        ] {
            assert!(is_link_preview(fetcher), "{fetcher}");
        }
        for browser in [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.4.5",
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
            "",
        ] {
            assert!(!is_link_preview(browser), "{browser}");
        }
    }
}
