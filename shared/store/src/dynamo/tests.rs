//! DynamoDB-specific checks against a real DynamoDB-compatible server (moto, started by
//! `infra/lib/moto.sh`): the table made from template.yaml, request counts on the hot paths,
//! and the reservation's cancellation handling. The behaviour every backend shares is checked
//! by the conformance suite in `tests/`.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use domain::delivery::{DeliveryState, KakaoErrorCode, Round};
use domain::friends::FriendProfile;
use domain::{FriendUuid, KakaoUserId, KstDay, MeetingId, QuotaKind, QuotaLimits};

use super::{DynamoConfig, DynamoStore, TableSchema, client_from_env};
use crate::api::{
    AdminStore, DeliveryStore, FriendStore, LinkStore, MeetingStateStore, MeetingStore, QuotaStore,
};
use crate::crypto::StaticKeyProvider;
use crate::model::{
    AdminLogin, AdminStatus, BatchRecipients, DeliveryOutcome, DueMeeting, InitialState, Invitee, JoinUrl,
    LinkRequest, MeetingDraft, MeetingSettings, MeetingStatus, NextRound, QuotaSubject, Refusal,
    ReservationRequest,
};

/// A store on a fresh table made from template.yaml, or `None` (with a notice) when no server is
/// configured. Under `CI=true` a missing server fails instead.
pub(super) async fn fresh_store() -> Option<DynamoStore> {
    if std::env::var(super::ENDPOINT_ENV).is_err() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI=true but DYNAMODB_ENDPOINT is unset: start moto (infra/lib/moto.sh)"
        );
        eprintln!(
            "skipping DynamoDB test: DYNAMODB_ENDPOINT is unset (source infra/lib/moto.sh; moto_start)"
        );
        return None;
    }
    let client = client_from_env().await.unwrap();
    let table = format!("ttokttok-unit-{:016x}", rand::random::<u64>());
    TableSchema::from_workspace_template()
        .unwrap()
        .create(&client, &table)
        .await
        .unwrap();
    Some(DynamoStore::new(
        client,
        table,
        Arc::new(StaticKeyProvider::new([3; 32])),
        DynamoConfig::default(),
    ))
}

pub(super) fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, h, m, 0).unwrap()
}

pub(super) fn admin(n: i64) -> KakaoUserId {
    KakaoUserId::new(n).unwrap()
}

pub(super) fn friend(s: &str) -> FriendUuid {
    FriendUuid::parse(s).unwrap()
}

pub(super) async fn with_admin_and_meeting(store: &DynamoStore, id: KakaoUserId) -> MeetingId {
    let login = AdminLogin {
        id,
        nickname: "선생님".into(),
        scopes: Default::default(),
        status: AdminStatus::Active,
    };
    store.upsert_admin(&login, at(9, 0)).await.unwrap();
    let meeting = MeetingId::new_v7();
    let draft = MeetingDraft {
        title: "수학".into(),
        starts_at: at(10, 0),
        ends_at: at(11, 0),
        time_zone: chrono_tz::Asia::Seoul,
        join_url: JoinUrl::parse("https://zoom.us/j/1").unwrap(),
        zoom_meeting_id: None,
        status: MeetingStatus::Scheduled,
        next_round: Some(NextRound {
            round: Round::FIRST,
            due_at: at(10, 5),
        }),
        settings: MeetingSettings::default(),
    };
    store.create_meeting(id, meeting, &draft, at(9, 0)).await.unwrap();
    meeting
}

pub(super) fn batch(
    sender: KakaoUserId,
    meeting: MeetingId,
    names: &[&str],
    limits: QuotaLimits,
) -> ReservationRequest {
    ReservationRequest {
        sender,
        meeting,
        round: Round::FIRST,
        recipients: BatchRecipients::new(names.iter().map(|n| friend(n)).collect()).unwrap(),
        day: KstDay::containing(at(10, 5)),
        initial: InitialState::Sending,
        limits,
        links: None,
    }
}

