//! Sending a batch whose deliveries are `sending`: the message for each recipient, one Kakao call
//! per distinct message, and Kakao's answer recorded in one transaction (slots Kakao did not
//! count given back) by the caller, with [`record_answers`]. Used by the automatic sweep and by the admin's approval of a prepared
//! batch alike.
//!
//! At most once: nothing here ever sends a recipient twice. A call whose answer is lost leaves
//! `unknown`; a call refused before anything left (no working token, no connection) gives the
//! reservation back (`cancelled`), which is never resent either.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use domain::delivery::{KakaoErrorCode, Round};
use domain::meeting::MessageTemplate;
use domain::sweep::{AdminReadiness, SkipReason};
use domain::{FriendUuid, KakaoUserId};
use futures::future::join_all;
use kakao::{FailureReason, KakaoError, ReceiverOutcome, ReceiverResult, Receivers, SendResult, Template};
use store::model::{DeliveryOutcome, LINK_TOKEN_LIFETIME_AFTER_END, LinkToken, Meeting};

use super::admins::{AdminCache, AdminContext};
use super::error::{CrashPoint, SweepError};
use super::message::{ReminderLinks, message_template, reminder, reminder_text};
use super::run::Ctx;
use super::settings::SweepSettings;
use crate::TokenError;

/// One meeting as a batch sender needs it.
pub(crate) struct MeetingCx<'a> {
    pub meeting: &'a Meeting,
    pub admin: Arc<AdminContext>,
    /// Display names by friend (what `{이름}` becomes).
    pub names: HashMap<FriendUuid, String>,
    pub template: MessageTemplate,
    /// Tracked-link tokens known so far: read with the meeting's state, or made with a batch's
    /// reservation during this visit.
    links: Mutex<HashMap<FriendUuid, LinkToken>>,
}

impl<'a> MeetingCx<'a> {
    pub fn new(
        meeting: &'a Meeting,
        admin: Arc<AdminContext>,
        names: HashMap<FriendUuid, String>,
        links: HashMap<FriendUuid, LinkToken>,
    ) -> Self {
        Self {
            template: message_template(meeting),
            meeting,
            admin,
            names,
            links: Mutex::new(links),
        }
    }

