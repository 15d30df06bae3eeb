//! Property tests of the planner: whatever the meeting, the people and the time, no one is
//! messaged who should not be, everyone who should be is, batches are Kakao-sized, and planning
//! the same round again after its sends were recorded sends nothing (at most once).

use std::collections::BTreeSet;

use chrono::{Duration, NaiveTime, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::delivery::{DeliveryState, KakaoErrorCode, Round};
use crate::meeting::{MeetingDuration, QuietHours, ReminderOffsets, ReminderPlan, Schedule};
use crate::{FriendUuid, MAX_RECEIVERS_PER_SEND};

#[derive(Debug, Clone)]
struct Person {
    opted_out: bool,
    unreachable: Option<Unreachable>,
    joined: bool,
    this_round: Option<DeliveryState>,
    earlier_round: bool,
}

#[derive(Debug, Clone)]
struct Case {
    people: Vec<Person>,
    offsets: Vec<i64>,
    round_index: usize,
    minutes_after_due: i64,
    duration: u32,
    start_minute_of_day: u32,
    quiet: Option<(u32, u32)>,
    cancelled: bool,
    admin: AdminReadiness,
    quota: QuotaLeft,
}

fn state() -> impl Strategy<Value = DeliveryState> {
    prop_oneof![
        Just(DeliveryState::Reserved),
        Just(DeliveryState::Sending),
        Just(DeliveryState::Sent),
        Just(DeliveryState::Unknown),
        Just(DeliveryState::Cancelled),
        (-600i32..-1).prop_map(|c| DeliveryState::Failed {
            code: KakaoErrorCode::new(c).unwrap()
        }),
    ]
}

fn person() -> impl Strategy<Value = Person> {
    (
        proptest::bool::weighted(0.15),
        proptest::option::weighted(
            0.15,
            prop_oneof![
                Just(Unreachable::NoConsent),
                Just(Unreachable::RefusesMessages),
                Just(Unreachable::NotAFriend)
            ],
        ),
        proptest::bool::weighted(0.3),
        proptest::option::weighted(0.2, state()),
        any::<bool>(),
    )
        .prop_map(
            |(opted_out, unreachable, joined, this_round, earlier_round)| Person {
                opted_out,
                unreachable,
                joined,
                this_round,
                earlier_round,
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec(person(), 0..40),
        proptest::collection::btree_set(1i64..120, 1..=5),
        0usize..5,
        0i64..30,
        1u32..=240,
        0u32..1440,
        proptest::option::of((0u32..1440, 0u32..1440)),
        proptest::bool::weighted(0.1),
        prop_oneof![
            8 => Just(AdminReadiness::Ready),
            1 => Just(AdminReadiness::NeedsLogin),
            1 => Just(AdminReadiness::NeedsConsent)
        ],
        (proptest::option::of(0u32..50), proptest::option::of(0u32..50)),
    )
        .prop_map(
            |(
                people,
                offsets,
                round_index,
                minutes_after_due,
                duration,
                start,
                quiet,
                cancelled,
                admin,
                (app, sender),
            )| {
                let offsets: Vec<i64> = offsets.into_iter().collect();
                Case {
                    round_index: round_index % offsets.len(),
                    offsets,
                    people,
                    minutes_after_due,
                    duration,
                    start_minute_of_day: start,
                    quiet: quiet.filter(|(a, b)| a != b),
                    cancelled,
                    admin,
                    quota: QuotaLeft { app, sender },
                }
            },
        )
}

fn time(minute_of_day: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(minute_of_day / 60, minute_of_day % 60, 0).unwrap()
}

struct Built {
    schedule: Schedule,
    plan: ReminderPlan,
    round: Round,
    due_at: chrono::DateTime<Utc>,
    now: chrono::DateTime<Utc>,
    invitees: Vec<InviteeFacts>,
    joined: BTreeSet<FriendUuid>,
    deliveries: Vec<DeliveryFact>,
}

fn build(c: &Case) -> Built {
    let day = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
    let start = day + Duration::minutes(i64::from(c.start_minute_of_day));
    let schedule = Schedule::new(
        start,
        chrono_tz::Asia::Seoul,
        MeetingDuration::from_minutes(c.duration).unwrap(),
    );
    let plan = ReminderPlan {
        offsets: ReminderOffsets::new(c.offsets.clone()).unwrap(),
        quiet_hours: match c.quiet {
            Some((from, until)) => QuietHours::window(time(from), time(until)).unwrap(),
            None => QuietHours::Off,
        },
    };
    let round = Round::new(u16::try_from(c.round_index + 1).unwrap()).unwrap();
    let due_at = plan.due_at(&schedule, round).unwrap();
    let now = due_at + Duration::minutes(c.minutes_after_due);
    let mut invitees = Vec::new();
    let mut joined = BTreeSet::new();
    let mut deliveries = Vec::new();
    for (i, p) in c.people.iter().enumerate() {
        let friend = FriendUuid::parse(&format!("friend-{i}")).unwrap();
        if p.joined {
            joined.insert(friend.clone());
        }
        if let Some(state) = p.this_round {
            deliveries.push(DeliveryFact {
                recipient: friend.clone(),
                round,
                state,
            });
        }
        if p.earlier_round && round != Round::FIRST {
            deliveries.push(DeliveryFact {
                recipient: friend.clone(),
                round: Round::FIRST,
                state: DeliveryState::Sent,
            });
        }
        invitees.push(InviteeFacts {
            friend,
            opted_out: p.opted_out,
            unreachable: p.unreachable,
        });
    }
    Built {
        schedule,
        plan,
        round,
        due_at,
        now,
        invitees,
        joined,
        deliveries,
    }
}

fn facts<'a>(b: &'a Built, c: &Case, deliveries: &'a [DeliveryFact]) -> RoundFacts<'a> {
    RoundFacts {
        now: b.now,
        round: b.round,
        due_at: b.due_at,
        cancelled: c.cancelled,
        schedule: &b.schedule,
        plan: &b.plan,
        admin: c.admin,
        kakao_app_stopped: false,
        invitees: &b.invitees,
        joined: &b.joined,
        deliveries,
        quota: c.quota,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_invitee_gets_exactly_one_decision_in_order(c in case()) {
        let b = build(&c);
        let plan = plan_round(&facts(&b, &c, &b.deliveries));
        prop_assert_eq!(plan.status, RoundStatus::Due);
        let decided: Vec<&FriendUuid> = plan.decisions.iter().map(|d| &d.friend).collect();
        let invited: Vec<&FriendUuid> = b.invitees.iter().map(|i| &i.friend).collect();
        prop_assert_eq!(decided, invited);
    }

    #[test]
    fn no_one_is_messaged_who_should_not_be(c in case()) {
        let b = build(&c);
        let plan = plan_round(&facts(&b, &c, &b.deliveries));
        let quiet = b.plan.quiet_hours.is_quiet_at(b.now, &b.schedule);
        let over = b.now >= b.schedule.ends_at();
        let recipients: Vec<&FriendUuid> = plan.recipients().collect();
        if c.cancelled || over || quiet || c.admin != AdminReadiness::Ready {
            prop_assert!(recipients.is_empty());
        }
        for friend in &recipients {
            let invitee = b.invitees.iter().find(|i| &&i.friend == friend).unwrap();
            prop_assert!(!b.joined.contains(*friend));
            prop_assert!(!invitee.opted_out);
            prop_assert!(invitee.unreachable.is_none());
            prop_assert!(!b.deliveries.iter().any(|d| &&d.recipient == friend && d.round == b.round));
        }
        let known = [c.quota.app, c.quota.sender].into_iter().flatten().min();
        if let Some(left) = known {
            prop_assert!(recipients.len() <= left as usize);
        }
    }

    #[test]
    fn everyone_who_should_be_messaged_is(c in case()) {
        let b = build(&c);
        let open = !c.cancelled
            && b.now < b.schedule.ends_at()
            && !b.plan.quiet_hours.is_quiet_at(b.now, &b.schedule)
            && c.admin == AdminReadiness::Ready;
        prop_assume!(open);
        let unlimited = Case { quota: QuotaLeft::UNKNOWN, ..c.clone() };
        let plan = plan_round(&facts(&b, &unlimited, &b.deliveries));
        for (invitee, decision) in b.invitees.iter().zip(&plan.decisions) {
            let wanted = !b.joined.contains(&invitee.friend)
                && !invitee.opted_out
                && invitee.unreachable.is_none()
                && !b.deliveries.iter().any(|d| d.recipient == invitee.friend && d.round == b.round);
            prop_assert_eq!(decision.sends(), wanted, "{:?}", decision);
        }
    }

    #[test]
    fn batches_are_kakao_sized_and_cover_the_recipients_once(c in case()) {
        let b = build(&c);
        let plan = plan_round(&facts(&b, &c, &b.deliveries));
        let recipients: Vec<FriendUuid> = plan.recipients().cloned().collect();
        let batches = plan.batches();
        prop_assert_eq!(batches.len(), recipients.len().div_ceil(MAX_RECEIVERS_PER_SEND));
        let flattened: Vec<FriendUuid> = batches.iter().flat_map(|b| b.recipients().to_vec()).collect();
        prop_assert_eq!(flattened, recipients);
        for batch in &batches {
            prop_assert!((1..=MAX_RECEIVERS_PER_SEND).contains(&batch.len()));
        }
    }

    #[test]
    fn planning_again_after_the_sends_were_recorded_sends_nothing(c in case()) {
        let b = build(&c);
        let first = plan_round(&facts(&b, &c, &b.deliveries));
        let mut after = b.deliveries.clone();
        after.extend(first.recipients().map(|friend| DeliveryFact {
            recipient: friend.clone(),
            round: b.round,
            state: DeliveryState::Sending,
        }));
        // The slots the first plan's sends took are gone.
        let used = u32::try_from(first.recipients().count()).unwrap();
        let spent = Case {
            quota: QuotaLeft {
                app: c.quota.app.map(|n| n.saturating_sub(used)),
                sender: c.quota.sender.map(|n| n.saturating_sub(used)),
            },
            ..c.clone()
        };
        let again = plan_round(&facts(&b, &spent, &after));
        prop_assert_eq!(again.recipients().count(), 0);
        for friend in first.recipients() {
            let d = again.decisions.iter().find(|d| &d.friend == friend).unwrap();
            let settled = matches!(
                d.skip,
                Some(SkipReason::AlreadyReminded { .. })
                    | Some(SkipReason::Joined)
                    | Some(SkipReason::Cancelled)
                    | Some(SkipReason::MeetingOver)
            );
            prop_assert!(settled, "{:?}", d);
        }
    }

    #[test]
    fn the_due_entry_only_moves_forward(c in case(), pending in any::<bool>()) {
        let b = build(&c);
        let stale = Duration::minutes(2);
        match next_due(&b.plan, &b.schedule, b.round, b.now, pending, stale) {
            NextDue::Round(next) => {
                prop_assert!(next.round > b.round);
                prop_assert!(next.due_at > b.due_at);
                prop_assert!(next.due_at < b.schedule.ends_at());
            }
            NextDue::Closing(closing) => {
                prop_assert!(pending);
                prop_assert!(closing.round > b.round);
                prop_assert!(b.plan.offsets.offset_of(closing.round).is_none());
                prop_assert!(closing.due_at >= b.schedule.ends_at());
                prop_assert!(closing.due_at >= b.now + stale);
            }
            NextDue::Leave => {
                prop_assert!(!pending);
                prop_assert!(b.now >= b.schedule.ends_at() || b.plan.next_round(&b.schedule, Some(b.round)).is_none());
            }
        }
    }
}
