//! Clients: who joined through an invite link (with which consent), and who disconnected.

use domain::sweep::ClientStanding;
use store::model::ClientStatus;

use crate::fixtures::*;
use crate::harness::{Harness, conformance};

async fn a_client_is_recorded_with_every_inviter_and_the_latest_consent(h: Harness) {
    let s = &*h.store;
    let client = admin(500);
    let joined = s
        .record_client(
            client,
            admin(1),
            &scopes("profile_nickname friends talk_message"),
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(joined.status, ClientStatus::Joined);
    assert!(joined.agreed_to_messages());
    assert_eq!(joined.standing(), ClientStanding::AgreedToMessages);
    assert_eq!(joined.invited_by.iter().copied().collect::<Vec<_>>(), [admin(1)]);

    // Through another admin's link, this time without messages.
    let again = s
        .record_client(
            client,
            admin(2),
            &scopes("profile_nickname friends"),
            t0() + minutes(5),
        )
        .await
        .unwrap();
    assert_eq!(
        again.invited_by.iter().copied().collect::<Vec<_>>(),
        [admin(1), admin(2)]
    );
    assert!(!again.agreed_to_messages(), "the latest consent counts");
    assert_eq!(again.standing(), ClientStanding::Unknown);
    assert_eq!(again.updated_at, t0() + minutes(5));
    assert_eq!(s.get_client(client).await.unwrap(), Some(again));
}

async fn an_unlink_keeps_only_the_mark_and_joining_again_clears_it(h: Harness) {
    let s = &*h.store;
    let client = admin(501);
    s.record_client(client, admin(1), &scopes("friends talk_message"), t0())
        .await
        .unwrap();
    s.mark_client_unlinked(client, t0() + minutes(1)).await.unwrap();
    s.mark_client_unlinked(client, t0() + minutes(2)).await.unwrap();
    let mark = s.get_client(client).await.unwrap().unwrap();
    assert_eq!(mark.status, ClientStatus::Unlinked);
    assert!(
        mark.scopes.is_empty() && mark.invited_by.is_empty(),
        "nothing else is kept"
    );
    assert!(!mark.agreed_to_messages());
    assert_eq!(mark.standing(), ClientStanding::Unlinked);

    let back = s
        .record_client(
            client,
            admin(3),
            &scopes("friends talk_message"),
            t0() + minutes(3),
        )
        .await
        .unwrap();
    assert_eq!(back.status, ClientStatus::Joined);
    assert_eq!(back.invited_by.iter().copied().collect::<Vec<_>>(), [admin(3)]);
}

async fn someone_never_seen_is_none_and_their_unlink_still_leaves_a_mark(h: Harness) {
    let s = &*h.store;
    assert_eq!(s.get_client(admin(502)).await.unwrap(), None);
    s.mark_client_unlinked(admin(502), t0()).await.unwrap();
    let mark = s.get_client(admin(502)).await.unwrap().unwrap();
    assert_eq!((mark.id, mark.status), (admin(502), ClientStatus::Unlinked));
}

async fn joins_through_many_links_at_once_lose_no_inviter(h: Harness) {
    let client = admin(503);
    let handles = h.handles(8).await;
    let joins = handles.iter().enumerate().map(|(i, store)| {
        let store = store.clone();
        async move {
            store
                .record_client(
                    client,
                    admin(10 + i as i64),
                    &scopes("friends talk_message"),
                    t0(),
                )
                .await
        }
    });
    for joined in futures::future::join_all(joins).await {
        joined.unwrap();
    }
    let record = h.store.get_client(client).await.unwrap().unwrap();
    assert_eq!(record.invited_by.len(), 8);
}

conformance!(
    a_client_is_recorded_with_every_inviter_and_the_latest_consent,
    an_unlink_keeps_only_the_mark_and_joining_again_clears_it,
    someone_never_seen_is_none_and_their_unlink_still_leaves_a_mark,
    joins_through_many_links_at_once_lose_no_inviter,
);
