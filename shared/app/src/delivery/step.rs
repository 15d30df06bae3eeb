//! [`deliver`]: one batch from its start to recorded outcomes and released slots.
//!
//! 1. **Start**: quota reserved and the delivery records made in `sending`, in one store
//!    transaction ([`Start::Reserve`]); or the admin's approval of a reservation made earlier,
//!    `reserved -> sending` all or none ([`Start::Approve`]). Whoever the start refuses is
//!    [`Held`] and gets nothing.
//! 2. **Messages**: the caller's [`Messages`] says what each recipient gets (the start may have
//!    made their tracked-link tokens); identical messages share a Kakao call, five at most.
//! 3. **Kakao**: the calls run together, each with the admin's token (refreshed once on -401).
//! 4. **Judge**: each recipient's [`Fate`] from Kakao's answer ([`super::fate::judge`]).
//! 5. **Release** the reservations of those nothing left for, in one transaction.
//! 6. **Record** Kakao's answers in one transaction ([`record_answers`]), now or, when the
//!    caller writes them with something else ([`Recording::WithCaller`]: the sweep's last batch
//!    of a round goes with the round's advance), by the caller.
//!
//! At most once: nothing here ever sends a recipient twice. A call whose answer is lost leaves
//! `unknown`; a call refused before anything left gives the reservation back (`cancelled`),
//! which is never resent either. A crash between two steps ([`CrashPoint`]) leaves at worst a
//! delivery `sending`, which becomes `unknown`.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use domain::delivery::{DeliveryStateKind, Round};
use domain::{FriendUuid, KakaoUserId, MeetingId, QuotaKind};
use futures::future::join_all;
use kakao::{KakaoError, ReceiverResult, Receivers, SendResult, Template};
use store::StoreError;
use store::model::{DeliveryOutcome, DeliveryRecord, LinkToken, Refusal, ReservationRequest};

use super::crash::{CrashHook, CrashPoint, Crashed};
use super::fate::{Fate, NotReached, judge};
use crate::services::Services;
use crate::tokens::{TokenError, TokenSlot};

/// How a batch's deliveries come to be `sending`.
#[derive(Debug, Clone)]
pub enum Start {
    /// Reserve quota and make the delivery records (`request.initial` should be `Sending`).
    Reserve(ReservationRequest),
    /// Send what the admin approved: deliveries of the round now `reserved`.
    Approve(Vec<FriendUuid>),
}

/// Why the start let a recipient through to nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// A daily counter they would pass is full.
    Quota(QuotaKind),
    /// They already have a delivery for this round, in this state.
    AlreadyReminded(DeliveryStateKind),
    /// Their reservation was no longer `reserved` (approved or expired by someone else).
    AlreadyHandled,
}

/// When Kakao's answers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    /// Before [`deliver`] returns.
    Now,
    /// By the caller, with its next write ([`Delivered::answers`]); until then the deliveries
    /// stay `sending`.
    WithCaller,
}

/// What each recipient of a batch is sent.
#[async_trait]
pub trait Messages: Send + Sync {
    /// The message for each of `recipients` (`None`: none Kakao would take can be made, and
    /// nothing is sent to them). `links`: tracked-link tokens the start made or found.
    async fn messages(
        &self,
        recipients: &[FriendUuid],
        links: &[(FriendUuid, LinkToken)],
    ) -> Vec<Option<Template>>;
}

/// One batch on its way: at most five recipients of one meeting's round.
pub struct Outgoing<'a> {
    pub admin: KakaoUserId,
    pub meeting: MeetingId,
    pub round: Round,
    pub start: Start,
    /// The admin's access token, kept across the caller's calls (a sweep keeps one per admin).
    pub token: &'a TokenSlot,
    pub recording: Recording,
    pub crash: &'a CrashHook,
}

/// What came of a batch.
#[derive(Debug, Default)]
pub struct Delivered {
    /// Refused by the start: nothing was sent, nothing is held for them.
    pub held: Vec<(FriendUuid, Held)>,
    /// Tracked-link tokens the start made or found.
    pub links: Vec<(FriendUuid, LinkToken)>,
    /// Everyone the start let through, with what became of them.
    pub fates: Vec<(FriendUuid, Fate)>,
    /// Kakao's answers as the deliveries record them ([`Recording::WithCaller`]: not written).
    pub answers: Vec<(FriendUuid, DeliveryOutcome)>,
    /// The records as written here: the released ones, and with [`Recording::Now`] the answered.
    pub records: Vec<DeliveryRecord>,
    /// [`Recording::Now`]: answers that could not be written (their deliveries stay `sending`
    /// and become `unknown`).
    pub unrecorded: Vec<FriendUuid>,
    /// How long each Kakao call took.
    pub kakao_latency: Vec<Duration>,
}

