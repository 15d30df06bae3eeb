//! Tracked links and opt-outs: one token per invitee and meeting, resolved only by whoever
//! holds it; a client's opt-out kept once, per admin.

use domain::MeetingId;
use futures::future::join_all;
use store::model::{LinkToken, OptOutSource};

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn an_invitee_gets_one_token_per_meeting_and_it_resolves_to_them(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let other = meeting(s, admin(1)).await;
    let until = t0() + minutes(60 * 24);
    let token = s
        .ensure_link_token(admin(1), m.id, &uuid("f1"), until, t0())
        .await
        .unwrap();
    let again = s
        .ensure_link_token(admin(1), m.id, &uuid("f1"), until + minutes(5), t0() + minutes(1))
        .await
        .unwrap();
    assert_eq!(again, token, "asking again returns the same token");
    let someone_else = s
        .ensure_link_token(admin(1), m.id, &uuid("f2"), until, t0())
        .await
        .unwrap();
    let other_meeting = s
        .ensure_link_token(admin(1), other.id, &uuid("f1"), until, t0())
        .await
        .unwrap();
    assert_ne!(someone_else, token);
    assert_ne!(other_meeting, token);

    let target = s.resolve_link_token(&token, t0() + minutes(30)).await.unwrap();
    assert_eq!(
        (target.admin, target.meeting, &target.friend),
        (admin(1), m.id, &uuid("f1"))
    );
    assert_eq!(
        (target.created_at, target.expires_at),
        (t0(), until),
        "the first call's expiry is kept"
    );
}

