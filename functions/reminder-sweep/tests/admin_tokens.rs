//! Token care in the sweep: an admin who needs a login or consent has their reminders skipped
//! with that reason (never sent, quota given back), and is marked so the dashboard shows it.

mod common;

use app::testing::{Backend, Scenario};
use common::{Bed, MeetingSetup, SEND_PATH};
use store::model::AdminStatus;

fn skipped(report: &app::sweep::SweepReport) -> Vec<(&'static str, usize)> {
    report.skipped.iter().map(|(r, n)| (r.as_str(), *n)).collect()
}

async fn an_admin_marked_as_needing_a_login_is_skipped_without_reserving(backend: Backend) {
    let Some(bed) = Bed::start(2, backend).await else {
        return;
    };
    let store = &bed.s.store.store;
    store
        .set_admin_status(Scenario::admin(), AdminStatus::NeedsLogin, bed.now())
        .await
        .unwrap();
    let meeting = bed.meeting(&[1001, 1002], MeetingSetup::default()).await;
    bed.advance(5);
    let report = bed.sweep().await;
    assert_eq!(skipped(&report), [("admin_needs_login", 2)]);
    assert!(bed.deliveries(meeting).await.is_empty(), "nothing reserved");
    assert_eq!(bed.next_round(meeting).await.map(|n| n.round.get()), Some(2));
}

async fn a_login_that_died_at_kakao_is_found_at_send_time(backend: Backend) {
    let Some(bed) = Bed::start(2, backend).await else {
        return;
    };
    let meeting = bed.meeting(&[1001, 1002], MeetingSetup::default()).await;
    bed.advance(5);
    // The admin disconnected ttokttok in KakaoTalk: every token is dead (-401, then KOE322).
    bed.s.unlink_at_kakao(Scenario::ADMIN).await;
    let report = bed.sweep().await;
    assert_eq!(report.sent, 0);
    assert_eq!(skipped(&report), [("admin_needs_login", 2)], "{report:?}");
    for user in [1001, 1002] {
        assert_eq!(
            bed.delivery_state(meeting, user, 1).await.as_deref(),
            Some("cancelled")
        );
    }
    let admin = bed.s.store.store.get_admin(Scenario::admin()).await.unwrap();
    assert_eq!(admin.status, AdminStatus::NeedsLogin);
    // The next round does not even try.
    let calls = bed.requests_on(SEND_PATH).await;
    bed.advance(10);
    let next = bed.sweep().await;
    assert_eq!(skipped(&next), [("admin_needs_login", 2)]);
    assert_eq!(bed.requests_on(SEND_PATH).await, calls);
}

app::on_both_backends!(
    an_admin_marked_as_needing_a_login_is_skipped_without_reserving,
    a_login_that_died_at_kakao_is_found_at_send_time,
);
