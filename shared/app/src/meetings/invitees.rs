//! The stored invitees of a meeting brought in line with the chosen ones.

use domain::meeting::InviteeList;
use domain::{FriendUuid, KakaoUserId};
use store::StoreError;
use store::api::Store;
use store::model::{Invitee, MatchKeys, Meeting};

/// Who asked this admin to stop, read once for every meeting a save or roll writes.
pub async fn opted_out(store: &dyn Store, admin: KakaoUserId) -> Result<Vec<FriendUuid>, StoreError> {
    Ok(store
        .list_opt_outs(admin)
        .await?
        .into_iter()
        .map(|o| o.friend)
        .collect())
}

/// Makes the stored invitees match `chosen`: new ones added (marked opted out if they are in
/// `opted_out`, see [`opted_out`]), dropped ones removed, kept ones keep their match keys
/// (their name follows the current nickname).
pub async fn sync_invitees(
    store: &dyn Store,
    meeting: &Meeting,
    chosen: &InviteeList,
    before: &[Invitee],
    opted_out: &[FriendUuid],
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
                opted_out: opted_out.contains(&pick.friend),
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
