//! The store against DynamoDB's faults, switched on per table in the project's test server
//! (`infra/lib/dynamo_server.py`; the control API is [`super::test_server`]): answers lost
//! after a commit, transactions holding items, conflicts, throttling, partial batches and TTL
//! that runs days late. Each test fails on a store that trusts the first answer.

use std::time::Duration;

use chrono::Duration as Days;
use domain::delivery::{KakaoErrorCode, Round};
use domain::friends::FriendProfile;
use domain::{KakaoUserId, KstDay, QuotaLimits};

use super::test_server::{FaultControl, FaultRates, Faults};
use super::tests::{admin, at, batch, fresh_store, friend, with_admin_and_meeting, with_links};
use crate::api::{FriendStore, LinkStore as _, MeetingStateStore, MeetingStore, QuotaStore};
use crate::model::{DeliveryOutcome, NextRound, QuotaSubject};

const NAMES: [&str; 5] = ["a", "b", "c", "d", "e"];

fn lost(next: u32, op: &'static str, mode: &'static str) -> Faults {
    Faults {
        lost_responses_next: Some(next),
        lost_response_ops: Some(vec![op]),
        lost_response_mode: Some(mode),
        ..Faults::default()
    }
}

async fn sender_used(store: &super::DynamoStore, sender: KakaoUserId) -> u32 {
    store
        .quota_used(KstDay::containing(at(10, 5)), &QuotaSubject::Sender(sender))
        .await
        .unwrap()
}

/// The SDK sends a request three times; these answers are lost on every one of them and once
/// more, so only a store that re-sends the same transaction token itself gets through.
async fn a_reservation_whose_answers_were_lost_reads_as_its_own(mode: &'static str) {
    let Some(store) = fresh_store().await else { return };
    let control = FaultControl::for_store(&store);
    let sender = admin(1);
    let meeting = with_admin_and_meeting(&store, sender).await;

    control.set(&lost(4, "TransactWriteItems", mode)).await;
    let reservation = store
        .reserve(&batch(sender, meeting, &NAMES, QuotaLimits::KAKAO), at(10, 5))
        .await
        .expect("a reservation whose answer was lost is re-sent, not failed");

    assert_eq!(reservation.reserved.len(), 5, "{reservation:?}");
    assert!(
        reservation.refused.is_empty(),
        "its own records read as someone else's: {reservation:?}"
    );
    assert_eq!(sender_used(&store, sender).await, 5, "the slots were taken once");
    assert_eq!(control.report().await.injected_total(), 4);
}

#[tokio::test]
async fn a_reservation_answered_500_after_its_commit_reads_as_done() {
    a_reservation_whose_answers_were_lost_reads_as_its_own("500").await;
}

#[tokio::test]
async fn a_reservation_whose_connection_dropped_after_its_commit_reads_as_done() {
    a_reservation_whose_answers_were_lost_reads_as_its_own("drop").await;
}

#[tokio::test]
async fn recorded_outcomes_whose_answer_was_lost_are_recorded_once() {
    let Some(store) = fresh_store().await else { return };
    let control = FaultControl::for_store(&store);
    let sender = admin(2);
    let meeting = with_admin_and_meeting(&store, sender).await;
    store
        .reserve(
            &batch(sender, meeting, &["a", "b"], QuotaLimits::KAKAO),
            at(10, 5),
        )
        .await
        .unwrap();

    control.set(&lost(4, "TransactWriteItems", "mixed")).await;
    let outcomes = [
        (friend("a"), DeliveryOutcome::Sent),
        (
            friend("b"),
            DeliveryOutcome::Failed {
                code: KakaoErrorCode::RECEIVER_REFUSES,
                release_quota: true,
            },
        ),
    ];
    let records = store
        .record_outcomes(sender, meeting, Round::FIRST, &outcomes, at(10, 5))
        .await
        .expect("outcomes whose answer was lost are re-sent with the same token");
    assert!(records[0].holds_quota && !records[1].holds_quota);
    // b's slot was given back once, not once per send.
    assert_eq!(sender_used(&store, sender).await, 1);
}

