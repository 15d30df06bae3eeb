//! [`MeetingStore`] on SQLite. The draft is one JSON column (extensible without migrations);
//! the due index and Zoom lookup are columns with partial indexes, written in the same
//! statement as the draft so they can never disagree.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::delivery::Round;
use domain::{FriendUuid, KakaoUserId, MeetingId};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::admins::require_admin;
use super::codec::{from_json, parse_ts, stored, to_json, ts};
use super::{SqliteStore, TxError};
use crate::StoreError;
use crate::api::MeetingStore;
use crate::model::{
    DueEntries, DueMeeting, Invitee, Meeting, MeetingDraft, NextRound, Version, ZoomMeetingId,
    check_item_size,
};

const SELECT: &str = "SELECT admin, id, draft, version, created_at, updated_at FROM meetings";

struct RawMeeting {
    admin: i64,
    id: String,
    draft: String,
    version: i64,
    created_at: String,
    updated_at: String,
}

fn meeting_row(row: &Row<'_>) -> rusqlite::Result<RawMeeting> {
    Ok(RawMeeting {
        admin: row.get(0)?,
        id: row.get(1)?,
        draft: row.get(2)?,
        version: row.get(3)?,
        created_at: row.get(4)?,
        updated_at: row.get(5)?,
    })
}

fn parse_meeting(raw: RawMeeting) -> Result<Meeting, StoreError> {
    Ok(Meeting {
        admin: stored("meeting admin", KakaoUserId::new(raw.admin))?,
        id: stored("meeting id", MeetingId::parse(&raw.id))?,
        draft: from_json("meeting", &raw.draft)?,
        version: stored("meeting version", Version::new(raw.version as u64))?,
        created_at: parse_ts("meeting created_at", &raw.created_at)?,
        updated_at: parse_ts("meeting updated_at", &raw.updated_at)?,
    })
}

pub(super) fn load_meeting(
    conn: &Connection,
    admin: KakaoUserId,
    id: MeetingId,
) -> Result<Option<Meeting>, TxError> {
    let raw = conn
        .query_row(
            &format!("{SELECT} WHERE admin = ?1 AND id = ?2"),
            params![admin.get(), id.to_string()],
            meeting_row,
        )
        .optional()?;
    Ok(raw.map(parse_meeting).transpose()?)
}

/// `NotFound` unless this admin has this meeting.
pub(super) fn require_meeting(
    conn: &Connection,
    admin: KakaoUserId,
    id: MeetingId,
) -> Result<Meeting, TxError> {
    load_meeting(conn, admin, id)?.ok_or_else(|| not_found(admin, id).into())
}

fn not_found(admin: KakaoUserId, id: MeetingId) -> StoreError {
    StoreError::not_found(format!("meeting {id} of admin {admin}"))
}

/// A draft checked and encoded for writing, with its index columns.
struct EncodedDraft {
    json: String,
    zoom_id: Option<String>,
    due_at: Option<String>,
    due_round: Option<i64>,
}

fn encode(draft: &MeetingDraft) -> Result<EncodedDraft, StoreError> {
    draft.check()?;
    let json = to_json("meeting", draft)?;
    check_item_size("meeting", json.len() + 256)?;
    let due = draft.next_round;
    Ok(EncodedDraft {
        json,
        zoom_id: draft.zoom_meeting_id.as_ref().map(|z| z.as_str().to_owned()),
        due_at: due.map(|n| ts(n.due_at)),
        due_round: due.map(|n| i64::from(n.round.get())),
    })
}

/// Writes the draft and its index columns over an existing row, version + 1.
fn overwrite(
    tx: &Connection,
    admin: KakaoUserId,
    id: MeetingId,
    encoded: &EncodedDraft,
    now: &str,
) -> Result<(), TxError> {
    tx.execute(
        "UPDATE meetings SET draft = ?3, zoom_id = ?4, due_at = ?5, due_round = ?6,
             version = version + 1, updated_at = ?7
         WHERE admin = ?1 AND id = ?2",
        params![
            admin.get(),
            id.to_string(),
            encoded.json,
            encoded.zoom_id,
            encoded.due_at,
            encoded.due_round,
            now
        ],
    )?;
    Ok(())
}

