//! Who a send goes to: 1 to 5 distinct friend UUIDs, and nothing else (`docs/kakao.md#messages`).

use std::collections::HashSet;

use domain::{FriendUuid, MAX_RECEIVERS_PER_SEND};

/// The receivers of one send-to-friends call. Its only constructor refuses an empty list,
/// more than [`MAX_RECEIVERS_PER_SEND`] (5), and a UUID listed twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receivers(Vec<FriendUuid>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiversError {
    #[error("a send needs at least one receiver")]
    Empty,
    #[error("a send takes at most {max} receivers, not {count}", max = MAX_RECEIVERS_PER_SEND)]
    TooMany { count: usize },
    #[error("receiver {0} is listed twice")]
    Duplicate(FriendUuid),
}

impl Receivers {
    pub fn new(uuids: impl IntoIterator<Item = FriendUuid>) -> Result<Self, ReceiversError> {
        let uuids: Vec<FriendUuid> = uuids.into_iter().collect();
        if uuids.is_empty() {
            return Err(ReceiversError::Empty);
        }
        if uuids.len() > MAX_RECEIVERS_PER_SEND {
            return Err(ReceiversError::TooMany { count: uuids.len() });
        }
        let mut seen = HashSet::with_capacity(uuids.len());
        if let Some(twice) = uuids.iter().find(|u| !seen.insert(*u)) {
            return Err(ReceiversError::Duplicate(twice.clone()));
        }
        Ok(Self(uuids))
    }

    /// A single receiver, which can never be invalid.
    pub fn one(uuid: FriendUuid) -> Self {
        Self(vec![uuid])
    }

    pub fn as_slice(&self) -> &[FriendUuid] {
        &self.0
    }

    pub fn iter(&self) -> std::slice::Iter<'_, FriendUuid> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: kept for clippy's `len_without_is_empty` and for symmetry with slices.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, uuid: &FriendUuid) -> bool {
        self.0.contains(uuid)
    }

    /// `["uuid1","uuid2"]`: Kakao takes array parameters as a JSON array in a string.
    pub(crate) fn to_json_array(&self) -> String {
        let ids: Vec<&str> = self.0.iter().map(FriendUuid::as_str).collect();
        // A Vec<&str> always serialises; the fallback is unreachable in practice.
        serde_json::to_string(&ids).unwrap_or_else(|_| String::from("[]"))
    }
}

impl<'a> IntoIterator for &'a Receivers {
    type Item = &'a FriendUuid;
    type IntoIter = std::slice::Iter<'a, FriendUuid>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uuids(names: &[&str]) -> Vec<FriendUuid> {
        names.iter().map(|n| FriendUuid::parse(n).unwrap()).collect()
    }

    #[test]
    fn one_to_five_distinct_friends_make_a_send() {
        assert_eq!(Receivers::new(uuids(&["a"])).unwrap().len(), 1);
        assert_eq!(
            Receivers::new(uuids(&["a", "b", "c", "d", "e"])).unwrap().len(),
            5
        );
    }

    #[test]
    fn nobody_six_people_or_the_same_friend_twice_are_refused() {
        assert_eq!(Receivers::new(Vec::new()), Err(ReceiversError::Empty));
        assert_eq!(
            Receivers::new(uuids(&["a", "b", "c", "d", "e", "f"])),
            Err(ReceiversError::TooMany { count: 6 })
        );
        assert_eq!(
            Receivers::new(uuids(&["a", "b", "a"])),
            Err(ReceiversError::Duplicate(FriendUuid::parse("a").unwrap()))
        );
    }

    #[test]
    fn receivers_go_on_the_wire_as_a_json_array_string() {
        let receivers = Receivers::new(uuids(&["abcdefg0001", "abcdefg0002"])).unwrap();
        assert_eq!(receivers.to_json_array(), r#"["abcdefg0001","abcdefg0002"]"#);
    }
}
