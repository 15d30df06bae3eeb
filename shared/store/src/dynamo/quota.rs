//! Daily quota counters (`QUOTA#{kind}#{subject}#{day}` / `COUNT`) and the reservation that
//! takes slots and creates delivery records in one TransactWriteItems.
//!
//! Each counter update is `ADD n :k` under `attribute_not_exists(n) OR n <= :limit_minus_k`, so
//! DynamoDB itself refuses any write that would pass a limit, however many reservers race. When
//! the transaction is cancelled, the cancellation reasons (with the old items) say which counter
//! stopped whom; `domain::quota_fit::fit_batch` decides, from that usage, who still fits, and
//! the transaction is sent again with them. The happy path is one request.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use domain::delivery::{DeliveryState, DeliveryStateKind, Round};
use domain::quota_fit::{BatchUsage, Fit, RecipientUsage, fit_batch};
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId, QuotaLimits};

use super::deliveries::{batch_cancelled, batch_keys, delivery_item, require_state, set_state, state_from};
use super::expr::{Condition, Update};
use super::item::{Item, Reader, boolean, n, s};
use super::keys::quota_pk;
use super::keys::{counter_key, delivery_key};
use super::links::{link_items, pointer_token};
use super::requests::{Cancelled, Tx};
use super::{DeliveryFacts, DynamoStore, TTL_ATTRIBUTE};
use crate::StoreError;
use crate::api::QuotaStore;
use crate::model::{
    DeliveryKey, DeliveryOutcome, DeliveryRecord, LinkToken, QuotaSubject, Refusal, Reservation,
    ReservationRequest,
};

/// Counters live two days past the end of their Kakao day, then TTL removes them.
const COUNTER_LIFETIME_AFTER_DAY: Duration = Duration::days(2);

/// `n += k`, refused by DynamoDB if that would pass `limit`. When `k > limit` the condition
/// can never hold (`attribute_not_exists` alone would let a fresh counter start above it).
fn take_slots(day: KstDay, k: u32, limit: u32) -> Update {
    let mut update = Update::new();
    update.add("n", n(k));
    update.set_if_absent(
        TTL_ATTRIBUTE,
        n((day.resets_at() + COUNTER_LIFETIME_AFTER_DAY).timestamp()),
    );
    update.set_if_absent("kind", s("quota"));
    let headroom = i64::from(limit) - i64::from(k);
    update.condition(|e| {
        let count = e.name("n");
        let bound = e.value(n(headroom));
        if headroom >= 0 {
            format!("attribute_not_exists({count}) OR {count} <= {bound}")
        } else {
            format!("{count} <= {bound}")
        }
    });
    update
}

/// `n -= k` (slots given back). Unconditional: a counter TTL already removed is of a past day.
fn give_back(k: u32) -> Update {
    let mut update = Update::new();
    update.add("n", n(-i64::from(k)));
    update
}

/// Where each part of a reservation sits in its transaction.
struct Layout {
    app: usize,
    sender: usize,
    /// Per candidate: (recipient counter, pair counter, delivery put).
    per_recipient: Vec<(usize, usize, usize)>,
    /// Per candidate given a new link token: (link pointer put, token put).
    links: Vec<Option<(usize, usize)>>,
}

/// What a cancelled reservation taught us about today's usage, as `fit_batch` wants it.
fn usage_from(cancelled: &Cancelled, index: usize, limit: u32, k: u32) -> u32 {
    if !cancelled.failed(index) {
        // The condition held: at least `k` slots were free. Any usage that leaves `k` free
        // gives `fit_batch` the same answer for this batch.
        return limit.saturating_sub(k);
    }
    match cancelled
        .old_item(index)
        .map(|item| Reader::new("quota counter", item).opt_n::<i64>("n"))
    {
        Some(Ok(Some(used))) => used.clamp(0, i64::from(u32::MAX)) as u32,
        // No counter yet: the condition failed only because k > limit.
        None | Some(Ok(None)) if limit < k => 0,
        // The counter refused without telling us its value: treat it as full.
        _ => limit,
    }
}

