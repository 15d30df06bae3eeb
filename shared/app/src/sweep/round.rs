//! The sweep's round layer: visiting one due meeting. Read its state, give up on lost sends,
//! plan the round, deliver it batch by batch (or reserve it for the admin's approval, or expire
//! what was never approved), and move the meeting's due entry on, conditionally, so two sweeps
//! cannot both advance it. Called by `run`; calls `batch`, `memo`, `admins` and `context`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::delivery::{DeliveryStateKind, Round};
use domain::meeting::SendMode;
use domain::sweep::{
    AdminReadiness, Batch, DeliveryFact, InviteeFacts, RoundFacts, RoundPlan, RoundStatus, RoundSummary,
    SkipReason, joined_since, next_due, plan_round, reach_from_history,
};
use domain::{FriendUuid, QuotaKind};
use store::api::MeetingState;
use store::model::{DeliveryOutcome, DeliveryRecord, DueMeeting, InitialState, Meeting, MeetingStatus};

use super::admins::{AdminCache, AdminContext};
use super::batch::{BatchOutcome, MeetingCx, release_all, reservation, send_batch, skip_for};
use super::context::Ctx;
use super::error::{CrashPoint, SweepError, store};
use super::memo;
use super::report::SweepReport;
use crate::delivery::{self, Recording, Start};

/// Where each of the meeting's deliveries stands, as this visit leaves it.
pub(crate) type States = BTreeMap<(FriendUuid, Round), DeliveryStateKind>;

