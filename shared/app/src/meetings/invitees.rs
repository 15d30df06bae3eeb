//! The stored invitees of a meeting brought in line with the chosen ones.

use domain::meeting::InviteeList;
use domain::{FriendUuid, KakaoUserId};
use store::StoreError;
use store::api::Store;
use store::model::{Invitee, MatchKeys, Meeting};
use tokio::sync::OnceCell;

/// Who asked this admin to stop: read from the store the first time a new invitee needs it,
/// then kept, so a save or a whole roll reads it at most once, and not at all when nobody is
/// added.
pub struct OptOuts<'a> {
    store: &'a dyn Store,
    admin: KakaoUserId,
    read: OnceCell<Vec<FriendUuid>>,
}

impl<'a> OptOuts<'a> {
    pub fn new(store: &'a dyn Store, admin: KakaoUserId) -> Self {
        Self {
            store,
            admin,
            read: OnceCell::new(),
        }
    }

    pub async fn contains(&self, friend: &FriendUuid) -> Result<bool, StoreError> {
        let list = self
            .read
            .get_or_try_init(|| async {
                Ok::<_, StoreError>(
                    self.store
                        .list_opt_outs(self.admin)
                        .await?
                        .into_iter()
                        .map(|o| o.friend)
                        .collect(),
                )
            })
            .await?;
        Ok(list.contains(friend))
    }
}

/// Makes the stored invitees match `chosen`: new ones added (marked opted out if they asked
/// this admin to stop), dropped ones removed, kept ones keep their match keys (their name
/// follows the current nickname).
pub async fn sync_invitees(
    store: &dyn Store,
    meeting: &Meeting,
    chosen: &InviteeList,
    before: &[Invitee],
    opt_outs: &OptOuts<'_>,
) -> Result<(), StoreError> {
    for pick in chosen.as_slice() {
        let kept = before.iter().find(|i| i.friend == pick.friend);
        let invitee = match kept {
            Some(old) if old.display_name == pick.nickname => continue,
            Some(old) => Invitee {
                display_name: pick.nickname.clone(),
                ..old.clone()
            },
            None => Invitee {
                friend: pick.friend.clone(),
                display_name: pick.nickname.clone(),
                match_keys: MatchKeys::default(),
                opted_out: opt_outs.contains(&pick.friend).await?,
            },
        };
        store.put_invitee(meeting.admin, meeting.id, &invitee).await?;
    }
    for old in before {
        if !chosen.uuids().any(|u| *u == old.friend) {
            store
                .remove_invitee(meeting.admin, meeting.id, &old.friend)
                .await?;
        }
    }
    Ok(())
}