async fn unknown_and_expired_tokens_are_refused(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let until = t0() + minutes(90);
    let token = s
        .ensure_link_token(admin(1), m.id, &uuid("f1"), until, t0())
        .await
        .unwrap();
    assert!(
        s.resolve_link_token(&LinkToken::generate(), t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(matches!(
        s.resolve_link_token(&token, until).await,
        Err(store::StoreError::Expired { .. })
    ));
    assert!(
        s.ensure_link_token(admin(1), MeetingId::new_v7(), &uuid("f1"), until, t0())
            .await
            .unwrap_err()
            .is_not_found(),
        "no token for a meeting that does not exist"
    );
    login(s, admin(2)).await;
    assert!(
        s.ensure_link_token(admin(2), m.id, &uuid("f1"), until, t0())
            .await
            .unwrap_err()
            .is_not_found(),
        "no token for another admin's meeting"
    );
}

async fn racing_callers_all_get_the_one_stored_token(h: Harness) {
    login(&*h.store, admin(1)).await;
    let m = meeting(&*h.store, admin(1)).await;
    let handles = h.handles(8).await;
    let tokens = join_all(handles.iter().map(|s| {
        let s = s.clone();
        async move {
            s.ensure_link_token(admin(1), m.id, &uuid("f1"), t0() + minutes(600), t0())
                .await
                .unwrap()
        }
    }))
    .await;
    assert!(tokens.iter().all(|t| *t == tokens[0]), "one token, whoever won");
    assert_eq!(
        h.store.resolve_link_token(&tokens[0], t0()).await.unwrap().friend,
        uuid("f1")
    );
}

async fn an_opt_out_is_kept_once_per_admin_and_can_be_cleared(h: Harness) {
    let s = &*h.store;
    let first = s
        .record_opt_out(admin(1), &uuid("f1"), OptOutSource::ReminderLink, t0())
        .await
        .unwrap();
    assert!(first.changed);
    let again = s
        .record_opt_out(admin(1), &uuid("f1"), OptOutSource::Onboarding, t0() + minutes(5))
        .await
        .unwrap();
    assert!(!again.changed);
    assert_eq!(again.opt_out, first.opt_out, "the first opt-out is kept");
    assert_eq!(again.opt_out.source, OptOutSource::ReminderLink);
    s.record_opt_out(admin(1), &uuid("f0"), OptOutSource::Onboarding, t0())
        .await
        .unwrap();

    let listed: Vec<_> = s
        .list_opt_outs(admin(1))
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.friend)
        .collect();
    assert_eq!(listed, uuids(&["f0", "f1"]));
    assert!(
        s.list_opt_outs(admin(2)).await.unwrap().is_empty(),
        "another admin's clients are theirs"
    );
    assert!(s.get_opt_out(admin(2), &uuid("f1")).await.unwrap().is_none());
    assert_eq!(
        s.get_opt_out(admin(1), &uuid("f1")).await.unwrap().unwrap().at,
        t0()
    );

    assert!(s.clear_opt_out(admin(1), &uuid("f1")).await.unwrap());
    assert!(!s.clear_opt_out(admin(1), &uuid("f1")).await.unwrap());
    assert!(s.get_opt_out(admin(1), &uuid("f1")).await.unwrap().is_none());
}

async fn unlinking_an_admin_makes_their_links_stop_but_keeps_opt_outs(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let token = s
        .ensure_link_token(admin(1), m.id, &uuid("f1"), t0() + minutes(600), t0())
        .await
        .unwrap();
    s.record_opt_out(admin(1), &uuid("f1"), OptOutSource::ReminderLink, t0())
        .await
        .unwrap();
    s.delete_admin_data(admin(1), t0()).await.unwrap();
    assert!(
        s.resolve_link_token(&token, t0())
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        s.get_opt_out(admin(1), &uuid("f1")).await.unwrap().is_some(),
        "a relinking admin does not get to message someone who said stop"
    );
}

async fn a_batch_of_link_tokens_keeps_the_existing_and_makes_the_missing(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let until = t0() + minutes(600);
    let existing = s
        .ensure_link_token(admin(1), m.id, &uuid("f2"), until, t0())
        .await
        .unwrap();

    let batch = s
        .ensure_link_tokens(admin(1), m.id, &uuids(&["f1", "f2", "f3"]), until, t0())
        .await
        .unwrap();

    let friends: Vec<&str> = batch.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(friends, ["f1", "f2", "f3"], "in the order asked");
    assert_eq!(batch[1].1, existing, "an existing token is kept");
    for (friend, token) in &batch {
        let again = s
            .ensure_link_token(admin(1), m.id, friend, until, t0())
            .await
            .unwrap();
        assert_eq!(&again, token, "{friend}: the one stored");
        let target = s.resolve_link_token(token, t0()).await.unwrap();
        assert_eq!((&target.friend, target.meeting), (friend, m.id));
    }
    assert_ne!(batch[0].1, batch[2].1);
    let again = s
        .ensure_link_tokens(admin(1), m.id, &uuids(&["f3", "f1"]), until, t0())
        .await
        .unwrap();
    assert_eq!(again, [batch[2].clone(), batch[0].clone()], "idempotent");
    let unknown = s
        .ensure_link_tokens(
            admin(1),
            domain::MeetingId::new_v7(),
            &uuids(&["f1"]),
            until,
            t0(),
        )
        .await;
    assert!(matches!(unknown, Err(e) if e.is_not_found()));
}

async fn a_reservation_makes_the_missing_link_tokens_with_its_slots(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let until = t0() + minutes(600);
    let existing = s
        .ensure_link_token(admin(1), m.id, &uuid("f2"), until, t0())
        .await
        .unwrap();
    s.reserve(&batch(admin(1), m.id, 1, &["f4"]), t0()).await.unwrap();

    let request = with_links(
        batch(admin(1), m.id, 1, &["f1", "f2", "f3", "f4"]),
        &["f1", "f2", "f4"],
        until,
    );
    let reservation = s.reserve(&request, t0()).await.unwrap();

    assert_eq!(reservation.reserved, uuids(&["f1", "f2", "f3"]));
    assert_eq!(
        reservation.refused.len(),
        1,
        "f4 already has this round's delivery"
    );
    let linked: Vec<&str> = reservation.links.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        linked,
        ["f1", "f2"],
        "named and reserved: f3 was not asked for, f4 was refused"
    );
    assert_eq!(
        reservation.links[1].1, existing,
        "a stored token is kept, not replaced"
    );
    let made = &reservation.links[0].1;
    assert_ne!(made, &existing);
    let target = s.resolve_link_token(made, t0()).await.unwrap();
    assert_eq!(
        (target.admin, target.meeting, &target.friend, target.expires_at),
        (admin(1), m.id, &uuid("f1"), until)
    );
    let again = s
        .ensure_link_token(admin(1), m.id, &uuid("f1"), until, t0())
        .await
        .unwrap();
    assert_eq!(&again, made, "the reservation's token is the invitee's one token");
    let stored: Vec<String> = s
        .meeting_state(admin(1), m.id, t0())
        .await
        .unwrap()
        .links
        .iter()
        .map(|(f, _)| f.as_str().to_owned())
        .collect();
    assert_eq!(
        stored,
        ["f1", "f2"],
        "nothing made for the refused or the unnamed"
    );

    // A batch refused by a full counter makes no token either.
    let mut full = with_links(batch(admin(1), m.id, 2, &["f5"]), &["f5"], until);
    full.limits.sender = 0;
    let refused = s.reserve(&full, t0()).await.unwrap();
    assert!(refused.reserved.is_empty() && refused.links.is_empty());
    assert_eq!(
        s.meeting_state(admin(1), m.id, t0()).await.unwrap().links.len(),
        2
    );
}