/// Visits one entry of the due index, with what the sweep read of it (`None`: the meeting is
/// gone) and of its admin.
pub(crate) async fn visit(
    ctx: &Ctx<'_>,
    cache: &AdminCache,
    due: DueMeeting,
    admin_cx: Arc<AdminContext>,
    found: Option<(Meeting, MeetingState)>,
) -> Result<SweepReport, SweepError> {
    let store_ = &ctx.services.store;
    let mut report = SweepReport::default();
    let Some((meeting, state)) = found else {
        tracing::info!(admin = %due.admin, meeting = %due.meeting, "a due meeting no longer exists");
        return Ok(report);
    };
    // The index is read eventually consistently: an entry another sweep (or an edit) already
    // moved is skipped; whoever moved it owns that round.
    let Some(from) = meeting.draft.next_round.filter(|next| *next == due.next) else {
        tracing::debug!(meeting = %due.meeting, "stale due entry; already moved on");
        return Ok(report);
    };
    report.visited = 1;
    let (admin, id) = (meeting.admin, meeting.id);
    let now = ctx.services.clock.now();
    let schedule = meeting.draft.schedule();
    let MeetingState {
        invitees,
        attendance,
        mut deliveries,
        links,
    } = state;
    let joined: BTreeSet<FriendUuid> = attendance.into_iter().map(|(friend, _)| friend).collect();
    report.stale_unknown = give_up_on_lost_sends(ctx, &mut deliveries, now).await;

    let clients = futures::future::try_join_all(
        invitees
            .iter()
            .map(|invitee| cache.client(admin_cx.kakao_id(&invitee.friend))),
    )
    .await
    .map_err(store("reading client records"))?;
    let facts: Vec<InviteeFacts> = invitees
        .iter()
        .zip(clients)
        .map(|(invitee, client)| {
            let failures = deliveries
                .iter()
                .filter(|d| d.key.recipient == invitee.friend)
                .filter_map(|d| d.state.failure_code());
            InviteeFacts {
                friend: invitee.friend.clone(),
                opted_out: invitee.opted_out || admin_cx.opted_out.contains(&invitee.friend),
                unreachable: reach_from_history(admin_cx.standing(&invitee.friend), client, failures),
            }
        })
        .collect();
    let past: Vec<DeliveryFact> = deliveries
        .iter()
        .map(|d| DeliveryFact {
            recipient: d.key.recipient.clone(),
            round: d.key.round,
            state: d.state,
        })
        .collect();
    let mut plan = plan_round(&RoundFacts {
        now,
        round: from.round,
        due_at: from.due_at,
        cancelled: meeting.draft.status == MeetingStatus::Cancelled,
        schedule: &schedule,
        plan: &meeting.draft.settings.plan,
        admin: admin_cx.readiness(),
        kakao_app_stopped: cache.is_app_stopped(),
        invitees: &facts,
        joined: &joined,
        deliveries: &past,
        quota: cache.quota_left(&admin_cx),
    });
    let mut states: States = deliveries
        .iter()
        .map(|d| ((d.key.recipient.clone(), d.key.round), d.state.kind()))
        .collect();
    let names: HashMap<FriendUuid, String> = invitees
        .iter()
        .map(|i| (i.friend.clone(), i.display_name.clone()))
        .collect();
    let cx = MeetingCx::new(&meeting, admin_cx.clone(), names, links.into_iter().collect());
    let mut round = RoundResult::default();
    // The last batch's answers, written with the round's advance (one transaction on DynamoDB).
    let mut unrecorded: Vec<(FriendUuid, DeliveryOutcome)> = Vec::new();

    match plan.status {
        RoundStatus::NotDue => return Ok(report),
        RoundStatus::Closing => {
            report.expired = expire_reserved(ctx, &meeting, &deliveries, &mut states).await
        }
        RoundStatus::Due => match meeting.draft.settings.mode {
            SendMode::Automatic => {
                let mut sends = RoundSends {
                    states: &mut states,
                    result: &mut round,
                    unrecorded: &mut unrecorded,
                };
                send_round(ctx, cache, &cx, from.round, &mut plan, &mut sends).await?;
            }
            SendMode::ConfirmFirst => {
                let prepared = prepare_round(ctx, cache, &cx, from.round, &mut plan, &mut states).await?;
                report.prepared = prepared.len();
                if !prepared.is_empty() && memo::confirm(ctx, &cx, from.round, &prepared).await {
                    report.memos += 1;
                }
            }
        },
    }
    round.add_to(&mut report);
    for (reason, n) in plan.skipped() {
        report.skip(reason, n);
    }
    ctx.crash.check(CrashPoint::BeforeAdvance)?;

    // Where the due entry goes: a closing visit while deliveries are still in flight.
    let next_round = |states: &States| {
        let pending = states
            .values()
            .any(|k| matches!(k, DeliveryStateKind::Reserved | DeliveryStateKind::Sending));
        let next = next_due(
            &meeting.draft.settings.plan,
            &schedule,
            from.round,
            ctx.services.clock.now(),
            pending,
            ctx.settings.stale_sending_age,
        );
        next.planned()
    };
    let now = ctx.services.clock.now();
    let mut to = next_round(&states);
    let advanced = match store_.finish_round(admin, id, from, to, &unrecorded, now).await {
        Ok(finished) => finished.advanced,
        // The answers could not be written with the advance (a delivery moved meanwhile):
        // record them as a batch on its own would be, then move on.
        Err(error) => {
            tracing::warn!(meeting = %id, round = from.round.get(), %error, "recording the round's last batch with its advance failed; recording it on its own");
            let (_, lost) = delivery::record_answers(ctx.services, admin, id, from.round, &unrecorded).await;
            mark_sending(&mut states, from.round, &lost);
            to = next_round(&states);
            store_
                .finish_round(admin, id, from, to, &[], now)
                .await
                .and_then(|finished| finished.advanced)
        }
    };
    match advanced {
        Ok(()) => {
            report.advanced = 1;
            tracing::info!(
                admin = %admin,
                meeting = %id,
                round = from.round.get(),
                status = ?plan.status,
                next_round = to.map(|t| t.round.get()),
                next_due_at = ?to.map(|t| t.due_at),
                "meeting round done"
            );
            let automatic = meeting.draft.settings.mode == SendMode::Automatic;
            if plan.status == RoundStatus::Due && automatic && admin_cx.round_summary {
                let summary = RoundSummary::new(
                    from.round,
                    &plan,
                    round.outcome.sent.len(),
                    &round.failed_codes(),
                    round.outcome.unknown.len(),
                    joined_since(
                        deliveries
                            .iter()
                            .map(|d| (d.key.recipient.clone(), d.key.round, d.state)),
                        &joined,
                        from.round,
                    ),
                );
                if !summary.is_empty() && memo::summary(ctx, &cx, &summary).await {
                    report.memos += 1;
                }
            }
        }
        // Another sweep (or an edit) moved it first: that one owns the due entry now.
        Err(error) if error.is_conflict() => {
            tracing::info!(meeting = %id, round = from.round.get(), "the round was advanced by someone else");
        }
        Err(error) => {
            tracing::error!(meeting = %id, round = from.round.get(), %error, "could not advance the round; it stays due (nothing is sent twice)");
            report.errors += 1;
        }
    }
    Ok(report)
}

