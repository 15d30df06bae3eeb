//! Confirm-first rounds from the admin's side: the prepared batch (who is waiting for approval)
//! and the approval itself, which sends exactly that batch.
//!
//! "Exactly" means: only deliveries that are `reserved` for that round are ever sent, each at
//! most once (the store moves them `reserved -> sending` all or none, and of two racing
//! approvals one wins). Two kinds of recipient are taken out rather than messaged: those who
//! joined since the memo (a nudge to join would be wrong), and those who opted out since (they
//! said stop). After the meeting's end nothing is sent: the batch expires, recorded as never
//! sent.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use domain::delivery::{DeliveryStateKind, KakaoErrorCode, Round};
use domain::sweep::{RoundStatus, RoundSummary, SkipReason, joined_since};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use serde::Serialize;
use store::api::MeetingState;
use store::model::{DeliveryRecord, LinkToken, Meeting};

use super::admins::{AdminCache, AdminContext};
use super::batch::{BatchOutcome, MeetingCx, release_all, send_batch};
use super::error::{SweepError, store};
use super::memo;
use super::run::Sweeper;
use crate::delivery::{Held, Recording, Start};

/// One recipient of a prepared batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreparedRecipient {
    pub friend: FriendUuid,
    pub name: String,
    /// Joined since the batch was prepared: approving will not message them.
    pub joined: bool,
    /// Opted out since: approving will not message them.
    pub opted_out: bool,
}

/// A round waiting for the admin's approval.
#[derive(Debug, Clone)]
pub struct PreparedBatch {
    pub meeting: Meeting,
    pub round: Round,
    /// Deliveries of this round still `reserved`.
    pub recipients: Vec<PreparedRecipient>,
    /// The meeting has ended: the batch can no longer be sent.
    pub expired: bool,
    /// Deliveries of this round already past `reserved` (approved, sent, expired).
    pub handled: usize,
}

/// Why a prepared recipient was not messaged on approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotSent {
    /// Given back: joined, opted out, the admin's token failed, or Kakao was not reached.
    Skipped(SkipReason),
    /// Given back before anything left (no connection, no working token).
    NotReached,
    /// Already approved (or expired) by someone else.
    AlreadyHandled,
}

/// What an approval did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Approval {
    pub sent: Vec<FriendUuid>,
    pub failed: Vec<(FriendUuid, i32)>,
    pub unknown: Vec<FriendUuid>,
    pub not_sent: Vec<(FriendUuid, NotSent)>,
    /// The meeting had ended: this many reservations expired, nothing was sent.
    pub expired: usize,
}

impl Approval {
    pub fn nothing_happened(&self) -> bool {
        self.sent.is_empty() && self.failed.is_empty() && self.unknown.is_empty() && self.expired == 0
    }
}

/// A prepared batch and what sending it needs, read together.
struct Prepared {
    batch: PreparedBatch,
    admin: Arc<AdminContext>,
    /// The invitees' tracked-link tokens already made (read with the meeting's state).
    links: HashMap<FriendUuid, LinkToken>,
}

impl Sweeper {
    /// The batch of `round` waiting for approval.
    ///
    /// Errors: `MeetingNotFound` (also another admin's meeting); `Store`.
    pub async fn prepared_batch(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
    ) -> Result<PreparedBatch, SweepError> {
        Ok(self
            .prepare(&self.admin_cache(), admin, meeting, round)
            .await?
            .batch)
    }

    /// Reads the batch of `round` (the meeting, its state, the admin through `cache`).
    async fn prepare(
        &self,
        cache: &AdminCache,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
    ) -> Result<Prepared, SweepError> {
        let store_ = &self.services().store;
        let meeting = get_meeting(self, admin, meeting).await?;
        let now = self.services().clock.now();
        let state = store_
            .meeting_state(admin, meeting.id, now)
            .await
            .map_err(store("reading the meeting's invitees, attendance and deliveries"))?;
        let (reserved, handled) = split_round(&state.deliveries, round);
        let joined = joined_set(&state);
        let admin_cx = cache.get(admin).await.map_err(store("reading the admin"))?;
        let invitees = &state.invitees;
        let recipients = reserved
            .iter()
            .map(|friend| {
                let invitee = invitees.iter().find(|i| &i.friend == friend);
                PreparedRecipient {
                    friend: friend.clone(),
                    name: invitee.map(|i| i.display_name.clone()).unwrap_or_default(),
                    joined: joined.contains(friend),
                    opted_out: invitee.is_some_and(|i| i.opted_out) || admin_cx.opted_out.contains(friend),
                }
            })
            .collect();
        Ok(Prepared {
            batch: PreparedBatch {
                expired: now >= meeting.draft.ends_at,
                meeting,
                round,
                recipients,
                handled,
            },
            admin: admin_cx,
            links: state.links.into_iter().collect(),
        })
    }

    /// Sends the prepared batch of `round` (see the module docs for what "exactly" means).
    /// Returns the batch as it was when approved (who was in it) and what the approval did.
    ///
    /// Errors: `MeetingNotFound`; `Store` (reading); failures to record are logged and leave
    /// deliveries to become `unknown`, never resent.
    pub async fn approve(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
    ) -> Result<(PreparedBatch, Approval), SweepError> {
        let cache = self.admin_cache();
        let prepared = self.prepare(&cache, admin, meeting, round).await?;
        let approval = self.send_prepared(&cache, &prepared).await?;
        Ok((prepared.batch, approval))
    }

