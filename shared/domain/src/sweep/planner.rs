//! [`plan_round`]: for one meeting and one round, who gets a reminder and why no one else does.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::batch::Batch;
use super::facts::{AdminReadiness, RoundFacts};
use super::reason::{SkipReason, Unreached};
use crate::delivery::DeliveryStateKind;
use crate::{FriendUuid, QuotaKind};

/// What the round as a whole is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    /// A planned round whose time has come: decisions below.
    Due,
    /// The round is not due yet (a stale index entry read early); nothing is decided.
    NotDue,
    /// The visit after the last round (see [`super::next_due`]): no one is messaged; the
    /// executor expires unconfirmed batches and gives up on lost sends.
    Closing,
}

/// One invitee's fate in this round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub friend: FriendUuid,
    /// `None`: send. `Some`: not this round, and why.
    pub skip: Option<SkipReason>,
}

impl Decision {
    pub fn sends(&self) -> bool {
        self.skip.is_none()
    }
}

/// The planner's answer for one meeting round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundPlan {
    pub status: RoundStatus,
    /// One per invitee, in the meeting's order (empty unless [`RoundStatus::Due`]).
    pub decisions: Vec<Decision>,
}

impl RoundPlan {
    /// Who gets a message, in order.
    pub fn recipients(&self) -> impl Iterator<Item = &FriendUuid> {
        self.decisions.iter().filter(|d| d.sends()).map(|d| &d.friend)
    }

    /// The recipients in groups of at most five.
    pub fn batches(&self) -> Vec<Batch> {
        Batch::split(self.recipients().cloned())
    }

    /// Marks recipients as skipped after all (the reservation refused them: a full counter, or
    /// another sweep's delivery already there). Recipients not in the plan are ignored.
    pub fn refuse(&mut self, refused: &[(FriendUuid, SkipReason)]) {
        for (friend, reason) in refused {
            if let Some(d) = self
                .decisions
                .iter_mut()
                .find(|d| &d.friend == friend && d.sends())
            {
                d.skip = Some(*reason);
            }
        }
    }

    /// How many were skipped, by reason.
    pub fn skipped(&self) -> BTreeMap<SkipReason, usize> {
        let mut counts = BTreeMap::new();
        for reason in self.decisions.iter().filter_map(|d| d.skip) {
            *counts.entry(reason).or_insert(0) += 1;
        }
        counts
    }
}