impl Delivered {
    /// Whom the start let through (their deliveries went `sending`).
    pub fn going(&self) -> impl Iterator<Item = &FriendUuid> {
        self.fates.iter().map(|(friend, _)| friend)
    }

    pub fn count(&self, pick: impl Fn(&Fate) -> bool) -> usize {
        self.fates.iter().filter(|(_, fate)| pick(fate)).count()
    }
}

/// Why a delivery stopped before it was done.
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// The start could not be written: nothing was sent.
    #[error("the store failed while {step}")]
    Store {
        step: &'static str,
        #[source]
        source: StoreError,
    },
    /// A test stopped it here, as a crash of the process would.
    #[error(transparent)]
    Crashed(#[from] Crashed),
}

/// The start of a batch reserved, as [`Start::Reserve`] makes it: who goes (their deliveries are
/// in `request.initial`), who is held, and the tracked-link tokens made. Confirm-first rounds
/// reserve (`reserved`) with this alone, and send on approval.
pub async fn reserve(
    services: &Services,
    request: &ReservationRequest,
) -> Result<
    (
        Vec<FriendUuid>,
        Vec<(FriendUuid, Held)>,
        Vec<(FriendUuid, LinkToken)>,
    ),
    DeliverError,
> {
    let reservation = services
        .store
        .reserve(request, services.clock.now())
        .await
        .map_err(|source| DeliverError::Store {
            step: "reserving quota",
            source,
        })?;
    let held = reservation
        .refused
        .into_iter()
        .map(|(friend, refusal)| {
            let held = match refusal {
                Refusal::Quota(kind) => Held::Quota(kind),
                Refusal::AlreadyExists(state) => Held::AlreadyReminded(state.kind()),
            };
            (friend, held)
        })
        .collect();
    Ok((reservation.reserved, held, reservation.links))
}

/// Takes one batch from its start to recorded outcomes and released slots (see the module docs).
pub async fn deliver(
    services: &Services,
    out: Outgoing<'_>,
    messages: &dyn Messages,
) -> Result<Delivered, DeliverError> {
    let mut delivered = Delivered::default();
    let going = match &out.start {
        Start::Reserve(request) => {
            let (going, held, links) = reserve(services, request).await?;
            delivered.held = held;
            delivered.links = links;
            going
        }
        Start::Approve(friends) => {
            let (going, handled) = approve(services, &out, friends).await;
            delivered.held = handled.into_iter().map(|f| (f, Held::AlreadyHandled)).collect();
            going
        }
    };
    out.crash.check(CrashPoint::AfterReserve)?;
    if going.is_empty() {
        return Ok(delivered);
    }

    // Each recipient's message; identical ones share a Kakao call.
    let composed = messages.messages(&going, &delivered.links).await;
    let mut groups: Vec<(Template, Vec<FriendUuid>)> = Vec::new();
    for (friend, message) in going.iter().zip(composed) {
        let Some(message) = message else {
            delivered
                .fates
                .push((friend.clone(), Fate::NotSent(NotReached::NoMessage)));
            continue;
        };
        match groups
            .iter_mut()
            .find(|(m, group)| *m == message && group.len() < domain::MAX_RECEIVERS_PER_SEND)
        {
            Some((_, group)) => group.push(friend.clone()),
            None => groups.push((message, vec![friend.clone()])),
        }
    }
    let calls = groups.iter().filter_map(|(message, group)| {
        // Groups hold 1 to 5 distinct recipients, so this always succeeds.
        Receivers::new(group.iter().cloned())
            .ok()
            .map(|receivers| (message, group, receivers))
    });
    let calls: Vec<_> = calls.collect();
    let answers = join_all(
        calls
            .iter()
            .map(|(message, _, receivers)| call_kakao(services, &out, message, receivers)),
    )
    .await;
    for ((_, group, _), (answer, took)) in calls.iter().zip(answers) {
        delivered.kakao_latency.push(took);
        delivered.fates.extend(judge(group, answer));
    }
    // Kakao refusing the whole app concerns every admin: recorded here, once for every caller
    // (sweep, approvals, manual sends).
    if let Some(stop) = delivered.fates.iter().find_map(|(_, fate)| fate.app_stop()) {
        crate::kakao_app::note_stop(&*services.store, stop, services.clock.now()).await;
    }
    out.crash.check(CrashPoint::AfterKakao)?;

    release_unsent(services, &out, &mut delivered).await;
    delivered.answers = delivered
        .fates
        .iter()
        .filter_map(|(friend, fate)| Some((friend.clone(), fate.outcome()?)))
        .collect();
    if out.recording == Recording::Now {
        let (records, unrecorded) =
            record_answers(services, out.admin, out.meeting, out.round, &delivered.answers).await;
        delivered.records.extend(records);
        delivered.unrecorded = unrecorded;
    }
    tracing::info!(
        admin = %out.admin,
        meeting = %out.meeting,
        round = out.round.get(),
        held = delivered.held.len(),
        sent = delivered.count(|f| *f == Fate::Sent),
        failed = delivered.count(|f| matches!(f, Fate::Failed { .. })),
        unknown = delivered.count(|f| matches!(f, Fate::Unknown(_))),
        not_sent = delivered.count(|f| matches!(f, Fate::NotSent(_))),
        kakao_calls = delivered.kakao_latency.len(),
        "reminder batch"
    );
    Ok(delivered)
}

