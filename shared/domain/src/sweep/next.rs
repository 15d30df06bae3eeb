//! What a meeting's due entry becomes after the sweep visits it.
//!
//! After a planned round comes the plan's next round. After the last one the meeting leaves the
//! due index, unless work is still pending: a confirm-first batch waiting for the admin, or a
//! send still `sending`. Then one more visit is booked, the *closing* visit, at the meeting's
//! end (and no sooner than a lost send can be declared lost): it expires what was never
//! confirmed, turns stale sends into `unknown`, and the meeting leaves the index.
//!
//! The closing visit is recorded under the round after the plan's last (a round the plan does
//! not have), so the planner recognises it ([`super::RoundStatus::Closing`]) and an edit of the
//! meeting, which resumes from the plan's own rounds, simply drops it.

use chrono::{DateTime, Duration, Utc};

use crate::delivery::Round;
use crate::meeting::{PlannedRound, ReminderPlan, Schedule};

/// The meeting's next due entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextDue {
    /// The plan's next round.
    Round(PlannedRound),
    /// The closing visit.
    Closing(PlannedRound),
    /// Nothing left: out of the due index.
    Leave,
}

impl NextDue {
    /// The entry to store (`None`: leave the index).
    pub fn planned(self) -> Option<PlannedRound> {
        match self {
            NextDue::Round(p) | NextDue::Closing(p) => Some(p),
            NextDue::Leave => None,
        }
    }
}

/// The entry after visiting `round` at `now`. `pending`: the meeting still has deliveries
/// `reserved` or `sending` after the visit. `stale_age`: how long a send may stay `sending`
/// before it is declared lost.
pub fn next_due(
    plan: &ReminderPlan,
    schedule: &Schedule,
    round: Round,
    now: DateTime<Utc>,
    pending: bool,
    stale_age: Duration,
) -> NextDue {
    let planned = plan.offsets.offset_of(round).is_some();
    if planned
        && now < schedule.ends_at()
        && let Some(next) = plan.next_round(schedule, Some(round))
    {
        return NextDue::Round(next);
    }
    if !pending {
        return NextDue::Leave;
    }
    let closing_round = if planned {
        let last = u16::try_from(plan.offsets.len()).unwrap_or(u16::MAX);
        Round::new(last.max(round.get()).saturating_add(1)).ok()
    } else {
        Some(round)
    };
    match closing_round {
        Some(round) => NextDue::Closing(PlannedRound {
            round,
            due_at: schedule.ends_at().max(now + stale_age),
        }),
        None => NextDue::Leave,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::meeting::{MeetingDuration, ReminderOffsets};

    fn schedule() -> Schedule {
        let start = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap();
        Schedule::new(start, chrono_tz::Asia::Seoul, MeetingDuration::DEFAULT)
    }

    fn round(n: u16) -> Round {
        Round::new(n).unwrap()
    }

    const STALE: Duration = Duration::minutes(2);

    #[test]
    fn after_a_round_comes_the_plans_next_round() {
        let (plan, s) = (ReminderPlan::default(), schedule());
        let now = s.starts_at() + Duration::minutes(5);
        let next = next_due(&plan, &s, round(1), now, false, STALE);
        assert_eq!(
            next,
            NextDue::Round(PlannedRound {
                round: round(2),
                due_at: s.starts_at() + Duration::minutes(15)
            })
        );
    }

    #[test]
    fn after_the_last_round_the_meeting_leaves_unless_work_is_pending() {
        let (plan, s) = (ReminderPlan::default(), schedule());
        let now = s.starts_at() + Duration::minutes(15);
        assert_eq!(next_due(&plan, &s, round(2), now, false, STALE), NextDue::Leave);
        let closing = next_due(&plan, &s, round(2), now, true, STALE);
        assert_eq!(
            closing,
            NextDue::Closing(PlannedRound {
                round: round(3),
                due_at: s.ends_at()
            })
        );
        assert_eq!(closing.planned().map(|p| p.round), Some(round(3)));
    }

    #[test]
    fn the_closing_visit_waits_until_a_lost_send_can_be_declared_lost() {
        let plan = ReminderPlan {
            offsets: ReminderOffsets::parse("59").unwrap(),
            ..ReminderPlan::default()
        };
        let s = schedule();
        let now = s.starts_at() + Duration::minutes(59) + Duration::seconds(30);
        let NextDue::Closing(closing) = next_due(&plan, &s, round(1), now, true, STALE) else {
            panic!("pending work books a closing visit")
        };
        assert_eq!(closing.due_at, now + STALE);
        // The closing visit itself, still finding a send in flight, comes back once more.
        let later = closing.due_at + Duration::seconds(1);
        assert_eq!(
            next_due(&plan, &s, closing.round, later, true, STALE),
            NextDue::Closing(PlannedRound {
                round: closing.round,
                due_at: later + STALE
            })
        );
        assert_eq!(
            next_due(&plan, &s, closing.round, later, false, STALE),
            NextDue::Leave
        );
    }

    #[test]
    fn a_round_visited_after_the_end_goes_straight_to_closing() {
        let (plan, s) = (ReminderPlan::default(), schedule());
        let now = s.ends_at() + Duration::minutes(1);
        assert_eq!(next_due(&plan, &s, round(1), now, false, STALE), NextDue::Leave);
        assert!(matches!(
            next_due(&plan, &s, round(1), now, true, STALE),
            NextDue::Closing(PlannedRound { round: r, .. }) if r == round(3)
        ));
    }
}
