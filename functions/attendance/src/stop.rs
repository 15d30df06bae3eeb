//! `GET /stop/{token}` asks, `POST /stop/{token}` records: the reminder's second button, "stop
//! these reminders". After the one confirming tap the client gets no more reminders from that
//! admin (an opt-out per admin and client, which the sweep honours and the admin sees).
//!
//! The POST needs no session or CSRF token: the unguessable token in the address is the proof,
//! and a same-origin check (`Origin`, else `Referer`, else `Sec-Fetch-Site`) refuses forms
//! posted from other sites.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use store::StoreError;
use store::model::{LinkTarget, OptOutSource};
use url::Url;
use web::Lang;

use store::model::LinkButton;

use crate::links::{Resolved, resolve};
use crate::metrics::Count;
use crate::pages;
use crate::state::AttendanceState;

/// Whether a form post carries proof that it came from our own pages. `origin` is ours as
/// browsers write it (`https://host[:port]`).
pub fn is_same_origin(headers: &HeaderMap, origin: &str) -> bool {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(sent) = get(header::ORIGIN) {
        return sent == origin;
    }
    if let Some(referer) = get(header::REFERER) {
        return Url::parse(referer).is_ok_and(|r| r.origin().ascii_serialization() == origin);
    }
    headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("same-origin")
}

async fn admin_name(state: &AttendanceState, target: &LinkTarget) -> Result<String, StoreError> {
    state.store().get_admin(target.admin).await.map(|a| a.nickname)
}

/// Resolves the token to whom it is for; answers the refusal pages itself.
async fn target_or_page(
    state: &AttendanceState,
    lang: Lang,
    token: &str,
) -> Result<(LinkTarget, String), Response> {
    let now = state.now();
    let target = match resolve(state, token, LinkButton::Stop).await {
        Resolved::Found(target, _) => target,
        Resolved::Refused => {
            state.metrics().count(Count::LinkRefused, now);
            return Err(pages::link_not_found(lang));
        }
        Resolved::Failed(e) => {
            tracing::error!(error = %e, "could not resolve a stop link");
            return Err(pages::unavailable(lang));
        }
    };
    match admin_name(state, &target).await {
        Ok(name) => Ok((target, name)),
        Err(StoreError::NotFound { .. }) => {
            state.metrics().count(Count::LinkRefused, now);
            Err(pages::link_not_found(lang))
        }
        Err(e) => {
            tracing::error!(error = %e, "could not read the admin of a stop link");
            Err(pages::unavailable(lang))
        }
    }
}

pub async fn stop_page(
    State(state): State<AttendanceState>,
    lang: Lang,
    Path(token): Path<String>,
) -> Response {
    let (target, name) = match target_or_page(&state, lang, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match state.store().get_opt_out(target.admin, &target.friend).await {
        Ok(Some(_)) => pages::stopped(lang, &name),
        Ok(None) => pages::stop_question(lang, &name, &format!("/stop/{token}")),
        Err(e) => {
            tracing::error!(error = %e, "could not read an opt-out");
            pages::unavailable(lang)
        }
    }
}

pub async fn stop_confirm(
    State(state): State<AttendanceState>,
    lang: Lang,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    if !is_same_origin(&headers, &state.settings().origin_header_value()) {
        tracing::warn!("opt-out form posted without same-origin proof");
        return pages::cross_site(lang);
    }
    let (target, _) = match target_or_page(&state, lang, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let now = state.now();
    let recorded = state
        .store()
        .record_opt_out(target.admin, &target.friend, OptOutSource::ReminderLink, now)
        .await;
    match recorded {
        Ok(recorded) => {
            if recorded.changed {
                state.metrics().count(Count::OptOutRecorded, now);
                tracing::info!(admin = %target.admin, "a client opted out of reminders");
            }
            // The meeting's own flag too, so its live view shows it at once. The opt-out above
            // is what counts; this is best effort.
            if let Err(e) = state
                .store()
                .set_invitee_opted_out(target.admin, target.meeting, &target.friend, true)
                .await
                && !e.is_not_found()
            {
                tracing::warn!(error = %e, "could not mark the invitee opted out");
            }
            // Post/redirect/get: a reload does not post again, and the page says it is done.
            (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, format!("/stop/{token}"))],
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "could not record an opt-out");
            pages::unavailable(lang)
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn only_our_own_pages_may_post_the_opt_out() {
        let ours = "https://tt.example.com";
        assert!(is_same_origin(
            &headers(&[("origin", "https://tt.example.com")]),
            ours
        ));
        assert!(!is_same_origin(
            &headers(&[("origin", "https://evil.example")]),
            ours
        ));
        assert!(!is_same_origin(&headers(&[("origin", "null")]), ours));
        assert!(
            !is_same_origin(
                &headers(&[
                    ("origin", "https://evil.example"),
                    ("sec-fetch-site", "same-origin")
                ]),
                ours
            ),
            "a present Origin decides"
        );
        assert!(is_same_origin(
            &headers(&[("referer", "https://tt.example.com/stop/x")]),
            ours
        ));
        assert!(!is_same_origin(
            &headers(&[("referer", "https://tt.example.com.evil.example/")]),
            ours
        ));
        assert!(is_same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            ours
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            ours
        ));
        assert!(!is_same_origin(&HeaderMap::new(), ours), "no proof, no opt-out");
    }
}
