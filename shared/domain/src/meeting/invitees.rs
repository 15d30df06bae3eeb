//! Who a meeting invites: friends of the admin, each once, at most [`MAX_INVITEES`].

use std::collections::{BTreeMap, BTreeSet};

use super::MeetingProblem;
use crate::FriendUuid;
use crate::friends::FriendProfile;

/// No meeting invites more people than this.
pub const MAX_INVITEES: usize = 200;

/// A friend of the admin as the picker knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendChoice {
    pub profile: FriendProfile,
    /// No longer in Kakao's friend list (Kakao will refuse to message them).
    pub gone: bool,
}

/// One chosen invitee, with the name messages call them by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenInvitee {
    pub friend: FriendUuid,
    pub nickname: String,
}

/// A checked list of invitees, in the order picked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InviteeList(Vec<ChosenInvitee>);

impl InviteeList {
    /// Checks `picked` against the admin's friends. A new invitee must be a current friend; one
    /// the meeting already had (`already`) may stay even if Kakao no longer lists them (the live
    /// view then shows them as unreachable), so an edit never fails because of a friend who left.
    ///
    /// Collects every problem: too many, picked twice, not a friend.
    pub fn choose(
        picked: &[FriendUuid],
        friends: &[FriendChoice],
        already: &[FriendUuid],
    ) -> Result<Self, Vec<MeetingProblem>> {
        let by_uuid: BTreeMap<&FriendUuid, &FriendChoice> =
            friends.iter().map(|f| (&f.profile.uuid, f)).collect();
        let already: BTreeSet<&FriendUuid> = already.iter().collect();
        let mut problems = Vec::new();
        if picked.len() > MAX_INVITEES {
            problems.push(MeetingProblem::TooManyInvitees {
                count: picked.len(),
                max: MAX_INVITEES,
            });
        }
        let mut seen = BTreeSet::new();
        let mut chosen = Vec::with_capacity(picked.len().min(MAX_INVITEES));
        for uuid in picked {
            if !seen.insert(uuid) {
                problems.push(MeetingProblem::DuplicateInvitee(uuid.clone()));
                continue;
            }
            match by_uuid.get(uuid) {
                Some(friend) if !friend.gone || already.contains(uuid) => chosen.push(ChosenInvitee {
                    friend: uuid.clone(),
                    nickname: friend.profile.nickname.clone(),
                }),
                _ => problems.push(MeetingProblem::NotAFriend(uuid.clone())),
            }
        }
        if problems.is_empty() {
            Ok(Self(chosen))
        } else {
            Err(problems)
        }
    }

    pub fn as_slice(&self) -> &[ChosenInvitee] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn uuids(&self) -> impl Iterator<Item = &FriendUuid> {
        self.0.iter().map(|i| &i.friend)
    }

    pub fn nicknames(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|i| i.nickname.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn friend(uuid: &str, nickname: &str, gone: bool) -> FriendChoice {
        FriendChoice {
            profile: FriendProfile {
                uuid: FriendUuid::parse(uuid).unwrap(),
                kakao_id: None,
                nickname: nickname.into(),
                thumbnail_url: None,
                favorite: false,
            },
            gone,
        }
    }

    fn uuid(s: &str) -> FriendUuid {
        FriendUuid::parse(s).unwrap()
    }

    #[test]
    fn invitees_must_be_current_friends_picked_once() {
        let friends = [
            friend("f1", "민지", false),
            friend("f2", "준호", false),
            friend("left", "떠남", true),
        ];
        let list = InviteeList::choose(&[uuid("f2"), uuid("f1")], &friends, &[]).unwrap();
        assert_eq!(list.nicknames().collect::<Vec<_>>(), vec!["준호", "민지"]);

        let problems = InviteeList::choose(
            &[uuid("f1"), uuid("stranger"), uuid("f1"), uuid("left")],
            &friends,
            &[],
        )
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                MeetingProblem::NotAFriend(uuid("stranger")),
                MeetingProblem::DuplicateInvitee(uuid("f1")),
                MeetingProblem::NotAFriend(uuid("left")),
            ]
        );
    }

    #[test]
    fn a_friend_who_left_may_stay_on_a_meeting_they_were_already_on() {
        let friends = [friend("left", "떠남", true)];
        assert!(InviteeList::choose(&[uuid("left")], &friends, &[uuid("left")]).is_ok());
    }

    #[test]
    fn at_most_two_hundred_invitees() {
        let friends: Vec<_> = (0..201).map(|i| friend(&format!("f{i}"), "n", false)).collect();
        let all: Vec<_> = friends.iter().map(|f| f.profile.uuid.clone()).collect();
        assert_eq!(
            InviteeList::choose(&all[..200], &friends, &[]).unwrap().len(),
            200
        );
        assert_eq!(
            InviteeList::choose(&all, &friends, &[]).unwrap_err(),
            vec![MeetingProblem::TooManyInvitees { count: 201, max: 200 }]
        );
    }
}
