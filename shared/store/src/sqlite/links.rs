//! [`LinkStore`] on SQLite: one row per token, unique per (admin, meeting, friend), created
//! inside the transaction that checked the meeting and found no token yet.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};
use rusqlite::{Connection, OptionalExtension, params};

use super::codec::{parse_ts, stored, ts};
use super::meetings::require_meeting;
use super::{SqliteStore, TxError};
use crate::StoreError;
use crate::api::LinkStore;
use crate::model::{LinkButton, LinkTarget, LinkToken};

/// The invitee's token for the meeting, made now if there is none or the one stored has expired
/// (as the DynamoDB store treats an expired pointer its TTL has not deleted yet), inside the
/// caller's transaction (which has checked the meeting).
pub(super) fn ensure_link_row(
    tx: &Connection,
    admin: KakaoUserId,
    meeting: MeetingId,
    friend: &FriendUuid,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<LinkToken, TxError> {
    let existing: Option<(String, Option<String>, Option<String>, String)> = tx
        .query_row(
            "SELECT token, join_secret, stop_secret, expires_at FROM link_tokens
             WHERE admin = ?1 AND meeting = ?2 AND friend = ?3",
            params![admin.get(), meeting.to_string(), friend.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    if let Some((token, join, stop, until)) = existing {
        if parse_ts("link token expires_at", &until)? > now {
            return Ok(stored_link(&token, join.as_deref(), stop.as_deref())?);
        }
        tx.execute("DELETE FROM link_tokens WHERE token = ?1", params![token])?;
    }
    let token = LinkToken::generate();
    tx.execute(
        "INSERT INTO link_tokens (token, join_secret, stop_secret, admin, meeting, friend, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            token.as_str(),
            token.secret(LinkButton::Join),
            token.secret(LinkButton::Stop),
            admin.get(),
            meeting.to_string(),
            friend.as_str(),
            ts(now),
            ts(expires_at)
        ],
    )?;
    Ok(token)
}

/// A stored row's link (a row written before the buttons were separated has no secrets).
fn stored_link(token: &str, join: Option<&str>, stop: Option<&str>) -> Result<LinkToken, StoreError> {
    stored("link token", LinkToken::from_stored(token, join, stop))
}

impl SqliteStore {
    /// Each invitee's unexpired token for the meeting, in friend order (the sweep's meeting
    /// state).
    pub(crate) async fn meeting_links(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        now: DateTime<Utc>,
    ) -> Result<Vec<(FriendUuid, LinkToken)>, StoreError> {
        self.read("list meeting link tokens", move |conn| {
            let mut stmt = conn.prepare(
                "SELECT friend, token, join_secret, stop_secret FROM link_tokens
                 WHERE admin = ?1 AND meeting = ?2 AND expires_at > ?3 ORDER BY friend",
            )?;
            let rows = stmt
                .query_map(params![admin.get(), meeting.to_string(), ts(now)], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(friend, token, join, stop)| {
                    Ok((
                        stored("link friend", FriendUuid::parse(&friend))?,
                        stored_link(&token, join.as_deref(), stop.as_deref())?,
                    ))
                })
                .collect()
        })
        .await
    }
}

#[async_trait]
impl LinkStore for SqliteStore {
    async fn ensure_link_token(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<LinkToken, StoreError> {
        let friend = friend.clone();
        self.write("ensure link token", move |tx| {
            require_meeting(tx, admin, meeting)?;
            ensure_link_row(tx, admin, meeting, &friend, expires_at, now)
        })
        .await
    }

    async fn resolve_link_token(
        &self,
        token: &LinkToken,
        now: DateTime<Utc>,
    ) -> Result<LinkTarget, StoreError> {
        let token = token.clone();
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let wanted = token.clone();
        let row: Option<Row> = self
            .read("resolve link token", move |conn| {
                Ok(conn
                    .query_row(
                        "SELECT admin, meeting, friend, created_at, expires_at, join_secret, stop_secret
                         FROM link_tokens WHERE token = ?1",
                        [wanted.as_str()],
                        |r| {
                            Ok((
                                r.get(0)?,
                                r.get(1)?,
                                r.get(2)?,
                                r.get(3)?,
                                r.get(4)?,
                                r.get(5)?,
                                r.get(6)?,
                            ))
                        },
                    )
                    .optional()?)
            })
            .await?;
        let (admin, meeting, friend, created_at, expires_at, join, stop) =
            row.ok_or_else(|| StoreError::not_found("link token"))?;
        let target = LinkTarget {
            link: stored_link(token.as_str(), join.as_deref(), stop.as_deref())?,
            admin: stored("link token admin", domain::KakaoUserId::new(admin))?,
            meeting: stored("link token meeting", MeetingId::parse(&meeting))?,
            friend: stored("link token friend", FriendUuid::parse(&friend))?,
            created_at: parse_ts("link token created_at", &created_at)?,
            expires_at: parse_ts("link token expires_at", &expires_at)?,
        };
        if now >= target.expires_at {
            return Err(StoreError::expired("link token"));
        }
        Ok(target)
    }
}
