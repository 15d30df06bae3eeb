//! Kakao stopping the whole app (`-12` blocked, `-13` suspended for long disuse): the first
//! refusal stops sending for every admin at once (recorded app-wide, shown on dashboards,
//! counted as an alarm metric); while it stands nothing is sent and Kakao is not asked again
//! for 15 minutes; once Kakao serves the app again, one cheap probe lets sending resume.

mod common;

use app::testing::Backend;
use common::{Bed, MeetingSetup, SEND_PATH};
use domain::KakaoAppStop;
use domain::sweep::SkipReason;
use kakao_sandbox::AppStanding;

const TOKEN_INFO_PATH: &str = "/v1/user/access_token_info";

fn one_round() -> MeetingSetup {
    MeetingSetup {
        offsets: vec![5],
        ..MeetingSetup::default()
    }
}

fn stopped(report: &app::sweep::SweepReport) -> usize {
    report
        .skipped
        .get(&SkipReason::KakaoAppStopped)
        .copied()
        .unwrap_or(0)
}

async fn a_stopped_app_sends_nothing_to_anyone_until_kakao_serves_it_again(backend: Backend) {
    let Some(bed) = Bed::start(6, backend).await else {
        return;
    };
    let store = bed.s.store.store.clone();
    let first = bed.meeting(&[1001, 1002], one_round()).await;
    let second = bed.meeting(&[1003], one_round()).await;
    bed.s.set_app_standing(AppStanding::Suspended).await;
    bed.advance(5);
    let stopped_at = bed.now();

    // The first batch meets -13 (nothing sent, slots back); everyone after it is skipped.
    let report = bed.sweep().await;
    assert!(report.kakao_app_stopped, "{report:?}");
    assert_eq!(report.sent, 0);
    let failed = report.failed.get(&-13).copied().unwrap_or(0);
    assert!(failed >= 1, "{report:?}");
    assert_eq!(failed + stopped(&report), 3, "{report:?}");
    for meeting in [first, second] {
        for delivery in bed.deliveries(meeting).await {
            assert_eq!(delivery.state.to_string(), "failed(-13)");
            assert!(!delivery.holds_quota, "Kakao counted nothing");
        }
    }
    let stop = store.kakao_app_stop().await.unwrap().expect("recorded app-wide");
    assert_eq!((stop.stop, stop.since), (KakaoAppStop::Suspended, stopped_at));
    for user in 1001..=1003 {
        assert!(bed.reminders(user).await.is_empty());
    }

    // A meeting due five minutes into the stop: skipped without asking Kakao at all.
    let third = bed.meeting(&[1004], one_round()).await;
    bed.advance(5);
    let (sends, probes) = (
        bed.requests_on(SEND_PATH).await,
        bed.requests_on(TOKEN_INFO_PATH).await,
    );
    let report = bed.sweep().await;
    assert!(report.kakao_app_stopped);
    assert_eq!((report.sent, stopped(&report)), (0, 1), "{report:?}");
    assert_eq!(bed.requests_on(SEND_PATH).await, sends, "no send while stopped");
    assert_eq!(
        bed.requests_on(TOKEN_INFO_PATH).await,
        probes,
        "no probe before 15 minutes"
    );
    assert_eq!(bed.delivery_state(third, 1004, 1).await, None);

    // Kakao restores the app. Fifteen minutes after the stop was last confirmed, one probe
    // finds it served, the stop is cleared and the next round goes out.
    bed.s.set_app_standing(AppStanding::Active).await;
    let fourth = bed.meeting(&[1005], one_round()).await;
    bed.advance(10);
    let report = bed.sweep().await;
    assert!(!report.kakao_app_stopped, "{report:?}");
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(bed.requests_on(TOKEN_INFO_PATH).await, probes + 1, "one probe");
    assert_eq!(store.kakao_app_stop().await.unwrap(), None);
    assert_eq!(bed.reminders(1005).await.len(), 1);
    assert_eq!(bed.delivery_state(fourth, 1005, 1).await.as_deref(), Some("sent"));
}

async fn a_probe_that_meets_the_stop_again_waits_another_interval(backend: Backend) {
    let Some(bed) = Bed::start(3, backend).await else {
        return;
    };
    let store = bed.s.store.store.clone();
    bed.s.set_app_standing(AppStanding::Blocked).await;
    bed.meeting(&[1001], one_round()).await;
    bed.advance(5);
    assert!(bed.sweep().await.kakao_app_stopped);

    bed.meeting(&[1002], one_round()).await;
    bed.advance(15);
    let probes = bed.requests_on(TOKEN_INFO_PATH).await;
    let report = bed.sweep().await;
    assert_eq!((report.sent, stopped(&report)), (0, 1), "{report:?}");
    assert_eq!(bed.requests_on(TOKEN_INFO_PATH).await, probes + 1, "asked once");
    let stop = store.kakao_app_stop().await.unwrap().unwrap();
    assert_eq!(stop.stop, KakaoAppStop::Blocked);
    assert_eq!(
        stop.checked_at,
        bed.now(),
        "confirmed now: the next probe is 15 minutes away"
    );
    assert!(bed.reminders(1002).await.is_empty());
}

app::on_both_backends!(
    a_stopped_app_sends_nothing_to_anyone_until_kakao_serves_it_again,
    a_probe_that_meets_the_stop_again_waits_another_interval,
);
