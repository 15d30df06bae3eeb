//! [`DeliveryStore`] on SQLite, and the delivery row helpers the quota code shares.
//! Every move is checked against `domain::delivery`'s state machine inside the transaction.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use domain::delivery::{DeliveryState, DeliveryStateKind, KakaoErrorCode, Round};
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::codec::{parse_ts, stored, ts};
use super::{SqliteStore, TxError};
use crate::StoreError;
use crate::api::DeliveryStore;
use crate::model::{BatchRecipients, DeliveryKey, DeliveryRecord};

const SELECT: &str = "SELECT admin, meeting, recipient, round, state, code, day, holds_quota, created_at, updated_at FROM deliveries";

struct RawDelivery {
    admin: i64,
    meeting: String,
    recipient: String,
    round: i64,
    state: String,
    code: Option<i64>,
    day: String,
    holds_quota: bool,
    created_at: String,
    updated_at: String,
}

fn delivery_row(row: &Row<'_>) -> rusqlite::Result<RawDelivery> {
    Ok(RawDelivery {
        admin: row.get(0)?,
        meeting: row.get(1)?,
        recipient: row.get(2)?,
        round: row.get(3)?,
        state: row.get(4)?,
        code: row.get(5)?,
        day: row.get(6)?,
        holds_quota: row.get(7)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
    })
}

fn parse_state(state: &str, code: Option<i64>) -> Result<DeliveryState, StoreError> {
    let kind = stored("delivery state", DeliveryStateKind::parse(state))?;
    Ok(match kind {
        DeliveryStateKind::Reserved => DeliveryState::Reserved,
        DeliveryStateKind::Sending => DeliveryState::Sending,
        DeliveryStateKind::Sent => DeliveryState::Sent,
        DeliveryStateKind::Unknown => DeliveryState::Unknown,
        DeliveryStateKind::Cancelled => DeliveryState::Cancelled,
        DeliveryStateKind::Failed => {
            let code = code.ok_or_else(|| StoreError::corrupt("delivery", "failed without a code"))?;
            let code = i32::try_from(code).map_err(|e| StoreError::corrupt("delivery code", e))?;
            DeliveryState::Failed {
                code: stored("delivery code", KakaoErrorCode::new(code))?,
            }
        }
    })
}

fn parse_delivery(raw: RawDelivery) -> Result<DeliveryRecord, StoreError> {
    let round = u16::try_from(raw.round).map_err(|e| StoreError::corrupt("delivery round", e))?;
    Ok(DeliveryRecord {
        key: DeliveryKey {
            admin: stored("delivery admin", KakaoUserId::new(raw.admin))?,
            meeting: stored("delivery meeting", MeetingId::parse(&raw.meeting))?,
            recipient: stored("delivery recipient", FriendUuid::parse(&raw.recipient))?,
            round: stored("delivery round", Round::new(round))?,
        },
        state: parse_state(&raw.state, raw.code)?,
        day: stored("delivery day", KstDay::parse(&raw.day))?,
        holds_quota: raw.holds_quota,
        created_at: parse_ts("delivery created_at", &raw.created_at)?,
        updated_at: parse_ts("delivery updated_at", &raw.updated_at)?,
    })
}

