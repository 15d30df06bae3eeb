//! The sweep's reads and round finish on DynamoDB.
//!
//! - One meeting's state is one Query: invitees (`INVITEE#`), attendance (`JOINED#`) and
//!   deliveries (`SEND#`) and link pointers (`LINK#`) all live in the meeting's partition
//!   (unmatched participants there are skipped).
//! - One admin's due meetings are read with batched key reads, not a query each: the meetings
//!   with the admin's profile, preferences and tokens (one BatchGetItem); then, since a meeting
//!   keeps its invitees' ids (`roster`), every item of those meetings' states is named by key
//!   (`INVITEE#u`, `JOINED#u`, `SEND#u#r` for each round so far) and read together with the
//!   invitees' friend and opt-out records (and, for tracked reminders, their link pointers);
//!   then their client records. A meeting written before rosters were kept falls back to its
//!   one query.
//! - A batch's outcomes and the round's advance are one TransactWriteItems.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::delivery::Round;
use domain::{FriendUuid, KakaoUserId, MeetingId};

use super::DynamoStore;
use super::admins::profile_from_item;
use super::attendance::attendance_from_item;
use super::clients::client_from_item;
use super::deliveries::{batch_cancelled, delivery_from_item};
use super::friends::friend_from_item;
use super::item::{Item, Reader};
use super::keys::{
    FRIEND_PREFIX, INVITEE_PREFIX, JOINED_PREFIX, LINK_PREFIX, MEETING_PREFIX, OPT_OUT_PREFIX, PK,
    SEND_PREFIX, SK, SK_PREFS, SK_PROFILE, SK_TOKENS, admin_pk, friend_sk, invitee_sk, joined_sk,
    link_pointer_sk, meeting_pk, opt_out_sk, send_sk,
};
use super::keys::{client_key, key, meeting_key, preferences_key, profile_key, tokens_key};
use super::links::link_from_pointer;
use super::meetings::{advance_conflict, invitee_from_item, meeting_from_item, roster_from_item};
use super::opt_outs::opt_out_from_item;
use super::preferences::preferences_from_item;
use super::requests::Query;
use super::tokens::stored_from_item;
use crate::StoreError;
use crate::api::{AdminSweepRead, MeetingState, MeetingStateStore, QuotaStore, RoundFinished};
use crate::model::{DeliveryOutcome, DueMeeting, Meeting, NextRound};

/// Sorts a state's lists the way the one-query read gives them (by sort key).
fn in_key_order(state: &mut MeetingState) {
    state
        .invitees
        .sort_by(|a, b| a.friend.as_str().cmp(b.friend.as_str()));
    state.attendance.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    state.deliveries.sort_by(|a, b| {
        (a.key.recipient.as_str(), a.key.round).cmp(&(b.key.recipient.as_str(), b.key.round))
    });
    state.links.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
}

/// Adds one item of a meeting's partition to its state (other kinds are skipped).
fn add_to_state(state: &mut MeetingState, item: &Item, now: DateTime<Utc>) -> Result<(), StoreError> {
    let sk = Reader::new("meeting state item", item).s(SK)?;
    if sk.starts_with(INVITEE_PREFIX) {
        state.invitees.push(invitee_from_item(item)?);
    } else if sk.starts_with(JOINED_PREFIX) {
        state.attendance.push(attendance_from_item(item)?);
    } else if sk.starts_with(SEND_PREFIX) {
        state.deliveries.push(delivery_from_item(item)?);
    } else if sk.starts_with(LINK_PREFIX) {
        state.links.extend(link_from_pointer(item, now)?);
    }
    Ok(())
}

/// The last round whose deliveries can exist: the round now due, as the fresher of the meeting
/// item and the due entry says.
fn rounds_so_far(meeting: &Meeting, due: &DueMeeting) -> u16 {
    let stored = meeting.draft.next_round.map_or(0, |n| n.round.get());
    stored.max(due.next.round.get())
}

impl DynamoStore {
    /// The meetings of `due` (and the admin's profile, preferences and tokens) in one read.
    async fn read_meetings_and_admin(
        &self,
        admin: KakaoUserId,
        due: &[&DueMeeting],
        read: &mut AdminSweepRead,
    ) -> Result<HashMap<MeetingId, (Meeting, Option<Vec<FriendUuid>>)>, StoreError> {
        let mut keys: Vec<Item> = due.iter().map(|d| meeting_key(admin, d.meeting)).collect();
        keys.extend([profile_key(admin), preferences_key(admin), tokens_key(admin)]);
        let items = self
            .batch_get("BatchGetItem sweep meetings and admin", keys)
            .await?;
        let mut meetings = HashMap::new();
        for item in &items {
            let sk = Reader::new("sweep item", item).s(SK)?;
            if sk.starts_with(MEETING_PREFIX) {
                let meeting = meeting_from_item(item)?;
                meetings.insert(meeting.id, (meeting, roster_from_item(item)?));
            } else if sk == SK_PROFILE {
                read.profile = Some(profile_from_item(item)?);
            } else if sk == SK_PREFS {
                read.preferences = preferences_from_item(item)?;
            } else if sk == SK_TOKENS {
                // Unreadable tokens are the token keeper's to report (it reads them again).
                match stored_from_item(self, admin, item).await {
                    Ok(tokens) => read.tokens = Some(tokens),
                    Err(error) => {
                        tracing::warn!(admin = %admin, %error, "tokens read along by the sweep could not be opened")
                    }
                }
            }
        }
        Ok(meetings)
    }
}

