//! `GET /j/{token}`: a reminder's join button. Records "joined via link" (the first time is
//! kept) and sends the browser on to the meeting (302). A token that is unknown, expired, or
//! whose meeting is gone, cancelled or long over gets the same plain 404.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use store::StoreError;
use store::model::{JoinSource, LinkTarget, LinkToken, Meeting, MeetingStatus};
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

/// Resolves a token from a URL and loads its meeting (keyed by the token's admin).
pub(crate) async fn resolve(state: &AttendanceState, token: &str) -> Resolved {
    let Ok(token) = LinkToken::parse(token) else {
        return Resolved::Refused;
    };
    let now = state.now();
    let target = match state.store().resolve_link_token(&token, now).await {
        Ok(target) => target,
        Err(StoreError::NotFound { .. } | StoreError::Expired { .. }) => return Resolved::Refused,
        Err(e) => return Resolved::Failed(e),
    };
    match state.store().get_meeting(target.admin, target.meeting).await {
        Ok(meeting) => Resolved::Found(target, Box::new(meeting)),
        Err(StoreError::NotFound { .. }) => Resolved::Refused,
        Err(e) => Resolved::Failed(e),
    }
}

pub async fn join_link(
    State(state): State<AttendanceState>,
    lang: Lang,
    Path(token): Path<String>,
) -> Response {
    let now = state.now();
    let (target, meeting) = match resolve(&state, &token).await {
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
    (
        StatusCode::FOUND,
        [(header::LOCATION, meeting.draft.join_url.as_str().to_owned())],
    )
        .into_response()
}