impl DynamoStore {
    /// `new_links` runs beside `candidates`: the fresh token to store for each, if any.
    fn reservation_tx(
        &self,
        request: &ReservationRequest,
        candidates: &[&FriendUuid],
        new_links: &[Option<LinkToken>],
        now: DateTime<Utc>,
    ) -> Result<(Tx, Layout), StoreError> {
        let (day, sender, limits) = (request.day, request.sender, &request.limits);
        let k = candidates.len() as u32;
        let mut tx = Tx::new(self);
        Self::check_meeting(&mut tx, sender, request.meeting)?;
        let app = tx.len();
        tx.update(
            counter_key(day, &QuotaSubject::App),
            &take_slots(day, k, limits.app),
        )?;
        let sender_at = tx.len();
        tx.update(
            counter_key(day, &QuotaSubject::Sender(sender)),
            &take_slots(day, k, limits.sender),
        )?;
        let mut per_recipient = Vec::with_capacity(candidates.len());
        for recipient in candidates {
            let r = tx.len();
            tx.update(
                counter_key(day, &QuotaSubject::Recipient((*recipient).clone())),
                &take_slots(day, 1, limits.recipient),
            )?;
            let p = tx.len();
            tx.update(
                counter_key(day, &QuotaSubject::Pair(sender, (*recipient).clone())),
                &take_slots(day, 1, limits.pair),
            )?;
            let d = tx.len();
            let record = DeliveryRecord {
                key: DeliveryKey {
                    admin: sender,
                    meeting: request.meeting,
                    recipient: (*recipient).clone(),
                    round: request.round,
                },
                state: request.initial.state(),
                day,
                holds_quota: true,
                created_at: now,
                updated_at: now,
            };
            tx.put(delivery_item(&record), Some(Condition::not_exists()))?;
            per_recipient.push((r, p, d));
        }
        // After the deliveries, so every index above stays where it is without links.
        let mut links = Vec::with_capacity(candidates.len());
        for (recipient, token) in candidates.iter().zip(new_links) {
            let (Some(token), Some(wanted)) = (token, &request.links) else {
                links.push(None);
                continue;
            };
            let (pointer, target) =
                link_items(sender, request.meeting, recipient, token, wanted.expires_at, now);
            let at = tx.len();
            tx.put(pointer, Some(Condition::absent_or_expired(now)))?;
            tx.put(target, Some(Condition::not_exists()))?;
            links.push(Some((at, at + 1)));
        }
        Ok((
            tx,
            Layout {
                app,
                sender: sender_at,
                per_recipient,
                links,
            },
        ))
    }

