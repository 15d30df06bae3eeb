//! Classes: named groups of the admin's friends (`2학년 수학반`), and who a meeting invites when
//! it names classes as well as single friends.
//!
//! A meeting or series keeps what the admin picked ([`Invitation`]: classes and friends), and its
//! invitees are that invitation resolved against the classes as they are now
//! ([`Invitation::resolve`]). Changing a class re-resolves the occurrences that have not started.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{ClassId, FriendUuid};

/// No class holds more people than a meeting may invite.
pub const MAX_MEMBERS: usize = crate::meeting::MAX_INVITEES;

/// A class's name: 1 to 40 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClassName(String);

/// What can be wrong with a class as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassProblem {
    #[error("a class needs a name")]
    NameEmpty,
    #[error("a class name may have at most {max} characters, this one has {chars}")]
    NameTooLong { chars: usize, max: usize },
    #[error("a class name may not contain control characters")]
    NameControlCharacters,
    #[error("a class may have at most {max} members, got {count}")]
    TooManyMembers { count: usize, max: usize },
    #[error("{0} is not one of this admin's Kakao friends")]
    NotAFriend(FriendUuid),
    #[error("{0:?} is not a friend id")]
    MemberUnreadable(String),
    #[error("another class is already called {0:?}")]
    NameTaken(String),
}

impl ClassName {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(s: &str) -> Result<Self, ClassProblem> {
        let name = s.trim();
        let chars = name.chars().count();
        if chars == 0 {
            Err(ClassProblem::NameEmpty)
        } else if chars > Self::MAX_CHARS {
            Err(ClassProblem::NameTooLong {
                chars,
                max: Self::MAX_CHARS,
            })
        } else if name.chars().any(char::is_control) {
            Err(ClassProblem::NameControlCharacters)
        } else {
            Ok(Self(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClassName {
    type Error = ClassProblem;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ClassName> for String {
    fn from(name: ClassName) -> String {
        name.0
    }
}

impl std::fmt::Display for ClassName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A class's members as picked: each once, at most [`MAX_MEMBERS`], each a friend of the admin
/// (or already a member: a friend who left stays listed, shown as gone, and is never messaged).
pub fn check_members(
    picked: &[FriendUuid],
    friends: &BTreeSet<&FriendUuid>,
    already: &[FriendUuid],
) -> Result<Vec<FriendUuid>, Vec<ClassProblem>> {
    let mut problems = Vec::new();
    let mut members = BTreeSet::new();
    for uuid in picked {
        if friends.contains(uuid) || already.contains(uuid) {
            members.insert(uuid.clone());
        } else {
            problems.push(ClassProblem::NotAFriend(uuid.clone()));
        }
    }
    if members.len() > MAX_MEMBERS {
        problems.push(ClassProblem::TooManyMembers {
            count: members.len(),
            max: MAX_MEMBERS,
        });
    }
    if problems.is_empty() {
        Ok(members.into_iter().collect())
    } else {
        Err(problems)
    }
}

/// Who a meeting or series invites, as the admin picked: whole classes and single friends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Invitation {
    pub classes: Vec<ClassId>,
    pub friends: Vec<FriendUuid>,
}

impl Invitation {
    pub fn of_friends(friends: Vec<FriendUuid>) -> Self {
        Self {
            classes: Vec::new(),
            friends,
        }
    }

    pub fn names_class(&self, class: ClassId) -> bool {
        self.classes.contains(&class)
    }

    /// The invitees: the single friends in the order picked, then each class's members not
    /// already invited, class by class. A class that no longer exists (or is archived, when the
    /// caller leaves it out of `classes`) adds no one.
    pub fn resolve(&self, classes: &BTreeMap<ClassId, Vec<FriendUuid>>) -> Vec<FriendUuid> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let members = self.classes.iter().filter_map(|id| classes.get(id)).flatten();
        for uuid in self.friends.iter().chain(members) {
            if seen.insert(uuid) {
                out.push(uuid.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uuid(s: &str) -> FriendUuid {
        FriendUuid::parse(s).unwrap()
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            ClassName::parse("  2학년 수학반 ").unwrap().as_str(),
            "2학년 수학반"
        );
        assert_eq!(ClassName::parse("  "), Err(ClassProblem::NameEmpty));
        assert!(matches!(
            ClassName::parse(&"가".repeat(41)),
            Err(ClassProblem::NameTooLong { chars: 41, .. })
        ));
        assert_eq!(
            ClassName::parse("a\u{7}b"),
            Err(ClassProblem::NameControlCharacters)
        );
        assert!(serde_json::from_str::<ClassName>("\"\"").is_err());
    }

    #[test]
    fn members_must_be_friends_unless_they_already_were_members() {
        let (a, b, gone) = (uuid("a"), uuid("b"), uuid("gone"));
        let friends: BTreeSet<&FriendUuid> = [&a, &b].into_iter().collect();
        assert_eq!(
            check_members(&[b.clone(), a.clone(), a.clone()], &friends, &[]),
            Ok(vec![a.clone(), b.clone()])
        );
        assert_eq!(
            check_members(std::slice::from_ref(&gone), &friends, &[]),
            Err(vec![ClassProblem::NotAFriend(gone.clone())])
        );
        assert_eq!(
            check_members(std::slice::from_ref(&gone), &friends, std::slice::from_ref(&gone)),
            Ok(vec![gone])
        );
    }

    #[test]
    fn an_invitation_resolves_to_each_person_once_and_ignores_missing_classes() {
        let (maths, art, deleted) = (ClassId::new_v7(), ClassId::new_v7(), ClassId::new_v7());
        let classes = BTreeMap::from([
            (maths, vec![uuid("a"), uuid("b")]),
            (art, vec![uuid("b"), uuid("c")]),
        ]);
        let invitation = Invitation {
            classes: vec![maths, art, deleted],
            friends: vec![uuid("z"), uuid("a")],
        };
        assert_eq!(
            invitation.resolve(&classes),
            vec![uuid("z"), uuid("a"), uuid("b"), uuid("c")]
        );
        assert!(invitation.names_class(art));
        assert_eq!(Invitation::default().resolve(&classes), Vec::<FriendUuid>::new());
    }
}