/// The SDK re-sends an UpdateItem whose answer was lost; the re-send finds its own write and
/// its condition fails. That is the write done, not a conflict with someone else.
#[tokio::test]
async fn a_conditional_update_that_already_committed_is_done_not_a_conflict() {
    let Some(store) = fresh_store().await else { return };
    let control = FaultControl::for_store(&store);
    let sender = admin(3);
    let meeting = with_admin_and_meeting(&store, sender).await;
    let from = NextRound {
        round: Round::FIRST,
        due_at: at(10, 5),
    };
    let to = NextRound {
        round: Round::FIRST.next().unwrap(),
        due_at: at(10, 10),
    };

    for next in [1, 4] {
        control.set(&lost(next, "UpdateItem", "500")).await;
        let (from, to) = if next == 1 { (from, to) } else { (to, from) };
        let advanced = store
            .advance_round(sender, meeting, from, Some(to), at(10, 6))
            .await
            .unwrap_or_else(|e| panic!("{next} lost answers: the advance read as {e:?}"));
        assert_eq!(advanced.draft.next_round, Some(to));
    }
    let stored = store.get_meeting(sender, meeting).await.unwrap();
    assert_eq!(stored.draft.next_round, Some(from));
}

/// A transaction holds its items until it finishes; a single-item write to one of them meanwhile
/// is refused with TransactionConflictException, and waits its turn instead of failing.
#[tokio::test]
async fn a_write_that_meets_an_unfinished_transaction_waits_for_it() {
    let Some(store) = fresh_store().await else { return };
    let control = FaultControl::for_store(&store);
    let sender = admin(4);
    let meeting = with_admin_and_meeting(&store, sender).await;
    control
        .set(&Faults {
            hold_ms: Some(600),
            ..Faults::default()
        })
        .await;

    let reserving = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .reserve(&batch(sender, meeting, &NAMES, QuotaLimits::KAKAO), at(10, 5))
                .await
        })
    };
    // The reservation's condition check on the meeting holds the meeting item.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let from = NextRound {
        round: Round::FIRST,
        due_at: at(10, 5),
    };
    let advanced = store
        .advance_round(sender, meeting, from, None, at(10, 6))
        .await
        .expect("the advance waits for the transaction instead of failing");
    assert_eq!(advanced.draft.next_round, None);
    assert_eq!(reserving.await.unwrap().unwrap().reserved.len(), 5);
    assert!(
        store.metrics().request_retries > 0,
        "the write never met the transaction: {:?}",
        control.report().await
    );
}

/// Throttling, conflicts and transactions in progress, at rates that beat the SDK's three
/// attempts now and then: every reservation settles once and the counters hold what the
/// deliveries hold.
#[tokio::test]
async fn refusals_and_conflicts_are_waited_out_and_nothing_is_taken_twice() {
    let Some(store) = fresh_store().await else { return };
    let control = FaultControl::for_store(&store);
    let sender = admin(5);
    let mut meetings = Vec::new();
    for _ in 0..4 {
        meetings.push(with_admin_and_meeting(&store, sender).await);
    }
    control
        .set(&Faults {
            seed: Some(14),
            rates: FaultRates {
                throttle: 0.5,
                transaction_conflict: 0.5,
                in_progress: 0.3,
                item_conflict: 0.5,
                ..FaultRates::default()
            },
            ..Faults::default()
        })
        .await;

    for meeting in &meetings {
        let reservation = store
            .reserve(&batch(sender, *meeting, &NAMES, QuotaLimits::KAKAO), at(10, 5))
            .await
            .expect("a refused or conflicting reservation is sent again");
        assert_eq!(reservation.reserved.len(), 5);
        store
            .get_meeting(sender, *meeting)
            .await
            .expect("a throttled read is sent again");
    }
    assert_eq!(sender_used(&store, sender).await, 20);
    let report = control.report().await;
    assert!(report.injected_total() > 4, "{report:?}");
}

/// BatchWriteItem and BatchGetItem leave part of a request unprocessed under load: every part
/// is sent again until none is left.
#[tokio::test]
async fn batch_writes_and_reads_drain_what_was_left_unprocessed() {
    let Some(store) = fresh_store().await else { return };
    let control = FaultControl::for_store(&store);
    let sender = admin(6);
    let mut due = Vec::new();
    for _ in 0..10 {
        let meeting = with_admin_and_meeting(&store, sender).await;
        for name in NAMES {
            let invitee = crate::model::Invitee {
                friend: friend(name),
                display_name: name.to_owned(),
                match_keys: Default::default(),
                opted_out: false,
            };
            store.put_invitee(sender, meeting, &invitee).await.unwrap();
        }
        due.push(crate::model::DueMeeting {
            admin: sender,
            meeting,
            next: NextRound {
                round: Round::FIRST,
                due_at: at(10, 5),
            },
        });
    }
    let profiles: Vec<FriendProfile> = (0..60)
        .map(|i| FriendProfile {
            uuid: friend(&format!("f{i:02}")),
            kakao_id: Some(KakaoUserId::new(1_000 + i).unwrap()),
            nickname: format!("friend {i}"),
            thumbnail_url: None,
            favorite: false,
        })
        .collect();
    store.replace_friends(sender, &profiles, at(9, 0)).await.unwrap();
    control
        .set(&Faults {
            seed: Some(6),
            rates: FaultRates {
                unprocessed: 0.5,
                ..FaultRates::default()
            },
            ..Faults::default()
        })
        .await;

    // BatchGetItem: the sweep's read of ten meetings' states.
    let read = crate::api::MeetingStateStore::admin_sweep_read(&store, sender, &due, false, at(9, 0))
        .await
        .unwrap();
    assert_eq!(read.meetings.len(), 10);
    assert!(read.meetings.iter().all(|(_, state)| state.invitees.len() == 5));
    // BatchWriteItem: deleting the admin's friends (and the rest of their data).
    crate::api::AdminStore::delete_admin_data(&store, sender, at(9, 1))
        .await
        .unwrap();
    assert!(store.list_friends(sender, true).await.unwrap().is_empty());
    assert!(
        control
            .report()
            .await
            .injected
            .get("unprocessed")
            .copied()
            .unwrap_or(0)
            > 0
    );
}

