//! The sweep's batch layer: one meeting as its batches need it ([`MeetingCx`]: names, the
//! template, tracked-link tokens, the admin), the reminders each recipient gets, and a batch
//! delivered through [`crate::delivery::deliver`] with what the sweep learns from it (a full
//! counter, an admin whose login or consent went) folded into its view ([`BatchOutcome`]).
//! Used by the round layer (`round`) and by approvals (`approve`); calls only `context`,
//! `admins`, `message` and `delivery`.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use domain::delivery::{KakaoErrorCode, Round};
use domain::meeting::MessageTemplate;
use domain::sweep::{AdminReadiness, Batch, SkipReason};
use domain::{FriendUuid, KakaoUserId, KstDay};
use kakao::{FailureReason, Template};
use store::model::{
    BatchRecipients, InitialState, LINK_TOKEN_LIFETIME_AFTER_END, LinkRequest, LinkToken, Meeting,
    ReservationRequest,
};

use super::admins::{AdminCache, AdminContext};
use super::context::Ctx;
use super::error::{SweepError, store};
use super::message::{ReminderLinks, message_template, reminder, reminder_text};
use super::settings::SweepSettings;
use crate::delivery::{Delivered, Fate, Held, Messages, NotReached, Outgoing, Recording, Start, deliver};

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

/// What came of a batch, as the sweep counts it.
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

impl BatchOutcome {
    /// The sweep's view of a delivered batch. Kakao's answers also teach the sweep about the
    /// admin: a full daily counter (their later batches skip at once), a dead login or missing
    /// consent (their later meetings skip); and about the app: Kakao stopping it (every later
    /// round skips).
    pub fn of(cache: &AdminCache, admin: &AdminContext, delivered: &Delivered) -> Self {
        let mut outcome = BatchOutcome {
            kakao_latency: delivered.kakao_latency.clone(),
            ..BatchOutcome::default()
        };
        for (friend, fate) in &delivered.fates {
            let friend = friend.clone();
            match fate {
                Fate::Sent => outcome.sent.push(friend),
                Fate::Failed {
                    code,
                    releases_quota,
                    reason,
                } => {
                    if let FailureReason::QuotaExceeded(quota) = reason
                        && let Some(kind) = quota.daily_kind()
                    {
                        cache.counter_full(admin, kind);
                    }
                    if let FailureReason::AppStopped(stop) = reason {
                        cache.app_stopped(*stop);
                    }
                    outcome.failed.push((friend, *code, *releases_quota));
                }
                Fate::Unknown(_) => outcome.unknown.push(friend),
                Fate::NotSent(why) => {
                    let reason = match why {
                        NotReached::AdminNeedsLogin => {
                            admin.set_readiness(AdminReadiness::NeedsLogin);
                            Some(SkipReason::AdminNeedsLogin)
                        }
                        NotReached::AdminNeedsConsent { .. } => {
                            admin.set_readiness(AdminReadiness::NeedsConsent);
                            Some(SkipReason::AdminNeedsConsent)
                        }
                        _ => None,
                    };
                    outcome.released.push((friend, reason));
                }
            }
        }
        outcome
    }
}

/// The skip a recipient the start held gets (a full counter is remembered for the admin).
pub(crate) fn skip_for(cache: &AdminCache, admin: &AdminContext, held: Held) -> SkipReason {
    match held {
        Held::Quota(kind) => {
            cache.counter_full(admin, kind);
            SkipReason::Quota { kind }
        }
        Held::AlreadyReminded(state) => SkipReason::AlreadyReminded { state },
        // Only approvals meet this; they report it themselves.
        Held::AlreadyHandled => SkipReason::AlreadyReminded {
            state: domain::delivery::DeliveryStateKind::Sending,
        },
    }
}

/// The reservation of one batch (quota and delivery records in `initial`, and the tracked-link
/// tokens still missing).
pub(crate) fn reservation(
    ctx: &Ctx<'_>,
    cx: &MeetingCx<'_>,
    round: Round,
    batch: &Batch,
    initial: InitialState,
) -> Result<ReservationRequest, SweepError> {
    let now = ctx.services.clock.now();
    let missing = cx.missing_links(ctx.settings, batch.recipients());
    Ok(ReservationRequest {
        sender: cx.admin_id(),
        meeting: cx.meeting.id,
        round,
        recipients: BatchRecipients::new(batch.recipients().to_vec()).map_err(store("naming a batch"))?,
        day: KstDay::containing(now),
        initial,
        limits: ctx.services.settings.quotas,
        links: (!missing.is_empty()).then(|| LinkRequest {
            friends: missing,
            expires_at: cx.meeting.draft.ends_at + LINK_TOKEN_LIFETIME_AFTER_END,
        }),
    })
}

/// Delivers one batch of the meeting's `round` (see [`crate::delivery::deliver`]).
pub(crate) async fn send_batch(
    ctx: &Ctx<'_>,
    cx: &MeetingCx<'_>,
    round: Round,
    start: Start,
    recording: Recording,
) -> Result<Delivered, SweepError> {
    let out = Outgoing {
        admin: cx.admin_id(),
        meeting: cx.meeting.id,
        round,
        start,
        token: &cx.admin.token,
        recording,
        crash: ctx.crash,
    };
    let delivered = deliver(ctx.services, out, &Reminders { ctx, cx }).await?;
    cx.learn_links(delivered.links.iter().cloned());
    Ok(delivered)
}

/// Each recipient's reminder: the meeting's template with their name, and their buttons.
struct Reminders<'c, 'a> {
    ctx: &'c Ctx<'a>,
    cx: &'c MeetingCx<'a>,
}

#[async_trait]
impl Messages for Reminders<'_, '_> {
    async fn messages(
        &self,
        recipients: &[FriendUuid],
        links: &[(FriendUuid, LinkToken)],
    ) -> Vec<Option<Template>> {
        self.cx.learn_links(links.iter().cloned());
        let now = self.ctx.services.clock.now();
        let buttons = links_for(self.ctx, self.cx, recipients).await;
        recipients
            .iter()
            .zip(buttons)
            .map(|(friend, buttons)| {
                let text = reminder_text(self.cx.meeting, &self.cx.template, self.cx.name_of(friend), now);
                Some(reminder(text, &buttons?))
            })
            .collect()
    }
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

/// Gives back `friends`' reservations of `round`, five at a time (one by one if a batch is
/// refused because one of them moved meanwhile). Returns how many were given back.
pub(crate) async fn release_all(
    ctx: &Ctx<'_>,
    meeting: &Meeting,
    round: Round,
    friends: &[FriendUuid],
) -> usize {
    let store_ = &ctx.services.store;
    let now = ctx.services.clock.now();
    let mut released = 0;
    for chunk in friends.chunks(domain::MAX_RECEIVERS_PER_SEND) {
        match store_.release(meeting.admin, meeting.id, round, chunk, now).await {
            Ok(records) => released += records.len(),
            Err(_) => {
                for friend in chunk {
                    if store_
                        .release(
                            meeting.admin,
                            meeting.id,
                            round,
                            std::slice::from_ref(friend),
                            now,
                        )
                        .await
                        .is_ok()
                    {
                        released += 1;
                    }
                }
            }
        }
    }
    released
}
