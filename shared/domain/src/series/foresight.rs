//! Quota foresight: before a series is saved, the most reminders its busiest Kakao day could
//! need, against the sender's daily limit (100) and each friend's pair limit (20).
//!
//! "Could need" is the worst case: every invitee absent for every round of every occurrence that
//! day. Other meetings the admin has that day count too, so a series that fits alone but not
//! beside Monday's other classes is still warned about.

use std::collections::BTreeMap;

use crate::{FriendUuid, KstDay, QuotaKind, QuotaLimits};

/// One meeting's worst case: on this Kakao day, each of these invitees could get this many
/// reminders (one per round).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayLoad {
    pub day: KstDay,
    pub invitees: Vec<FriendUuid>,
    pub rounds: u32,
}

/// The busiest day against the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foresight {
    /// The day the sender would send the most, and how many.
    pub busiest_day: Option<(KstDay, u32)>,
    /// The friend and day with the most reminders, and how many.
    pub busiest_pair: Option<(FriendUuid, KstDay, u32)>,
    pub sender_limit: u32,
    pub pair_limit: u32,
}

impl Foresight {
    /// The limits the worst case would pass, sender first.
    pub fn exceeded(&self) -> Vec<QuotaKind> {
        let mut over = Vec::new();
        if self.busiest_day.is_some_and(|(_, n)| n > self.sender_limit) {
            over.push(QuotaKind::Sender);
        }
        if self
            .busiest_pair
            .as_ref()
            .is_some_and(|(_, _, n)| *n > self.pair_limit)
        {
            over.push(QuotaKind::Pair);
        }
        over
    }

    pub fn fits(&self) -> bool {
        self.exceeded().is_empty()
    }
}

/// The worst case of `loads` (the series' occurrences and the admin's other meetings) under
/// `limits`.
pub fn foresee(loads: &[DayLoad], limits: &QuotaLimits) -> Foresight {
    let mut per_day: BTreeMap<KstDay, u32> = BTreeMap::new();
    let mut per_pair: BTreeMap<(KstDay, &FriendUuid), u32> = BTreeMap::new();
    for load in loads {
        let people = u32::try_from(load.invitees.len()).unwrap_or(u32::MAX);
        *per_day.entry(load.day).or_default() += people.saturating_mul(load.rounds);
        for friend in &load.invitees {
            *per_pair.entry((load.day, friend)).or_default() += load.rounds;
        }
    }
    // Ties go to the earliest day, so the warning names the first day it bites.
    let busiest_day = per_day
        .into_iter()
        .fold(None, |best: Option<(KstDay, u32)>, (day, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((day, n)),
        });
    let busiest_pair = per_pair.into_iter().fold(
        None,
        |best: Option<(FriendUuid, KstDay, u32)>, ((day, friend), n)| match best {
            Some((_, _, m)) if m >= n => best,
            _ => Some((friend.clone(), day, n)),
        },
    );
    Foresight {
        busiest_day,
        busiest_pair,
        sender_limit: limits.limit(QuotaKind::Sender),
        pair_limit: limits.limit(QuotaKind::Pair),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> KstDay {
        KstDay::parse(s).unwrap()
    }

    fn people(n: usize) -> Vec<FriendUuid> {
        (0..n)
            .map(|i| FriendUuid::parse(&format!("f{i}")).unwrap())
            .collect()
    }

    #[test]
    fn six_students_twice_a_week_with_two_rounds_fit_easily() {
        let loads = [
            DayLoad {
                day: day("2027-01-05"),
                invitees: people(6),
                rounds: 2,
            },
            DayLoad {
                day: day("2027-01-07"),
                invitees: people(6),
                rounds: 2,
            },
        ];
        let f = foresee(&loads, &QuotaLimits::KAKAO);
        assert_eq!(f.busiest_day, Some((day("2027-01-05"), 12)));
        assert_eq!(f.busiest_pair.as_ref().map(|p| p.2), Some(2));
        assert!(f.fits());
    }

    #[test]
    fn a_day_of_many_classes_passes_the_sender_limit_and_says_so() {
        // Five classes of 12 on one Monday, two rounds each: 120 > 100.
        let loads: Vec<_> = (0..5)
            .map(|_| DayLoad {
                day: day("2027-01-04"),
                invitees: people(12),
                rounds: 2,
            })
            .collect();
        let f = foresee(&loads, &QuotaLimits::KAKAO);
        assert_eq!(f.busiest_day, Some((day("2027-01-04"), 120)));
        assert_eq!(f.exceeded(), vec![QuotaKind::Sender]);
    }

    #[test]
    fn one_friend_in_many_sessions_a_day_passes_the_pair_limit() {
        // Eleven sessions of one person in a day, two rounds each: 22 > 20 for that pair.
        let loads: Vec<_> = (0..11)
            .map(|_| DayLoad {
                day: day("2027-01-04"),
                invitees: people(1),
                rounds: 2,
            })
            .collect();
        let f = foresee(&loads, &QuotaLimits::KAKAO);
        assert_eq!(f.busiest_pair, Some((people(1).remove(0), day("2027-01-04"), 22)));
        assert_eq!(f.exceeded(), vec![QuotaKind::Pair]);
        assert!(!f.fits());
    }

    #[test]
    fn nothing_planned_fits() {
        let f = foresee(&[], &QuotaLimits::KAKAO);
        assert_eq!(f.busiest_day, None);
        assert!(f.fits());
    }
}