    /// Adds the counter decrements that give back one slot per released delivery.
    ///
    /// Not for a day whose counters have outlived their TTL: TTL may or may not have deleted
    /// them yet (DynamoDB does it up to days late), and `ADD` on a deleted counter would bring
    /// it back as a negative count that never expires. Either way that day's count is no
    /// longer read, so leaving it is the same whether or not TTL has run.
    fn give_back_slots(
        tx: &mut Tx,
        admin: KakaoUserId,
        released: &[(&DeliveryKey, KstDay)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut by_counter: BTreeMap<String, (Item, u32)> = BTreeMap::new();
        for (k, day) in released {
            if now >= day.resets_at() + COUNTER_LIFETIME_AFTER_DAY {
                continue;
            }
            for subject in [
                QuotaSubject::App,
                QuotaSubject::Sender(admin),
                QuotaSubject::Recipient(k.recipient.clone()),
                QuotaSubject::Pair(admin, k.recipient.clone()),
            ] {
                let entry = by_counter
                    .entry(quota_pk(*day, &subject))
                    .or_insert_with(|| (counter_key(*day, &subject), 0));
                entry.1 += 1;
            }
        }
        // One update per counter: a transaction may not touch an item twice.
        for (_, (counter, count)) in by_counter {
            tx.update(counter, &give_back(count))?;
        }
        Ok(())
    }
}

/// A batch's outcomes as one transaction, and what it records.
pub(crate) struct OutcomesTx {
    pub(crate) tx: Tx,
    pub(crate) keys: Vec<DeliveryKey>,
    facts: Vec<DeliveryFacts>,
    released: usize,
}

impl OutcomesTx {
    /// The records as they stand once the transaction is written.
    pub(crate) fn recorded(
        self,
        admin: KakaoUserId,
        meeting: MeetingId,
        outcomes: &[(FriendUuid, DeliveryOutcome)],
        now: DateTime<Utc>,
    ) -> Vec<DeliveryRecord> {
        if self.released > 0 {
            tracing::info!(admin = %admin, meeting = %meeting, released = self.released, "quota released for refused sends");
        }
        self.keys
            .into_iter()
            .zip(outcomes)
            .zip(self.facts)
            .map(|((key, (_, outcome)), f)| DeliveryRecord {
                key,
                state: outcome.state(),
                day: f.day,
                holds_quota: !outcome.releases_quota(),
                created_at: f.created_at,
                updated_at: now,
            })
            .collect()
    }
}

impl DynamoStore {
    /// Each delivery of the batch from `sending` to its outcome, and the slots of those Kakao
    /// did not count given back, as one transaction (not yet sent).
    pub(crate) async fn outcomes_tx(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        outcomes: &[(FriendUuid, DeliveryOutcome)],
        now: DateTime<Utc>,
    ) -> Result<OutcomesTx, StoreError> {
        let keys = batch_keys(
            admin,
            meeting,
            round,
            outcomes.iter().map(|(f, _)| f.clone()).collect(),
        )?;
        let facts = self.require_deliveries(&keys).await?;
        let mut tx = Tx::new(self);
        let mut released = Vec::new();
        for ((k, (_, outcome)), f) in keys.iter().zip(outcomes).zip(&facts) {
            let mut update = Update::new();
            set_state(&mut update, outcome.state(), now);
            require_state(&mut update, &[DeliveryStateKind::Sending]);
            if outcome.releases_quota() {
                // Give the slots back exactly once: only a record still holding them may.
                update.set("holds_quota", boolean(false));
                update.condition(|e| format!("{} = {}", e.name("holds_quota"), e.value(boolean(true))));
                released.push((k, f.day));
            }
            tx.update(delivery_key(k), &update)?;
        }
        Self::give_back_slots(&mut tx, admin, &released, now)?;
        let released = released.len();
        Ok(OutcomesTx {
            tx,
            keys,
            facts,
            released,
        })
    }
}

#[async_trait]
impl QuotaStore for DynamoStore {
    async fn reserve(
        &self,
        request: &ReservationRequest,
        now: DateTime<Utc>,
    ) -> Result<Reservation, StoreError> {
        let all = request.recipients.as_slice();
        let mut candidates: Vec<usize> = (0..all.len()).collect();
        let mut refused: BTreeMap<usize, Refusal> = BTreeMap::new();
        let max = self.inner.config.max_transaction_attempts.max(1);
        let mut reserved: Vec<usize> = Vec::new();
        // Link tokens settled so far, by recipient: made by the winning transaction, or found
        // stored when a pointer put was refused.
        let mut tokens: BTreeMap<usize, LinkToken> = BTreeMap::new();
        let wants_link = |i: usize| {
            request
                .links
                .as_ref()
                .is_some_and(|l| l.friends.contains(&all[i]))
        };

        for attempt in 1..=max {
            if candidates.is_empty() {
                break;
            }
            if attempt > 1 {
                self.inner.metrics.transaction_retry();
            }
            let names: Vec<&FriendUuid> = candidates.iter().map(|&i| &all[i]).collect();
            let new_links: Vec<Option<LinkToken>> = candidates
                .iter()
                .map(|&i| (wants_link(i) && !tokens.contains_key(&i)).then(LinkToken::generate))
                .collect();
            let (tx, layout) = self.reservation_tx(request, &names, &new_links, now)?;
            let cancelled = match self.transact("TransactWriteItems reserve", &tx).await? {
                Ok(()) => {
                    for (&i, token) in candidates.iter().zip(new_links) {
                        if let Some(token) = token {
                            tokens.insert(i, token);
                        }
                    }
                    reserved = std::mem::take(&mut candidates);
                    break;
                }
                Err(c) => c,
            };
            if cancelled.failed(0) {
                return Err(StoreError::not_found(format!(
                    "meeting {} of admin {}",
                    request.meeting, request.sender
                )));
            }
            let k = candidates.len() as u32;
            let limits: &QuotaLimits = &request.limits;
            let before = candidates.len();
            // A refused pointer names the token another caller stored: use it. A refused token
            // put is a collision of fresh tokens: the next attempt draws another.
            let mut settled_links = 0;
            for (j, &i) in candidates.iter().enumerate() {
                if let Some((pointer, _)) = layout.links[j]
                    && cancelled.failed(pointer)
                {
                    let old = cancelled.old_item(pointer).ok_or_else(|| {
                        StoreError::backend(
                            "TransactWriteItems reserve",
                            "a link pointer put was refused without the stored pointer".to_owned(),
                        )
                    })?;
                    tokens.insert(i, pointer_token(old)?);
                    settled_links += 1;
                }
            }
            // Records that already exist are refused first: they take no slot.
            let mut still: Vec<(usize, RecipientUsage)> = Vec::new();
            for (j, &i) in candidates.iter().enumerate() {
                let (r, p, d) = layout.per_recipient[j];
                if cancelled.failed(d) {
                    let state = match cancelled.old_item(d) {
                        Some(old) => state_from(&Reader::new("delivery", old))?,
                        None => {
                            return Err(StoreError::backend(
                                "TransactWriteItems reserve",
                                "a delivery put was refused without its existing record".to_owned(),
                            ));
                        }
                    };
                    refused.insert(i, Refusal::AlreadyExists(state));
                    continue;
                }
                let usage = RecipientUsage {
                    recipient: usage_from(&cancelled, r, limits.recipient, 1),
                    pair: usage_from(&cancelled, p, limits.pair, 1),
                };
                still.push((i, usage));
            }
            let used = BatchUsage {
                app: usage_from(&cancelled, layout.app, limits.app, k),
                sender: usage_from(&cancelled, layout.sender, limits.sender, k),
            };
            let fits = fit_batch(limits, used, &still.iter().map(|(_, u)| *u).collect::<Vec<_>>());
            candidates = Vec::new();
            for ((i, _), fit) in still.into_iter().zip(fits) {
                match fit {
                    Fit::Fits => candidates.push(i),
                    Fit::Blocked(kind) => {
                        refused.insert(i, Refusal::Quota(kind));
                    }
                }
            }
            if candidates.len() == before && settled_links == 0 {
                tracing::warn!(sender = %request.sender, attempt, "reservation cancelled without a refusal; retrying");
            }
        }
        if !candidates.is_empty() {
            return Err(StoreError::backend(
                "TransactWriteItems reserve",
                format!("reservation did not settle after {max} attempts"),
            ));
        }

        for &i in &reserved {
            let k = DeliveryKey {
                admin: request.sender,
                meeting: request.meeting,
                recipient: all[i].clone(),
                round: request.round,
            };
            self.remember(
                &k,
                DeliveryFacts {
                    day: request.day,
                    created_at: now,
                },
            );
        }
        let quota_refusals = refused
            .values()
            .filter(|r| matches!(r, Refusal::Quota(_)))
            .count();
        tracing::info!(
            sender = %request.sender,
            meeting = %request.meeting,
            round = %request.round,
            reserved = reserved.len(),
            refused = refused.len(),
            quota_refusals,
            "quota reserved"
        );
        Ok(Reservation {
            reserved: reserved.iter().map(|&i| all[i].clone()).collect(),
            refused: refused
                .into_iter()
                .map(|(i, why)| (all[i].clone(), why))
                .collect(),
            links: reserved
                .iter()
                .filter_map(|i| Some((all[*i].clone(), tokens.remove(i)?)))
                .collect(),
        })
    }

