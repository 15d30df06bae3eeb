//! The stored invitees of a meeting brought in line with the chosen ones.

use domain::FriendUuid;
use domain::meeting::InviteeList;
use store::StoreError;
use store::api::Store;
use store::model::{Invitee, MatchKeys, Meeting};

/// Makes the stored invitees match `chosen`: new ones added (marked opted out if they asked
/// this admin to stop), dropped ones removed, kept ones keep their match keys (their name
/// follows the current nickname).
pub async fn sync_invitees(
    store: &dyn Store,
    meeting: &Meeting,
    chosen: &InviteeList,
    before: &[Invitee],
) -> Result<(), StoreError> {
    let opted_out: Vec<FriendUuid> = store
        .list_opt_outs(meeting.admin)
        .await?
        .into_iter()
        .map(|o| o.friend)
        .collect();
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