/// Moves every delivery `sending` for longer than the stale age to `unknown` (shown on the
/// dashboard, never resent). Returns how many moved.
async fn give_up_on_lost_sends(
    ctx: &Ctx<'_>,
    deliveries: &mut [DeliveryRecord],
    now: DateTime<Utc>,
) -> usize {
    let age = ctx.settings.stale_sending_age;
    let mut moved = 0;
    for delivery in deliveries
        .iter_mut()
        .filter(|d| d.state.kind() == DeliveryStateKind::Sending && d.updated_at + age <= now)
    {
        match ctx
            .services
            .store
            .mark_unknown_if_stale(&delivery.key, age, now)
            .await
        {
            Ok(record) => {
                tracing::warn!(
                    admin = %delivery.key.admin,
                    meeting = %delivery.key.meeting,
                    friend = %delivery.key.recipient,
                    round = delivery.key.round.get(),
                    "a send stayed sending past its age; now unknown"
                );
                *delivery = record;
                moved += 1;
            }
            Err(error) if error.is_conflict() => {}
            Err(error) => {
                tracing::warn!(%error, "could not mark a stale send unknown; the next visit tries again")
            }
        }
    }
    moved
}

/// What the sends of a round came to.
#[derive(Debug, Default)]
pub(crate) struct RoundResult {
    pub outcome: BatchOutcome,
}

impl RoundResult {
    pub fn absorb(&mut self, batch: BatchOutcome) {
        self.outcome.sent.extend(batch.sent);
        self.outcome.failed.extend(batch.failed);
        self.outcome.unknown.extend(batch.unknown);
        self.outcome.released.extend(batch.released);
        self.outcome.kakao_latency.extend(batch.kakao_latency);
    }

    pub fn failed_codes(&self) -> Vec<domain::delivery::KakaoErrorCode> {
        self.outcome.failed.iter().map(|(_, code, _)| *code).collect()
    }

    pub fn add_to(&self, report: &mut SweepReport) {
        report.sent += self.outcome.sent.len();
        for (_, code, _) in &self.outcome.failed {
            report.fail(code.get());
        }
        report.unknown += self.outcome.unknown.len();
        report.released += self.outcome.released.len();
        report.kakao_sends += self.outcome.kakao_latency.len();
        report
            .kakao_latency
            .extend(self.outcome.kakao_latency.iter().copied());
    }
}

/// Why the rest of a round stops before its next batch, learned mid-round: the admin's token
/// died or consent went, or a counter shared by the batch filled up.
fn stop_reason(cache: &AdminCache, cx: &MeetingCx<'_>) -> Option<SkipReason> {
    match cx.admin.readiness() {
        AdminReadiness::NeedsLogin => return Some(SkipReason::AdminNeedsLogin),
        AdminReadiness::NeedsConsent => return Some(SkipReason::AdminNeedsConsent),
        AdminReadiness::Ready => {}
    }
    let left = cache.quota_left(&cx.admin);
    if left.app == Some(0) {
        Some(SkipReason::Quota { kind: QuotaKind::App })
    } else if left.sender == Some(0) {
        Some(SkipReason::Quota {
            kind: QuotaKind::Sender,
        })
    } else {
        None
    }
}

/// Whether the round stops before `batch` (see [`stop_reason`]); if so its recipients are
/// skipped with that reason.
fn stopped(cache: &AdminCache, cx: &MeetingCx<'_>, batch: &Batch, plan: &mut RoundPlan) -> bool {
    let Some(reason) = stop_reason(cache, cx) else {
        return false;
    };
    let rest: Vec<(FriendUuid, SkipReason)> =
        batch.recipients().iter().map(|f| (f.clone(), reason)).collect();
    plan.refuse(&rest);
    true
}

/// Turns the recipients a batch's start held into the round's skips.
fn refuse_held(
    cache: &AdminCache,
    cx: &MeetingCx<'_>,
    held: &[(FriendUuid, delivery::Held)],
    plan: &mut RoundPlan,
) {
    let refused: Vec<(FriendUuid, SkipReason)> = held
        .iter()
        .map(|(friend, held)| (friend.clone(), skip_for(cache, &cx.admin, *held)))
        .collect();
    plan.refuse(&refused);
}

/// Where an automatic round's sends leave their mark.
struct RoundSends<'s> {
    states: &'s mut States,
    result: &'s mut RoundResult,
    /// The last batch's answers, not yet written (they go with the round's advance).
    unrecorded: &'s mut Vec<(FriendUuid, DeliveryOutcome)>,
}

