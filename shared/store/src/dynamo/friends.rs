//! An admin's friends (`ADMIN#{id}` / `FRIEND#{uuid}`) and last sync report (`ADMIN#{id}` /
//! `SYNC`). A sync reads the stored set once, lets `domain::friends::diff_friends` decide, and
//! writes only the changes with BatchWriteItem.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::friends::{FriendChange, FriendProfile, KnownFriend, diff_friends};
use domain::{FriendUuid, KakaoUserId};

use super::DynamoStore;
use super::expr::Condition;
use super::item::{Item, Reader, boolean, item_size, n, s, time};
use super::keys::{FRIEND_PREFIX, SK_SYNC, admin_pk, friend_sk};
use super::keys::{key, profile_key};
use super::requests::{Query, Tx};
use crate::StoreError;
use crate::api::FriendStore;
use crate::model::{FriendRecord, FriendSyncCounts, SyncReport, check_item_size};

fn friend_item(record: &FriendRecord) -> Item {
    let p = &record.profile;
    let mut item = key(admin_pk(record.admin), friend_sk(&p.uuid));
    item.insert("kind".into(), s("friend"));
    item.insert("uuid".into(), s(p.uuid.as_str()));
    if let Some(id) = p.kakao_id {
        item.insert("kakao_id".into(), n(id.get()));
    }
    item.insert("nickname".into(), s(&p.nickname));
    if let Some(url) = &p.thumbnail_url {
        item.insert("thumbnail_url".into(), s(url));
    }
    item.insert("favorite".into(), boolean(p.favorite));
    item.insert("first_seen".into(), time(record.first_seen));
    item.insert("synced_at".into(), time(record.synced_at));
    if let Some(gone) = record.gone_at {
        item.insert("gone_at".into(), time(gone));
    }
    item
}

pub(crate) fn friend_from_item(admin: KakaoUserId, item: &Item) -> Result<FriendRecord, StoreError> {
    let r = Reader::new("friend", item);
    let kakao_id = match r.opt_n::<i64>("kakao_id")? {
        Some(id) => Some(KakaoUserId::new(id).map_err(|e| StoreError::corrupt("friend", e))?),
        None => None,
    };
    Ok(FriendRecord {
        admin,
        profile: FriendProfile {
            uuid: r.parsed("uuid", FriendUuid::parse)?,
            kakao_id,
            nickname: r.s("nickname")?.to_owned(),
            thumbnail_url: r.opt_s("thumbnail_url")?.map(str::to_owned),
            favorite: r.boolean("favorite")?,
        },
        first_seen: r.time("first_seen")?,
        synced_at: r.time("synced_at")?,
        gone_at: r.opt_time("gone_at")?,
    })
}

fn sync_from_item(item: &Item) -> Result<SyncReport, StoreError> {
    Reader::new("sync report", item).json("report")
}

/// Friend records written per transaction: DynamoDB's 100 items, less the admin check.
const FRIENDS_PER_TRANSACTION: usize = 99;

impl DynamoStore {
    async fn stored_friends(&self, admin: KakaoUserId) -> Result<Vec<FriendRecord>, StoreError> {
        let items = self
            .query_all("Query friends", Query::prefix(&admin_pk(admin), FRIEND_PREFIX))
            .await?;
        items.iter().map(|item| friend_from_item(admin, item)).collect()
    }
}

