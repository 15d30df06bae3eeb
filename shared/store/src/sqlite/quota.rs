//! [`QuotaStore`] on SQLite. A reservation reads the counters and writes the slots and the
//! delivery records in one `BEGIN IMMEDIATE` transaction, so no other reserver can move a
//! counter between the read and the write: no counter ever exceeds its limit.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use domain::delivery::{DeliveryStateKind, Round};
use domain::quota_fit::{BatchUsage, Fit, RecipientUsage, fit_batch};
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId};
use rusqlite::{Connection, OptionalExtension, params};

use super::codec::ts;
use super::deliveries::{batch_keys, insert_delivery, load_delivery, move_to, require_state};
use super::links::ensure_link_row;
use super::meetings::require_meeting;
use super::{SqliteStore, TxError};
use crate::StoreError;
use crate::api::QuotaStore;
use crate::model::{
    DeliveryKey, DeliveryOutcome, DeliveryRecord, QuotaSubject, Refusal, Reservation, ReservationRequest,
};

/// Counters are kept two days after their Kakao day ends, then expire.
const COUNTER_TTL_AFTER_DAY: Duration = Duration::days(2);

/// A counter's row key: (kind, subject). The day is the third part.
fn counter(subject: &QuotaSubject) -> (&'static str, String) {
    let name = match subject {
        QuotaSubject::App => String::new(),
        QuotaSubject::Sender(admin) => admin.to_string(),
        QuotaSubject::Recipient(uuid) => uuid.to_string(),
        QuotaSubject::Pair(admin, uuid) => format!("{admin}#{uuid}"),
    };
    (subject.kind().as_str(), name)
}