/// `request`, asking for tracked-link tokens for `names` (valid until 12:00).
pub(super) fn with_links(mut request: ReservationRequest, names: &[&str]) -> ReservationRequest {
    request.links = Some(LinkRequest {
        friends: names.iter().map(|n| friend(n)).collect(),
        expires_at: at(12, 0),
    });
    request
}

#[tokio::test]
async fn a_five_recipient_batch_costs_one_request_to_reserve_and_one_to_record() {
    let Some(store) = fresh_store().await else { return };
    let sender = admin(1);
    let meeting = with_admin_and_meeting(&store, sender).await;
    let names = ["a", "b", "c", "d", "e"];

    let before = store.metrics();
    let reservation = store
        .reserve(&batch(sender, meeting, &names, QuotaLimits::KAKAO), at(10, 5))
        .await
        .unwrap();
    assert_eq!(reservation.reserved.len(), 5);
    let outcomes: Vec<_> = names.iter().map(|n| (friend(n), DeliveryOutcome::Sent)).collect();
    store
        .record_outcomes(sender, meeting, Round::FIRST, &outcomes, at(10, 5))
        .await
        .unwrap();
    let spent = store.metrics() - before;

    assert_eq!(spent.requests, 2, "{spent:?}");
    assert_eq!(spent.transaction_retries, 0);
    let day = KstDay::containing(at(10, 5));
    assert_eq!(
        store
            .quota_used(day, &QuotaSubject::Sender(sender))
            .await
            .unwrap(),
        5
    );
}

#[tokio::test]
async fn ten_due_meetings_of_an_admin_are_read_in_four_requests_and_each_finished_in_two() {
    let Some(store) = fresh_store().await else { return };
    let sender = admin(1);
    let names = ["a", "b", "c", "d", "e"];
    let profiles: Vec<FriendProfile> = names
        .iter()
        .enumerate()
        .map(|(i, n)| FriendProfile {
            uuid: friend(n),
            kakao_id: Some(KakaoUserId::new(500 + i as i64).unwrap()),
            nickname: n.to_string(),
            thumbnail_url: None,
            favorite: false,
        })
        .collect();
    let mut due = Vec::new();
    for _ in 0..10 {
        let meeting = with_admin_and_meeting(&store, sender).await;
        for n in names {
            let invitee = Invitee {
                friend: friend(n),
                display_name: n.to_owned(),
                match_keys: Default::default(),
                opted_out: false,
            };
            store.put_invitee(sender, meeting, &invitee).await.unwrap();
        }
        due.push(DueMeeting {
            admin: sender,
            meeting,
            next: NextRound {
                round: Round::FIRST,
                due_at: at(10, 5),
            },
        });
    }
    store.replace_friends(sender, &profiles, at(9, 0)).await.unwrap();

    let before = store.metrics();
    let read = store
        .admin_sweep_read(sender, &due, false, at(9, 0))
        .await
        .unwrap();
    let reading = store.metrics() - before;
    assert_eq!(read.meetings.len(), 10);
    assert!(read.meetings.iter().all(|(_, s)| s.invitees.len() == 5));
    assert_eq!(read.friends.len(), 5);
    // Meetings and admin (13 keys); 150 state keys and 10 friend/opt-out keys (two requests of
    // at most 100); the five client records.
    assert_eq!(reading.requests, 4, "{reading:?}");

    let before = store.metrics();
    for entry in &due {
        store
            .reserve(
                &batch(sender, entry.meeting, &names, QuotaLimits::KAKAO),
                at(10, 5),
            )
            .await
            .unwrap();
        let outcomes: Vec<_> = names.iter().map(|n| (friend(n), DeliveryOutcome::Sent)).collect();
        let finished = store
            .finish_round(sender, entry.meeting, entry.next, None, &outcomes, at(10, 6))
            .await
            .unwrap();
        assert!(finished.advanced.is_ok());
    }
    let writing = store.metrics() - before;
    assert_eq!(writing.requests, 20, "{writing:?}");
    assert_eq!(
        store
            .get_meeting(sender, due[0].meeting)
            .await
            .unwrap()
            .draft
            .next_round,
        None
    );
}

