//! The whole story, against the Kakao sandbox on SQLite and DynamoDB: a meeting starts, 3 of 5
//! invitees join (Zoom, and a tracked link), the sweep reminds the other 2, one of them joins
//! through the reminder's link, and the second round reminds the last one.

mod common;

use app::testing::Backend;
use common::{Bed, MeetingSetup, SEND_PATH, text_of};
use store::model::JoinSource;

async fn a_meeting_where_three_of_five_join_gets_two_reminders_then_one(backend: Backend) {
    let Some(bed) = Bed::start(5, backend).await else {
        return;
    };
    let meeting = bed
        .meeting(&[1001, 1002, 1003, 1004, 1005], MeetingSetup::default())
        .await;
    assert_eq!(bed.sweep().await.due, 0, "nothing is due before the first round");

    bed.advance(2);
    bed.joins_on_zoom(meeting, 1001).await;
    bed.joins_on_zoom(meeting, 1002).await;
    // 1003 opens the personal link the admin shared with the invitation (/j/{token}).
    let store = &bed.s.store.store;
    let token = store
        .ensure_link_token(
            bed.admin(),
            meeting,
            &bed.uuid(1003),
            bed.now() + chrono::Duration::days(1),
            bed.now(),
        )
        .await
        .unwrap();
    let target = store.resolve_link_token(&token, bed.now()).await.unwrap();
    store
        .record_join(
            target.admin,
            target.meeting,
            &target.friend,
            bed.now(),
            JoinSource::Link,
        )
        .await
        .unwrap();

    bed.advance(3); // +5 minutes: round 1
    let first = bed.sweep().await;
    assert_eq!((first.due, first.sent), (1, 2), "{first:?}");
    assert_eq!(first.skipped_total(), 3, "three joined");
    for (user, expected) in [(1001, 0), (1002, 0), (1003, 0), (1004, 1), (1005, 1)] {
        assert_eq!(bed.reminders(user).await.len(), expected, "user {user}");
    }
    let message = bed.reminders(1004).await.remove(0);
    assert!(
        text_of(&message).starts_with(&format!("{}님, '수학 수업'", bed.nickname(1004))),
        "{message}"
    );
    assert_eq!(
        message["template_object"]["buttons"][1]["title"],
        app::sweep::message::STOP_BUTTON
    );
    assert_eq!(
        bed.requests_on(SEND_PATH).await,
        2,
        "personal messages go one per call"
    );
    assert_eq!(
        bed.delivery_state(meeting, 1004, 1).await.as_deref(),
        Some("sent")
    );

    bed.advance(2);
    assert_eq!(bed.taps_join_in_latest_reminder(1004).await, meeting);

    bed.advance(8); // +15 minutes: round 2
    let second = bed.sweep().await;
    assert_eq!(second.sent, 1, "{second:?}");
    assert_eq!(bed.reminders(1004).await.len(), 1, "1004 joined through the link");
    assert_eq!(bed.reminders(1005).await.len(), 2, "1005 is reminded again");
    assert_eq!(
        bed.next_round(meeting).await,
        None,
        "no rounds left: out of the due index"
    );

    bed.advance(10);
    let after = bed.sweep().await;
    assert_eq!((after.due, after.sent), (0, 0));
}

app::on_both_backends!(a_meeting_where_three_of_five_join_gets_two_reminders_then_one);
