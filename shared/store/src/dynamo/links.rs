//! Tracked-link tokens: `LINK#{token}` / `LINK` says whom a token is for; the pointer
//! `ADMIN#{admin}#MEETING#{id}` / `LINK#{uuid}` makes the token one per invitee. Both are written
//! in one transaction with a check that the meeting exists, each under `attribute_not_exists`,
//! so racing callers end with one token.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
use chrono::{DateTime, Utc};
use domain::{FriendUuid, KakaoUserId, MeetingId};

use super::expr::Condition;
use super::item::{Item, Reader, n, s, time};
use super::keys::key;
use super::keys::{LINK_PREFIX, PK, SK, SK_LINK, link_pk, link_pointer_sk, meeting_pk};
use super::requests::{Query, Tx};
use super::{DynamoStore, TTL_ATTRIBUTE};
use crate::StoreError;
use crate::api::LinkStore;
use crate::model::{LinkButton, LinkTarget, LinkToken};

/// A fresh token colliding with a stored one is a 2^-256 event; a few tries are plenty.
const MAX_TOKEN_TRIES: usize = 3;

/// The link an item names: its token and, when it has them, the two button secrets.
fn link_of(what: &'static str, item: &Item) -> Result<LinkToken, StoreError> {
    let r = Reader::new(what, item);
    LinkToken::from_stored(r.s("token")?, r.opt_s("join_secret")?, r.opt_s("stop_secret")?)
        .map_err(|e| StoreError::corrupt(what, e))
}

pub(super) fn pointer_token(item: &Item) -> Result<LinkToken, StoreError> {
    link_of("link pointer", item)
}

fn target_from_item(item: &Item, token: &LinkToken) -> Result<LinkTarget, StoreError> {
    let r = Reader::new("link token", item);
    let link = LinkToken::from_stored(token.as_str(), r.opt_s("join_secret")?, r.opt_s("stop_secret")?)
        .map_err(|e| StoreError::corrupt("link token", e))?;
    Ok(LinkTarget {
        link,
        admin: KakaoUserId::new(r.n("admin_id")?).map_err(|e| StoreError::corrupt("link token", e))?,
        meeting: r.parsed("meeting_id", MeetingId::parse)?,
        friend: r.parsed("friend", FriendUuid::parse)?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
    })
}

