//! The round summary (optional per admin): after each round the admin who asked for it gets a
//! memo in KakaoTalk: reminded N, joined since M, could not reach K and why. Others get none.

mod common;

use app::testing::Backend;
use common::{Bed, MEMO_PATH, MeetingSetup, text_of};
use store::model::AdminPreferences;

async fn an_admin_who_asked_gets_a_memo_after_each_round(backend: Backend) {
    let Some(bed) = Bed::start(4, backend).await else {
        return;
    };
    let meeting = bed
        .meeting(&[1001, 1002, 1003, 1004], MeetingSetup::default())
        .await;
    // 1004 asked this admin to stop.
    bed.s
        .store
        .store
        .record_opt_out(
            bed.admin(),
            &bed.uuid(1004),
            store::model::OptOutSource::Onboarding,
            bed.now(),
        )
        .await
        .unwrap();
    bed.advance(5);
    bed.sweep().await;
    assert!(
        bed.admin_memos().await.is_empty(),
        "no summary unless the admin asks"
    );
    assert_eq!(bed.requests_on(MEMO_PATH).await, 0);

    let on = AdminPreferences {
        round_summary: Some(true),
        ..Default::default()
    };
    bed.s
        .store
        .store
        .set_preferences(bed.admin(), &on, bed.now())
        .await
        .unwrap();
    bed.advance(2);
    bed.joins_on_zoom(meeting, 1001).await;
    bed.advance(8); // round 2
    let report = bed.sweep().await;
    assert_eq!((report.sent, report.memos), (2, 1), "{report:?}");
    let memo = bed.admin_memos().await.pop().expect("the summary memo");
    assert_eq!(
        text_of(&memo),
        "[똑똑] '수학 수업' 2차 알림 결과: 2명에게 보냄, 지난 알림 뒤 1명 참여, 1명 못 보냄 (알림 거부 1)."
    );
    assert_eq!(
        memo["template_object"]["buttons"][0]["link"]["web_url"],
        format!("{}/meetings/{meeting}", common::SITE).as_str()
    );
}

app::on_both_backends!(an_admin_who_asked_gets_a_memo_after_each_round);
