//! Flood-control counters: a limit per action, subject and window, never passed however many
//! take at once, one subject's flood not touching another's.

use std::net::{IpAddr, Ipv4Addr};

use domain::flood::FloodAction;
use store::api::FloodSubject;

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn a_window_takes_its_limit_and_no_more_for_its_subject_only(h: Harness) {
    let s = &*h.store;
    let one = FloodSubject::Admin(admin(1));
    let two = FloodSubject::Admin(admin(2));
    let forget = t0() + minutes(60);
    for _ in 0..3 {
        assert!(
            s.take_flood_slot(FloodAction::ManualSend, one, t0(), 3, forget)
                .await
                .unwrap()
        );
    }
    assert!(
        !s.take_flood_slot(FloodAction::ManualSend, one, t0(), 3, forget)
            .await
            .unwrap()
    );
    assert!(
        s.take_flood_slot(FloodAction::ManualSend, two, t0(), 3, forget)
            .await
            .unwrap(),
        "another admin is not touched"
    );
    assert!(
        s.take_flood_slot(FloodAction::MeetingWrite, one, t0(), 3, forget)
            .await
            .unwrap(),
        "another action is not touched"
    );
    assert!(
        s.take_flood_slot(FloodAction::ManualSend, one, t0() + minutes(1), 3, forget)
            .await
            .unwrap(),
        "the next window starts afresh"
    );
    let address = FloodSubject::Address(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7)));
    assert!(
        s.take_flood_slot(FloodAction::Login, address, t0(), 1, forget)
            .await
            .unwrap()
    );
    assert!(
        !s.take_flood_slot(FloodAction::Login, address, t0(), 1, forget)
            .await
            .unwrap()
    );
}

async fn concurrent_takes_never_pass_the_limit(h: Harness) {
    let store = h.store.clone();
    let subject = FloodSubject::Admin(admin(3));
    let takes = (0..12).map(|_| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .take_flood_slot(FloodAction::MeetingWrite, subject, t0(), 5, t0() + minutes(60))
                .await
                .unwrap()
        })
    });
    let mut taken = 0;
    for take in takes {
        taken += usize::from(take.await.unwrap());
    }
    assert_eq!(taken, 5);
}

conformance!(
    a_window_takes_its_limit_and_no_more_for_its_subject_only,
    concurrent_takes_never_pass_the_limit,
);