fn query(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<DeliveryRecord>, TxError> {
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE {filter}"))?;
    let raw = stmt
        .query_map(args, delivery_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(raw
        .into_iter()
        .map(parse_delivery)
        .collect::<Result<Vec<_>, _>>()?)
}

pub(super) fn load_delivery(conn: &Connection, key: &DeliveryKey) -> Result<Option<DeliveryRecord>, TxError> {
    let raw = conn
        .query_row(
            &format!("{SELECT} WHERE admin = ?1 AND meeting = ?2 AND recipient = ?3 AND round = ?4"),
            params![
                key.admin.get(),
                key.meeting.to_string(),
                key.recipient.as_str(),
                key.round.get()
            ],
            delivery_row,
        )
        .optional()?;
    Ok(raw.map(parse_delivery).transpose()?)
}

fn describe(key: &DeliveryKey) -> String {
    format!(
        "delivery to {} for round {} of meeting {}",
        key.recipient, key.round, key.meeting
    )
}

/// Loads the delivery and checks it is in one of `from`: `NotFound` or `Conflict` otherwise.
pub(super) fn require_state(
    conn: &Connection,
    key: &DeliveryKey,
    from: &[DeliveryStateKind],
) -> Result<DeliveryRecord, TxError> {
    let record = load_delivery(conn, key)?.ok_or_else(|| StoreError::not_found(describe(key)))?;
    if !from.contains(&record.state.kind()) {
        return Err(StoreError::conflict(format!("{} is {}", describe(key), record.state)).into());
    }
    Ok(record)
}

pub(super) fn insert_delivery(
    conn: &Connection,
    key: &DeliveryKey,
    state: DeliveryState,
    day: KstDay,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    conn.execute(
        "INSERT INTO deliveries (admin, meeting, recipient, round, state, code, day, holds_quota,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)",
        params![
            key.admin.get(),
            key.meeting.to_string(),
            key.recipient.as_str(),
            key.round.get(),
            state.kind().as_str(),
            state.failure_code().map(KakaoErrorCode::get),
            day.to_string(),
            ts(now)
        ],
    )?;
    Ok(())
}

/// Moves a loaded record to `next` (which the state machine must allow), optionally giving up
/// its quota hold. Returns the record as written.
pub(super) fn move_to(
    conn: &Connection,
    mut record: DeliveryRecord,
    next: DeliveryState,
    release_quota: bool,
    now: DateTime<Utc>,
) -> Result<DeliveryRecord, TxError> {
    if !record.state.may_move_to(next) {
        return Err(StoreError::conflict(format!(
            "{} cannot move from {} to {next}",
            describe(&record.key),
            record.state
        ))
        .into());
    }
    record.state = next;
    record.holds_quota &= !release_quota;
    record.updated_at = now;
    let key = &record.key;
    conn.execute(
        "UPDATE deliveries SET state = ?5, code = ?6, holds_quota = ?7, updated_at = ?8
         WHERE admin = ?1 AND meeting = ?2 AND recipient = ?3 AND round = ?4",
        params![
            key.admin.get(),
            key.meeting.to_string(),
            key.recipient.as_str(),
            key.round.get(),
            next.kind().as_str(),
            next.failure_code().map(KakaoErrorCode::get),
            record.holds_quota,
            ts(now)
        ],
    )?;
    Ok(record)
}

/// The keys of a batch: 1 to 5 distinct recipients of one admin's meeting round.
pub(super) fn batch_keys(
    admin: KakaoUserId,
    meeting: MeetingId,
    round: Round,
    recipients: &[FriendUuid],
) -> Result<Vec<DeliveryKey>, StoreError> {
    let batch = BatchRecipients::new(recipients.to_vec())?;
    Ok(batch
        .as_slice()
        .iter()
        .map(|recipient| DeliveryKey {
            admin,
            meeting,
            recipient: recipient.clone(),
            round,
        })
        .collect())
}

fn is_stale(record: &DeliveryRecord, older_than: Duration, now: DateTime<Utc>) -> bool {
    record.state == DeliveryState::Sending && record.updated_at + older_than <= now
}

#[async_trait]
impl DeliveryStore for SqliteStore {
    async fn get_delivery(&self, key: &DeliveryKey) -> Result<DeliveryRecord, StoreError> {
        let key = key.clone();
        self.read("get delivery", move |conn| {
            load_delivery(conn, &key)?.ok_or_else(|| StoreError::not_found(describe(&key)).into())
        })
        .await
    }

    async fn list_meeting_deliveries(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        self.read("list meeting deliveries", move |conn| {
            query(
                conn,
                "admin = ?1 AND meeting = ?2 ORDER BY recipient, round",
                params![admin.get(), meeting.to_string()],
            )
        })
        .await
    }

    async fn list_friend_deliveries(
        &self,
        admin: KakaoUserId,
        friend: &FriendUuid,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let friend = friend.as_str().to_owned();
        self.read("list friend deliveries", move |conn| {
            query(
                conn,
                "admin = ?1 AND recipient = ?2 ORDER BY meeting, round",
                params![admin.get(), friend],
            )
        })
        .await
    }

    async fn confirm_reserved(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        recipients: &[FriendUuid],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let keys = batch_keys(admin, meeting, round, recipients)?;
        self.write("confirm reserved", move |tx| {
            let records = keys
                .iter()
                .map(|k| require_state(tx, k, &[DeliveryStateKind::Reserved]))
                .collect::<Result<Vec<_>, _>>()?;
            records
                .into_iter()
                .map(|r| move_to(tx, r, DeliveryState::Sending, false, now))
                .collect()
        })
        .await
    }

    async fn mark_unknown_if_stale(
        &self,
        key: &DeliveryKey,
        older_than: Duration,
        now: DateTime<Utc>,
    ) -> Result<DeliveryRecord, StoreError> {
        let key = key.clone();
        self.write("mark delivery unknown", move |tx| {
            let record = require_state(tx, &key, &[DeliveryStateKind::Sending])?;
            if !is_stale(&record, older_than, now) {
                return Err(StoreError::conflict(format!(
                    "{} has been sending only since {}",
                    describe(&key),
                    record.updated_at
                ))
                .into());
            }
            let record = move_to(tx, record, DeliveryState::Unknown, false, now)?;
            tracing::warn!(admin = %key.admin, meeting = %key.meeting, round = %key.round, "delivery outcome unknown");
            Ok(record)
        })
        .await
    }

    async fn mark_stale_sending_unknown(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        older_than: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        self.write("mark stale deliveries unknown", move |tx| {
            let sending = query(tx, "admin = ?1 AND meeting = ?2 AND state = 'sending' ORDER BY recipient, round", params![
                admin.get(),
                meeting.to_string()
            ])?;
            let stale = sending.into_iter().filter(|r| is_stale(r, older_than, now));
            let moved = stale.map(|r| move_to(tx, r, DeliveryState::Unknown, false, now)).collect::<Result<Vec<_>, _>>()?;
            if !moved.is_empty() {
                tracing::warn!(admin = %admin, meeting = %meeting, count = moved.len(), "stale deliveries marked unknown");
            }
            Ok(moved)
        })
        .await
    }
}