/// Decides, for every invitee, whether this round messages them.
///
/// Each invitee gets the first reason that applies, in this order: the meeting is cancelled or
/// over; they joined; a delivery for this round already exists; they opted out; Kakao cannot
/// reach them; Kakao has stopped the app; the admin needs a login or consent; quiet hours; the sender or app quota known to
/// be left. Everyone else is a recipient. Quota per recipient and pair is left to the
/// reservation, which refuses in the same order ([`crate::quota_fit::fit_batch`]).
pub fn plan_round(facts: &RoundFacts<'_>) -> RoundPlan {
    if facts.plan.offsets.offset_of(facts.round).is_none() {
        return RoundPlan {
            status: RoundStatus::Closing,
            decisions: Vec::new(),
        };
    }
    if facts.now < facts.due_at {
        return RoundPlan {
            status: RoundStatus::NotDue,
            decisions: Vec::new(),
        };
    }
    let meeting_reason = if facts.cancelled {
        Some(SkipReason::Cancelled)
    } else if facts.now >= facts.schedule.ends_at() {
        Some(SkipReason::MeetingOver)
    } else {
        None
    };
    let sending_reason = match facts.admin {
        _ if facts.kakao_app_stopped => Some(SkipReason::KakaoAppStopped),
        AdminReadiness::NeedsLogin => Some(SkipReason::AdminNeedsLogin),
        AdminReadiness::NeedsConsent => Some(SkipReason::AdminNeedsConsent),
        AdminReadiness::Ready if facts.plan.quiet_hours.is_quiet_at(facts.now, facts.schedule) => {
            Some(SkipReason::QuietHours)
        }
        AdminReadiness::Ready => None,
    };
    let this_round: BTreeMap<&FriendUuid, DeliveryStateKind> = facts
        .deliveries
        .iter()
        .filter(|d| d.round == facts.round)
        .map(|d| (&d.recipient, d.state.kind()))
        .collect();
    // The lower of the two known limits; a recipient takes one slot from each.
    let mut room: Option<(usize, QuotaKind)> = [
        facts.quota.app.map(|n| (n, QuotaKind::App)),
        facts.quota.sender.map(|n| (n, QuotaKind::Sender)),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|(n, _)| *n)
    .map(|(n, kind)| (usize::try_from(n).unwrap_or(usize::MAX), kind));

    let mut seen = BTreeSet::new();
    let decisions = facts
        .invitees
        .iter()
        .filter(|i| seen.insert(&i.friend))
        .map(|invitee| {
            let friend = &invitee.friend;
            let skip = meeting_reason
                .or_else(|| facts.joined.contains(friend).then_some(SkipReason::Joined))
                .or_else(|| {
                    this_round
                        .get(friend)
                        .map(|state| SkipReason::AlreadyReminded { state: *state })
                })
                .or_else(|| Unreached::of(invitee.opted_out, invitee.unreachable).map(Unreached::skip_reason))
                .or(sending_reason)
                .or_else(|| match &mut room {
                    Some((0, kind)) => Some(SkipReason::Quota { kind: *kind }),
                    Some((left, _)) => {
                        *left -= 1;
                        None
                    }
                    None => None,
                });
            Decision {
                friend: friend.clone(),
                skip,
            }
        })
        .collect();
    RoundPlan {
        status: RoundStatus::Due,
        decisions,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, TimeZone, Utc};

    use super::*;
    use crate::delivery::{DeliveryState, KakaoErrorCode, Round};
    use crate::meeting::{MeetingDuration, QuietHours, ReminderOffsets, ReminderPlan, Schedule};
    use crate::sweep::facts::{DeliveryFact, InviteeFacts, QuotaLeft};
    use crate::sweep::reason::Unreachable;

    fn uuid(s: &str) -> FriendUuid {
        FriendUuid::parse(s).unwrap()
    }

    /// A 19:00 (Seoul) hour-long meeting on 2026-11-21.
    fn schedule() -> Schedule {
        let start = chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 21, 19, 0, 0)
            .unwrap();
        Schedule::new(
            start.with_timezone(&Utc),
            chrono_tz::Asia::Seoul,
            MeetingDuration::DEFAULT,
        )
    }

    fn invitee(name: &str) -> InviteeFacts {
        InviteeFacts {
            friend: uuid(name),
            opted_out: false,
            unreachable: None,
        }
    }

    struct World {
        schedule: Schedule,
        plan: ReminderPlan,
        invitees: Vec<InviteeFacts>,
        joined: BTreeSet<FriendUuid>,
        deliveries: Vec<DeliveryFact>,
        now: DateTime<Utc>,
        round: Round,
        admin: AdminReadiness,
        kakao_app_stopped: bool,
        cancelled: bool,
        quota: QuotaLeft,
    }

    impl World {
        fn new(names: &[&str]) -> Self {
            let schedule = schedule();
            Self {
                now: schedule.starts_at() + Duration::minutes(5),
                schedule,
                plan: ReminderPlan::default(),
                invitees: names.iter().map(|n| invitee(n)).collect(),
                joined: BTreeSet::new(),
                deliveries: Vec::new(),
                round: Round::FIRST,
                admin: AdminReadiness::Ready,
                kakao_app_stopped: false,
                cancelled: false,
                quota: QuotaLeft::UNKNOWN,
            }
        }

        fn plan(&self) -> RoundPlan {
            plan_round(&RoundFacts {
                now: self.now,
                round: self.round,
                due_at: self.plan.due_at(&self.schedule, self.round).unwrap_or(self.now),
                cancelled: self.cancelled,
                schedule: &self.schedule,
                plan: &self.plan,
                admin: self.admin,
                kakao_app_stopped: self.kakao_app_stopped,
                invitees: &self.invitees,
                joined: &self.joined,
                deliveries: &self.deliveries,
                quota: self.quota,
            })
        }
    }

    fn reasons(plan: &RoundPlan) -> Vec<Option<&'static str>> {
        plan.decisions
            .iter()
            .map(|d| d.skip.map(SkipReason::as_str))
            .collect()
    }

    #[test]
    fn a_stopped_kakao_app_sends_nothing_to_anyone_absent() {
        let mut world = World::new(&["a", "b", "c"]);
        world.joined.insert(uuid("a"));
        world.invitees[1].opted_out = true;
        world.kakao_app_stopped = true;
        world.admin = AdminReadiness::NeedsLogin;
        let plan = world.plan();
        assert_eq!(
            reasons(&plan),
            vec![Some("joined"), Some("opted_out"), Some("kakao_app_stopped")],
            "the app's stop comes before the admin's own standing"
        );
        assert!(SkipReason::KakaoAppStopped.is_missed());
    }

    #[test]
    fn absent_reachable_invitees_are_reminded_and_everyone_else_is_told_why_not() {
        let mut w = World::new(&["joined", "sent", "stopped", "gone", "absent"]);
        w.joined.insert(uuid("joined"));
        w.deliveries.push(DeliveryFact {
            recipient: uuid("sent"),
            round: Round::FIRST,
            state: DeliveryState::Sent,
        });
        w.invitees[2].opted_out = true;
        w.invitees[3].unreachable = Some(Unreachable::NotAFriend);
        let plan = w.plan();
        assert_eq!(plan.status, RoundStatus::Due);
        assert_eq!(
            reasons(&plan),
            [
                Some("joined"),
                Some("already_reminded"),
                Some("opted_out"),
                Some("unreachable_not_a_friend"),
                None
            ]
        );
        assert_eq!(plan.recipients().collect::<Vec<_>>(), [&uuid("absent")]);
    }

    #[test]
    fn a_delivery_from_an_earlier_round_does_not_count_as_this_rounds() {
        let mut w = World::new(&["a"]);
        w.deliveries.push(DeliveryFact {
            recipient: uuid("a"),
            round: Round::FIRST,
            state: DeliveryState::Sent,
        });
        w.round = Round::new(2).unwrap();
        w.now = w.schedule.starts_at() + Duration::minutes(15);
        assert_eq!(reasons(&w.plan()), [None]);
        // ... while any state of this round's delivery blocks a second one, cancelled included.
        for state in [
            DeliveryState::Reserved,
            DeliveryState::Sending,
            DeliveryState::Unknown,
            DeliveryState::Cancelled,
            DeliveryState::Failed {
                code: KakaoErrorCode::new(-1).unwrap(),
            },
        ] {
            let mut w = World::new(&["a"]);
            w.deliveries.push(DeliveryFact {
                recipient: uuid("a"),
                round: Round::FIRST,
                state,
            });
            assert_eq!(
                w.plan().decisions[0].skip,
                Some(SkipReason::AlreadyReminded { state: state.kind() })
            );
        }
    }

    #[test]
    fn a_cancelled_or_finished_meeting_reminds_no_one() {
        let mut w = World::new(&["a", "b"]);
        w.joined.insert(uuid("b"));
        w.cancelled = true;
        assert_eq!(reasons(&w.plan()), [Some("cancelled"), Some("cancelled")]);
        w.cancelled = false;
        w.now = w.schedule.ends_at();
        assert_eq!(reasons(&w.plan()), [Some("meeting_over"), Some("meeting_over")]);
    }

    #[test]
    fn an_admin_without_login_or_consent_has_every_absent_invitee_skipped_with_that_reason() {
        let mut w = World::new(&["a", "b"]);
        w.joined.insert(uuid("a"));
        w.admin = AdminReadiness::NeedsLogin;
        assert_eq!(reasons(&w.plan()), [Some("joined"), Some("admin_needs_login")]);
        w.admin = AdminReadiness::NeedsConsent;
        assert_eq!(reasons(&w.plan()), [Some("joined"), Some("admin_needs_consent")]);
    }

    #[test]
    fn quiet_hours_are_read_at_the_time_of_the_sweep_in_the_meetings_zone() {
        // A 21:50 meeting: its +5 round is due at 21:55, but a sweep running late at 22:01 is
        // inside the default quiet hours (22:00-08:00 Seoul).
        let mut w = World::new(&["a"]);
        let start = chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 21, 21, 50, 0)
            .unwrap()
            .with_timezone(&Utc);
        w.schedule = Schedule::new(start, chrono_tz::Asia::Seoul, MeetingDuration::DEFAULT);
        w.now = start + Duration::minutes(5);
        assert_eq!(reasons(&w.plan()), [None]);
        w.now = start + Duration::minutes(11);
        assert_eq!(reasons(&w.plan()), [Some("quiet_hours")]);
        w.plan.quiet_hours = QuietHours::Off;
        assert_eq!(reasons(&w.plan()), [None]);
    }

    #[test]
    fn the_known_sender_quota_caps_the_recipients_in_order() {
        let mut w = World::new(&["a", "b", "c", "d"]);
        w.quota = QuotaLeft {
            app: Some(10),
            sender: Some(2),
        };
        assert_eq!(
            reasons(&w.plan()),
            [None, None, Some("quota_sender"), Some("quota_sender")]
        );
        w.quota = QuotaLeft {
            app: Some(0),
            sender: Some(5),
        };
        assert_eq!(reasons(&w.plan())[0], Some("quota_app"));
    }

    #[test]
    fn refusals_from_the_reservation_become_skips() {
        let mut plan = World::new(&["a", "b", "c"]).plan();
        plan.refuse(&[
            (
                uuid("b"),
                SkipReason::Quota {
                    kind: QuotaKind::Pair,
                },
            ),
            (uuid("nobody"), SkipReason::Joined),
        ]);
        assert_eq!(reasons(&plan), [None, Some("quota_pair"), None]);
        assert_eq!(plan.batches().len(), 1);
        assert_eq!(
            plan.skipped().into_iter().collect::<Vec<_>>(),
            [(
                SkipReason::Quota {
                    kind: QuotaKind::Pair
                },
                1
            )]
        );
    }

    #[test]
    fn twelve_absent_invitees_go_out_in_three_batches() {
        let names: Vec<String> = (0..12).map(|i| format!("f{i:02}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let plan = World::new(&refs).plan();
        assert_eq!(
            plan.batches().iter().map(Batch::len).collect::<Vec<_>>(),
            [5, 5, 2]
        );
    }

    #[test]
    fn a_round_beyond_the_plan_is_the_closing_visit_and_an_early_one_is_not_due() {
        let mut w = World::new(&["a"]);
        w.round = Round::new(3).unwrap();
        assert_eq!(w.plan().status, RoundStatus::Closing);
        assert!(w.plan().decisions.is_empty());
        let mut w = World::new(&["a"]);
        w.now = w.schedule.starts_at() + Duration::minutes(4);
        assert_eq!(w.plan().status, RoundStatus::NotDue);
        w.plan = ReminderPlan {
            offsets: ReminderOffsets::parse("").unwrap(),
            ..ReminderPlan::default()
        };
        assert_eq!(w.plan().status, RoundStatus::Closing);
    }
}