#[async_trait]
impl FriendStore for DynamoStore {
    async fn replace_friends(
        &self,
        admin: KakaoUserId,
        fetched: &[FriendProfile],
        now: DateTime<Utc>,
    ) -> Result<FriendSyncCounts, StoreError> {
        self.require_admin(admin).await?;
        let stored = self.stored_friends(admin).await?;
        let known: Vec<KnownFriend> = stored
            .iter()
            .map(|f| KnownFriend {
                profile: f.profile.clone(),
                gone: f.gone_at.is_some(),
            })
            .collect();
        let diff = diff_friends(&known, fetched).map_err(|e| StoreError::invalid(e.to_string()))?;
        let by_uuid: HashMap<&FriendUuid, &FriendRecord> =
            stored.iter().map(|f| (&f.profile.uuid, f)).collect();

        let mut records = Vec::with_capacity(diff.changes.len());
        for change in &diff.changes {
            let record = match change {
                FriendChange::Added(p) => FriendRecord {
                    admin,
                    profile: p.clone(),
                    first_seen: now,
                    synced_at: now,
                    gone_at: None,
                },
                FriendChange::Returned(p) | FriendChange::Changed(p) => FriendRecord {
                    admin,
                    profile: p.clone(),
                    first_seen: by_uuid.get(&p.uuid).map_or(now, |f| f.first_seen),
                    synced_at: now,
                    gone_at: None,
                },
                FriendChange::Gone(uuid) => {
                    let Some(old) = by_uuid.get(uuid) else { continue };
                    FriendRecord {
                        synced_at: now,
                        gone_at: Some(now),
                        ..(*old).clone()
                    }
                }
            };
            records.push(record);
        }
        // Check every size before the first write, so a bad friend leaves nothing half-written.
        let mut items = Vec::with_capacity(records.len());
        for record in &records {
            let item = friend_item(record);
            check_item_size("friend", item_size(&item))?;
            items.push(item);
        }
        // Each write is conditional on the admin still existing, so a sync that overlaps the
        // admin's unlinking cannot bring back friends the deletion removed: deleting an admin's
        // data removes the profile before the friends.
        let mut write_requests = 0;
        for chunk in items.chunks(FRIENDS_PER_TRANSACTION) {
            let mut tx = Tx::new(self);
            tx.check(profile_key(admin), Condition::exists())?;
            for item in chunk {
                tx.put(item.clone(), None)?;
            }
            write_requests += 1;
            if self.transact("TransactWriteItems friends", &tx).await?.is_err() {
                return Err(StoreError::not_found(format!("admin {admin}")));
            }
        }
        let counts = FriendSyncCounts {
            added: diff.added() as u32,
            changed: diff.changed() as u32,
            gone: diff.gone() as u32,
            unchanged: diff.unchanged as u32,
            write_requests,
        };
        tracing::info!(
            admin = %admin,
            added = counts.added,
            changed = counts.changed,
            gone = counts.gone,
            unchanged = counts.unchanged,
            write_requests,
            "friends replaced"
        );
        Ok(counts)
    }

    async fn list_friends(
        &self,
        admin: KakaoUserId,
        include_gone: bool,
    ) -> Result<Vec<FriendRecord>, StoreError> {
        let mut friends = self.stored_friends(admin).await?;
        if !include_gone {
            friends.retain(|f| f.gone_at.is_none());
        }
        Ok(friends)
    }

    async fn get_friend(&self, admin: KakaoUserId, friend: &FriendUuid) -> Result<FriendRecord, StoreError> {
        match self
            .get_item("GetItem friend", key(admin_pk(admin), friend_sk(friend)))
            .await?
        {
            Some(item) => friend_from_item(admin, &item),
            None => Err(StoreError::not_found(format!("friend {friend} of admin {admin}"))),
        }
    }

    async fn record_sync(&self, admin: KakaoUserId, report: &SyncReport) -> Result<(), StoreError> {
        let json = serde_json::to_string(report)
            .map_err(|e| StoreError::invalid(format!("sync report does not serialise: {e}")))?;
        let mut item = key(admin_pk(admin), SK_SYNC);
        item.insert("kind".into(), s("sync_report"));
        item.insert("report".into(), s(json));
        let mut tx = Tx::new(self);
        tx.check(profile_key(admin), Condition::exists())?;
        tx.put(item, None)?;
        match self.transact("TransactWriteItems sync report", &tx).await? {
            Ok(()) => Ok(()),
            Err(_) => Err(StoreError::not_found(format!("admin {admin}"))),
        }
    }

    async fn last_sync(&self, admin: KakaoUserId) -> Result<Option<SyncReport>, StoreError> {
        match self
            .get_item("GetItem sync report", key(admin_pk(admin), SK_SYNC))
            .await?
        {
            Some(item) => sync_from_item(&item).map(Some),
            None => Ok(None),
        }
    }
}