#[async_trait]
impl MeetingStateStore for DynamoStore {
    async fn meeting_state(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        now: DateTime<Utc>,
    ) -> Result<MeetingState, StoreError> {
        let items = self
            .query_all(
                "Query meeting state",
                Query::partition(&meeting_pk(admin, meeting)),
            )
            .await?;
        let mut state = MeetingState::default();
        // Items come in sort-key order, so each list keeps the order its own query gives.
        for item in &items {
            add_to_state(&mut state, item, now)?;
        }
        Ok(state)
    }

    async fn admin_sweep_read(
        &self,
        admin: KakaoUserId,
        due: &[DueMeeting],
        with_links: bool,
        now: DateTime<Utc>,
    ) -> Result<AdminSweepRead, StoreError> {
        let mut seen = BTreeSet::new();
        let due: Vec<&DueMeeting> = due
            .iter()
            .filter(|d| d.admin == admin && seen.insert(d.meeting))
            .collect();
        let mut read = AdminSweepRead::default();
        let mut meetings = self.read_meetings_and_admin(admin, &due, &mut read).await?;

        // Every item of the kept rosters' states, and each invitee's friend and opt-out record.
        let admin_pk = admin_pk(admin);
        let mut states: HashMap<String, MeetingState> = HashMap::new();
        let mut invited: BTreeSet<FriendUuid> = BTreeSet::new();
        let mut keys: Vec<Item> = Vec::new();
        for entry in &due {
            let Some((meeting, roster)) = meetings.get(&entry.meeting) else {
                continue;
            };
            let pk = meeting_pk(admin, meeting.id);
            let state = match roster {
                Some(roster) => {
                    let rounds = rounds_so_far(meeting, entry);
                    // Before a meeting's first round only a sweep that already began it can
                    // have made a link token, and then the reservation finds it: its pointer
                    // put is refused with the stored token. So the pointers are named from the
                    // second round on, which keeps a first round's read as small as `direct`'s.
                    let links = with_links && rounds > 1;
                    for friend in roster {
                        keys.push(key(pk.clone(), invitee_sk(friend)));
                        keys.push(key(pk.clone(), joined_sk(friend)));
                        if links {
                            keys.push(key(pk.clone(), link_pointer_sk(friend)));
                        }
                        for round in (1..=rounds).filter_map(|r| Round::new(r).ok()) {
                            keys.push(key(pk.clone(), send_sk(friend, round)));
                        }
                        invited.insert(friend.clone());
                    }
                    MeetingState::default()
                }
                // Written before rosters were kept: its one query.
                None => {
                    let state = self.meeting_state(admin, meeting.id, now).await?;
                    invited.extend(state.invitees.iter().map(|i| i.friend.clone()));
                    state
                }
            };
            states.insert(pk, state);
        }
        for friend in &invited {
            keys.push(key(admin_pk.clone(), friend_sk(friend)));
            keys.push(key(admin_pk.clone(), opt_out_sk(friend)));
        }
        for item in self.batch_get("BatchGetItem sweep meeting states", keys).await? {
            let r = Reader::new("sweep item", &item);
            let (pk, sk) = (r.s(PK)?, r.s(SK)?);
            if pk == admin_pk {
                if sk.starts_with(FRIEND_PREFIX) {
                    read.friends.push(friend_from_item(admin, &item)?);
                } else if sk.starts_with(OPT_OUT_PREFIX) {
                    read.opt_outs.push(opt_out_from_item(&item)?);
                }
            } else if let Some(state) = states.get_mut(pk) {
                add_to_state(state, &item, now)?;
            }
        }

        let client_keys: Vec<Item> = read
            .friends
            .iter()
            .filter_map(|f| f.profile.kakao_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(client_key)
            .collect();
        if !client_keys.is_empty() {
            for item in self.batch_get("BatchGetItem sweep clients", client_keys).await? {
                read.clients.push(client_from_item(&item)?);
            }
        }

        for entry in &due {
            let Some((meeting, _)) = meetings.remove(&entry.meeting) else {
                continue;
            };
            let mut state = states.remove(&meeting_pk(admin, meeting.id)).unwrap_or_default();
            in_key_order(&mut state);
            read.meetings.push((meeting, state));
        }
        Ok(read)
    }

    async fn finish_round(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        from: NextRound,
        to: Option<NextRound>,
        outcomes: &[(FriendUuid, DeliveryOutcome)],
        now: DateTime<Utc>,
    ) -> Result<RoundFinished, StoreError> {
        let round = from.round;
        if outcomes.is_empty() {
            // Nothing to record: one conditional update.
            let advanced = self
                .advance_round(admin, meeting, from, to, now)
                .await
                .map(|_| ());
            return Ok(RoundFinished {
                recorded: Vec::new(),
                advanced,
            });
        }
        let mut batch = self.outcomes_tx(admin, meeting, round, outcomes, now).await?;
        let at = batch.tx.len();
        let advance = self.advance_update(meeting, from, to, now);
        batch.tx.update(meeting_key(admin, meeting), &advance)?;
        match self
            .transact("TransactWriteItems finish round", &batch.tx)
            .await?
        {
            Ok(()) => Ok(RoundFinished {
                recorded: batch.recorded(admin, meeting, outcomes, now),
                advanced: Ok(()),
            }),
            // Only the advance was refused (someone else moved the round, or the meeting is
            // gone): the outcomes are recorded on their own.
            Err(c) if c.failed(at) && !(0..at).any(|i| c.failed(i)) => {
                let advanced = Err(match c.old_item(at) {
                    None => StoreError::not_found(format!("meeting {meeting} of admin {admin}")),
                    Some(_) => StoreError::conflict(format!("meeting {meeting}: {}", advance_conflict(from))),
                });
                let recorded = self.record_outcomes(admin, meeting, round, outcomes, now).await?;
                Ok(RoundFinished { recorded, advanced })
            }
            Err(c) => Err(batch_cancelled(&c, &batch.keys, 0, "sending")),
        }
    }
}