/// TTL removes a day's counters some time after they expire, up to days late. A slot given
/// back after that must not bring a counter back (as a negative count that never expires),
/// whether or not TTL has run yet.
#[tokio::test]
async fn a_slot_given_back_after_its_counters_expired_does_not_bring_them_back() {
    let Some(store) = fresh_store().await else { return };
    let control = FaultControl::for_store(&store);
    let sender = admin(7);
    let meeting = with_admin_and_meeting(&store, sender).await;
    store
        .reserve(&batch(sender, meeting, &["a"], QuotaLimits::KAKAO), at(10, 5))
        .await
        .unwrap();
    let day = KstDay::containing(at(10, 5));
    let later = day.resets_at() + Days::days(3);

    assert!(
        control.expire_ttl(later).await >= 4,
        "the day's four counters expire"
    );
    store
        .release(sender, meeting, Round::FIRST, &[friend("a")], later)
        .await
        .unwrap();
    for subject in [
        QuotaSubject::App,
        QuotaSubject::Sender(sender),
        QuotaSubject::Recipient(friend("a")),
        QuotaSubject::Pair(sender, friend("a")),
    ] {
        let counter = store
            .get_item("GetItem quota counter", super::keys::counter_key(day, &subject))
            .await
            .unwrap();
        assert!(counter.is_none(), "{subject:?} came back: {counter:?}");
    }
}

/// The `zoom` index is eventually consistent: a Zoom join that arrives just after the admin
/// typed the meeting number must still find the meeting, whether it was created with the number
/// or given it by an edit.
#[tokio::test]
async fn a_meeting_given_a_zoom_number_a_moment_ago_is_found_while_the_index_lags() {
    let Some(store) = fresh_store().await else { return };
    let control = FaultControl::for_store(&store);
    let sender = admin(8);
    control
        .set(&Faults {
            index_lag_seconds: Some(60.0),
            ..Faults::default()
        })
        .await;

    let edited = with_admin_and_meeting(&store, sender).await;
    let mut meeting = store.get_meeting(sender, edited).await.unwrap();
    let zoom = crate::model::ZoomMeetingId::parse("85012345678").unwrap();
    meeting.draft.zoom_meeting_id = Some(zoom.clone());
    store
        .update_meeting(sender, edited, meeting.version, &meeting.draft, at(9, 30))
        .await
        .unwrap();
    let created = domain::MeetingId::new_v7();
    store
        .create_meeting(sender, created, &meeting.draft, at(9, 31))
        .await
        .unwrap();

    let mut found: Vec<_> = store
        .find_meetings_by_zoom_id(&zoom)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    found.sort();
    let mut expected = vec![edited, created];
    expected.sort();
    assert_eq!(found, expected, "both meetings, though the index has neither yet");

    // A number taken off a meeting is not found through the hint it left.
    meeting = store.get_meeting(sender, edited).await.unwrap();
    meeting.draft.zoom_meeting_id = None;
    store
        .update_meeting(sender, edited, meeting.version, &meeting.draft, at(9, 40))
        .await
        .unwrap();
    let found: Vec<_> = store
        .find_meetings_by_zoom_id(&zoom)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(found, vec![created]);
}