/// The invitee's pointer and the token's own item, for a new token.
pub(super) fn link_items(
    admin: KakaoUserId,
    meeting: MeetingId,
    friend: &FriendUuid,
    token: &LinkToken,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (Item, Item) {
    let ttl = n(expires_at.timestamp());
    let mut pointer = key(meeting_pk(admin, meeting), link_pointer_sk(friend));
    pointer.insert("kind".into(), s("link_pointer"));
    pointer.insert("token".into(), s(token.as_str()));
    pointer.insert("friend".into(), s(friend.as_str()));
    pointer.insert(TTL_ATTRIBUTE.into(), ttl.clone());
    let mut target = key(link_pk(token), SK_LINK);
    for button in [LinkButton::Join, LinkButton::Stop] {
        if let Some(secret) = token.secret(button) {
            let name = match button {
                LinkButton::Join => "join_secret",
                LinkButton::Stop => "stop_secret",
            };
            pointer.insert(name.into(), s(secret));
            target.insert(name.into(), s(secret));
        }
    }
    target.insert("kind".into(), s("link_token"));
    target.insert("admin_id".into(), n(admin.get()));
    target.insert("meeting_id".into(), s(meeting.to_string()));
    target.insert("friend".into(), s(friend.as_str()));
    target.insert("created_at".into(), time(now));
    target.insert("expires_at".into(), time(expires_at));
    target.insert(TTL_ATTRIBUTE.into(), ttl);
    (pointer, target)
}

/// The token a stored link pointer names (for the sweep's batched read of a meeting's state).
/// The invitee and token a pointer names, or `None` once it is past its TTL at `now`: an
/// expired pointer reads as the deleted one it will become (DynamoDB deletes it days late).
pub(crate) fn link_from_pointer(
    item: &Item,
    now: DateTime<Utc>,
) -> Result<Option<(FriendUuid, LinkToken)>, StoreError> {
    if pointer_expired(item, now)? {
        return Ok(None);
    }
    let r = Reader::new("link pointer", item);
    Ok(Some((
        r.parsed("friend", FriendUuid::parse)?,
        pointer_token(item)?,
    )))
}

fn pointer_expired(item: &Item, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let ttl: i64 = Reader::new("link pointer", item).n(TTL_ATTRIBUTE)?;
    Ok(ttl <= now.timestamp())
}

impl DynamoStore {
    /// Deletes a meeting's link tokens and their pointers (unlink).
    pub(crate) async fn delete_meeting_links(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
    ) -> Result<(), StoreError> {
        let pointers = self
            .query_all(
                "Query link pointers for unlink",
                Query::prefix(&meeting_pk(admin, meeting), LINK_PREFIX),
            )
            .await?;
        let mut requests = Vec::new();
        for pointer in &pointers {
            let Ok(token) = pointer_token(pointer) else {
                continue;
            };
            let (Some(pk), Some(sk)) = (pointer.get(PK), pointer.get(SK)) else {
                continue;
            };
            for key in [
                key(link_pk(&token), SK_LINK),
                [(PK.to_owned(), pk.clone()), (SK.to_owned(), sk.clone())].into(),
            ] {
                let delete = DeleteRequest::builder()
                    .set_key(Some(key))
                    .build()
                    .map_err(|e| StoreError::backend("DeleteRequest (build)", e))?;
                requests.push((WriteRequest::builder().delete_request(delete).build(), 1));
            }
        }
        self.batch_write("BatchWriteItem link tokens", requests).await?;
        Ok(())
    }
}

#[async_trait]
impl LinkStore for DynamoStore {
    async fn ensure_link_token(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friend: &FriendUuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<LinkToken, StoreError> {
        let pointer_key = key(meeting_pk(admin, meeting), link_pointer_sk(friend));
        if let Some(pointer) = self.get_item("GetItem link pointer", pointer_key).await?
            && let Some((_, token)) = link_from_pointer(&pointer, now)?
        {
            return Ok(token);
        }
        let made = self
            .ensure_link_tokens(admin, meeting, std::slice::from_ref(friend), expires_at, now)
            .await?;
        made.into_iter()
            .next()
            .map(|(_, token)| token)
            .ok_or_else(|| StoreError::backend("TransactWriteItems link token", "no token made".to_owned()))
    }

    async fn ensure_link_tokens(
        &self,
        admin: KakaoUserId,
        meeting: MeetingId,
        friends: &[FriendUuid],
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<(FriendUuid, LinkToken)>, StoreError> {
        // One transaction creates every missing token; a pointer that already exists cancels
        // it and names its token (the cancellation carries the old item), and the rest go again.
        let mut found: Vec<Option<LinkToken>> = vec![None; friends.len()];
        // Each round settles at least one friend, except a collision of fresh tokens.
        let tries = MAX_TOKEN_TRIES + friends.len();
        for _ in 0..tries {
            let missing: Vec<usize> = (0..friends.len()).filter(|&i| found[i].is_none()).collect();
            if missing.is_empty() {
                break;
            }
            let mut tx = Tx::new(self);
            Self::check_meeting(&mut tx, admin, meeting)?;
            let mut made = Vec::with_capacity(missing.len());
            for &i in &missing {
                let token = LinkToken::generate();
                let (pointer, target) = link_items(admin, meeting, &friends[i], &token, expires_at, now);
                tx.put(pointer, Some(Condition::absent_or_expired(now)))?;
                tx.put(target, Some(Condition::not_exists()))?;
                made.push((i, token));
            }
            match self.transact("TransactWriteItems link tokens", &tx).await? {
                Ok(()) => {
                    for (i, token) in made {
                        found[i] = Some(token);
                    }
                }
                Err(c) if c.failed(0) => {
                    return Err(StoreError::not_found(format!(
                        "meeting {meeting} of admin {admin}"
                    )));
                }
                Err(c) => {
                    for (j, (i, _)) in made.iter().enumerate() {
                        let at = 1 + 2 * j;
                        if c.failed(at) {
                            found[*i] = Some(match c.old_item(at) {
                                Some(old) => pointer_token(old)?,
                                None => {
                                    return Err(StoreError::backend(
                                        "TransactWriteItems link tokens",
                                        "no stored pointer returned".to_owned(),
                                    ));
                                }
                            });
                        } else if c.failed(at + 1) {
                            tracing::warn!(admin = %admin, "link token collided; trying another");
                        }
                    }
                }
            }
        }
        friends
            .iter()
            .zip(found)
            .map(|(friend, token)| match token {
                Some(token) => Ok((friend.clone(), token)),
                None => Err(StoreError::backend(
                    "TransactWriteItems link tokens",
                    format!("no token settled after {tries} transactions"),
                )),
            })
            .collect()
    }

    async fn resolve_link_token(
        &self,
        token: &LinkToken,
        now: DateTime<Utc>,
    ) -> Result<LinkTarget, StoreError> {
        let item = self
            .get_item("GetItem link token", key(link_pk(token), SK_LINK))
            .await?
            .ok_or_else(|| StoreError::not_found("link token"))?;
        let target = target_from_item(&item, token)?;
        if now >= target.expires_at {
            return Err(StoreError::expired("link token"));
        }
        Ok(target)
    }
}