#[tokio::test]
async fn a_batch_of_new_link_tokens_costs_one_request_and_known_ones_none() {
    let Some(store) = fresh_store().await else { return };
    let sender = admin(1);
    let meeting = with_admin_and_meeting(&store, sender).await;
    let names: Vec<FriendUuid> = ["a", "b", "c", "d", "e"].iter().map(|n| friend(n)).collect();

    let before = store.metrics();
    let made = store
        .ensure_link_tokens(sender, meeting, &names, at(12, 0), at(10, 5))
        .await
        .unwrap();
    assert_eq!((store.metrics() - before).requests, 1);
    assert_eq!(made.len(), 5);

    // The sweep reads them with the meeting's state (tracked reminders only), from the second
    // round on: a first round's read names no pointers (its reservation makes or finds them).
    let mut due = DueMeeting {
        admin: sender,
        meeting,
        next: NextRound {
            round: Round::FIRST,
            due_at: at(10, 5),
        },
    };
    for n in &names {
        let invitee = Invitee {
            friend: n.clone(),
            display_name: n.as_str().to_owned(),
            match_keys: Default::default(),
            opted_out: false,
        };
        store.put_invitee(sender, meeting, &invitee).await.unwrap();
    }
    let first = store
        .admin_sweep_read(sender, &[due], true, at(9, 0))
        .await
        .unwrap();
    assert!(first.meetings[0].1.links.is_empty());

    due.next.round = Round::new(2).unwrap();
    let read = store
        .admin_sweep_read(sender, &[due], true, at(9, 0))
        .await
        .unwrap();
    assert_eq!(read.meetings[0].1.links, made);
    let without = store
        .admin_sweep_read(sender, &[due], false, at(9, 0))
        .await
        .unwrap();
    assert!(without.meetings[0].1.links.is_empty());
}

#[tokio::test]
async fn a_reservation_that_makes_five_link_tokens_is_still_one_request() {
    let Some(store) = fresh_store().await else { return };
    let sender = admin(1);
    let meeting = with_admin_and_meeting(&store, sender).await;
    let names = ["a", "b", "c", "d", "e"];
    let request = with_links(batch(sender, meeting, &names, QuotaLimits::KAKAO), &names);

    let before = store.metrics();
    let reservation = store.reserve(&request, at(10, 5)).await.unwrap();
    let spent = store.metrics() - before;
    assert_eq!((spent.requests, spent.transaction_retries), (1, 0), "{spent:?}");
    assert_eq!(reservation.reserved.len(), 5);
    assert_eq!(reservation.links.len(), 5);
    for (name, token) in &reservation.links {
        assert_eq!(
            &store.resolve_link_token(token, at(10, 5)).await.unwrap().friend,
            name
        );
    }

    // A token another caller stored meanwhile (the caller did not know it): one retry, and the
    // stored token wins.
    let other = with_admin_and_meeting(&store, sender).await;
    let stored = store
        .ensure_link_token(sender, other, &friend("c"), at(12, 0), at(10, 5))
        .await
        .unwrap();
    let request = with_links(batch(sender, other, &names, QuotaLimits::KAKAO), &names);
    let before = store.metrics();
    let reservation = store.reserve(&request, at(10, 5)).await.unwrap();
    let spent = store.metrics() - before;
    assert_eq!((spent.requests, spent.transaction_retries), (2, 1), "{spent:?}");
    assert_eq!(reservation.links[2], (friend("c"), stored));
    assert_eq!(reservation.reserved.len(), 5);
}