    async fn record_outcomes(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        outcomes: &[(FriendUuid, DeliveryOutcome)],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let batch = self.outcomes_tx(admin, meeting, round, outcomes, now).await?;
        if let Err(c) = self
            .transact("TransactWriteItems record outcomes", &batch.tx)
            .await?
        {
            return Err(batch_cancelled(&c, &batch.keys, 0, "sending"));
        }
        Ok(batch.recorded(admin, meeting, outcomes, now))
    }

    async fn release(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        recipients: &[FriendUuid],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let keys = batch_keys(admin, meeting, round, recipients.to_vec())?;
        let facts = self.require_deliveries(&keys).await?;
        let mut tx = Tx::new(self);
        for k in &keys {
            let mut update = Update::new();
            set_state(&mut update, DeliveryState::Cancelled, now);
            update.set("holds_quota", boolean(false));
            require_state(
                &mut update,
                &[DeliveryStateKind::Reserved, DeliveryStateKind::Sending],
            );
            update.condition(|e| format!("{} = {}", e.name("holds_quota"), e.value(boolean(true))));
            tx.update(delivery_key(k), &update)?;
        }
        let released: Vec<(&DeliveryKey, KstDay)> =
            keys.iter().zip(&facts).map(|(k, f)| (k, f.day)).collect();
        Self::give_back_slots(&mut tx, admin, &released, now)?;
        if let Err(c) = self.transact("TransactWriteItems release", &tx).await? {
            return Err(batch_cancelled(&c, &keys, 0, "reserved or sending"));
        }
        tracing::info!(admin = %admin, meeting = %meeting, released = keys.len(), "reservation released");
        Ok(keys
            .into_iter()
            .zip(facts)
            .map(|(key, f)| DeliveryRecord {
                key,
                state: DeliveryState::Cancelled,
                day: f.day,
                holds_quota: false,
                created_at: f.created_at,
                updated_at: now,
            })
            .collect())
    }

    async fn quota_used(&self, day: KstDay, subject: &QuotaSubject) -> Result<u32, StoreError> {
        match self
            .get_item("GetItem quota counter", counter_key(day, subject))
            .await?
        {
            None => Ok(0),
            Some(item) => {
                let used: i64 = Reader::new("quota counter", &item).opt_n("n")?.unwrap_or(0);
                Ok(used.clamp(0, i64::from(u32::MAX)) as u32)
            }
        }
    }
}
