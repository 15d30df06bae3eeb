//! Quiet hours (default 22:00-08:00 in the meeting's zone): a round due in them is skipped, not
//! moved, and a sweep that runs late into them sends nothing.

mod common;

use app::testing::Backend;
use chrono::{TimeZone, Utc};
use common::{Bed, MeetingSetup};
use domain::QuotaLimits;
use domain::meeting::QuietHours;
use kakao_sandbox::World;

fn seoul(h: u32, m: u32) -> chrono::DateTime<Utc> {
    chrono_tz::Asia::Seoul
        .with_ymd_and_hms(2026, 11, 21, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn nights() -> MeetingSetup {
    MeetingSetup {
        offsets: vec![5, 15, 40],
        quiet: QuietHours::default_window(),
        ..MeetingSetup::default()
    }
}

async fn rounds_in_quiet_hours_are_skipped_and_a_late_sweep_inside_them_sends_nothing(backend: Backend) {
    let Some(bed) = Bed::start_at(
        World::with_friends(2),
        backend,
        QuotaLimits::KAKAO,
        Some(seoul(21, 50)),
        |s| s,
    )
    .await
    else {
        return;
    };
    // 21:50: +5 (21:55) goes; +15 (22:05) and +40 (22:30) fall in quiet hours.
    let meeting = bed.meeting(&[1001], nights()).await;
    bed.advance(5);
    assert_eq!(bed.sweep().await.sent, 1);
    assert_eq!(
        bed.next_round(meeting).await,
        None,
        "the quiet rounds are not moved"
    );
    bed.advance(10); // 22:05
    assert_eq!(bed.sweep().await.due, 0);
    assert_eq!(bed.reminders(1001).await.len(), 1);

    // A meeting at 21:52 whose +5 round (21:57) is only swept at 22:01: quiet by then.
    bed.set_time(seoul(21, 52));
    let late = bed.meeting(&[1002], nights()).await;
    bed.set_time(seoul(22, 1));
    let report = bed.sweep().await;
    assert_eq!(report.sent, 0);
    let skipped: Vec<_> = report.skipped.iter().map(|(r, n)| (r.as_str(), *n)).collect();
    assert_eq!(skipped, [("quiet_hours", 1)]);
    assert!(bed.reminders(1002).await.is_empty());
    assert_eq!(bed.delivery_state(late, 1002, 1).await, None, "nothing reserved");
    assert_eq!(bed.next_round(late).await, None);
}

app::on_both_backends!(rounds_in_quiet_hours_are_skipped_and_a_late_sweep_inside_them_sends_nothing);