#[async_trait]
impl MeetingStore for SqliteStore {
    async fn create_meeting(
        &self,
        admin: KakaoUserId,
        id: MeetingId,
        draft: &MeetingDraft,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        let encoded = encode(draft)?;
        let now = ts(now);
        self.write("create meeting", move |tx| {
            require_admin(tx, admin)?;
            let inserted = tx.execute(
                "INSERT INTO meetings (admin, id, draft, version, zoom_id, due_at, due_round,
                     created_at, updated_at)
                 VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?7)
                 ON CONFLICT (admin, id) DO NOTHING",
                params![
                    admin.get(),
                    id.to_string(),
                    encoded.json,
                    encoded.zoom_id,
                    encoded.due_at,
                    encoded.due_round,
                    now
                ],
            )?;
            if inserted == 0 {
                return Err(
                    StoreError::conflict(format!("meeting {id} of admin {admin} already exists")).into(),
                );
            }
            require_meeting(tx, admin, id)
        })
        .await
    }

    async fn update_meeting(
        &self,
        admin: KakaoUserId,
        id: MeetingId,
        expected: Version,
        draft: &MeetingDraft,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        let encoded = encode(draft)?;
        let now = ts(now);
        self.write("update meeting", move |tx| {
            let current = require_meeting(tx, admin, id)?;
            if current.version != expected {
                return Err(StoreError::conflict(format!(
                    "meeting {id} is at version {}, not {expected}",
                    current.version
                ))
                .into());
            }
            overwrite(tx, admin, id, &encoded, &now)?;
            require_meeting(tx, admin, id)
        })
        .await
    }

    async fn get_meeting(&self, admin: KakaoUserId, id: MeetingId) -> Result<Meeting, StoreError> {
        self.read("get meeting", move |conn| require_meeting(conn, admin, id))
            .await
    }

    async fn list_meetings(&self, admin: KakaoUserId) -> Result<Vec<Meeting>, StoreError> {
        self.read("list meetings", move |conn| {
            let mut stmt = conn.prepare(&format!("{SELECT} WHERE admin = ?1 ORDER BY id"))?;
            let raw = stmt
                .query_map([admin.get()], meeting_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(raw
                .into_iter()
                .map(parse_meeting)
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn find_meetings_by_zoom_id(&self, zoom: &ZoomMeetingId) -> Result<Vec<Meeting>, StoreError> {
        let zoom = zoom.as_str().to_owned();
        self.read("find meetings by zoom id", move |conn| {
            let mut stmt = conn.prepare(&format!("{SELECT} WHERE zoom_id = ?1 ORDER BY admin, id"))?;
            let raw = stmt
                .query_map([zoom], meeting_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(raw
                .into_iter()
                .map(parse_meeting)
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn due_meetings(&self, now: DateTime<Utc>, limit: usize) -> Result<DueEntries, StoreError> {
        let (now, limit) = (ts(now), limit.clamp(1, 1000));
        self.read("due meetings", move |conn| {
            // No LIMIT: rows are read lazily until `limit` readable ones are found, so
            // unreadable rows (skipped and counted) cannot fill the page.
            let mut stmt = conn.prepare(
                "SELECT admin, id, due_round, due_at FROM meetings
                 WHERE due_at IS NOT NULL AND due_at <= ?1
                 ORDER BY due_at, id",
            )?;
            let mut rows = stmt.query(params![now])?;
            let mut found = DueEntries::default();
            while found.due.len() < limit {
                let Some(row) = rows.next()? else { break };
                let (admin, id, round, due_at): (i64, String, i64, String) =
                    (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
                match due_entry(admin, &id, round, &due_at) {
                    Ok(entry) => found.due.push(entry),
                    Err(error) => {
                        found.unreadable += 1;
                        tracing::error!(admin, meeting = %id, %error, "an unreadable due-index row is skipped");
                    }
                }
            }
            Ok(found)
        })
        .await
    }

    async fn put_invitee(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        invitee: &Invitee,
    ) -> Result<(), StoreError> {
        let body = to_json("invitee", invitee)?;
        check_item_size("invitee", body.len() + 128)?;
        let friend = invitee.friend.as_str().to_owned();
        self.write("put invitee", move |tx| {
            require_meeting(tx, admin, meeting)?;
            tx.execute(
                "INSERT INTO invitees (admin, meeting, friend, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (admin, meeting, friend) DO UPDATE SET body = excluded.body",
                params![admin.get(), meeting.to_string(), friend, body],
            )?;
            Ok(())
        })
        .await
    }

    async fn remove_invitee(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
    ) -> Result<bool, StoreError> {
        let friend = friend.as_str().to_owned();
        self.write("remove invitee", move |tx| {
            let n = tx.execute(
                "DELETE FROM invitees WHERE admin = ?1 AND meeting = ?2 AND friend = ?3",
                params![admin.get(), meeting.to_string(), friend],
            )?;
            Ok(n > 0)
        })
        .await
    }

    async fn set_invitee_opted_out(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        opted_out: bool,
    ) -> Result<Invitee, StoreError> {
        let friend = friend.clone();
        self.write("set invitee opt-out", move |tx| {
            let body: Option<String> = tx
                .query_row(
                    "SELECT body FROM invitees WHERE admin = ?1 AND meeting = ?2 AND friend = ?3",
                    params![admin.get(), meeting.to_string(), friend.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(body) = body else {
                return Err(StoreError::not_found(format!("invitee {friend} of meeting {meeting}")).into());
            };
            let mut invitee: Invitee = from_json("invitee", &body)?;
            invitee.opted_out = opted_out;
            tx.execute(
                "UPDATE invitees SET body = ?4 WHERE admin = ?1 AND meeting = ?2 AND friend = ?3",
                params![
                    admin.get(),
                    meeting.to_string(),
                    friend.as_str(),
                    to_json("invitee", &invitee)?
                ],
            )?;
            Ok(invitee)
        })
        .await
    }

    async fn list_invitees(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<Vec<Invitee>, StoreError> {
        self.read("list invitees", move |conn| {
            let mut stmt =
                conn.prepare("SELECT body FROM invitees WHERE admin = ?1 AND meeting = ?2 ORDER BY friend")?;
            let bodies = stmt
                .query_map(params![admin.get(), meeting.to_string()], |r| {
                    r.get::<_, String>(0)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(bodies
                .iter()
                .map(|b| from_json("invitee", b))
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}

/// One row of the due index, read back.
fn due_entry(admin: i64, id: &str, round: i64, due_at: &str) -> Result<DueMeeting, StoreError> {
    let round = u16::try_from(round).map_err(|e| StoreError::corrupt("due round", e))?;
    Ok(DueMeeting {
        admin: stored("due admin", KakaoUserId::new(admin))?,
        meeting: stored("due meeting", MeetingId::parse(id))?,
        next: NextRound {
            round: stored("due round", Round::new(round))?,
            due_at: parse_ts("due_at", due_at)?,
        },
    })
}

impl SqliteStore {
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
        let now = ts(now);
        self.write("advance round", move |tx| {
            let current = require_meeting(tx, admin, id)?;
            if current.draft.next_round != Some(from) {
                return Err(StoreError::conflict(format!(
                    "meeting {id} is no longer due for round {} at {}",
                    from.round, from.due_at
                ))
                .into());
            }
            let mut draft = current.draft;
            draft.next_round = to;
            overwrite(tx, admin, id, &encode(&draft)?, &now)?;
            require_meeting(tx, admin, id)
        })
        .await
    }
}