/// An admin unlinks (all their data is deleted) while a friend sync is writing their friends:
/// whichever finishes last, no friend record outlives the admin.
#[tokio::test]
async fn a_friend_sync_racing_an_unlink_leaves_no_friends_behind() {
    let Some(store) = fresh_store().await else { return };
    let profiles: Vec<FriendProfile> = (0..150)
        .map(|i| FriendProfile {
            uuid: friend(&format!("u{i:03}")),
            kakao_id: Some(KakaoUserId::new(2_000 + i).unwrap()),
            nickname: format!("friend {i}"),
            thumbnail_url: None,
            favorite: false,
        })
        .collect();
    for round in 0..8u64 {
        let id = admin(100 + round as i64);
        with_admin_and_meeting(&store, id).await;
        let syncing = {
            let (store, profiles) = (store.clone(), profiles.clone());
            tokio::spawn(async move { store.replace_friends(id, &profiles, at(9, 0)).await })
        };
        tokio::time::sleep(Duration::from_millis(round * 7)).await;
        crate::api::AdminStore::delete_admin_data(&store, id, at(9, 1))
            .await
            .unwrap();
        let _ = syncing.await.unwrap();
        let left = store.list_friends(id, true).await.unwrap();
        let admin_exists = crate::api::AdminStore::get_admin(&store, id).await.is_ok();
        assert!(
            left.is_empty() || admin_exists,
            "round {round}: {} friend records outlived their admin",
            left.len()
        );
    }
}

/// An expired link pointer reads and is replaced the same whether TTL has deleted it or not:
/// the same story on two tables, TTL run on one of them only.
#[tokio::test]
async fn an_expired_link_pointer_behaves_the_same_whether_or_not_ttl_deleted_it() {
    let names = ["a", "b"];
    let expired = at(12, 0) + Days::minutes(1);
    for ttl_ran in [false, true] {
        let Some(store) = fresh_store().await else { return };
        let sender = admin(8);
        let meeting = with_admin_and_meeting(&store, sender).await;
        let first = store
            .reserve(
                &with_links(batch(sender, meeting, &names, QuotaLimits::KAKAO), &names),
                at(10, 5),
            )
            .await
            .unwrap();
        assert_eq!(first.links.len(), 2);
        if ttl_ran {
            let deleted = FaultControl::for_store(&store).expire_ttl(expired).await;
            assert!(deleted >= 4, "two pointers and two tokens expire: {deleted}");
        }

        let state = store.meeting_state(sender, meeting, expired).await.unwrap();
        assert!(state.links.is_empty(), "TTL ran: {ttl_ran}; {:?}", state.links);
        let mut request = with_links(batch(sender, meeting, &names, QuotaLimits::KAKAO), &names);
        request.round = Round::new(2).unwrap();
        request.links.as_mut().unwrap().expires_at = expired + Days::hours(2);
        let second = store.reserve(&request, expired).await.unwrap();
        assert_eq!(second.links.len(), 2, "TTL ran: {ttl_ran}");
        for (friend, token) in &second.links {
            assert!(
                !first.links.iter().any(|(_, old)| old == token),
                "TTL ran: {ttl_ran}; {friend}'s expired token was handed out again"
            );
            let target = store.resolve_link_token(token, expired).await.unwrap();
            assert_eq!(&target.friend, friend);
        }
    }
}

/// A deletion of an admin's data that DynamoDB stops part-way (every DeleteItem throttled) is
/// listed as pending until a repeat finishes it; a login can see it for its admin.
#[tokio::test]
async fn a_deletion_that_fails_part_way_stays_pending_until_a_repeat_finishes_it() {
    use crate::api::AdminStore;
    let Some(store) = fresh_store().await else { return };
    let control = FaultControl::for_store(&store);
    let owner = admin(6);
    with_admin_and_meeting(&store, owner).await;
    assert_eq!(store.pending_admin_deletions(10).await.unwrap(), vec![]);
    store.note_pending_deletion(owner, at(10, 0)).await.unwrap();

    control
        .set(&Faults {
            rates: FaultRates {
                throttle: 1.0,
                ..FaultRates::default()
            },
            fault_ops: Some(vec!["DeleteItem"]),
            ..Faults::default()
        })
        .await;
    store
        .delete_admin_data(owner, at(10, 0))
        .await
        .expect_err("no delete gets through");
    let pending = store.pending_admin_deletions(10).await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!((pending[0].admin, pending[0].since), (owner, at(10, 0)));
    assert_eq!(
        store.pending_admin_deletion(owner).await.unwrap(),
        Some(pending[0])
    );

    control.clear().await;
    store.note_pending_deletion(owner, at(10, 30)).await.unwrap();
    assert_eq!(
        store.pending_admin_deletions(10).await.unwrap()[0].since,
        at(10, 0),
        "a second note keeps the first"
    );
    store.delete_admin_data(owner, at(10, 30)).await.unwrap();
    assert_eq!(store.pending_admin_deletions(10).await.unwrap(), vec![]);
    assert_eq!(store.pending_admin_deletion(owner).await.unwrap(), None);
    assert!(store.get_admin(owner).await.unwrap_err().is_not_found());
}