    async fn send_prepared(&self, cache: &AdminCache, prepared: &Prepared) -> Result<Approval, SweepError> {
        let ctx = self.ctx();
        let batch = &prepared.batch;
        let (admin, meeting, round) = (batch.meeting.admin, &batch.meeting, batch.round);
        let mut approval = Approval::default();
        let all: Vec<FriendUuid> = batch.recipients.iter().map(|r| r.friend.clone()).collect();
        if batch.expired {
            approval.expired = release_all(&ctx, meeting, round, &all).await;
            tracing::info!(admin = %admin, meeting = %meeting.id, round = round.get(), expired = approval.expired, "approval after the meeting's end; nothing sent");
            return Ok(approval);
        }
        let mut go = Vec::new();
        for r in &batch.recipients {
            let reason = if r.joined {
                Some(SkipReason::Joined)
            } else if r.opted_out {
                Some(SkipReason::OptedOut)
            } else {
                None
            };
            match reason {
                Some(reason) => {
                    if release_all(&ctx, meeting, round, std::slice::from_ref(&r.friend)).await == 1 {
                        approval
                            .not_sent
                            .push((r.friend.clone(), NotSent::Skipped(reason)));
                    } else {
                        approval
                            .not_sent
                            .push((r.friend.clone(), NotSent::AlreadyHandled));
                    }
                }
                None => go.push(r.friend.clone()),
            }
        }

        let admin_cx = &prepared.admin;
        let names: HashMap<FriendUuid, String> = batch
            .recipients
            .iter()
            .map(|r| (r.friend.clone(), r.name.clone()))
            .collect();
        let cx = MeetingCx::new(meeting, admin_cx.clone(), names, prepared.links.clone());
        let mut failed_codes: Vec<KakaoErrorCode> = Vec::new();
        for chunk in go.chunks(domain::MAX_RECEIVERS_PER_SEND) {
            // An answer that cannot be recorded leaves its delivery `sending`, to become
            // `unknown`; the approval still reports what Kakao said.
            let delivered =
                send_batch(&ctx, &cx, round, Start::Approve(chunk.to_vec()), Recording::Now).await?;
            for (friend, held) in &delivered.held {
                if *held == Held::AlreadyHandled {
                    approval.not_sent.push((friend.clone(), NotSent::AlreadyHandled));
                }
            }
            let outcome = BatchOutcome::of(cache, admin_cx, &delivered);
            approval.sent.extend(outcome.sent.iter().cloned());
            for (friend, code, _) in &outcome.failed {
                approval.failed.push((friend.clone(), code.get()));
                failed_codes.push(*code);
            }
            approval.unknown.extend(outcome.unknown.iter().cloned());
            for (friend, reason) in &outcome.released {
                let why = reason.map_or(NotSent::NotReached, NotSent::Skipped);
                approval.not_sent.push((friend.clone(), why));
            }
        }
        tracing::info!(
            admin = %admin,
            meeting = %meeting.id,
            round = round.get(),
            sent = approval.sent.len(),
            failed = approval.failed.len(),
            unknown = approval.unknown.len(),
            not_sent = approval.not_sent.len(),
            "prepared round approved"
        );
        if admin_cx.round_summary && !approval.nothing_happened() {
            let summary = approval_summary(self, meeting, round, &approval, &failed_codes).await;
            memo::summary(&ctx, &cx, &summary).await;
        }
        Ok(approval)
    }
}

async fn get_meeting(
    sweeper: &Sweeper,
    admin: KakaoUserId,
    meeting: MeetingId,
) -> Result<Meeting, SweepError> {
    match sweeper.services().store.get_meeting(admin, meeting).await {
        Ok(meeting) => Ok(meeting),
        Err(error) if error.is_not_found() => Err(SweepError::MeetingNotFound),
        Err(error) => Err(store("reading the meeting")(error)),
    }
}

/// Who has joined, from a meeting's state.
fn joined_set(state: &MeetingState) -> BTreeSet<FriendUuid> {
    state
        .attendance
        .iter()
        .map(|(friend, _)| friend.clone())
        .collect()
}

/// The round's reserved recipients, and how many of its deliveries are past `reserved`.
fn split_round(deliveries: &[DeliveryRecord], round: Round) -> (Vec<FriendUuid>, usize) {
    let of_round = deliveries.iter().filter(|d| d.key.round == round);
    let reserved = of_round
        .clone()
        .filter(|d| d.state.kind() == DeliveryStateKind::Reserved)
        .map(|d| d.key.recipient.clone())
        .collect();
    let handled = of_round
        .filter(|d| d.state.kind() != DeliveryStateKind::Reserved)
        .count();
    (reserved, handled)
}

async fn approval_summary(
    sweeper: &Sweeper,
    meeting: &Meeting,
    round: Round,
    approval: &Approval,
    failed: &[KakaoErrorCode],
) -> RoundSummary {
    // Best effort: the summary is a courtesy; an unreadable state counts nobody as joined.
    let state = sweeper
        .services()
        .store
        .meeting_state(meeting.admin, meeting.id, sweeper.services().clock.now())
        .await
        .unwrap_or_default();
    let joined = joined_set(&state);
    let plan = domain::sweep::RoundPlan {
        status: RoundStatus::Due,
        decisions: approval
            .not_sent
            .iter()
            .filter_map(|(friend, why)| match why {
                NotSent::Skipped(reason) => Some(domain::sweep::Decision {
                    friend: friend.clone(),
                    skip: Some(*reason),
                }),
                _ => None,
            })
            .collect(),
    };
    RoundSummary::new(
        round,
        &plan,
        approval.sent.len(),
        failed,
        approval.unknown.len(),
        joined_since(
            state
                .deliveries
                .iter()
                .map(|d| (d.key.recipient.clone(), d.key.round, d.state)),
            &joined,
            round,
        ),
    )
}
