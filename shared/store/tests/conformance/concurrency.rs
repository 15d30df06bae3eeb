//! 32 tasks racing through the backend's own locking (separate handles, a multi-thread
//! runtime): every invariant holds with exactly the expected number of winners.

use std::future::Future;
use std::sync::Arc;

use domain::delivery::DeliveryState;
use domain::{MeetingId, QuotaLimits};
use store::api::store_refreshed_tokens;
use store::model::{
    DeliveryOutcome, JoinSource, NextRound, OAuthPurpose, OAuthState, QuotaSubject, RefreshedTokens, Refusal,
};
use store::{Store, StoreError};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

const RACERS: usize = 32;

/// Runs `RACERS` copies of `task` at once, spread over several handles; returns their results.
async fn race<T, F, Fut>(h: &Harness, task: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(Arc<dyn Store>, usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let handles = h.handles(4).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(RACERS));
    let tasks: Vec<_> = (0..RACERS)
        .map(|i| {
            let run = task(Arc::clone(&handles[i % handles.len()]), i);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                run.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(RACERS);
    for t in futures::future::join_all(tasks).await {
        out.push(t.expect("a racing task panicked"));
    }
    out
}

async fn no_counter_exceeds_its_limit_under_32_reservers(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    // Each racer sends its own round to five recipients out of a pool of seven; the sender may
    // send 40, a recipient receive 13, a pair 11.
    let limits = QuotaLimits {
        app: 30_000,
        sender: 40,
        recipient: 13,
        pair: 11,
    };
    let pool = ["p0", "p1", "p2", "p3", "p4", "p5", "p6"];
    let results = race(&h, move |store, i| async move {
        let picks: Vec<&str> = (0..5).map(|k| pool[(i + k) % pool.len()]).collect();
        let mut request = batch(admin(1), m.id, (i + 1) as u16, &picks);
        request.limits = limits;
        store.reserve(&request, t0()).await
    })
    .await;
    let reserved: usize = results
        .iter()
        .map(|r| r.as_ref().expect("reserve").reserved.len())
        .sum();
    assert_eq!(reserved, 40, "the sender limit is reached exactly, never passed");
    assert_eq!(
        s.quota_used(today(), &QuotaSubject::Sender(admin(1)))
            .await
            .unwrap(),
        40
    );
    assert_eq!(s.quota_used(today(), &QuotaSubject::App).await.unwrap(), 40);
    let deliveries = s.list_meeting_deliveries(admin(1), m.id).await.unwrap();
    assert_eq!(deliveries.len(), 40, "one record per slot");
    for p in pool {
        let used = s
            .quota_used(today(), &QuotaSubject::Recipient(uuid(p)))
            .await
            .unwrap();
        let pair = s
            .quota_used(today(), &QuotaSubject::Pair(admin(1), uuid(p)))
            .await
            .unwrap();
        let records = deliveries.iter().filter(|d| d.key.recipient == uuid(p)).count() as u32;
        assert!(used <= 13 && pair <= 11, "{p}: recipient {used}, pair {pair}");
        assert_eq!((used, pair), (records, records), "{p}: counters match records");
    }
}

async fn the_app_counter_holds_under_32_senders(h: Harness) {
    let s = &*h.store;
    let mut meetings = Vec::new();
    for n in 0..RACERS as i64 {
        login(s, admin(n)).await;
        meetings.push(meeting(s, admin(n)).await.id);
    }
    let meetings = Arc::new(meetings);
    let results = race(&h, move |store, i| {
        let meetings = Arc::clone(&meetings);
        async move {
            let mut request = batch(admin(i as i64), meetings[i], 1, &["a", "b"]);
            request.limits = QuotaLimits {
                app: 25,
                ..QuotaLimits::KAKAO
            };
            store.reserve(&request, t0()).await
        }
    })
    .await;
    let reserved: usize = results
        .iter()
        .map(|r| r.as_ref().expect("reserve").reserved.len())
        .sum();
    assert_eq!(reserved, 25);
    assert_eq!(s.quota_used(today(), &QuotaSubject::App).await.unwrap(), 25);
}

async fn thirty_two_sweeps_on_one_reminder_send_it_once(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let results = race(&h, move |store, _| async move {
        store.reserve(&batch(admin(1), m.id, 1, &["f1"]), t0()).await
    })
    .await;
    let winners = results
        .iter()
        .filter(|r| r.as_ref().expect("reserve").reserved.len() == 1)
        .count();
    assert_eq!(winners, 1);
    assert!(
        results
            .iter()
            .flat_map(|r| &r.as_ref().expect("reserve").refused)
            .all(|(_, why)| matches!(why, Refusal::AlreadyExists(DeliveryState::Sending)))
    );
    assert_eq!(
        s.quota_used(today(), &QuotaSubject::Pair(admin(1), uuid("f1")))
            .await
            .unwrap(),
        1
    );
}

async fn thirty_two_outcome_writers_get_one_winner(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1", "f2"]), t0())
        .await
        .unwrap();
    let results = race(&h, move |store, _| async move {
        let outcomes = [
            (uuid("f1"), DeliveryOutcome::Sent),
            (uuid("f2"), DeliveryOutcome::Unknown),
        ];
        store
            .record_outcomes(admin(1), m.id, round(1), &outcomes, t0())
            .await
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(StoreError::is_conflict)
    );
}

async fn thirty_two_releases_give_slots_back_once(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    s.reserve(&batch(admin(1), m.id, 1, &["f1", "f2", "f3"]), t0())
        .await
        .unwrap();
    s.reserve(&batch(admin(1), m.id, 2, &["f1"]), t0()).await.unwrap();
    let results = race(&h, move |store, _| async move {
        store
            .release(admin(1), m.id, round(1), &uuids(&["f1", "f2", "f3"]), t0())
            .await
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert_eq!(
        s.quota_used(today(), &QuotaSubject::Sender(admin(1)))
            .await
            .unwrap(),
        1,
        "round 2 still holds one"
    );
    assert_eq!(
        s.quota_used(today(), &QuotaSubject::Pair(admin(1), uuid("f1")))
            .await
            .unwrap(),
        1
    );
}

async fn thirty_two_consumers_of_one_oauth_state_get_one_winner(h: Harness) {
    let state = OAuthState::new(OAuthPurpose::AdminLogin, None, t0());
    h.store.create_state(&state).await.unwrap();
    let nonce = state.nonce.clone();
    let results = race(&h, move |store, _| {
        let nonce = nonce.clone();
        async move { store.consume_state(&nonce, t0()).await }
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(StoreError::is_not_found)
    );
}

async fn thirty_two_refreshers_agree_on_one_set_of_tokens(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let read = s
        .save_tokens(admin(1), &tokens("login", t0()), t0())
        .await
        .unwrap()
        .version;
    let results = race(&h, move |store, i| async move {
        store_refreshed_tokens(&*store, admin(1), read, &tokens(&format!("r{i}"), t0()), t0()).await
    })
    .await;
    let results: Vec<_> = results.into_iter().map(|r| r.expect("refresh")).collect();
    let stored: Vec<_> = results
        .iter()
        .filter(|r| matches!(r, RefreshedTokens::Stored(_)))
        .collect();
    assert_eq!(stored.len(), 1, "exactly one refresh is stored");
    let final_tokens = s.get_tokens(admin(1)).await.unwrap();
    assert_eq!(final_tokens.version, read.next());
    use secrecy::ExposeSecret;
    let winner = final_tokens.tokens.refresh_token.expose_secret().to_owned();
    for r in &results {
        assert_eq!(
            r.current().tokens.refresh_token.expose_secret(),
            winner,
            "everyone uses the winner's tokens"
        );
    }
}

async fn thirty_two_sweeps_advancing_one_round_get_one_winner(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let from = m.draft.next_round.unwrap();
    let results = race(&h, move |store, _| async move {
        let to = NextRound {
            round: round(2),
            due_at: from.due_at + minutes(10),
        };
        advance_round(&*store, admin(1), m.id, from, Some(to), t0()).await
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(StoreError::is_conflict)
    );
    assert_eq!(s.get_meeting(admin(1), m.id).await.unwrap().version.get(), 2);
}

async fn thirty_two_joins_keep_the_earliest(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    race(&h, move |store, i| async move {
        let at = t0() + minutes(40 - i as i64);
        store
            .record_join(admin(1), m.id, &uuid("f1"), at, JoinSource::Zoom)
            .await
            .expect("join")
    })
    .await;
    let listed = s.list_attendance(admin(1), m.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].1.first_joined_at,
        t0() + minutes(40 - (RACERS as i64 - 1))
    );
}

async fn thirty_two_meetings_created_with_one_id_make_one_meeting(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let id = MeetingId::new_v7();
    let results = race(&h, move |store, _| async move {
        store.create_meeting(admin(1), id, &draft(t0()), t0()).await
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert_eq!(s.list_meetings(admin(1)).await.unwrap().len(), 1);
}

conformance!(
    no_counter_exceeds_its_limit_under_32_reservers,
    the_app_counter_holds_under_32_senders,
    thirty_two_sweeps_on_one_reminder_send_it_once,
    thirty_two_outcome_writers_get_one_winner,
    thirty_two_releases_give_slots_back_once,
    thirty_two_consumers_of_one_oauth_state_get_one_winner,
    thirty_two_refreshers_agree_on_one_set_of_tokens,
    thirty_two_sweeps_advancing_one_round_get_one_winner,
    thirty_two_joins_keep_the_earliest,
    thirty_two_meetings_created_with_one_id_make_one_meeting,
);
