//! `POST /webhooks/zoom`: verify, record, answer, all inside Zoom's three seconds
//! (`docs/zoom.md#delivery-and-retries`).
//!
//! | request | answer |
//! |---|---|
//! | no secret token configured | 503 |
//! | bad or missing signature, timestamp more than 5 minutes off | 401 |
//! | signed but unreadable body | 400 |
//! | `endpoint.url_validation` | 200 `{"plainToken", "encryptedToken"}` |
//! | participant joined / left | 204, after crediting the invitee (or counting who was unknown; the host's own join is counted, not kept) |
//! | participant event with a null or missing meeting id (breakout rooms) | 204, counted |
//! | any other event | 204 |
//! | the store failing or too slow | 500 / 503 (Zoom retries; recording is idempotent) |

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::meeting::matching::{InviteeIdentity, MatchOutcome, ParticipantIdentity, match_participant};
use serde_json::json;
use std::collections::BTreeSet;
use store::StoreError;

use store::model::{JoinSource, Meeting, UnmatchedParticipant, ZoomAccountId, ZoomMeetingId};

use super::credit::meetings_at;
use super::event::{Participant, ParticipantEventKind, ZoomEvent};
use super::signature::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::metrics::Count;
use crate::state::AttendanceState;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The route.
pub async fn zoom_webhook(State(state): State<AttendanceState>, headers: HeaderMap, body: Bytes) -> Response {
    let now = state.now();
    let Some(secret) = state.settings().zoom_secret.as_ref() else {
        tracing::error!("a Zoom webhook arrived but ZOOM_WEBHOOK_SECRET_TOKEN is not set");
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let verified = signature::verify_with_retries(
        secret,
        header(&headers, TIMESTAMP_HEADER),
        header(&headers, SIGNATURE_HEADER),
        &body,
        now,
        state.settings().timestamp_tolerance,
        state.settings().retry_window,
    );
    if let Err(rejected) = verified {
        tracing::warn!(reason = %rejected, "Zoom webhook refused");
        state.metrics().count(Count::ZoomRejected, now);
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let (envelope, event) = match ZoomEvent::parse(&body) {
        Ok(parsed) => parsed,
        Err(e) => {
            tracing::error!(error = %e, "signed Zoom webhook with a body we cannot read");
            return StatusCode::BAD_REQUEST.into_response();
        }
    };
    match event {
        ZoomEvent::UrlValidation { plain_token } => {
            state.metrics().count(Count::ZoomUrlValidated, now);
            tracing::info!("Zoom endpoint validated");
            let encrypted = signature::encrypted_token(secret, &plain_token);
            Json(json!({ "plainToken": plain_token, "encryptedToken": encrypted })).into_response()
        }
        ZoomEvent::Participant {
            kind,
            meeting_number,
            participant,
            account,
        } => {
            let at = participant
                .joined_by()
                .or_else(|| envelope.event_ts.and_then(DateTime::from_timestamp_millis))
                .unwrap_or(now)
                .min(now);
            let work = credit(
                &state,
                kind,
                &meeting_number,
                account.as_deref(),
                &participant,
                at,
            );
            match tokio::time::timeout(state.settings().reply_budget, work).await {
                Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
                Ok(Err(e)) => {
                    tracing::error!(error = %e, event = kind.as_str(), "could not record a Zoom participant event");
                    StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
                Err(_) => {
                    tracing::error!(
                        event = kind.as_str(),
                        "recording a Zoom event ran past the reply budget"
                    );
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                }
            }
        }
        ZoomEvent::NoMeeting { kind } => {
            tracing::info!(
                event = kind.as_str(),
                "Zoom participant event without a meeting id (a breakout room)"
            );
            state.metrics().count(Count::ZoomNoMeetingId, now);
            StatusCode::NO_CONTENT.into_response()
        }
        ZoomEvent::Other(name) => {
            tracing::debug!(event = %name, "Zoom event ignored");
            StatusCode::NO_CONTENT.into_response()
        }
    }
}

/// Credits the participant to the invitee they are, in every meeting (one per admin) the event
/// belongs to. Unknown meetings and participants are logged and counted, not errors. Names and
/// emails stay out of the logs; unmatched ones are kept for the admin's mapping page instead.
///
/// Events belong to one tenant: a Zoom account (`payload.account_id`) is bound to the one admin
/// whose meeting it first served alone ([`store::api::AttendanceStore::claim_zoom_account`]);
/// from then on only that admin's meetings are credited from its events. Until an account is
/// bound, every admin whose meeting has the number may have their own invitees credited, but no
/// participant is kept for anyone: another admin's participants are never stored where a
/// stranger who typed the same number could read them.
async fn credit(
    state: &AttendanceState,
    kind: ParticipantEventKind,
    meeting_number: &str,
    account: Option<&str>,
    participant: &Participant,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = state.now();
    let Ok(zoom_id) = ZoomMeetingId::parse(meeting_number) else {
        tracing::info!(
            event = kind.as_str(),
            "Zoom event for a meeting number we could never have stored"
        );
        state.metrics().count(Count::ZoomUnknownMeeting, now);
        return Ok(());
    };
    let found = state.store().find_meetings_by_zoom_id(&zoom_id).await?;
    let meetings = meetings_at(&found, at);
    if meetings.is_empty() {
        tracing::info!(zoom_meeting = %zoom_id, event = kind.as_str(), registered = found.len(), "Zoom event for no meeting of ours at this time");
        state.metrics().count(Count::ZoomUnknownMeeting, now);
        return Ok(());
    }
    let account = account.and_then(|a| ZoomAccountId::parse(a).ok());
    let admins: BTreeSet<_> = meetings.iter().map(|m| m.admin).collect();
    let owner = match &account {
        // Nothing to bind: invitees may be credited, no participant is kept.
        None => {
            tracing::warn!(
                event = kind.as_str(),
                "Zoom event without a usable account_id; no participant kept"
            );
            state.metrics().count(Count::ZoomNoAccount, now);
            None
        }
        Some(account) => owner_of(state, account, &admins, now).await?,
    };
    for meeting in meetings {
        let keep = match owner {
            Some(owner) if owner == meeting.admin => KeepParticipants::Yes,
            Some(_) => {
                tracing::info!(admin = %meeting.admin, meeting = %meeting.id, "Zoom event from another admin's account; not theirs");
                state.metrics().count(Count::ZoomOtherAccount, now);
                continue;
            }
            None => KeepParticipants::No,
        };
        credit_in(state, meeting, kind, participant, at, keep).await?;
    }
    Ok(())
}

/// The admin `account` belongs to: the one it is bound to, or, on its first use for a meeting
/// number only one admin uses at this time, that admin (bound now).
async fn owner_of(
    state: &AttendanceState,
    account: &ZoomAccountId,
    admins: &BTreeSet<domain::KakaoUserId>,
    now: DateTime<Utc>,
) -> Result<Option<domain::KakaoUserId>, StoreError> {
    if let Some(owner) = state.store().zoom_account_owner(account).await? {
        return Ok(Some(owner));
    }
    let only = match (admins.len(), admins.iter().next()) {
        (1, Some(&admin)) => Some(admin),
        _ => None,
    };
    Ok(match only {
        // First use: the account serves this one admin's meeting, so it is theirs.
        Some(admin) => match state.store().claim_zoom_account(account, admin, now).await {
            Ok(owner) => {
                tracing::info!(admin = %owner, "Zoom account bound on first use");
                Some(owner)
            }
            Err(error) if error.is_not_found() => None,
            Err(error) => return Err(error),
        },
        None => {
            tracing::info!(
                admins = admins.len(),
                "Zoom account not bound yet and several admins use this number; no participant kept"
            );
            state.metrics().count(Count::ZoomAccountUnbound, now);
            None
        }
    })
}

/// Whether participants nobody matched are kept for the admin's mapping page: only for the
/// admin the event's Zoom account is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeepParticipants {
    Yes,
    No,
}

async fn credit_in(
    state: &AttendanceState,
    meeting: &Meeting,
    kind: ParticipantEventKind,
    participant: &Participant,
    at: DateTime<Utc>,
    keep: KeepParticipants,
) -> Result<(), StoreError> {
    let now = state.now();
    let store = state.store();
    let invitees = store.list_invitees(meeting.admin, meeting.id).await?;
    let identities: Vec<InviteeIdentity<'_>> = invitees
        .iter()
        .map(|i| InviteeIdentity {
            registrant_id: i.match_keys.zoom_registrant_id.as_deref(),
            email: i.match_keys.email.as_ref().map(|e| e.as_str()),
            mapped_name: i.match_keys.display_name.as_deref(),
            nickname: &i.display_name,
        })
        .collect();
    let who = ParticipantIdentity {
        registrant_id: participant.registrant_id.as_deref(),
        email: participant.email.as_deref(),
        display_name: participant.user_name.as_deref(),
    };
    match match_participant(&who, &identities) {
        MatchOutcome::Found { index, by } => {
            let Some(invitee) = invitees.get(index) else {
                return Ok(());
            };
            let recorded = store
                .record_join(meeting.admin, meeting.id, &invitee.friend, at, JoinSource::Zoom)
                .await?;
            tracing::info!(
                admin = %meeting.admin, meeting = %meeting.id, rule = by.as_str(), event = kind.as_str(),
                first = recorded.changed, "Zoom participant credited"
            );
            state.metrics().count(Count::ZoomJoinRecorded, now);
        }
        // The admin hosting their own meeting is nobody to map to an invitee.
        _ if participant.is_host => {
            tracing::info!(admin = %meeting.admin, meeting = %meeting.id, event = kind.as_str(), "the host joined their own meeting");
            state.metrics().count(Count::ZoomHostJoined, now);
        }
        MatchOutcome::Ambiguous { by, count } => {
            tracing::info!(admin = %meeting.admin, meeting = %meeting.id, rule = by.as_str(), candidates = count, "Zoom participant matches several invitees; nobody credited");
            state.metrics().count(Count::ZoomAmbiguousParticipant, now);
            if keep == KeepParticipants::Yes {
                remember(state, meeting, participant, at).await?;
            }
        }
        MatchOutcome::NotFound => {
            tracing::info!(admin = %meeting.admin, meeting = %meeting.id, event = kind.as_str(), "Zoom participant matches no invitee");
            state.metrics().count(Count::ZoomUnknownParticipant, now);
            if keep == KeepParticipants::Yes {
                remember(state, meeting, participant, at).await?;
            }
        }
    }
    Ok(())
}

/// Keeps an unmatched participant for the admin's mapping suggestions (if they have a name).
async fn remember(
    state: &AttendanceState,
    meeting: &Meeting,
    participant: &Participant,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(name) = participant.user_name.as_deref() else {
        return Ok(());
    };
    let Ok(seen) = UnmatchedParticipant::new(
        name,
        participant.email.as_deref(),
        participant.registrant_id.as_deref(),
        at,
    ) else {
        return Ok(());
    };
    match state
        .store()
        .note_unmatched_participant(meeting.admin, meeting.id, &seen)
        .await
    {
        // Deleted between the lookup and now: nothing to remember it for.
        Err(StoreError::NotFound { .. }) => Ok(()),
        other => other,
    }
}