    fn known_links(&self) -> std::sync::MutexGuard<'_, HashMap<FriendUuid, LinkToken>> {
        // The map is only ever extended; a panic elsewhere cannot leave it half-written.
        self.links.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The recipients with no tracked-link token yet (empty when reminders carry no tracked
    /// links): what a reservation is asked to make.
    pub fn missing_links(&self, settings: &SweepSettings, recipients: &[FriendUuid]) -> BTreeSet<FriendUuid> {
        if settings.tracked_base().is_none() {
            return BTreeSet::new();
        }
        let known = self.known_links();
        recipients
            .iter()
            .filter(|f| !known.contains_key(*f))
            .cloned()
            .collect()
    }

    /// Remembers tokens made (or found) by a reservation.
    pub fn learn_links(&self, links: impl IntoIterator<Item = (FriendUuid, LinkToken)>) {
        self.known_links().extend(links);
    }

    pub fn admin_id(&self) -> KakaoUserId {
        self.meeting.admin
    }

    pub fn name_of(&self, friend: &FriendUuid) -> &str {
        self.names.get(friend).map(String::as_str).unwrap_or("")
    }
}

/// What came of a batch.
#[derive(Debug, Default)]
pub(crate) struct BatchOutcome {
    pub sent: Vec<FriendUuid>,
    /// Refused by Kakao with this code; `true`: the slots go back (Kakao did not count it).
    pub failed: Vec<(FriendUuid, KakaoErrorCode, bool)>,
    pub unknown: Vec<FriendUuid>,
    /// Given back without sending, with the skip reason when there is one.
    pub released: Vec<(FriendUuid, Option<SkipReason>)>,
    pub kakao_latency: Vec<Duration>,
}

/// Sends `recipients` (1 to 5, their deliveries of `round` in `sending`) and gives back the
/// reservations of those nothing was sent to. Kakao's answers are the caller's to record
/// ([`BatchOutcome::answers`], [`record_answers`]): the sweep writes a round's last batch's with
/// the round's advance.
pub(crate) async fn send_batch(
    ctx: &Ctx<'_>,
    cache: &AdminCache,
    cx: &MeetingCx<'_>,
    round: Round,
    recipients: &[FriendUuid],
) -> Result<BatchOutcome, SweepError> {
    let services = ctx.services;
    let now = services.clock.now();
    let mut outcome = BatchOutcome::default();

    // Each recipient's message; identical ones share a Kakao call.
    let links = links_for(ctx, cx, recipients).await;
    let mut groups: Vec<(Template, Vec<FriendUuid>)> = Vec::new();
    for (friend, links) in recipients.iter().zip(links) {
        let Some(links) = links else {
            outcome.released.push((friend.clone(), None));
            continue;
        };
        let text = reminder_text(cx.meeting, &cx.template, cx.name_of(friend), now);
        let message = reminder(text, &links);
        match groups
            .iter_mut()
            .find(|(m, group)| *m == message && group.len() < domain::MAX_RECEIVERS_PER_SEND)
        {
            Some((_, group)) => group.push(friend.clone()),
            None => groups.push((message, vec![friend.clone()])),
        }
    }

    let mut calls = Vec::new();
    for (message, group) in &groups {
        match Receivers::new(group.iter().cloned()) {
            Ok(receivers) => calls.push((message, group, receivers)),
            // Groups hold 1 to 5 distinct recipients, so this does not happen; if it did,
            // nothing would be sent to them.
            Err(error) => {
                tracing::error!(%error, "a reminder group is not a valid receiver list");
                outcome.released.extend(group.iter().map(|f| (f.clone(), None)));
            }
        }
    }
    let answers = join_all(
        calls
            .iter()
            .map(|(message, _, receivers)| call_kakao(ctx, cx, message, receivers)),
    )
    .await;
    for ((_, group, _), (answer, took)) in calls.iter().zip(answers) {
        outcome.kakao_latency.push(took);
        judge(cache, &cx.admin, group, answer, &mut outcome);
    }
    ctx.crash.check(CrashPoint::AfterKakao)?;

    release_unsent(ctx, cx, round, &outcome).await;
    tracing::info!(
        admin = %cx.admin_id(),
        meeting = %cx.meeting.id,
        round = round.get(),
        batch = recipients.len(),
        sent = outcome.sent.len(),
        failed = outcome.failed.len(),
        unknown = outcome.unknown.len(),
        released = outcome.released.len(),
        kakao_calls = outcome.kakao_latency.len(),
        "reminder batch"
    );
    Ok(outcome)
}

/// Each recipient's buttons: tracked (their own token: known from the meeting's state or made
/// with the batch's reservation; else made here, in one store call) or the meeting's join URL.
/// `None` for a recipient no link Kakao would take can be made for (nothing is sent to them).
async fn links_for(
    ctx: &Ctx<'_>,
    cx: &MeetingCx<'_>,
    recipients: &[FriendUuid],
) -> Vec<Option<ReminderLinks>> {
    let Some(base) = ctx.settings.tracked_base() else {
        let direct = ReminderLinks::direct(cx.meeting);
        if direct.is_none() {
            tracing::error!(meeting = %cx.meeting.id, "the meeting's join URL is not https; Kakao would refuse the link");
        }
        return recipients.iter().map(|_| direct.clone()).collect();
    };
    let mut tokens: HashMap<FriendUuid, LinkToken> = {
        let known = cx.known_links();
        recipients
            .iter()
            .filter_map(|f| Some((f.clone(), known.get(f)?.clone())))
            .collect()
    };
    let missing: Vec<FriendUuid> = recipients
        .iter()
        .filter(|f| !tokens.contains_key(*f))
        .cloned()
        .collect();
    if !missing.is_empty() {
        let expires_at = cx.meeting.draft.ends_at + LINK_TOKEN_LIFETIME_AFTER_END;
        let now = ctx.services.clock.now();
        match ctx
            .services
            .store
            .ensure_link_tokens(cx.admin_id(), cx.meeting.id, &missing, expires_at, now)
            .await
        {
            Ok(made) => tokens.extend(made),
            Err(error) => {
                tracing::warn!(meeting = %cx.meeting.id, missing = missing.len(), %error, "no tracked link tokens; not sending to these invitees now");
            }
        }
    }
    recipients
        .iter()
        .map(|f| {
            tokens
                .get(f)
                .and_then(|token| ReminderLinks::tracked(base, token))
        })
        .collect()
}

/// One Kakao call with the admin's token (refresh once on -401; -402 marks the admin).
async fn call_kakao(
    ctx: &Ctx<'_>,
    cx: &MeetingCx<'_>,
    message: &Template,
    receivers: &Receivers,
) -> (Result<Vec<ReceiverResult>, TokenError>, Duration) {
    let started = Instant::now();
    let kakao = ctx.services.kakao.clone();
    let answer = ctx
        .services
        .tokens
        .call_remembering(cx.admin_id(), &cx.admin.token, |token| {
            let kakao = kakao.clone();
            async move { needs_keeper(kakao.send_to_friends(&token, receivers, message).await) }
        })
        .await;
    (answer, started.elapsed())
}

/// Hands the token keeper the failures it acts on (-401: refresh and repeat; -402: consent);
/// every other answer is per receiver.
fn needs_keeper(result: SendResult) -> Result<Vec<ReceiverResult>, KakaoError> {
    match result.into_parts() {
        (_, Some(error)) if error.needs_refresh() || error.needs_consent().is_some() => Err(error),
        (receivers, _) => Ok(receivers),
    }
}

/// Turns Kakao's answer for a group into outcomes.
fn judge(
    cache: &AdminCache,
    admin: &AdminContext,
    group: &[FriendUuid],
    answer: Result<Vec<ReceiverResult>, TokenError>,
    out: &mut BatchOutcome,
) {
    let results = match answer {
        Ok(results) => results,
        Err(error) => {
            // Nothing left for these: the keeper found no working token, or a refresh failed.
            let reason = match &error {
                TokenError::NeedsLogin => {
                    admin.set_readiness(AdminReadiness::NeedsLogin);
                    Some(SkipReason::AdminNeedsLogin)
                }
                TokenError::NeedsConsent { .. } => {
                    admin.set_readiness(AdminReadiness::NeedsConsent);
                    Some(SkipReason::AdminNeedsConsent)
                }
                other => {
                    tracing::warn!(error = %other, "no reminder sent: no working Kakao token");
                    None
                }
            };
            out.released.extend(group.iter().map(|f| (f.clone(), reason)));
            return;
        }
    };
    for friend in group {
        let outcome = results.iter().find(|r| &r.uuid == friend).map(|r| &r.outcome);
        match outcome {
            Some(ReceiverOutcome::Sent) => out.sent.push(friend.clone()),
            Some(ReceiverOutcome::Failed(FailureReason::NotSent)) => {
                out.released.push((friend.clone(), None))
            }
            Some(ReceiverOutcome::Failed(reason)) => {
                if let FailureReason::QuotaExceeded(quota) = reason
                    && let Some(kind) = quota.daily_kind()
                {
                    cache.counter_full(admin, kind);
                }
                match reason
                    .kakao_code()
                    .and_then(|c| i32::try_from(c).ok())
                    .and_then(|c| KakaoErrorCode::new(c).ok())
                {
                    Some(code) => out
                        .failed
                        .push((friend.clone(), code, !reason.counts_against_quota())),
                    // A refusal with no code to keep: recorded as lost rather than invented.
                    None => out.unknown.push(friend.clone()),
                }
            }
            Some(ReceiverOutcome::Unknown) | None => out.unknown.push(friend.clone()),
        }
    }
}

impl BatchOutcome {
    /// What Kakao said, as the deliveries record it.
    pub fn answers(&self) -> Vec<(FriendUuid, DeliveryOutcome)> {
        let mut answers: Vec<(FriendUuid, DeliveryOutcome)> = Vec::new();
        answers.extend(self.sent.iter().map(|f| (f.clone(), DeliveryOutcome::Sent)));
        answers.extend(self.failed.iter().map(|(f, code, release_quota)| {
            let failed = DeliveryOutcome::Failed {
                code: *code,
                release_quota: *release_quota,
            };
            (f.clone(), failed)
        }));
        answers.extend(self.unknown.iter().map(|f| (f.clone(), DeliveryOutcome::Unknown)));
        answers
    }
}

/// Records what Kakao said in one transaction. If that is refused (a delivery moved meanwhile,
/// e.g. declared lost by a sweep that thought this one dead), each delivery is recorded on its
/// own. Returns the recipients whose answer could not be recorded (their deliveries stay
/// `sending`, to become `unknown`).
pub(crate) async fn record_answers(
    ctx: &Ctx<'_>,
    admin: KakaoUserId,
    meeting: domain::MeetingId,
    round: Round,
    answers: &[(FriendUuid, DeliveryOutcome)],
) -> Vec<FriendUuid> {
    let store = &ctx.services.store;
    let now = ctx.services.clock.now();
    let mut unrecorded = Vec::new();
    if answers.is_empty() {
        return unrecorded;
    }
    if let Err(error) = store.record_outcomes(admin, meeting, round, answers, now).await {
        tracing::warn!(%meeting, round = round.get(), %error, "recording the batch failed; recording one by one");
        for answer in answers {
            if let Err(error) = store
                .record_outcomes(admin, meeting, round, std::slice::from_ref(answer), now)
                .await
            {
                tracing::error!(%meeting, friend = %answer.0, %error, "an outcome could not be recorded; the delivery stays sending and becomes unknown");
                unrecorded.push(answer.0.clone());
            }
        }
    }
    unrecorded
}

/// Gives back, in one transaction, the reservations of recipients nothing was sent to.
async fn release_unsent(ctx: &Ctx<'_>, cx: &MeetingCx<'_>, round: Round, outcome: &BatchOutcome) {
    let store = &ctx.services.store;
    let now = ctx.services.clock.now();
    let (admin, meeting) = (cx.admin_id(), cx.meeting.id);
    let released: Vec<FriendUuid> = outcome.released.iter().map(|(f, _)| f.clone()).collect();
    if !released.is_empty()
        && let Err(error) = store.release(admin, meeting, round, &released, now).await
    {
        tracing::error!(%meeting, round = round.get(), %error, "giving back unsent reservations failed; they stay sending and become unknown");
    }
}