/// The automatic round: batch by batch, delivered (each batch's answers are written before the
/// next batch is reserved; the last batch's with the round's advance).
async fn send_round(
    ctx: &Ctx<'_>,
    cache: &AdminCache,
    cx: &MeetingCx<'_>,
    round: Round,
    plan: &mut RoundPlan,
    sends: &mut RoundSends<'_>,
) -> Result<(), SweepError> {
    for batch in plan.batches() {
        if stopped(cache, cx, &batch, plan) {
            continue;
        }
        let previous = std::mem::take(sends.unrecorded);
        let (_, lost) =
            delivery::record_answers(ctx.services, cx.admin_id(), cx.meeting.id, round, &previous).await;
        mark_sending(sends.states, round, &lost);
        let request = reservation(ctx, cx, round, &batch, InitialState::Sending)?;
        let delivered = send_batch(ctx, cx, round, Start::Reserve(request), Recording::WithCaller).await?;
        refuse_held(cache, cx, &delivered.held, plan);
        for friend in delivered.going() {
            sends
                .states
                .insert((friend.clone(), round), DeliveryStateKind::Sending);
        }
        let outcome = BatchOutcome::of(cache, &cx.admin, &delivered);
        *sends.unrecorded = delivered.answers;
        apply(&outcome, round, plan, sends.states);
        sends.result.absorb(outcome);
    }
    Ok(())
}

/// Deliveries whose answer could not be recorded are still `sending` in the store (the closing
/// visit declares them `unknown`).
fn mark_sending(states: &mut States, round: Round, friends: &[FriendUuid]) {
    for friend in friends {
        states.insert((friend.clone(), round), DeliveryStateKind::Sending);
    }
}

/// Folds a batch's outcome into the plan (given-back recipients with a reason are skips) and the
/// delivery states.
pub(crate) fn apply(outcome: &BatchOutcome, round: Round, plan: &mut RoundPlan, states: &mut States) {
    for friend in &outcome.sent {
        states.insert((friend.clone(), round), DeliveryStateKind::Sent);
    }
    for (friend, _, _) in &outcome.failed {
        states.insert((friend.clone(), round), DeliveryStateKind::Failed);
    }
    for friend in &outcome.unknown {
        states.insert((friend.clone(), round), DeliveryStateKind::Unknown);
    }
    let mut skips = Vec::new();
    for (friend, reason) in &outcome.released {
        states.insert((friend.clone(), round), DeliveryStateKind::Cancelled);
        if let Some(reason) = reason {
            skips.push((friend.clone(), *reason));
        }
    }
    plan.refuse(&skips);
}

/// The confirm-first round: reserve the batches (`reserved`, quota held) for the admin to approve.
async fn prepare_round(
    ctx: &Ctx<'_>,
    cache: &AdminCache,
    cx: &MeetingCx<'_>,
    round: Round,
    plan: &mut RoundPlan,
    states: &mut States,
) -> Result<Vec<FriendUuid>, SweepError> {
    let mut prepared = Vec::new();
    for batch in plan.batches() {
        if stopped(cache, cx, &batch, plan) {
            continue;
        }
        let request = reservation(ctx, cx, round, &batch, InitialState::Reserved)?;
        let (reserved, held, links) = delivery::reserve(ctx.services, &request).await?;
        refuse_held(cache, cx, &held, plan);
        cx.learn_links(links);
        for friend in &reserved {
            states.insert((friend.clone(), round), DeliveryStateKind::Reserved);
        }
        prepared.extend(reserved);
    }
    tracing::info!(
        admin = %cx.admin_id(),
        meeting = %cx.meeting.id,
        round = round.get(),
        prepared = prepared.len(),
        "confirm-first round prepared"
    );
    Ok(prepared)
}

/// The closing visit: every batch still waiting for the admin's approval is given back and
/// recorded as never sent (`cancelled`). Returns how many recipients that was.
async fn expire_reserved(
    ctx: &Ctx<'_>,
    meeting: &Meeting,
    deliveries: &[DeliveryRecord],
    states: &mut States,
) -> usize {
    let mut by_round: BTreeMap<Round, Vec<FriendUuid>> = BTreeMap::new();
    for d in deliveries
        .iter()
        .filter(|d| d.state.kind() == DeliveryStateKind::Reserved)
    {
        by_round
            .entry(d.key.round)
            .or_default()
            .push(d.key.recipient.clone());
    }
    let mut expired = 0;
    for (round, friends) in by_round {
        expired += release_all(ctx, meeting, round, &friends).await;
        for friend in friends {
            states.insert((friend, round), DeliveryStateKind::Cancelled);
        }
    }
    if expired > 0 {
        tracing::info!(meeting = %meeting.id, expired, "unapproved reminders expired at the meeting's end; not sent");
    }
    expired
}
