//! Meetings (`ADMIN#{admin}` / `MEETING#{id}`), their invitees (`ADMIN#{admin}#MEETING#{id}` /
//! `INVITEE#{uuid}`), the sparse `due` index and the `zoom` lookup index.
//!
//! A meeting carries its index keys itself (`due_pk`/`due_sk` while a round is due, `zoom_id`
//! when it has one), so the indexes follow every write of the meeting with no second item to
//! keep in step.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::delivery::Round;
use domain::{FriendUuid, KakaoUserId, MeetingId};

use super::due_shards::{DueShard, DueShards};
use super::expr::{Condition, Expr, Update};
use super::item::{Item, Reader, boolean, item_size, n, s, time};
use super::keys::{
    DUE_INDEX, INVITEE_PREFIX, MEETING_PREFIX, PK, SK, ZOOM_INDEX, admin_from_pk, admin_pk, due_pk, due_sk,
    due_sk_upper, from_zoom_hint_sk, meeting_from_sk, meeting_pk, meeting_sk, zoom_hint_pk, zoom_hint_sk,
};
use super::keys::{invitee_key, key, meeting_key, profile_key};
use super::requests::{Query, Tx, Written};
use super::{DynamoStore, TTL_ATTRIBUTE};
use crate::StoreError;
use crate::api::MeetingStore;
use crate::model::{
    DueEntries, DueMeeting, Invitee, JoinUrl, MatchKeys, Meeting, MeetingDraft, MeetingSettings,
    MeetingStatus, NextRound, Version, ZoomMeetingId, check_item_size,
};

/// The meeting's invitees' ids (a string set; absent while there are none).
const ROSTER: &str = "roster";
/// Set on every meeting whose `roster` is kept (all meetings created since it exists).
const ROSTER_KEPT: &str = "roster_kept";

/// The meeting's invitees as its item names them; `None` for a meeting that does not keep them.
pub(crate) fn roster_from_item(item: &Item) -> Result<Option<Vec<FriendUuid>>, StoreError> {
    if !matches!(item.get(ROSTER_KEPT), Some(AttributeValue::Bool(true))) {
        return Ok(None);
    }
    match item.get(ROSTER) {
        None => Ok(Some(Vec::new())),
        Some(AttributeValue::Ss(ids)) => ids
            .iter()
            .map(|id| FriendUuid::parse(id).map_err(|e| StoreError::corrupt("meeting roster", e)))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(StoreError::corrupt("meeting", "roster is not a string set")),
    }
}

/// The draft as attributes; `None` means "absent" (removed on update).
fn draft_fields(
    shards: DueShards,
    meeting: MeetingId,
    draft: &MeetingDraft,
) -> Result<Vec<(&'static str, Option<AttributeValue>)>, StoreError> {
    let settings = serde_json::to_string(&draft.settings)
        .map_err(|e| StoreError::invalid(format!("meeting settings do not serialise: {e}")))?;
    let next = draft.next_round;
    Ok(vec![
        ("title", Some(s(&draft.title))),
        ("starts_at", Some(time(draft.starts_at))),
        ("ends_at", Some(time(draft.ends_at))),
        ("time_zone", Some(s(draft.time_zone.name()))),
        ("join_url", Some(s(draft.join_url.as_str()))),
        ("zoom_id", draft.zoom_meeting_id.as_ref().map(|z| s(z.as_str()))),
        ("status", Some(s(draft.status.as_str()))),
        ("settings", Some(s(settings))),
        ("next_round", next.map(|r| n(r.round.get()))),
        ("next_due_at", next.map(|r| time(r.due_at))),
        ("due_pk", next.map(|_| s(due_pk(shards.shard_of(meeting))))),
        ("due_sk", next.map(|r| s(due_sk(r.due_at, meeting)))),
    ])
}

/// How long a Zoom hint outlives its meeting's end (Zoom retries an event for up to 85 minutes).
const ZOOM_HINT_LIFETIME_AFTER_END: chrono::Duration = chrono::Duration::days(2);

/// The meeting's Zoom hint (see `keys::zoom_hint_pk`), when it has a Zoom number.
fn zoom_hint_item(admin: KakaoUserId, id: MeetingId, draft: &MeetingDraft) -> Option<Item> {
    let zoom = draft.zoom_meeting_id.as_ref()?;
    let mut item = key(zoom_hint_pk(zoom.as_str()), zoom_hint_sk(admin, id));
    item.insert("kind".into(), s("zoom_hint"));
    item.insert(
        TTL_ATTRIBUTE.into(),
        n((draft.ends_at + ZOOM_HINT_LIFETIME_AFTER_END).timestamp()),
    );
    Some(item)
}