#[tokio::test]
async fn a_full_pair_counter_refuses_only_that_recipient_and_takes_nothing_from_the_others() {
    let Some(store) = fresh_store().await else { return };
    let sender = admin(2);
    let meeting = with_admin_and_meeting(&store, sender).await;
    let limits = QuotaLimits {
        app: 100,
        sender: 100,
        recipient: 100,
        pair: 1,
    };
    let day = KstDay::containing(at(10, 5));

    let first = store
        .reserve(&batch(sender, meeting, &["a"], limits), at(10, 5))
        .await
        .unwrap();
    assert_eq!(first.reserved, vec![friend("a")]);

    // Round 2 for a (pair full) and b (fresh).
    let mut second = batch(sender, meeting, &["a", "b"], limits);
    second.round = Round::new(2).unwrap();
    let result = store.reserve(&second, at(10, 10)).await.unwrap();
    assert_eq!(result.reserved, vec![friend("b")]);
    assert_eq!(
        result.refused,
        vec![(friend("a"), Refusal::Quota(QuotaKind::Pair))]
    );
    assert_eq!(
        store
            .quota_used(day, &QuotaSubject::Sender(sender))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .quota_used(day, &QuotaSubject::Pair(sender, friend("a")))
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_sender_counter_that_fills_mid_batch_lets_the_first_ones_through() {
    let Some(store) = fresh_store().await else { return };
    let sender = admin(3);
    let meeting = with_admin_and_meeting(&store, sender).await;
    let limits = QuotaLimits {
        app: 100,
        sender: 3,
        recipient: 100,
        pair: 20,
    };

    let result = store
        .reserve(
            &batch(sender, meeting, &["a", "b", "c", "d", "e"], limits),
            at(10, 5),
        )
        .await
        .unwrap();
    assert_eq!(result.reserved, vec![friend("a"), friend("b"), friend("c")]);
    assert_eq!(
        result.refused,
        vec![
            (friend("d"), Refusal::Quota(QuotaKind::Sender)),
            (friend("e"), Refusal::Quota(QuotaKind::Sender))
        ]
    );
    let again = store
        .reserve(&batch(sender, meeting, &["a", "f"], limits), at(10, 6))
        .await
        .unwrap();
    assert_eq!(
        again.refused,
        vec![
            (friend("a"), Refusal::AlreadyExists(DeliveryState::Sending)),
            (friend("f"), Refusal::Quota(QuotaKind::Sender))
        ]
    );
}

#[tokio::test]
async fn released_failures_give_their_slots_back_once() {
    let Some(store) = fresh_store().await else { return };
    let sender = admin(4);
    let meeting = with_admin_and_meeting(&store, sender).await;
    let day = KstDay::containing(at(10, 5));
    store
        .reserve(
            &batch(sender, meeting, &["a", "b"], QuotaLimits::KAKAO),
            at(10, 5),
        )
        .await
        .unwrap();
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
        .unwrap();
    assert!(records[0].holds_quota && !records[1].holds_quota);
    assert_eq!(store.quota_used(day, &QuotaSubject::App).await.unwrap(), 1);
    assert_eq!(
        store
            .quota_used(day, &QuotaSubject::Pair(sender, friend("b")))
            .await
            .unwrap(),
        0
    );
    let twice = store
        .record_outcomes(sender, meeting, Round::FIRST, &outcomes[1..], at(10, 6))
        .await;
    assert!(
        matches!(twice, Err(crate::StoreError::Conflict { .. })),
        "{twice:?}"
    );
    assert_eq!(store.quota_used(day, &QuotaSubject::App).await.unwrap(), 1);
    let stored = store.list_friend_deliveries(sender, &friend("b")).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].state,
        DeliveryState::Failed {
            code: KakaoErrorCode::RECEIVER_REFUSES
        }
    );
}

