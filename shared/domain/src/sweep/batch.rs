//! Recipients in groups of at most five: one quota reservation and one Kakao call each.

use std::collections::BTreeSet;

use crate::{FriendUuid, MAX_RECEIVERS_PER_SEND};

/// 1 to [`MAX_RECEIVERS_PER_SEND`] distinct recipients of one meeting round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch(Vec<FriendUuid>);

impl Batch {
    /// `None` for an empty list, more than five, or a recipient named twice.
    pub fn new(recipients: Vec<FriendUuid>) -> Option<Self> {
        let distinct: BTreeSet<&FriendUuid> = recipients.iter().collect();
        let ok = !recipients.is_empty()
            && recipients.len() <= MAX_RECEIVERS_PER_SEND
            && distinct.len() == recipients.len();
        ok.then_some(Self(recipients))
    }

    /// Splits recipients, in order, into as few batches as possible (all full but the last).
    /// A recipient named twice is kept once, at its first place.
    pub fn split(recipients: impl IntoIterator<Item = FriendUuid>) -> Vec<Batch> {
        let mut seen = BTreeSet::new();
        let unique: Vec<FriendUuid> = recipients
            .into_iter()
            .filter(|r| seen.insert(r.clone()))
            .collect();
        unique
            .chunks(MAX_RECEIVERS_PER_SEND)
            .map(|chunk| Batch(chunk.to_vec()))
            .collect()
    }

    pub fn recipients(&self) -> &[FriendUuid] {
        &self.0
    }

    pub fn into_recipients(self) -> Vec<FriendUuid> {
        self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a batch has at least one recipient.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn friends(n: usize) -> Vec<FriendUuid> {
        (0..n)
            .map(|i| FriendUuid::parse(&format!("f{i}")).unwrap())
            .collect()
    }

    #[test]
    fn twelve_recipients_make_batches_of_five_five_and_two() {
        let batches = Batch::split(friends(12));
        assert_eq!(batches.iter().map(Batch::len).collect::<Vec<_>>(), [5, 5, 2]);
        assert_eq!(batches[2].recipients(), &friends(12)[10..]);
        assert!(Batch::split(Vec::new()).is_empty());
    }

    #[test]
    fn a_batch_has_one_to_five_distinct_recipients() {
        assert!(Batch::new(Vec::new()).is_none());
        assert!(Batch::new(friends(6)).is_none());
        let twice = vec![friends(1)[0].clone(), friends(1)[0].clone()];
        assert!(Batch::new(twice.clone()).is_none());
        assert_eq!(Batch::split(twice).len(), 1);
        assert_eq!(Batch::new(friends(5)).unwrap().len(), 5);
    }
}