/// A token past its expiry is no invitee's token any more, whether or not the store has deleted
/// it yet (DynamoDB's TTL deletes up to days late): the meeting's state leaves it out, and asking
/// for the invitee's token, alone or in a reservation, makes a new one.
async fn an_expired_link_token_is_replaced_as_if_it_were_gone(h: Harness) {
    let s = &*h.store;
    login(s, admin(1)).await;
    let m = meeting(s, admin(1)).await;
    let until = t0() + minutes(60);
    let old = s
        .ensure_link_token(admin(1), m.id, &uuid("f1"), until, t0())
        .await
        .unwrap();
    let old_too = s
        .ensure_link_token(admin(1), m.id, &uuid("f2"), until, t0())
        .await
        .unwrap();
    assert_eq!(
        s.meeting_state(admin(1), m.id, t0()).await.unwrap().links.len(),
        2
    );

    let later = until + minutes(1);
    let state = s.meeting_state(admin(1), m.id, later).await.unwrap();
    assert!(
        state.links.is_empty(),
        "expired tokens are left out: {:?}",
        state.links
    );

    let renewed = later + minutes(60);
    let fresh = s
        .ensure_link_token(admin(1), m.id, &uuid("f1"), renewed, later)
        .await
        .unwrap();
    assert_ne!(fresh, old, "a new token, not the expired one");
    let target = s.resolve_link_token(&fresh, later).await.unwrap();
    assert_eq!((&target.friend, target.expires_at), (&uuid("f1"), renewed));
    assert!(
        s.resolve_link_token(&old, later).await.is_err(),
        "the old one stays refused"
    );

    let request = with_links(batch(admin(1), m.id, 1, &["f2"]), &["f2"], renewed);
    let reservation = s.reserve(&request, later).await.unwrap();
    assert_eq!(reservation.links.len(), 1);
    assert_ne!(
        reservation.links[0].1, old_too,
        "the reservation makes a new one too"
    );

    let mut now_stored: Vec<(String, LinkToken)> = s
        .meeting_state(admin(1), m.id, later)
        .await
        .unwrap()
        .links
        .into_iter()
        .map(|(f, t)| (f.as_str().to_owned(), t))
        .collect();
    now_stored.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        now_stored,
        [
            ("f1".to_owned(), fresh),
            ("f2".to_owned(), reservation.links[0].1.clone())
        ]
    );
}

conformance!(
    an_expired_link_token_is_replaced_as_if_it_were_gone,
    a_reservation_makes_the_missing_link_tokens_with_its_slots,
    a_batch_of_link_tokens_keeps_the_existing_and_makes_the_missing,
    an_invitee_gets_one_token_per_meeting_and_it_resolves_to_them,
    unknown_and_expired_tokens_are_refused,
    racing_callers_all_get_the_one_stored_token,
    an_opt_out_is_kept_once_per_admin_and_can_be_cleared,
    unlinking_an_admin_makes_their_links_stop_but_keeps_opt_outs,
);