fn used(conn: &Connection, subject: &QuotaSubject, day: KstDay) -> Result<u32, TxError> {
    let (kind, name) = counter(subject);
    let used: Option<i64> = conn
        .query_row(
            "SELECT used FROM quota WHERE kind = ?1 AND subject = ?2 AND day = ?3",
            params![kind, name, day.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(used.map_or(0, |n| u32::try_from(n).unwrap_or(0)))
}

/// Adds `delta` (negative to give back) to a counter, never below zero.
fn add(conn: &Connection, subject: &QuotaSubject, day: KstDay, delta: i64) -> Result<(), TxError> {
    let (kind, name) = counter(subject);
    conn.execute(
        "INSERT INTO quota (kind, subject, day, used, expires_at) VALUES (?1, ?2, ?3, MAX(?4, 0), ?5)
         ON CONFLICT (kind, subject, day) DO UPDATE SET used = MAX(used + ?4, 0)",
        params![
            kind,
            name,
            day.to_string(),
            delta,
            ts(day.resets_at() + COUNTER_TTL_AFTER_DAY)
        ],
    )?;
    Ok(())
}

/// The four counters one delivery from `sender` to `recipient` takes a slot on.
fn slots(sender: KakaoUserId, recipient: &FriendUuid) -> [QuotaSubject; 4] {
    [
        QuotaSubject::App,
        QuotaSubject::Sender(sender),
        QuotaSubject::Recipient(recipient.clone()),
        QuotaSubject::Pair(sender, recipient.clone()),
    ]
}

fn give_back(conn: &Connection, record: &DeliveryRecord) -> Result<(), TxError> {
    for subject in slots(record.key.admin, &record.key.recipient) {
        add(conn, &subject, record.day, -1)?;
    }
    Ok(())
}

#[async_trait]
impl QuotaStore for SqliteStore {
    async fn reserve(
        &self,
        request: &ReservationRequest,
        now: DateTime<Utc>,
    ) -> Result<Reservation, StoreError> {
        let request = request.clone();
        self.write("reserve quota", move |tx| {
            let (sender, day) = (request.sender, request.day);
            require_meeting(tx, sender, request.meeting)?;
            let key = |recipient: &FriendUuid| DeliveryKey {
                admin: sender,
                meeting: request.meeting,
                recipient: recipient.clone(),
                round: request.round,
            };

            // Each recipient ends up either reserved or refused; keep request order.
            let mut decisions: Vec<Option<Refusal>> = Vec::new();
            let mut candidates = Vec::new();
            for (i, recipient) in request.recipients.as_slice().iter().enumerate() {
                match load_delivery(tx, &key(recipient))? {
                    Some(existing) => decisions.push(Some(Refusal::AlreadyExists(existing.state))),
                    None => {
                        decisions.push(None);
                        candidates.push(i);
                    }
                }
            }
            let recipients = request.recipients.as_slice();
            let batch = BatchUsage {
                app: used(tx, &QuotaSubject::App, day)?,
                sender: used(tx, &QuotaSubject::Sender(sender), day)?,
            };
            let usage = candidates
                .iter()
                .map(|&i| {
                    Ok(RecipientUsage {
                        recipient: used(tx, &QuotaSubject::Recipient(recipients[i].clone()), day)?,
                        pair: used(tx, &QuotaSubject::Pair(sender, recipients[i].clone()), day)?,
                    })
                })
                .collect::<Result<Vec<_>, TxError>>()?;

            for (&i, fit) in candidates.iter().zip(fit_batch(&request.limits, batch, &usage)) {
                match fit {
                    Fit::Fits => {
                        for subject in slots(sender, &recipients[i]) {
                            add(tx, &subject, day, 1)?;
                        }
                        insert_delivery(tx, &key(&recipients[i]), request.initial.state(), day, now)?;
                    }
                    Fit::Blocked(kind) => decisions[i] = Some(Refusal::Quota(kind)),
                }
            }

            let mut reservation = Reservation::default();
            for (recipient, decision) in recipients.iter().zip(decisions) {
                match decision {
                    None => reservation.reserved.push(recipient.clone()),
                    Some(refusal) => reservation.refused.push((recipient.clone(), refusal)),
                }
            }
            if let Some(links) = &request.links {
                for friend in reservation.reserved.iter().filter(|f| links.friends.contains(*f)) {
                    let token = ensure_link_row(tx, sender, request.meeting, friend, links.expires_at, now)?;
                    reservation.links.push((friend.clone(), token));
                }
            }
            let blocked_by_quota = reservation
                .refused
                .iter()
                .filter(|(_, r)| matches!(r, Refusal::Quota(_)))
                .count();
            tracing::info!(
                admin = %sender,
                meeting = %request.meeting,
                round = %request.round,
                reserved = reservation.reserved.len(),
                refused = reservation.refused.len(),
                blocked_by_quota,
                "quota reserved"
            );
            Ok(reservation)
        })
        .await
    }

    async fn record_outcomes(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        outcomes: &[(FriendUuid, DeliveryOutcome)],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let recipients: Vec<FriendUuid> = outcomes.iter().map(|(r, _)| r.clone()).collect();
        let keys = batch_keys(admin, meeting, round, &recipients)?;
        let outcomes: Vec<DeliveryOutcome> = outcomes.iter().map(|(_, o)| *o).collect();
        self.write("record outcomes", move |tx| {
            // Check every record first, so a conflict anywhere writes nothing.
            let records = keys
                .iter()
                .map(|k| require_state(tx, k, &[DeliveryStateKind::Sending]))
                .collect::<Result<Vec<_>, _>>()?;
            let mut written = Vec::with_capacity(records.len());
            for (record, outcome) in records.into_iter().zip(outcomes) {
                let release = outcome.releases_quota() && record.holds_quota;
                if release {
                    give_back(tx, &record)?;
                }
                written.push(move_to(tx, record, outcome.state(), release, now)?);
            }
            Ok(written)
        })
        .await
    }

    async fn release(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        round: Round,
        recipients: &[FriendUuid],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let keys = batch_keys(admin, meeting, round, recipients)?;
        self.write("release quota", move |tx| {
            let records = keys
                .iter()
                .map(|k| require_state(tx, k, &[DeliveryStateKind::Reserved, DeliveryStateKind::Sending]))
                .collect::<Result<Vec<_>, _>>()?;
            let mut written = Vec::with_capacity(records.len());
            for record in records {
                if record.holds_quota {
                    give_back(tx, &record)?;
                }
                written.push(move_to(tx, record, domain::delivery::DeliveryState::Cancelled, true, now)?);
            }
            tracing::info!(admin = %admin, meeting = %meeting, round = %round, released = written.len(), "quota released");
            Ok(written)
        })
        .await
    }

    async fn quota_used(&self, day: KstDay, subject: &QuotaSubject) -> Result<u32, StoreError> {
        let subject = subject.clone();
        self.read("quota used", move |conn| used(conn, &subject, day))
            .await
    }
}