#[tokio::test]
async fn an_unchanged_friend_resync_writes_nothing() {
    let Some(store) = fresh_store().await else { return };
    let id = admin(5);
    with_admin_and_meeting(&store, id).await;
    let friends: Vec<FriendProfile> = (0..60)
        .map(|i| FriendProfile {
            uuid: friend(&format!("f{i:03}")),
            kakao_id: None,
            nickname: format!("친구{i}"),
            thumbnail_url: None,
            favorite: i % 7 == 0,
        })
        .collect();
    let first = store.replace_friends(id, &friends, at(3, 0)).await.unwrap();
    assert_eq!(
        (first.added, first.write_requests),
        (60, 1),
        "99 per transaction, beside the admin check: {first:?}"
    );
    let before = store.metrics();
    let second = store
        .replace_friends(id, &friends, at(3, 0) + chrono::Duration::days(1))
        .await
        .unwrap();
    assert_eq!((second.unchanged, second.write_requests), (60, 0));
    assert_eq!((store.metrics() - before).write_requests, 0);
}

#[tokio::test]
async fn the_due_index_finds_a_meeting_once_due_and_forgets_it_after_its_last_round() {
    let Some(store) = fresh_store().await else { return };
    let id = admin(6);
    let meeting = with_admin_and_meeting(&store, id).await;
    assert!(store.due_meetings(at(10, 4), 10).await.unwrap().due.is_empty());
    let due = store.due_meetings(at(10, 5), 10).await.unwrap().due;
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].admin, due[0].meeting), (id, meeting));
    store
        .advance_round(id, meeting, due[0].next, None, at(10, 5))
        .await
        .unwrap();
    assert!(store.due_meetings(at(12, 0), 10).await.unwrap().due.is_empty());
    let again = store
        .advance_round(id, meeting, due[0].next, None, at(10, 5))
        .await;
    assert!(
        matches!(again, Err(crate::StoreError::Conflict { .. })),
        "{again:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_racing_reservers_never_pass_a_limit() {
    let Some(store) = fresh_store().await else { return };
    let sender = admin(7);
    let meeting = with_admin_and_meeting(&store, sender).await;
    let limits = QuotaLimits {
        app: 1000,
        sender: 37,
        recipient: 100,
        pair: 20,
    };
    let day = KstDay::containing(at(10, 5));
    let tasks: Vec<_> = (0..32)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                let names: Vec<String> = (0..5).map(|i| format!("t{t}r{i}")).collect();
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                store
                    .reserve(&batch(sender, meeting, &refs, limits), at(10, 5))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut reserved = 0;
    for task in tasks {
        let r = task.await.unwrap();
        assert!(
            r.refused
                .iter()
                .all(|(_, why)| *why == Refusal::Quota(QuotaKind::Sender)),
            "{r:?}"
        );
        reserved += r.reserved.len();
    }
    assert_eq!(reserved, 37);
    assert_eq!(
        store
            .quota_used(day, &QuotaSubject::Sender(sender))
            .await
            .unwrap(),
        37
    );
    assert_eq!(store.quota_used(day, &QuotaSubject::App).await.unwrap(), 37);
    assert_eq!(
        store
            .list_meeting_deliveries(sender, meeting)
            .await
            .unwrap()
            .len(),
        37
    );
}

#[tokio::test]
async fn active_admins_come_in_pages_without_an_empty_last_one() {
    let Some(store) = fresh_store().await else { return };
    for id in 1..=6 {
        let status = if id == 3 {
            AdminStatus::NeedsLogin
        } else {
            AdminStatus::Active
        };
        let login = AdminLogin {
            id: admin(id),
            nickname: format!("admin {id}"),
            scopes: Default::default(),
            status,
        };
        store.upsert_admin(&login, at(9, 0)).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = store.list_active_admins(cursor.as_ref(), 2).await.unwrap();
        pages += 1;
        seen.extend(page.items.iter().map(|a| a.id.get()));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, [1, 2, 4, 5, 6]);
    assert_eq!(pages, 3);
    let foreign = crate::model::PageCursor::new("sqlite:7");
    assert!(matches!(
        store.list_active_admins(Some(&foreign), 2).await,
        Err(crate::StoreError::InvalidInput(_))
    ));
}
