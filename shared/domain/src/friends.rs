//! An admin's Kakao friends and the one decision the daily sync makes: what changed.
//!
//! The sync fetches the whole friend list from Kakao and hands it, with what is stored, to
//! [`diff_friends`]. Only the differences are written, so an unchanged re-sync writes nothing.
//! Friends who disappear are marked gone, not deleted (their deliveries still name them).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{FriendUuid, KakaoUserId};

/// What Kakao tells us about one friend; the fields a sync compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendProfile {
    pub uuid: FriendUuid,
    /// Kakao's `id`; Kakao's SDKs treat it as optional, so we do too.
    pub kakao_id: Option<KakaoUserId>,
    pub nickname: String,
    pub thumbnail_url: Option<String>,
    pub favorite: bool,
}

/// A stored friend as the diff sees it: its last known profile and whether it is marked gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFriend {
    pub profile: FriendProfile,
    pub gone: bool,
}

/// One write a sync must make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FriendChange {
    /// Never seen before.
    Added(FriendProfile),
    /// Marked gone earlier and listed again: clear the mark (and take the new profile).
    Returned(FriendProfile),
    /// Still listed, with a different nickname, thumbnail, favorite flag or Kakao id.
    Changed(FriendProfile),
    /// Stored and not gone, but no longer listed: mark it gone.
    Gone(FriendUuid),
}

/// What a sync must write, and how many friends needed nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FriendDiff {
    pub changes: Vec<FriendChange>,
    /// Listed and identical to what is stored.
    pub unchanged: usize,
}

impl FriendDiff {
    /// New friends plus returning ones.
    pub fn added(&self) -> usize {
        self.count(|c| matches!(c, FriendChange::Added(_) | FriendChange::Returned(_)))
    }

    pub fn changed(&self) -> usize {
        self.count(|c| matches!(c, FriendChange::Changed(_)))
    }

    pub fn gone(&self) -> usize {
        self.count(|c| matches!(c, FriendChange::Gone(_)))
    }

    fn count(&self, pred: impl Fn(&FriendChange) -> bool) -> usize {
        self.changes.iter().filter(|c| pred(c)).count()
    }
}

/// The fetched list named the same friend twice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the friend list names {0} more than once")]
pub struct DuplicateFriend(pub FriendUuid);

/// The writes that turn `known` into `fetched`.
///
/// Friends already marked gone and still absent need nothing and are not counted.
/// Changes come out in uuid order, so the writes a sync makes are deterministic.
pub fn diff_friends(known: &[KnownFriend], fetched: &[FriendProfile]) -> Result<FriendDiff, DuplicateFriend> {
    let mut listed: BTreeMap<&FriendUuid, &FriendProfile> = BTreeMap::new();
    for profile in fetched {
        if listed.insert(&profile.uuid, profile).is_some() {
            return Err(DuplicateFriend(profile.uuid.clone()));
        }
    }
    let known_by_uuid: BTreeMap<&FriendUuid, &KnownFriend> =
        known.iter().map(|k| (&k.profile.uuid, k)).collect();

    let mut diff = FriendDiff::default();
    let uuids: BTreeSet<&FriendUuid> = listed.keys().chain(known_by_uuid.keys()).copied().collect();
    for uuid in uuids {
        match (known_by_uuid.get(uuid), listed.get(uuid)) {
            (None, Some(new)) => diff.changes.push(FriendChange::Added((*new).clone())),
            (Some(old), Some(new)) if old.gone => diff.changes.push(FriendChange::Returned((*new).clone())),
            (Some(old), Some(new)) if old.profile != **new => {
                diff.changes.push(FriendChange::Changed((*new).clone()))
            }
            (Some(_), Some(_)) => diff.unchanged += 1,
            (Some(old), None) if !old.gone => diff.changes.push(FriendChange::Gone(uuid.clone())),
            (Some(_), None) | (None, None) => {}
        }
    }
    Ok(diff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn friend(uuid: &str, nickname: &str) -> FriendProfile {
        FriendProfile {
            uuid: FriendUuid::parse(uuid).unwrap(),
            kakao_id: None,
            nickname: nickname.to_owned(),
            thumbnail_url: None,
            favorite: false,
        }
    }

    fn known(profile: FriendProfile, gone: bool) -> KnownFriend {
        KnownFriend { profile, gone }
    }

    #[test]
    fn a_first_sync_adds_everyone() {
        let diff = diff_friends(&[], &[friend("a", "민수"), friend("b", "지영")]).unwrap();
        assert_eq!(
            (diff.added(), diff.changed(), diff.gone(), diff.unchanged),
            (2, 0, 0, 0)
        );
    }

    #[test]
    fn an_unchanged_resync_writes_nothing() {
        let stored = [
            known(friend("a", "민수"), false),
            known(friend("b", "지영"), false),
        ];
        let diff = diff_friends(&stored, &[friend("b", "지영"), friend("a", "민수")]).unwrap();
        assert!(diff.changes.is_empty());
        assert_eq!(diff.unchanged, 2);
    }

    #[test]
    fn renamed_refavorited_and_missing_friends_are_each_one_write() {
        let mut starred = friend("c", "철수");
        starred.favorite = true;
        let stored = [
            known(friend("a", "민수"), false),
            known(friend("b", "지영"), false),
            known(friend("c", "철수"), false),
            known(friend("d", "old"), true),
        ];
        let diff = diff_friends(&stored, &[friend("a", "민수2"), starred.clone()]).unwrap();
        assert_eq!(
            diff.changes,
            vec![
                FriendChange::Changed(friend("a", "민수2")),
                FriendChange::Gone(FriendUuid::parse("b").unwrap()),
                FriendChange::Changed(starred),
            ]
        );
        assert_eq!(diff.unchanged, 0);
    }

    #[test]
    fn a_gone_friend_who_is_listed_again_returns() {
        let stored = [known(friend("a", "민수"), true)];
        let diff = diff_friends(&stored, &[friend("a", "민수")]).unwrap();
        assert_eq!(diff.changes, vec![FriendChange::Returned(friend("a", "민수"))]);
        assert_eq!(diff.added(), 1);
    }

    #[test]
    fn a_list_naming_a_friend_twice_is_refused() {
        let err = diff_friends(&[], &[friend("a", "x"), friend("a", "y")]).unwrap_err();
        assert_eq!(err, DuplicateFriend(FriendUuid::parse("a").unwrap()));
    }
}
