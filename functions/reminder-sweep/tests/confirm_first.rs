//! Confirm-first meetings: the sweep prepares the round (quota held, nothing sent) and sends the
//! admin a memo with a one-tap link; approving sends exactly the prepared batch, once; what is
//! not approved before the meeting ends expires, recorded as never sent, its quota given back.

mod common;

use app::sweep::NotSent;
use app::testing::Backend;
use common::{Bed, MeetingSetup, SEND_PATH, SITE, text_of};
use domain::KstDay;
use domain::delivery::Round;
use domain::meeting::SendMode;
use domain::sweep::SkipReason;
use store::model::QuotaSubject;

fn confirm_first() -> MeetingSetup {
    MeetingSetup {
        mode: SendMode::ConfirmFirst,
        ..MeetingSetup::default()
    }
}

async fn the_admin_approves_and_exactly_the_prepared_batch_goes_once(backend: Backend) {
    let Some(bed) = Bed::start(4, backend).await else {
        return;
    };
    let meeting = bed.meeting(&[1001, 1002, 1003, 1004], confirm_first()).await;
    bed.advance(2);
    bed.joins_on_zoom(meeting, 1001).await;
    bed.advance(3);
    let report = bed.sweep().await;
    assert_eq!(
        (report.sent, report.prepared, report.memos),
        (0, 3, 1),
        "{report:?}"
    );
    assert_eq!(
        bed.requests_on(SEND_PATH).await,
        0,
        "nothing is sent before approval"
    );

    let memo = bed.admin_memos().await.pop().expect("a memo to the admin");
    let text = text_of(&memo);
    assert!(
        text.contains("1차 알림을 보낼까요?") && text.contains("3명"),
        "{text}"
    );
    for user in [1002, 1003, 1004] {
        assert!(text.contains(&bed.nickname(user)), "{text}");
    }
    assert_eq!(
        memo["template_object"]["buttons"][0]["link"]["web_url"],
        format!("{SITE}/meetings/{meeting}/rounds/1/send").as_str()
    );

    // 1002 joins before the admin taps: they are taken out, not nudged.
    bed.joins_on_zoom(meeting, 1002).await;
    let batch = bed
        .sweeper
        .prepared_batch(bed.admin(), meeting, Round::FIRST)
        .await
        .unwrap();
    assert_eq!(batch.recipients.len(), 3);
    assert!(
        batch
            .recipients
            .iter()
            .any(|r| r.friend == bed.uuid(1002) && r.joined)
    );
    let (approved, approval) = bed
        .sweeper
        .approve(bed.admin(), meeting, Round::FIRST)
        .await
        .unwrap();
    // The batch the approval returns (the result page names its recipients) is the one shown.
    assert_eq!(approved.recipients, batch.recipients);
    let mut sent = approval.sent.clone();
    sent.sort();
    let mut expected = vec![bed.uuid(1003), bed.uuid(1004)];
    expected.sort();
    assert_eq!(sent, expected);
    assert_eq!(
        approval.not_sent,
        [(bed.uuid(1002), NotSent::Skipped(SkipReason::Joined))]
    );
    assert_eq!(
        bed.delivery_state(meeting, 1002, 1).await.as_deref(),
        Some("cancelled")
    );
    for user in [1003, 1004] {
        assert_eq!(bed.reminders(user).await.len(), 1);
    }

    // A second tap (or a second device) sends nothing more.
    let (_, again) = bed
        .sweeper
        .approve(bed.admin(), meeting, Round::FIRST)
        .await
        .unwrap();
    assert!(again.nothing_happened(), "{again:?}");
    for user in [1001, 1002, 1003, 1004] {
        let expected = usize::from(user >= 1003);
        assert_eq!(bed.reminders(user).await.len(), expected, "user {user}");
    }
    // Another admin's meeting id is not found.
    assert!(matches!(
        bed.sweeper
            .approve(domain::KakaoUserId::new(4242).unwrap(), meeting, Round::FIRST)
            .await,
        Err(app::sweep::SweepError::MeetingNotFound)
    ));
}

async fn batches_not_approved_before_the_end_expire_unsent(backend: Backend) {
    let Some(bed) = Bed::start(2, backend).await else {
        return;
    };
    let meeting = bed.meeting(&[1001, 1002], confirm_first()).await;
    bed.advance(5);
    assert_eq!(bed.sweep().await.prepared, 2);
    bed.advance(10);
    assert_eq!(bed.sweep().await.prepared, 2, "round 2 is prepared too");
    assert_eq!(bed.admin_memos().await.len(), 2);
    let store = &bed.s.store.store;
    let day = KstDay::containing(bed.now());
    let sender = QuotaSubject::Sender(bed.admin());
    assert_eq!(
        store.quota_used(day, &sender).await.unwrap(),
        4,
        "prepared batches hold their quota"
    );
    let next = bed.next_round(meeting).await.expect("a closing visit at the end");
    assert_eq!(next.round, Round::new(3).unwrap());

    bed.advance(45); // the meeting's end
    let report = bed.sweep().await;
    assert_eq!((report.expired, report.sent), (4, 0), "{report:?}");
    assert_eq!(bed.next_round(meeting).await, None);
    for user in [1001, 1002] {
        for round in [1, 2] {
            assert_eq!(
                bed.delivery_state(meeting, user, round).await.as_deref(),
                Some("cancelled")
            );
        }
        assert!(bed.reminders(user).await.is_empty());
    }
    assert_eq!(
        store.quota_used(day, &sender).await.unwrap(),
        0,
        "the quota is given back"
    );

    let (_, late) = bed
        .sweeper
        .approve(bed.admin(), meeting, Round::FIRST)
        .await
        .unwrap();
    assert!(late.nothing_happened(), "{late:?}");
    assert_eq!(bed.requests_on(SEND_PATH).await, 0);
}

app::on_both_backends!(
    the_admin_approves_and_exactly_the_prepared_batch_goes_once,
    batches_not_approved_before_the_end_expire_unsent,
);
