//! Tracked links in a meeting's first round: every absent invitee gets a personal join and stop
//! link, made with the batch's quota reservation (one store transaction), and it is the
//! invitee's one token for the meeting, whoever asks for it later.

mod common;

use app::testing::Backend;
use common::{Bed, MeetingSetup, button_path, link_token};
use store::model::LinkButton;

async fn a_first_tracked_round_makes_each_invitees_link_with_the_reservation(backend: Backend) {
    let Some(bed) = Bed::start(5, backend).await else {
        return;
    };
    let invitees = [1001, 1002, 1003, 1004, 1005];
    let meeting = bed.meeting(&invitees, MeetingSetup::default()).await;
    bed.advance(5);

    let before = bed.s.store.dynamo_metrics();
    let report = bed.sweep().await;
    let spent = bed
        .s
        .store
        .dynamo_metrics()
        .zip(before)
        .map(|(after, before)| after - before);
    assert_eq!(report.sent, 5, "{report:?}");

    let store = &bed.s.store.store;
    let mut seen = Vec::new();
    for user in invitees {
        let reminder = bed.reminders(user).await.pop().expect("a reminder");
        let join = link_token(&reminder, 0, "/j/");
        assert_eq!(link_token(&reminder, 1, "/stop/"), join, "one token per invitee");
        let (join_path, stop_path) = (
            button_path(&reminder, 0, "/j/"),
            button_path(&reminder, 1, "/stop/"),
        );
        assert_ne!(join_path, stop_path, "the two buttons carry different secrets");
        let target = store.resolve_link_token(&join, bed.now()).await.unwrap();
        assert_eq!((target.meeting, &target.friend), (meeting, &bed.uuid(user)));
        let asked_later = store
            .ensure_link_token(bed.admin(), meeting, &bed.uuid(user), bed.now(), bed.now())
            .await
            .unwrap();
        assert_eq!(
            asked_later.as_str(),
            join.as_str(),
            "user {user}: the stored token is the one sent"
        );
        assert_eq!(asked_later.path_part(LinkButton::Join), join_path);
        assert_eq!(asked_later.path_part(LinkButton::Stop), stop_path);
        seen.push(join);
    }
    seen.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    seen.dedup();
    assert_eq!(seen.len(), 5, "every invitee has their own link");

    // On DynamoDB the whole round writes twice: the reservation (slots, deliveries and the five
    // links) and the answers with the round's advance.
    if let Some(spent) = spent {
        assert_eq!(spent.write_requests, 2, "{spent:?}");
        assert_eq!(spent.transaction_retries, 0, "{spent:?}");
    }
}

/// A token that exists before the first round (made by a sweep that began the round and died
/// before sending) is the one the reminder carries: the first round's read does not look for
/// tokens, and the reservation finds the stored one instead of making another.
async fn a_token_made_before_the_first_round_is_the_one_sent(backend: Backend) {
    let Some(bed) = Bed::start(2, backend).await else {
        return;
    };
    let meeting = bed.meeting(&[1001, 1002], MeetingSetup::default()).await;
    let store = &bed.s.store.store;
    let earlier = store
        .ensure_link_token(
            bed.admin(),
            meeting,
            &bed.uuid(1001),
            bed.now() + chrono::Duration::days(1),
            bed.now(),
        )
        .await
        .unwrap();
    bed.advance(5);

    assert_eq!(bed.sweep().await.sent, 2);
    let reminder = bed.reminders(1001).await.pop().expect("a reminder");
    assert_eq!(
        button_path(&reminder, 0, "/j/"),
        earlier.path_part(LinkButton::Join)
    );
    let other = bed.reminders(1002).await.pop().expect("a reminder");
    assert_ne!(link_token(&other, 0, "/j/").as_str(), earlier.as_str());
}

app::on_both_backends!(
    a_first_tracked_round_makes_each_invitees_link_with_the_reservation,
    a_token_made_before_the_first_round_is_the_one_sent,
);