fn next_round_from(r: &Reader<'_>) -> Result<Option<NextRound>, StoreError> {
    match (r.opt_n::<u16>("next_round")?, r.opt_time("next_due_at")?) {
        (Some(round), Some(due_at)) => Ok(Some(NextRound {
            round: Round::new(round).map_err(|e| StoreError::corrupt("meeting", e))?,
            due_at,
        })),
        (None, None) => Ok(None),
        _ => Err(StoreError::corrupt(
            "meeting",
            "next_round and next_due_at must come together",
        )),
    }
}

pub(crate) fn meeting_from_item(item: &Item) -> Result<Meeting, StoreError> {
    let r = Reader::new("meeting", item);
    let admin = admin_from_pk(r.s(PK)?).ok_or_else(|| StoreError::corrupt("meeting", "bad PK"))?;
    let id = meeting_from_sk(r.s(SK)?).ok_or_else(|| StoreError::corrupt("meeting", "bad SK"))?;
    let zoom_meeting_id = match r.opt_s("zoom_id")? {
        Some(z) => Some(ZoomMeetingId::parse(z).map_err(|e| StoreError::corrupt("meeting", e))?),
        None => None,
    };
    Ok(Meeting {
        admin,
        id,
        draft: MeetingDraft {
            title: r.s("title")?.to_owned(),
            starts_at: r.time("starts_at")?,
            ends_at: r.time("ends_at")?,
            time_zone: r.parsed("time_zone", |z| z.parse::<Tz>())?,
            join_url: r.parsed("join_url", JoinUrl::parse)?,
            zoom_meeting_id,
            status: r.parsed("status", MeetingStatus::parse)?,
            next_round: next_round_from(&r)?,
            settings: r.json::<MeetingSettings>("settings")?,
        },
        version: Version::new(r.n("version")?).map_err(|e| StoreError::corrupt("meeting", e))?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

fn invitee_item(admin: KakaoUserId, meeting: MeetingId, invitee: &Invitee) -> Result<Item, StoreError> {
    let keys = serde_json::to_string(&invitee.match_keys)
        .map_err(|e| StoreError::invalid(format!("match keys do not serialise: {e}")))?;
    let mut item = invitee_key(admin, meeting, &invitee.friend);
    item.insert("kind".into(), s("invitee"));
    item.insert("friend".into(), s(invitee.friend.as_str()));
    item.insert("display_name".into(), s(&invitee.display_name));
    item.insert("match_keys".into(), s(keys));
    item.insert("opted_out".into(), boolean(invitee.opted_out));
    Ok(item)
}

pub(crate) fn invitee_from_item(item: &Item) -> Result<Invitee, StoreError> {
    let r = Reader::new("invitee", item);
    Ok(Invitee {
        friend: r.parsed("friend", FriendUuid::parse)?,
        display_name: r.s("display_name")?.to_owned(),
        match_keys: r.json::<MatchKeys>("match_keys")?,
        opted_out: r.boolean("opted_out")?,
    })
}

fn due_from_item(item: &Item) -> Result<DueMeeting, StoreError> {
    let r = Reader::new("due index entry", item);
    let admin = admin_from_pk(r.s(PK)?).ok_or_else(|| StoreError::corrupt("due index entry", "bad PK"))?;
    let meeting =
        meeting_from_sk(r.s(SK)?).ok_or_else(|| StoreError::corrupt("due index entry", "bad SK"))?;
    let next = next_round_from(&r)?.ok_or_else(|| StoreError::corrupt("due index entry", "no next round"))?;
    Ok(DueMeeting { admin, meeting, next })
}

fn written_meeting(
    written: Written,
    admin: KakaoUserId,
    id: MeetingId,
    conflict: &str,
) -> Result<Meeting, StoreError> {
    match written {
        Written::Done(Some(item)) => meeting_from_item(&item),
        Written::Done(None) => Err(StoreError::backend(
            "UpdateItem meeting",
            "no attributes returned".to_owned(),
        )),
        Written::ConditionFailed(None) => {
            Err(StoreError::not_found(format!("meeting {id} of admin {admin}")))
        }
        Written::ConditionFailed(Some(_)) => Err(StoreError::conflict(format!("meeting {id}: {conflict}"))),
    }
}

/// Why an advance from `from` was refused although the meeting exists.
pub(crate) fn advance_conflict(from: NextRound) -> String {
    format!("next round is no longer {} at {}", from.round, from.due_at)
}

impl DynamoStore {
    /// The meeting's due entry from `from` to `to` (removed when `None`), only if it is still at
    /// `from`.
    pub(crate) fn advance_update(
        &self,
        id: MeetingId,
        from: NextRound,
        to: Option<NextRound>,
        now: DateTime<Utc>,
    ) -> Update {
        let shard = self.inner.config.due_shards.shard_of(id);
        let mut update = Update::new();
        update
            .set_or_remove("next_round", to.map(|r| n(r.round.get())))
            .set_or_remove("next_due_at", to.map(|r| time(r.due_at)))
            .set_or_remove("due_pk", to.map(|_| s(due_pk(shard))))
            .set_or_remove("due_sk", to.map(|r| s(due_sk(r.due_at, id))))
            .set("updated_at", time(now))
            .add("version", n(1));
        update.condition(|e| format!("attribute_exists({})", e.name(PK)));
        update.condition(|e| {
            format!(
                "{} = {} AND {} = {}",
                e.name("next_round"),
                e.value(n(from.round.get())),
                e.name("next_due_at"),
                e.value(time(from.due_at))
            )
        });
        update
    }

    /// A condition check that the admin's meeting exists, for transactions that write under it.
    pub(crate) fn check_meeting(
        tx: &mut Tx,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<(), StoreError> {
        tx.check(meeting_key(admin, meeting), Condition::exists())
    }

    /// One shard's due entries, earliest first, at most `limit` readable ones: one query on the
    /// sparse index (paged past unreadable rows), never a scan.
    async fn due_in_shard(
        &self,
        shard: DueShard,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<DueEntries, StoreError> {
        let mut expr = Expr::default();
        let key_condition = format!(
            "{} = {} AND {} <= {}",
            expr.name("due_pk"),
            expr.value(s(due_pk(shard))),
            expr.name("due_sk"),
            expr.value(s(due_sk_upper(now)))
        );
        let mut query = Query {
            index: Some(DUE_INDEX),
            key_condition,
            expr,
            limit: Some(limit as i32),
            start: None,
            consistent: false,
        };
        let mut found = DueEntries::default();
        loop {
            let (items, next) = self.query_page("Query due index", &query).await?;
            for item in &items {
                match due_from_item(item) {
                    Ok(entry) => found.due.push(entry),
                    Err(error) => {
                        found.unreadable += 1;
                        let (pk, sk) = (
                            item.get(PK).and_then(|v| v.as_s().ok()),
                            item.get(SK).and_then(|v| v.as_s().ok()),
                        );
                        tracing::error!(shard = shard.get(), pk = ?pk, sk = ?sk, %error, "an unreadable due-index row is skipped");
                    }
                }
            }
            match next {
                Some(start) if found.due.len() < limit => {
                    query.start = Some(start);
                    query.limit = Some((limit - found.due.len()) as i32);
                }
                _ => break,
            }
        }
        found.due.truncate(limit);
        Ok(found)
    }
}

#[async_trait]
impl MeetingStore for DynamoStore {
    async fn create_meeting(
        &self,
        admin: KakaoUserId,
        id: MeetingId,
        draft: &MeetingDraft,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        draft.check()?;
        let mut item = meeting_key(admin, id);
        item.insert("kind".into(), s("meeting"));
        for (name, value) in draft_fields(self.inner.config.due_shards, id, draft)? {
            if let Some(v) = value {
                item.insert(name.into(), v);
            }
        }
        // The invitees' ids are kept on the meeting too (`roster`, a string set, absent while
        // empty), so the sweep can name every item of a meeting's state and read many
        // meetings' states in one BatchGetItem. Meetings written before carry no mark.
        item.insert(ROSTER_KEPT.into(), boolean(true));
        item.insert("version".into(), n(Version::INITIAL.get()));
        item.insert("created_at".into(), time(now));
        item.insert("updated_at".into(), time(now));
        check_item_size("meeting", item_size(&item))?;
        let meeting = meeting_from_item(&item)?;

        let mut tx = Tx::new(self);
        tx.check(profile_key(admin), Condition::exists())?;
        tx.put(item, Some(Condition::not_exists()))?;
        if let Some(hint) = zoom_hint_item(admin, id, draft) {
            tx.put(hint, None)?;
        }
        match self.transact("TransactWriteItems create meeting", &tx).await? {
            Ok(()) => Ok(meeting),
            Err(c) if c.failed(0) => Err(StoreError::not_found(format!("admin {admin}"))),
            Err(_) => Err(StoreError::conflict(format!(
                "admin {admin} already has meeting {id}"
            ))),
        }
    }

    async fn update_meeting(
        &self,
        admin: KakaoUserId,
        id: MeetingId,
        expected: Version,
        draft: &MeetingDraft,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        draft.check()?;
        let mut update = Update::new();
        for (name, value) in draft_fields(self.inner.config.due_shards, id, draft)? {
            update.set_or_remove(name, value);
        }
        update
            .set("version", n(expected.next().get()))
            .set("updated_at", time(now));
        update.condition(|e| format!("attribute_exists({})", e.name(PK)));
        update.condition(|e| format!("{} = {}", e.name("version"), e.value(n(expected.get()))));
        check_item_size("meeting", update.expr.payload_size() + 256)?;
        // The hint first: one left by an update that then fails names a meeting that does not
        // carry the number, which the lookup ignores.
        if let Some(hint) = zoom_hint_item(admin, id, draft) {
            self.put_item("PutItem zoom hint", hint, None).await?;
        }
        let written = self
            .update_item("UpdateItem meeting", meeting_key(admin, id), &update)
            .await?;
        written_meeting(written, admin, id, &format!("no longer at version {expected}"))
    }

    async fn get_meeting(&self, admin: KakaoUserId, id: MeetingId) -> Result<Meeting, StoreError> {
        match self.get_item("GetItem meeting", meeting_key(admin, id)).await? {
            Some(item) => meeting_from_item(&item),
            None => Err(StoreError::not_found(format!("meeting {id} of admin {admin}"))),
        }
    }

    async fn list_meetings(&self, admin: KakaoUserId) -> Result<Vec<Meeting>, StoreError> {
        let items = self
            .query_all("Query meetings", Query::prefix(&admin_pk(admin), MEETING_PREFIX))
            .await?;
        items.iter().map(meeting_from_item).collect()
    }

    async fn find_meetings_by_zoom_id(&self, zoom: &ZoomMeetingId) -> Result<Vec<Meeting>, StoreError> {
        let mut expr = Expr::default();
        let key_condition = format!("{} = {}", expr.name("zoom_id"), expr.value(s(zoom.as_str())));
        let indexed = Query {
            index: Some(ZOOM_INDEX),
            key_condition,
            expr,
            limit: None,
            start: None,
            consistent: false,
        };
        // The index is eventually consistent: a meeting given this number a moment ago may not
        // be in it yet, so the hints (strongly consistent, written with the number) are read
        // too. Either way the meetings themselves are read, and kept only if they still carry
        // this number.
        let mut keys: BTreeMap<(String, String), Item> = BTreeMap::new();
        for entry in self.query_all("Query zoom index", indexed).await? {
            if let (Some(pk), Some(sk)) = (
                entry.get(PK).and_then(|v| v.as_s().ok()),
                entry.get(SK).and_then(|v| v.as_s().ok()),
            ) {
                keys.insert((pk.clone(), sk.clone()), key(pk.clone(), sk.clone()));
            }
        }
        let hints = self
            .query_all("Query zoom hints", Query::partition(&zoom_hint_pk(zoom.as_str())))
            .await?;
        for hint in hints {
            let Some((admin, meeting)) = hint
                .get(SK)
                .and_then(|v| v.as_s().ok())
                .and_then(|sk| from_zoom_hint_sk(sk))
            else {
                continue;
            };
            let at = meeting_key(admin, meeting);
            let pk = admin_pk(admin);
            keys.insert((pk, meeting_sk(meeting)), at);
        }
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let items = self
            .batch_get("BatchGetItem meetings", keys.into_values().collect())
            .await?;
        let mut found: BTreeMap<(KakaoUserId, MeetingId), Meeting> = BTreeMap::new();
        for item in items {
            let meeting = meeting_from_item(&item)?;
            if meeting.draft.zoom_meeting_id.as_ref() == Some(zoom) {
                found.insert((meeting.admin, meeting.id), meeting);
            }
        }
        Ok(found.into_values().collect())
    }

    async fn due_meetings(&self, now: DateTime<Utc>, limit: usize) -> Result<DueEntries, StoreError> {
        let limit = limit.clamp(1, 1000);
        // Every shard at once; each gives its earliest `limit`, so the merge holds the earliest
        // `limit` of all. A shard that cannot be read is logged and the others still count: only
        // when nothing could be read at all is the index unreadable.
        // Boxed, so the join's generic code is compiled once for a pointer rather than once per
        // way it can poll this read's state machine (about 30 KB of every function's binary).
        type ShardRead<'a> = std::pin::Pin<
            Box<dyn std::future::Future<Output = (DueShard, Result<DueEntries, StoreError>)> + Send + 'a>,
        >;
        let reads = futures::future::join_all(self.inner.config.due_shards.all().map(|shard| {
            Box::pin(async move { (shard, self.due_in_shard(shard, now, limit).await) }) as ShardRead<'_>
        }))
        .await;
        let mut found = DueEntries::default();
        let mut last_error = None;
        for (shard, read) in reads {
            match read {
                Ok(entries) => {
                    found.due.extend(entries.due);
                    found.unreadable += entries.unreadable;
                }
                Err(error) => {
                    tracing::error!(shard = shard.get(), %error, "could not read a due-index shard");
                    last_error = Some(error);
                }
            }
        }
        if let Some(error) = last_error
            && found.due.is_empty()
        {
            return Err(error);
        }
        found.due.sort_by_key(|d| d.next.due_at);
        found.due.truncate(limit);
        Ok(found)
    }

    async fn put_invitee(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        invitee: &Invitee,
    ) -> Result<(), StoreError> {
        let item = invitee_item(admin, meeting, invitee)?;
        let mut tx = Tx::new(self);
        let mut roster = Update::new();
        roster.add(
            ROSTER,
            AttributeValue::Ss(vec![invitee.friend.as_str().to_owned()]),
        );
        roster.condition(|e| format!("attribute_exists({})", e.name(PK)));
        tx.update(meeting_key(admin, meeting), &roster)?;
        tx.put(item, None)?;
        match self.transact("TransactWriteItems put invitee", &tx).await? {
            Ok(()) => Ok(()),
            Err(_) => Err(StoreError::not_found(format!(
                "meeting {meeting} of admin {admin}"
            ))),
        }
    }

    async fn remove_invitee(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
    ) -> Result<bool, StoreError> {
        let mut tx = Tx::new(self);
        tx.delete(invitee_key(admin, meeting, friend), Some(Condition::exists()))?;
        let mut roster = Update::new();
        roster.delete(ROSTER, AttributeValue::Ss(vec![friend.as_str().to_owned()]));
        roster.condition(|e| format!("attribute_exists({})", e.name(PK)));
        tx.update(meeting_key(admin, meeting), &roster)?;
        match self.transact("TransactWriteItems remove invitee", &tx).await? {
            Ok(()) => Ok(true),
            Err(c) if c.failed(0) => Ok(false),
            // The meeting itself is gone: remove the invitee left under it.
            Err(_) => match self
                .delete_item("DeleteItem invitee", invitee_key(admin, meeting, friend), None)
                .await?
            {
                Written::Done(old) => Ok(old.is_some()),
                Written::ConditionFailed(_) => Ok(false),
            },
        }
    }

    async fn set_invitee_opted_out(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        opted_out: bool,
    ) -> Result<Invitee, StoreError> {
        let mut update = Update::new();
        update.set("opted_out", boolean(opted_out));
        update.condition(|e| format!("attribute_exists({})", e.name(PK)));
        match self
            .update_item("UpdateItem invitee", invitee_key(admin, meeting, friend), &update)
            .await?
        {
            Written::Done(Some(item)) => invitee_from_item(&item),
            Written::Done(None) => Err(StoreError::backend(
                "UpdateItem invitee",
                "no attributes returned".to_owned(),
            )),
            Written::ConditionFailed(_) => Err(StoreError::not_found(format!(
                "invitee {friend} of meeting {meeting}"
            ))),
        }
    }

    async fn list_invitees(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<Invitee>, StoreError> {
        let items = self
            .query_all(
                "Query invitees",
                Query::prefix(&meeting_pk(admin, meeting), INVITEE_PREFIX),
            )
            .await?;
        items.iter().map(invitee_from_item).collect()
    }
}

impl DynamoStore {
    /// Moves the meeting from round `from` (exactly as read: round and due time) to `to`, or
    /// out of the due index when `to` is `None`; version + 1. Two sweeps advancing the same
    /// round get one winner: the other gets `Conflict` (`NotFound` if the meeting is gone).
    pub(crate) async fn advance_round(
        &self,
        admin: KakaoUserId,
        id: MeetingId,
        from: NextRound,
        to: Option<NextRound>,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        let update = self.advance_update(id, from, to, now);
        let written = self
            .update_item("UpdateItem advance round", meeting_key(admin, id), &update)
            .await?;
        written_meeting(written, admin, id, &advance_conflict(from))
    }
}