/// Moves the approved deliveries `reserved -> sending`, all at once, or one by one if someone
/// else took some. Returns (moved, already handled).
async fn approve(
    services: &Services,
    out: &Outgoing<'_>,
    friends: &[FriendUuid],
) -> (Vec<FriendUuid>, Vec<FriendUuid>) {
    let store = &services.store;
    let now = services.clock.now();
    if friends.is_empty()
        || store
            .confirm_reserved(out.admin, out.meeting, out.round, friends, now)
            .await
            .is_ok()
    {
        return (friends.to_vec(), Vec::new());
    }
    let (mut moved, mut handled) = (Vec::new(), Vec::new());
    for friend in friends {
        match store
            .confirm_reserved(
                out.admin,
                out.meeting,
                out.round,
                std::slice::from_ref(friend),
                now,
            )
            .await
        {
            Ok(_) => moved.push(friend.clone()),
            Err(_) => handled.push(friend.clone()),
        }
    }
    (moved, handled)
}

/// One Kakao call with the admin's token (refresh once on -401; -402 marks the admin).
async fn call_kakao(
    services: &Services,
    out: &Outgoing<'_>,
    message: &Template,
    receivers: &Receivers,
) -> (Result<Vec<ReceiverResult>, TokenError>, Duration) {
    let started = Instant::now();
    let kakao = services.kakao.clone();
    let answer = services
        .tokens
        .call_remembering(out.admin, out.token, |token| {
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

/// Gives back, in one transaction, the reservations of recipients nothing was sent to.
async fn release_unsent(services: &Services, out: &Outgoing<'_>, delivered: &mut Delivered) {
    let unsent: Vec<FriendUuid> = delivered
        .fates
        .iter()
        .filter(|(_, fate)| matches!(fate, Fate::NotSent(_)))
        .map(|(friend, _)| friend.clone())
        .collect();
    if unsent.is_empty() {
        return;
    }
    let now = services.clock.now();
    match services
        .store
        .release(out.admin, out.meeting, out.round, &unsent, now)
        .await
    {
        Ok(records) => delivered.records.extend(records),
        Err(error) => {
            tracing::error!(meeting = %out.meeting, round = out.round.get(), %error, "giving back unsent reservations failed; they stay sending and become unknown");
        }
    }
}

/// Records what Kakao said in one transaction. If that is refused (a delivery moved meanwhile,
/// e.g. declared lost by a sweep that thought this one dead), each delivery is recorded on its
/// own. Returns the records written and the recipients whose answer could not be recorded
/// (their deliveries stay `sending`, to become `unknown`).
pub async fn record_answers(
    services: &Services,
    admin: KakaoUserId,
    meeting: MeetingId,
    round: Round,
    answers: &[(FriendUuid, DeliveryOutcome)],
) -> (Vec<DeliveryRecord>, Vec<FriendUuid>) {
    let store = &services.store;
    let now = services.clock.now();
    if answers.is_empty() {
        return (Vec::new(), Vec::new());
    }
    match store.record_outcomes(admin, meeting, round, answers, now).await {
        Ok(records) => (records, Vec::new()),
        Err(error) => {
            tracing::warn!(%meeting, round = round.get(), %error, "recording the batch failed; recording one by one");
            let (mut records, mut unrecorded) = (Vec::new(), Vec::new());
            for answer in answers {
                match store
                    .record_outcomes(admin, meeting, round, std::slice::from_ref(answer), now)
                    .await
                {
                    Ok(written) => records.extend(written),
                    Err(error) => {
                        tracing::error!(%meeting, friend = %answer.0, %error, "an outcome could not be recorded; the delivery stays sending and becomes unknown");
                        unrecorded.push(answer.0.clone());
                    }
                }
            }
            (records, unrecorded)
        }
    }
}
